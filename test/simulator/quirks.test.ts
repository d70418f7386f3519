/** The real API's quirks (each switchable), deleted notes, and the 404 / 422 / 400 answers. */
import { describe, expect, it } from "vitest";
import {
  createSimulatorCore,
  renderEmptyPayload,
  renderEnvelope,
  renderInnerFailure,
} from "../../src/simulator/core.js";
import { GUIDE, type WorldNote } from "../../src/simulator/world/index.js";

// biome-ignore lint/suspicious/noExplicitAny: answers are checked by the assertions below.
type Json = any;

const core = createSimulatorCore({ seed: 3, size: "tiny" });
const w = core.world;

function get(c: typeof core, endpoint: string, query: Record<string, string>): { status: number; body: Json } {
  const r = c.handle({ path: `/api/v1/xiaohongshu/${endpoint}`, query });
  return { status: r.status, body: typeof r.body === "string" ? JSON.parse(r.body) : r.body };
}

const imageNote = w.note(GUIDE.imageNoteId) as WorldNote;
const videoNote = w.note(GUIDE.replyNoteId) as WorldNote;
const deleted = w.notes().find((n) => n.deleted) as WorldNote;
const restricted = w.notes().find((n) => n.webRestricted) ?? null;

describe("App V2 detail quirks", () => {
  it("get_video_note_detail on an image note: 200, success:true, and only *other* notes", () => {
    const { status, body } = get(core, "app_v2/get_video_note_detail", { note_id: imageNote.id });
    expect(status).toBe(200);
    expect(body.data.success).toBe(true);
    expect(body.data.data.length).toBeGreaterThan(0);
    expect(body.data.data.map((n: Json) => n.id)).not.toContain(imageNote.id);
  });

  it("get_image_note_detail on a video note: an empty note_list", () => {
    const { body } = get(core, "app_v2/get_image_note_detail", { note_id: videoNote.id });
    expect(body.data.success).toBe(true);
    expect(body.data.data[0].note_list).toEqual([]);
  });

  it("with the quirks off, each endpoint answers the note asked for", () => {
    const plain = createSimulatorCore({
      seed: 3,
      size: "tiny",
      quirks: { videoDetailOnImageNote: false, imageDetailOnVideoNote: false },
    });
    expect(get(plain, "app_v2/get_video_note_detail", { note_id: imageNote.id }).body.data.data[0].id).toBe(
      imageNote.id,
    );
    expect(
      get(plain, "app_v2/get_image_note_detail", { note_id: videoNote.id }).body.data.data[0].note_list[0].id,
    ).toBe(videoNote.id);
  });

  it("the right endpoint answers the right note, with desc in full and the video's id as a string", () => {
    const img = get(core, "app_v2/get_image_note_detail", { note_id: imageNote.id }).body.data.data[0].note_list[0];
    expect(img.id).toBe(imageNote.id);
    expect(img.desc).toBe(imageNote.desc);
    const vid = get(core, "app_v2/get_video_note_detail", { note_id: videoNote.id }).body.data.data[0];
    expect(vid.id).toBe(videoNote.id);
    expect(vid.video_info_v2.media.video_id).toBe(videoNote.video?.videoId);
  });

  it("share_text resolves long and short links to the note", () => {
    for (const share of [
      w.noteUrl(imageNote),
      `分享一篇 http://xhslink.com/o/${imageNote.shortCode} 复制打开`,
      `https://xhslink.cn/a/${imageNote.shortCode}`,
    ]) {
      const { body } = get(core, "app_v2/get_image_note_detail", { share_text: share });
      expect(body.data.data[0].note_list[0].id).toBe(imageNote.id);
    }
  });
});

describe("search answers carry video_id as an 18-digit JSON number", () => {
  it("the raw text holds all digits; JSON.parse loses precision as real clients do", () => {
    const r = core.handle({
      path: "/api/v1/xiaohongshu/app_v2/search_notes",
      query: { keyword: "美食推荐", note_type: "视频笔记" },
    });
    expect(typeof r.body).toBe("string");
    const text = r.body as string;
    const first = JSON.parse(text).data.data.items[0].note;
    const truth = w.note(first.id)?.video?.videoId as string;
    expect(truth).toMatch(/^\d{18}$/);
    expect(text).toContain(`"video_id":${truth}`);
    expect(typeof first.video_info_v2.media.video_id).toBe("number");
    expect([...first.desc].length).toBeLessThanOrEqual(60);
  });
});

describe("Web V3 xsec_token rules", () => {
  const q = { note_id: imageNote.id };
  for (const endpoint of ["web_v3/fetch_note_detail", "web_v3/fetch_note_comments"]) {
    it(`${endpoint}: missing → 422, empty → 400, wrong → 200 + success:false "当前笔记暂时无法浏览", right → the note`, () => {
      const missing = get(core, endpoint, q);
      expect(missing.status).toBe(422);
      expect(missing.body.detail[0].loc).toEqual(["query", "xsec_token"]);
      const empty = get(core, endpoint, { ...q, xsec_token: "" });
      expect(empty.status).toBe(400);
      expect(empty.body.detail.code).toBe(400);
      const wrong = get(core, endpoint, { ...q, xsec_token: "ABxxxxxxxxxxxxxx" });
      expect(wrong.status).toBe(200);
      expect(wrong.body.data.success).toBe(false);
      expect(wrong.body.data.msg).toBe("当前笔记暂时无法浏览");
      const right = get(core, endpoint, { ...q, xsec_token: imageNote.xsecToken });
      expect(right.body.data.success).toBe(true);
    });
  }

  it("fetch_sub_comments follows the same rules; with the quirk off any token passes", () => {
    const root = w.comments(videoNote.id)[0]?.id as string;
    expect(get(core, "web_v3/fetch_sub_comments", { note_id: videoNote.id, root_comment_id: root }).status).toBe(422);
    const lax = createSimulatorCore({ seed: 3, size: "tiny", quirks: { webV3NeedsToken: false } });
    const ans = get(lax, "web_v3/fetch_note_detail", { note_id: imageNote.id });
    expect(ans.status).toBe(200);
    expect(ans.body.data.data.items[0].id).toBe(imageNote.id);
  });

  it("web counts are strings, abbreviated from 10,000 on", () => {
    const card = get(core, "web_v3/fetch_note_detail", { note_id: imageNote.id, xsec_token: imageNote.xsecToken }).body
      .data.data.items[0].note_card;
    expect(imageNote.likes).toBeGreaterThan(10_000);
    expect(card.interact_info.liked_count).toMatch(/^\d+(\.\d)?万$/);
    expect(card.time).toBe(imageNote.time * 1000);
  });
});

describe("deleted and restricted notes", () => {
  it("each series answers a deleted note its own way (HTTP 200, inner failure)", () => {
    expect(deleted).toBeDefined();
    const v2 = get(core, "app_v2/get_image_note_detail", { note_id: deleted.id }).body.data;
    expect(v2).toMatchObject({ success: false, msg: "服务异常" });
    const v1 = get(core, "app/get_note_info", { note_id: deleted.id }).body.data;
    expect(v1).toMatchObject({ success: false, code: -510001 });
    const web = get(core, "web_v3/fetch_note_detail", { note_id: deleted.id, xsec_token: deleted.xsecToken }).body.data;
    expect(web).toMatchObject({ success: false, msg: "当前笔记暂时无法浏览" });
    expect(w.userNotes(deleted.userId).map((n) => n.id)).not.toContain(deleted.id);
    expect(w.search(deleted.keywords[0] ?? "").map((n) => n.id)).not.toContain(deleted.id);
  });

  it("with deletedNotes off, a deleted note answers normally", () => {
    const plain = createSimulatorCore({ seed: 3, size: "tiny", quirks: { deletedNotes: false } });
    const endpoint = deleted.type === "video" ? "app_v2/get_video_note_detail" : "app/get_note_info";
    const body = get(plain, endpoint, { note_id: deleted.id }).body.data;
    expect(body.success).toBe(true);
  });

  it.skipIf(restricted === null)("a web-restricted note is hidden from Web V3 only", () => {
    const n = restricted as WorldNote;
    expect(get(core, "web_v3/fetch_note_detail", { note_id: n.id, xsec_token: n.xsecToken }).body.data.success).toBe(
      false,
    );
    expect(get(core, "app/get_note_info", { note_id: n.id }).body.data.success).toBe(true);
  });
});

describe("routing and validation", () => {
  it("unknown routes answer 404 {detail: Not Found}", () => {
    for (const path of ["/api/v1/xiaohongshu/app_v2/nope", "/api/v1/xiaohongshu/web/get_note_comments", "/", ""]) {
      const r = core.handle({ path, query: {} });
      expect(r).toMatchObject({ status: 404, body: { detail: "Not Found" }, endpoint: null });
    }
  });

  it("a missing required parameter, a missing one-of group and a non-integer answer FastAPI's 422", () => {
    const missing = get(core, "app_v2/search_notes", {});
    expect(missing.status).toBe(422);
    expect(missing.body.detail).toEqual([
      { type: "missing", loc: ["query", "keyword"], msg: "Field required", input: null },
    ]);
    const group = get(core, "app_v2/get_image_note_detail", { note_id: "", share_text: "" });
    expect(group.status).toBe(422);
    expect(group.body.detail[0].loc).toEqual(["query", "note_id"]);
    const notInt = get(core, "app_v2/search_notes", { keyword: "口红", page: "two" });
    expect(notInt.status).toBe(422);
    expect(notInt.body.detail[0]).toMatchObject({ type: "int_parsing", loc: ["query", "page"], input: "two" });
    expect(get(core, "web_v3/fetch_user_notes", { user_id: GUIDE.userId, num: "31" }).status).toBe(422);
    expect(get(core, "app/get_topic_notes", { page_id: GUIDE.topicPageId }).status).toBe(422);
  });

  it("unknown enum values are accepted silently as the default", () => {
    const odd = get(core, "app_v2/search_notes", { keyword: "口红", sort_type: "weird", note_type: "???" });
    const plain = get(core, "app_v2/search_notes", { keyword: "口红" });
    expect(odd.status).toBe(200);
    expect(odd.body.data.data.items.map((i: Json) => i.note.id)).toEqual(
      plain.body.data.data.items.map((i: Json) => i.note.id),
    );
    expect(odd.body.params).toEqual({ keyword: "口红", sort_type: "weird", note_type: "???" });
  });

  it("the envelope echoes params as strings and names the router", () => {
    const { body } = get(core, "app_v2/search_notes", { keyword: "口红", page: "1" });
    expect(body).toMatchObject({
      code: 200,
      router: "/api/v1/xiaohongshu/app_v2/search_notes",
      params: { keyword: "口红", page: "1" },
    });
    expect(body.request_id).toMatch(/^[0-9a-f-]{36}$/);
    expect(body.time_zone).toBe("America/Los_Angeles");
  });

  it("never throws, whatever the input", () => {
    const weird: { path: string; query: Record<string, string> }[] = [
      { path: "/api/v1/xiaohongshu/app/get_note_comments", query: { note_id: "x", start: "{not json" } },
      { path: "/api/v1/xiaohongshu/app_v2/get_topic_feed", query: { page_id: "", last_note_id: "zzz" } },
    ];
    for (const req of weird) expect(() => core.handle(req)).not.toThrow();
  });

  it("guide placeholders get what the real API would give", () => {
    expect(get(core, "app/get_user_id_and_xsec_token", { share_link: "https://xhslink.com/m/xxxxx" }).status).toBe(400);
    const sub = get(core, "app_v2/get_note_sub_comments", { note_id: videoNote.id, comment_id: "PARENT_COMMENT_ID" });
    expect(sub.status).toBe(200);
    expect(sub.body.data.data.comments).toEqual([]);
  });
});

describe("helpers for the server's faults", () => {
  it("inner failure and empty payload come in the series' shape inside the envelope", () => {
    const params = { keyword: "口红" };
    const fail = renderInnerFailure("app_v2/search_notes", params, "服务异常", 1_788_220_800_000) as Json;
    expect(fail).toMatchObject({ code: 200, data: { success: false, msg: "服务异常" }, params });
    const empty = renderEmptyPayload("web_v3/fetch_search_notes", params, 1_788_220_800_000) as Json;
    expect(empty.data).toMatchObject({ success: true, data: { items: [], has_more: false } });
    const env = renderEnvelope("app_v1/get_user_info", { user_id: "u" }, { x: 1 }, 0) as Json;
    expect(env.router).toBe("/api/v1/xiaohongshu/app/get_user_info");
  });
});
