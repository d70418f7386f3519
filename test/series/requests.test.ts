/**
 * Each series builds its own requests (src/series/<series>/requests.ts): a builder for exactly the
 * capabilities the catalogue gives the series an endpoint for, with the parameters that endpoint takes.
 */
import { describe, expect, it } from "vitest";
import { ENDPOINTS, endpointsFor } from "../../src/catalog/endpoints.js";
import { SERIES } from "../../src/core/vocabulary.js";
import { buildsRequest, requestParams, SHARE_LINK_RESOLVERS, seriesTraits } from "../../src/series/registry.js";
import type { RequestFor } from "../../src/series/types.js";

const NOTE = "64a1b2c3d4e5f60718293a4b";
const USER = "5f0e1d2c3b4a596877665544";

const REQUESTS: RequestFor[] = [
  { capability: "note", noteId: NOTE, xsecToken: "tok" },
  { capability: "user", userId: USER },
  { capability: "topic", pageId: "5c0e1d2c3b4a5968" },
  { capability: "userNotes", userId: USER },
  { capability: "userFavorites", userId: USER },
  { capability: "comments", noteId: NOTE, xsecToken: "tok" },
  { capability: "replies", noteId: NOTE, xsecToken: "tok", commentId: "65a1b2c3d4e5f60718293a4c" },
  { capability: "searchNotes", keyword: "咖啡" },
  { capability: "searchUsers", keyword: "咖啡" },
  { capability: "topicNotes", pageId: "5c0e1d2c3b4a5968", now: 1_700_000_000_000 },
];

describe("series request builders", () => {
  it("build a request exactly where the catalogue has an endpoint, with parameters that endpoint takes", () => {
    for (const series of SERIES) {
      for (const request of REQUESTS) {
        const endpoints = endpointsFor(request.capability, series);
        expect(buildsRequest(series, request.capability), `${series} ${request.capability}`).toBe(endpoints.length > 0);
        if (endpoints.length === 0) {
          expect(() => requestParams(series, request)).toThrow(/builds no/);
          continue;
        }
        const params = requestParams(series, request);
        for (const endpoint of endpoints) {
          const known = new Set(endpoint.params.map((p) => p.name));
          for (const name of Object.keys(params)) expect(known, `${endpoint.name} takes ${name}`).toContain(name);
        }
      }
    }
  });

  it("send the note's token only where the series needs it, and a reply's thread by each series' name", () => {
    const withToken = { capability: "comments", noteId: NOTE, xsecToken: "tok" } as const;
    expect(requestParams("web_v3", withToken)).toEqual({ note_id: NOTE, xsec_token: "tok" });
    expect(requestParams("web_v3", { ...withToken, xsecToken: null })).toEqual({ note_id: NOTE });
    expect(requestParams("app_v2", withToken)).toEqual({ note_id: NOTE });
    const reply = { capability: "replies", noteId: NOTE, xsecToken: "tok", commentId: "c1" } as const;
    expect(requestParams("web_v3", reply)).toEqual({ note_id: NOTE, xsec_token: "tok", root_comment_id: "c1" });
    expect(requestParams("app_v1", reply)).toEqual({ note_id: NOTE, comment_id: "c1" });
    const topic = { capability: "topicNotes", pageId: "p1", now: 1_700_000_000_000 } as const;
    expect(requestParams("app_v1", topic)).toEqual({ page_id: "p1", first_load_time: "1700000000000" });
    expect(requestParams("app_v2", topic)).toEqual({ page_id: "p1" });
  });

  it("resolve share links through catalogue endpoints, App V1's tools first", () => {
    expect(SHARE_LINK_RESOLVERS.map((r) => r.series)).toEqual(["app_v1", "app_v2"]);
    for (const resolver of SHARE_LINK_RESOLVERS) {
      for (const kind of ["note", "user"] as const) {
        const { endpoint, params } = resolver.request(kind, "http://xhslink.com/a/x");
        expect(ENDPOINTS).toContain(endpoint);
        expect(endpoint.series).toBe(resolver.series);
        expect(Object.values(params)).toEqual(["http://xhslink.com/a/x"]);
      }
    }
    const [tools, detail] = SHARE_LINK_RESOLVERS as [
      (typeof SHARE_LINK_RESOLVERS)[number],
      (typeof SHARE_LINK_RESOLVERS)[number],
    ];
    const link = { kind: "user", id: USER, xsecToken: "t", url: null };
    expect(tools.read("note", [link])).toBeNull();
    expect(tools.read("user", [link])?.url).toBe(
      `https://www.xiaohongshu.com/user/profile/${USER}?xsec_token=t&xsec_source=pc_feed`,
    );
    expect(detail.read("note", [{ id: NOTE, xsecToken: null }])).toEqual({
      kind: "note",
      id: NOTE,
      xsecToken: null,
      url: `https://www.xiaohongshu.com/explore/${NOTE}`,
    });
    expect(detail.read("note", [])).toBeNull();
  });

  it("say where a series' answers differ: only App V2 has the image-then-video probe and topic not-found wording", () => {
    expect(SERIES.filter((s) => seriesTraits(s).emptyImageDetailMeansVideo)).toEqual(["app_v2"]);
    expect(seriesTraits("app_v2").notFoundVotes.topic?.test("服务异常")).toBe(true);
    expect(seriesTraits("app_v2").notFoundVotes.note).toBeUndefined();
    expect(SERIES.filter((s) => seriesTraits(s).lossyCommentPaging?.sort === "default")).toEqual(["app_v2"]);
  });
});
