import { describe, expect, it } from "vitest";
import { COMMENT_SORT_MAP, SEARCH_SORT_MAP, TIME_FILTER_MAP, TOPIC_SORT_MAP } from "../../src/catalog/filters.js";
import { InvalidInputError } from "../../src/core/errors.js";
import { planRoutes, requireRoutes } from "../../src/failover/router.js";

const seriesOf = (plan: ReturnType<typeof planRoutes>) => plan.routes.map((r) => r.series);

describe("router: eligible series per capability", () => {
  it("orders app_v2, app_v1, web_v3 by default and honours a custom order", () => {
    expect(seriesOf(planRoutes({ capability: "user" }))).toEqual(["app_v2", "app_v1", "web_v3"]);
    expect(seriesOf(planRoutes({ capability: "user", order: ["web_v3", "app_v2"] }))).toEqual(["web_v3", "app_v2"]);
  });

  it("never uses App V1 for a video note, and App V2 only through its video endpoint", () => {
    const plan = planRoutes({ capability: "note", noteType: "video", xsecToken: "tok" });
    expect(seriesOf(plan)).toEqual(["app_v2", "web_v3"]);
    expect(plan.routes[0]!.endpoints.map((e) => e.name)).toEqual(["app_v2/get_video_note_detail"]);
    expect(plan.skipped[0]!.series).toBe("app_v1");
  });

  it("keeps both App V2 note endpoints, image first, when the type is unknown", () => {
    const plan = planRoutes({ capability: "note" });
    expect(plan.routes[0]!.endpoints.map((e) => e.name)).toEqual([
      "app_v2/get_image_note_detail",
      "app_v2/get_video_note_detail",
    ]);
  });

  it("uses Web V3 for notes, comments and replies only with an xsec_token", () => {
    for (const capability of ["note", "comments", "replies"] as const) {
      expect(seriesOf(planRoutes({ capability }))).not.toContain("web_v3");
      expect(seriesOf(planRoutes({ capability, xsecToken: "AB" }))).toContain("web_v3");
    }
    // Web V3's user and search endpoints need none.
    expect(seriesOf(planRoutes({ capability: "searchNotes" }))).toContain("web_v3");
    expect(seriesOf(planRoutes({ capability: "userNotes" }))).toContain("web_v3");
  });

  it("knows what each series lacks: App V1 user search and favourites, Web V3 topics", () => {
    expect(seriesOf(planRoutes({ capability: "searchUsers" }))).toEqual(["app_v2", "web_v3"]);
    expect(seriesOf(planRoutes({ capability: "userFavorites" }))).toEqual(["app_v2"]);
    expect(seriesOf(planRoutes({ capability: "topicNotes" }))).toEqual(["app_v2", "app_v1"]);
    expect(seriesOf(planRoutes({ capability: "topic" }))).toEqual(["app_v2"]);
  });

  it("skips a series that cannot honour a filter, unless degraded results are accepted", () => {
    const filters = [{ name: "sort", table: SEARCH_SORT_MAP, value: "most_commented", neutral: "general" }];
    const strict = planRoutes({ capability: "searchNotes", filters });
    expect(seriesOf(strict)).toEqual(["app_v2", "app_v1"]);
    expect(strict.skipped).toEqual([
      { series: "web_v3", reason: "web_v3 cannot honour sort=most_commented", filter: true },
    ]);
    expect(strict.routes[0]!.filterParams).toEqual({ sort_type: "comment_descending" });

    const lenient = planRoutes({ capability: "searchNotes", filters, acceptDegraded: true });
    expect(seriesOf(lenient)).toEqual(["app_v2", "app_v1", "web_v3"]);
    expect(lenient.routes[2]!.filterParams).toEqual({});
    expect(lenient.routes[2]!.degradedReasons).toEqual(["web_v3 cannot honour sort=most_commented"]);
  });

  it("maps filters per series, sending nothing for a neutral value on a series without that filter", () => {
    const time = [{ name: "time", table: TIME_FILTER_MAP, value: "all", neutral: "all" }];
    const plan = planRoutes({ capability: "searchNotes", filters: time });
    expect(plan.routes.map((r) => r.filterParams)).toEqual([{ time_filter: "不限" }, { filter_note_time: "不限" }, {}]);
    const comments = [{ name: "sort", table: COMMENT_SORT_MAP, value: "latest", neutral: "default" }];
    expect(
      planRoutes({ capability: "comments", filters: comments, xsecToken: "t" }).routes.map((r) => r.filterParams),
    ).toEqual([{ sort_strategy: "latest_v2" }, { sort_strategy: "2" }]);
    const topic = [{ name: "sort", table: TOPIC_SORT_MAP, value: "general", neutral: "general" }];
    expect(seriesOf(planRoutes({ capability: "topicNotes", filters: topic }))).toEqual(["app_v1"]);
  });

  it("says clearly, before any call, when no series can serve the call", () => {
    expect(() => requireRoutes({ capability: "note", order: ["web_v3"] })).toThrow(InvalidInputError);
    expect(() => requireRoutes({ capability: "note", order: ["web_v3"] })).toThrow(/xsec_token/);
    expect(() => requireRoutes({ capability: "searchUsers", order: ["app_v1"] })).toThrow(
      /no endpoint for searchUsers/,
    );
    expect(() => requireRoutes({ capability: "user", order: ["app_v9" as never] })).toThrow(/Unknown series/);
  });

  it("suggests accepting degraded results only when a filter is what left no series", () => {
    const filters = [{ name: "sort", table: SEARCH_SORT_MAP, value: "most_commented", neutral: "general" }];
    expect(() => requireRoutes({ capability: "searchNotes", filters, order: ["web_v3"] })).toThrow(/acceptDegraded/);
    // A missing xsec_token is the reason here: no filter to give up would change that.
    const comments = [{ name: "sort", table: COMMENT_SORT_MAP, value: "latest", neutral: "default" }];
    let error: unknown;
    try {
      requireRoutes({ capability: "comments", filters: comments, order: ["web_v3"] });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InvalidInputError);
    expect((error as Error).message).toMatch(/xsec_token/);
    expect((error as Error).message).not.toMatch(/acceptDegraded/);
  });
});
