import { describe, expect, it } from "vitest";
import { endpoint } from "../../src/catalog/endpoints.js";
import {
  type Comment,
  CommentSchema,
  type Note,
  NoteSchema,
  type ResolvedLink,
  type Topic,
  TopicSchema,
  type User,
  UserSchema,
} from "../../src/model/types.js";
import { contextFor, NORMALIZERS } from "../../src/series/normalize.js";
import type { NormalizedPage } from "../../src/series/types.js";
import {
  answers,
  COMMENT_1,
  COMMENT_2,
  NOTE_A,
  NOTE_R,
  NOTE_V,
  REPLY_1,
  REPLY_2,
  TOKEN,
  USER_A,
  USER_B,
} from "../fixtures/series/answers.js";

function run(name: string, raw: unknown): NormalizedPage & { drift: string[] } {
  const spec = endpoint(name);
  const drift: string[] = [];
  const context = contextFor(spec, raw, { onDrift: (path) => drift.push(path) });
  const page = NORMALIZERS[spec.name]!(raw, context);
  return { ...page, drift };
}
const notes = (page: NormalizedPage) => page.items.map((item) => NoteSchema.parse(item)) as Note[];
const users = (page: NormalizedPage) => page.items.map((item) => UserSchema.parse(item)) as User[];
const comments = (page: NormalizedPage) => page.items.map((item) => CommentSchema.parse(item)) as Comment[];

describe("every catalogue endpoint has a normalizer", () => {
  it("covers the 27 endpoints of the three series", async () => {
    const { ENDPOINTS } = await import("../../src/catalog/endpoints.js");
    const missing = ENDPOINTS.map((e) => e.name).filter((name) => !(name in NORMALIZERS));
    expect(missing).toEqual([]);
    expect(Object.keys(NORMALIZERS)).toHaveLength(27);
  });
});

describe("App V2", () => {
  it("image detail: largest image, live photo from h265, tags, counts, seconds, token from share link", () => {
    const page = run("app_v2/get_image_note_detail", answers.imageDetail);
    expect(page.status).toEqual({ ok: true });
    const [note] = notes(page);
    expect(note).toMatchObject({
      id: NOTE_A,
      type: "image",
      title: "周末去爬山",
      textTruncated: false,
      tags: ["徒步", "周末去哪儿"],
      stats: { likes: 14845, collects: 1200, comments: 321, shares: 45 },
      approx: [],
      publishedAt: "2024-01-13T00:00:03.000Z",
      updatedAt: null,
      ipLocation: "Zhejiang",
      xsecToken: TOKEN,
      url: `https://www.xiaohongshu.com/explore/${NOTE_A}?xsec_token=${encodeURIComponent(TOKEN)}&xsec_source=pc_feed`,
      source: "app_v2",
      fetchedAt: "2026-01-01T00:00:00.000Z",
      author: { id: USER_A, nickname: "山野", redId: "9527" },
      video: null,
    });
    expect(note!.images.map((i) => i.url)).toEqual([
      "https://sns-na-i8.xhscdn.com/p1?imageView2/2/w/1440",
      "https://sns-na-i8.xhscdn.com/p2?imageView2/2/w/1440",
    ]);
    expect(note!.images[1]!.livePhotoUrl).toBe("https://sns-video.xhscdn.com/live.mp4");
    expect(note!.images[0]!.livePhotoUrl).toBeNull();
  });

  it("video detail returns every candidate; h264 before h265, the rest as backups, no video_id", () => {
    const page = run("app_v2/get_video_note_detail", answers.videoDetail);
    const all = notes(page);
    expect(all.map((n) => n.id)).toEqual([NOTE_V, NOTE_R]);
    const video = all[0]!.video!;
    expect(video.url).toBe("https://sns-video-hw.xhscdn.com/h264-720.mp4");
    expect(video.backupUrls[0]).toBe("https://sns-bak-v1.xhscdn.com/h264-720.mp4");
    expect(video.backupUrls).toContain("https://sns-video-hw.xhscdn.com/h265-1080.mp4");
    expect(video.backupUrls.indexOf("https://sns-video-hw.xhscdn.com/h265-1080.mp4")).toBeLessThan(
      video.backupUrls.indexOf("https://sns-video-hw.xhscdn.com/h265-720.mp4"),
    );
    expect(new Set(video.backupUrls).size).toBe(video.backupUrls.length);
    expect(video).toMatchObject({ durationSec: 46, width: 720, height: 1280 });
    expect(JSON.stringify(all)).not.toContain("137872474977208975");
  });

  it("empty payloads are reported as empty, never as not found", () => {
    expect(run("app_v2/get_image_note_detail", answers.imageDetailEmptyList).status).toEqual({
      ok: false,
      reason: "empty",
    });
    expect(run("app_v2/get_image_note_detail", answers.detailEmptyData).status).toEqual({ ok: false, reason: "empty" });
  });

  it("inner failures carry the message; not-found only when the message says so", () => {
    expect(run("app_v2/get_image_note_detail", answers.innerFailure).status).toEqual({
      ok: false,
      reason: "inner_failure",
      message: "服务异常",
      notFound: false,
    });
    expect(run("app_v2/get_image_note_detail", answers.innerNotFound).status).toMatchObject({
      notFound: true,
      message: "笔记不存在",
    });
  });

  it("user info: abbreviated counts flagged, interaction total, gender, token from share_link", () => {
    const [user] = users(run("app_v2/get_user_info", answers.userInfo));
    expect(user).toMatchObject({
      id: USER_A,
      nickname: "山野",
      redId: "9527",
      bio: "爱爬山",
      gender: "female",
      ipLocation: "浙江",
      followers: 12000,
      following: 34,
      likesAndCollects: 1500,
      noteCount: 52,
      approx: ["followers"],
      avatarUrl: "https://a/540.jpg",
      xsecToken: "UTOKEN",
      url: `https://www.xiaohongshu.com/user/profile/${USER_A}`,
    });
  });

  it("posted notes: truncated text, foreign notes dropped, next cursor from the last note", () => {
    const page = run("app_v2/get_user_posted_notes", answers.userPosted);
    const list = notes(page);
    expect(list.map((n) => n.id)).toEqual([NOTE_A, NOTE_V]);
    expect(list.every((n) => n.textTruncated)).toBe(true);
    expect(list[1]!.publishedAt).toBe("2024-01-13T00:01:40.000Z");
    expect(page.hasMore).toBe(true);
    expect(page.next).toEqual({ cursor: `cur-${NOTE_R}` });
  });

  it("faved notes: the answer's cursor; no next page when has_more is false", () => {
    const page = run("app_v2/get_user_faved_notes", answers.faved);
    expect(notes(page)[0]!.stats.likes).toBe(14845);
    expect(page.hasMore).toBe(false);
    expect(page.next).toBeNull();
  });

  it("comments: top-level only (reply previews not emitted), JSON cursor spread into cursor/index/pageArea", () => {
    const page = run("app_v2/get_note_comments", answers.comments);
    const list = comments(page);
    expect(list.map((c) => c.id)).toEqual([COMMENT_1, COMMENT_2]);
    expect(list[0]).toMatchObject({
      noteId: NOTE_A,
      rootId: null,
      replyToUser: null,
      likes: 150,
      replyCount: 125,
      createdAt: "2024-01-14T02:40:00.000Z",
      pictures: ["https://ci/c1-origin.jpg"],
      author: { id: USER_B, nickname: "路人" },
    });
    expect(list[1]!.noteId).toBe(NOTE_A); // from the request when the comment lacks note_id
    expect(page.next).toEqual({ cursor: COMMENT_2, index: "2", pageArea: "UNFOLDED" });
  });

  it("replies: rootId from the request, replyToUser only when replying to a reply; plain cursor advances index", () => {
    const page = run("app_v2/get_note_sub_comments", answers.subComments);
    const [first, second] = comments(page);
    expect(first).toMatchObject({ id: REPLY_1, rootId: COMMENT_1, replyToUser: null, replyCount: null });
    expect(second).toMatchObject({ id: REPLY_2, rootId: COMMENT_1, replyToUser: { id: USER_A, nickname: "山野" } });
    expect(page.next).toEqual({ cursor: REPLY_2, index: "2" });
  });

  it("search notes: skips non-note items, wrapper paging ids, ms update_time, the big video_id is never exposed", () => {
    const page = run("app_v2/search_notes", answers.searchNotes);
    const list = notes(page);
    expect(list.map((n) => n.id)).toEqual([NOTE_A, NOTE_V]);
    expect(list[0]).toMatchObject({
      textTruncated: true,
      xsecToken: "SEARCHTOK",
      publishedAt: "2024-01-13T00:00:03.000Z",
      updatedAt: "2024-01-13T00:00:03.000Z",
    });
    expect(page.hasMore).toBeNull();
    expect(page.next).toEqual({ page: "2", search_id: "2eb6y1", search_session_id: "sess-1" });
    expect(JSON.stringify(list)).not.toMatch(/13787247497720/);
  });

  it("an empty later search page ends the list honestly (empty, no next)", () => {
    const page = run("app_v2/search_notes", answers.searchNotesEmpty);
    expect(page).toMatchObject({ items: [], status: { ok: false, reason: "empty" }, next: null });
  });

  it("search users: followers read from the display line, marked approximate; no bio", () => {
    const page = run("app_v2/search_users", answers.searchUsers);
    expect(users(page)[0]).toMatchObject({
      id: USER_A,
      followers: 242000,
      noteCount: 35,
      approx: ["followers"],
      bio: null,
    });
    expect(page.next).toEqual({ page: "2", search_id: "users-1" });
  });

  it("topic info: the page id asked for, not the hashtag id; 亿 counts", () => {
    const [topic] = run("app_v2/get_topic_info", answers.topicInfo).items.map((t) => TopicSchema.parse(t)) as Topic[];
    expect(topic).toEqual({
      id: "5c1cc866febed9000184b7c1",
      name: "徒步",
      views: 230000000,
      discussions: 154000,
      approx: ["views"],
      source: "app_v2",
      fetchedAt: "2026-01-01T00:00:00.000Z",
    });
  });

  it("topic feed: item ids, next page from the last item plus constant session fields", () => {
    const page = run("app_v2/get_topic_feed", answers.topicFeed);
    expect(notes(page).map((n) => n.id)).toEqual([NOTE_A, NOTE_V]);
    expect(page.next).toEqual({
      cursor_score: "0.90",
      last_note_id: NOTE_V,
      last_note_ct: "1705104100",
      session_id: "sess-topic",
      first_load_time: "1767225600000",
    });
  });
});

describe("App V1", () => {
  it("note info in doc style (nested data, image_list, interact_info strings, ms time)", () => {
    const [note] = notes(run("app/get_note_info", answers.v1NoteInfoDocStyle));
    expect(note).toMatchObject({
      id: NOTE_A,
      source: "app_v1",
      stats: { likes: 15000, collects: 1234, comments: 10, shares: 0 },
      publishedAt: "2024-01-13T00:00:03.000Z",
      tags: ["徒步"],
      images: [{ url: "https://img/default.jpg", width: 1080, height: 1440, livePhotoUrl: null }],
      author: { id: USER_A, avatarUrl: "https://a/a.jpg" },
    });
    expect(note!.approx.sort()).toEqual(["comments", "likes"]);
  });

  it("user info, user notes, comments and replies in doc style", () => {
    expect(users(run("app/get_user_info", answers.v1UserInfo))[0]).toMatchObject({
      id: USER_A,
      gender: "male",
      followers: 10,
      following: 3,
      noteCount: 7,
      likesAndCollects: 3,
      bio: "",
    });
    const notesPage = run("app/get_user_notes", answers.v1UserNotes);
    expect(notes(notesPage)[0]).toMatchObject({
      id: NOTE_A,
      title: "周末去爬山",
      stats: { likes: 3 },
      textTruncated: true,
    });
    expect(notesPage.next).toEqual({ cursor: NOTE_A });
    const commentsPage = run("app/get_note_comments", answers.v1Comments);
    expect(comments(commentsPage)[0]).toMatchObject({
      likes: 3,
      replyCount: 2,
      author: { id: USER_B, avatarUrl: "https://a/b.jpg" },
    });
    expect(commentsPage.next).toEqual({ start: `{"cursor":"${COMMENT_1}","index":1,"pageArea":"ALL"}` });
    const repliesPage = run("app/get_sub_comments", answers.v1SubCommentsArray);
    expect(comments(repliesPage)[0]).toMatchObject({ id: REPLY_1, rootId: COMMENT_1, noteId: NOTE_A });
    expect(repliesPage.next).toEqual({ start: REPLY_1 });
  });

  it("search with camelCase paging ids on the wrapper; topic notes; link resolution", () => {
    const search = run("app/search_notes", answers.v1Search);
    expect(notes(search)[0]!.id).toBe(NOTE_A);
    expect(search.next).toEqual({ page: "2", search_id: "v1-search", session_id: "v1-session" });
    const topic = run("app/get_topic_notes", answers.v1TopicNotes);
    expect(notes(topic).map((n) => n.id)).toEqual([NOTE_A]);
    expect(topic.hasMore).toBe(false);
    expect(topic.next).toBeNull();
    expect(run("app/get_user_id_and_xsec_token", answers.v1ResolveUserOnWrapper).items as ResolvedLink[]).toEqual([
      { kind: "user", id: USER_A, xsecToken: "UTOKEN", url: null },
    ]);
    expect(run("app/extract_share_info", answers.v1ExtractShare).items).toEqual([
      { kind: "note", id: NOTE_A, xsecToken: TOKEN, url: null },
    ]);
  });
});

describe("Web V3", () => {
  it("camelCase detail: WB_DFT image, live photo stream, abbreviated string counts, ms times, the request's token", () => {
    const [note] = notes(run("web_v3/fetch_note_detail", answers.webDetailCamel));
    expect(note).toMatchObject({
      id: NOTE_A,
      source: "web_v3",
      stats: { likes: 12000, collects: 3456, comments: 10, shares: 2000 },
      publishedAt: "2024-01-13T00:00:03.000Z",
      updatedAt: "2024-01-14T00:00:03.000Z",
      ipLocation: "浙江",
      tags: ["徒步"],
      xsecToken: TOKEN,
      images: [{ url: "https://webpic/dft.jpg", width: 1080, height: 1440, livePhotoUrl: "https://video/live264.mp4" }],
    });
    expect(note!.approx.sort()).toEqual(["comments", "likes", "shares"]);
  });

  it('"当前笔记暂时无法浏览" is an inner failure but not proof of deletion', () => {
    expect(run("web_v3/fetch_note_detail", answers.webDetailUnavailable).status).toEqual({
      ok: false,
      reason: "inner_failure",
      message: "当前笔记暂时无法浏览",
      notFound: false,
    });
  });

  it("camelCase user info and user notes", () => {
    expect(users(run("web_v3/fetch_user_info", answers.webUserInfoCamel))[0]).toMatchObject({
      id: USER_A,
      redId: "9527",
      ipLocation: "浙江",
      followers: 12000,
      following: 12,
      likesAndCollects: 35000,
      approx: ["followers", "likesAndCollects"],
    });
    const page = run("web_v3/fetch_user_notes", answers.webUserNotesCamel);
    const list = notes(page);
    expect(list.map((n) => [n.id, n.xsecToken, n.stats.likes, n.type])).toEqual([
      [NOTE_A, TOKEN, 8857, "image"],
      [NOTE_V, "T2", 15000, "video"],
    ]);
    expect(list[1]!.approx).toEqual(["likes"]);
    expect(page).toMatchObject({ hasMore: true, next: { cursor: NOTE_V } });
  });

  it("comments (no reply previews as items) and replies (replyToUser for a reply to a reply)", () => {
    const page = run("web_v3/fetch_note_comments", answers.webComments);
    expect(comments(page)).toHaveLength(1);
    expect(comments(page)[0]).toMatchObject({
      likes: 10,
      approx: ["likes"],
      replyCount: 1,
      pictures: ["https://pic/1.jpg"],
      createdAt: "2024-01-14T02:40:00.000Z",
    });
    expect(page.next).toBeNull();
    const replies = comments(run("web_v3/fetch_sub_comments", answers.webSubComments));
    expect(replies.map((r) => [r.id, r.rootId, r.replyToUser?.id ?? null])).toEqual([
      [REPLY_1, COMMENT_1, null],
      [REPLY_2, COMMENT_1, USER_A],
    ]);
  });

  it("search notes skips rec_query items and takes id and token from the item; search users in camelCase", () => {
    const page = run("web_v3/fetch_search_notes", answers.webSearchNotes);
    expect(notes(page)).toHaveLength(1);
    expect(notes(page)[0]).toMatchObject({
      id: NOTE_A,
      xsecToken: TOKEN,
      title: "周末去爬山",
      text: null,
      stats: { likes: 12000 },
    });
    expect(page.next).toEqual({ page: "3" });
    const usersPage = run("web_v3/fetch_search_users", answers.webSearchUsersCamel);
    expect(usersPage.status).toEqual({ ok: true });
    expect(users(usersPage)[0]).toMatchObject({ id: USER_A, followers: 15000, approx: ["followers"], xsecToken: "UT" });
    expect(usersPage.next).toBeNull();
  });
});

describe("shape drift", () => {
  it("reports each expected field a real answer lacks, once per path", () => {
    const raw = structuredClone(answers.imageDetail) as { data: { data: { note_list: Record<string, unknown>[] }[] } };
    const note = raw.data.data[0]!.note_list[0]!;
    delete note.liked_count;
    delete note.ip_location;
    const page = run("app_v2/get_image_note_detail", raw);
    expect(page.drift.sort()).toEqual(["data.data[].note_list[].ip_location", "data.data[].note_list[].liked_count"]);
    expect((page.items[0] as Note).stats.likes).toBeNull();
  });

  it("reports a missing list as drift of the list path", () => {
    const page = run("web_v3/fetch_note_comments", {
      code: 200,
      params: {},
      data: { success: true, data: { has_more: false } },
    });
    expect(page.drift).toContain("data.data.comments");
    expect(page.status).toEqual({ ok: false, reason: "empty" });
  });
});
