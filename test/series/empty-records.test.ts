/**
 * A detail answer with no identifying content is an empty payload, not a record. Profiles and topic pages
 * name their record by the requested id, so `data.data: {}` used to become a user (or topic) of nulls.
 */
import { describe, expect, it } from "vitest";
import { UpstreamError } from "../../src/core/errors.js";
import { normalize } from "../../src/series/normalize.js";

const USER = "620c04280000000088ad8e3a";
const NOTE = "697c0eee000000000a03c308";
const TOPIC = "5c1a2b3c4d5e6f7a8b9c0d1e";

function envelope(payload: unknown, params: Record<string, string>) {
  return { code: 200, params, data: { code: 0, success: true, msg: "成功", data: payload } };
}

function expectEmptyPayload(run: () => unknown): void {
  let caught: unknown;
  try {
    run();
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(UpstreamError);
  expect((caught as UpstreamError).emptyPayload).toBe(true);
}

describe("detail answers with no identifying content are empty payloads", () => {
  const userEndpoints = ["app_v2/get_user_info", "app/get_user_info", "web_v3/fetch_user_info"];

  it.each(userEndpoints)("%s: `data.data: {}` is no user", (endpoint) => {
    expectEmptyPayload(() => normalize(endpoint, envelope({}, { user_id: USER })));
  });

  it.each(userEndpoints)("%s: a profile of blanks (no nickname, no red id) is no user", (endpoint) => {
    const blank = { userid: "", nickname: "", red_id: "", basic_info: { nickname: " ", red_id: "" }, interactions: [] };
    expectEmptyPayload(() => normalize(endpoint, envelope(blank, { user_id: USER })));
  });

  it("a profile that names the user is still a user (the id from the request)", () => {
    const web = normalize("web_v3/fetch_user_info", envelope({ basic_info: { nickname: "小红" } }, { user_id: USER }));
    expect(web.items).toMatchObject([{ id: USER, nickname: "小红" }]);
    const app = normalize("app_v2/get_user_info", envelope({ red_id: "9527" }, { user_id: USER }));
    expect(app.items).toMatchObject([{ id: USER, redId: "9527" }]);
  });

  it("app_v2/get_topic_info: `data.data: {}` or a page_info without a name is no topic", () => {
    expectEmptyPayload(() => normalize("app_v2/get_topic_info", envelope({}, { page_id: TOPIC })));
    expectEmptyPayload(() =>
      normalize("app_v2/get_topic_info", envelope({ page_info: { view_num: 3 } }, { page_id: TOPIC })),
    );
    const named = normalize("app_v2/get_topic_info", envelope({ page_info: { name: "穿搭" } }, { page_id: TOPIC }));
    expect(named.items).toMatchObject([{ id: TOPIC, name: "穿搭" }]);
  });

  it("note detail: a candidate with an id and nothing else is no note, on every series", () => {
    const params = { note_id: NOTE, xsec_token: "ABtoken" };
    expectEmptyPayload(() =>
      normalize("web_v3/fetch_note_detail", envelope({ items: [{ id: NOTE, note_card: {} }] }, params)),
    );
    expectEmptyPayload(() =>
      normalize("app_v2/get_image_note_detail", envelope([{ note_list: [{ id: NOTE }] }], params)),
    );
    expectEmptyPayload(() => normalize("app_v2/get_video_note_detail", envelope([{ id: NOTE, title: "" }], params)));
    expectEmptyPayload(() => normalize("app/get_note_info", envelope([{ note_list: [{ note_id: NOTE }] }], params)));
    // One field of its own is enough: it is a note (maybe a thin one), not a shell.
    const titled = normalize(
      "web_v3/fetch_note_detail",
      envelope({ items: [{ id: NOTE, note_card: { title: "t" } }] }, params),
    );
    expect(titled.items).toMatchObject([{ id: NOTE, title: "t" }]);
  });
});
