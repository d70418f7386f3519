/**
 * Paging through every list endpoint of every series, with each series' own scheme, yields every item of
 * the world exactly once and in the world's order, with filters honoured (search cap off here; on in the
 * last test, which shows the cap).
 */
import { describe, expect, it } from "vitest";
import { createSimulatorCore, type SimulatorCore } from "../../src/simulator/core.js";
import { GUIDE, type WorldNote } from "../../src/simulator/world/index.js";

// biome-ignore lint/suspicious/noExplicitAny: answers are checked by the assertions below.
type Json = any;

function caller(core: SimulatorCore) {
  return (endpoint: string, query: Record<string, string>): Json => {
    const r = core.handle({ path: `/api/v1/xiaohongshu/${endpoint}`, query });
    expect(r.status, `${endpoint} ${JSON.stringify(query)}`).toBe(200);
    const body = typeof r.body === "string" ? JSON.parse(r.body) : r.body;
    expect(body.code).toBe(200);
    expect(body.data.success, JSON.stringify(body.data).slice(0, 200)).not.toBe(false);
    return body;
  };
}

/** Page until `next` says stop; returns every id seen in order. Guards against a cursor that does not advance. */
function pageAll(first: () => Json, read: (body: Json) => { ids: string[]; next: (() => Json) | null }): string[] {
  const ids: string[] = [];
  let body = first();
  for (let guard = 0; guard < 10_000; guard++) {
    const page = read(body);
    ids.push(...page.ids);
    if (!page.next) return ids;
    body = page.next();
  }
  throw new Error("paging did not end");
}

const core = createSimulatorCore({ seed: 7, size: "tiny", quirks: { searchCap: false } });
const call = caller(core);
const w = core.world;
const busyNote = [...w.notes()]
  .filter((n) => !n.deleted && !n.webRestricted && n.commentsL1 > 25)
  .sort((a, b) => b.commentsL1 - a.commentsL1)[0] as WorldNote;
const threadNote = w.note(GUIDE.replyNoteId) as WorldNote;
const longThread = w.comments(threadNote.id)[0];
if (!busyNote || !longThread) throw new Error("world lacks a busy note");
const ids = (xs: readonly { id: string }[]) => xs.map((x) => x.id);

describe("App V2 paging", () => {
  it("get_user_posted_notes: notes[-1].cursor pages through every note of the user", () => {
    const got = pageAll(
      () => call("app_v2/get_user_posted_notes", { user_id: GUIDE.userId }),
      (b) => ({
        ids: b.data.data.notes.map((n: Json) => n.id),
        next: b.data.data.has_more
          ? () =>
              call("app_v2/get_user_posted_notes", { user_id: GUIDE.userId, cursor: b.data.data.notes.at(-1).cursor })
          : null,
      }),
    );
    expect(got).toEqual(ids(w.userNotes(GUIDE.userId)));
    expect(got.length).toBeGreaterThan(20);
  });

  it("get_user_faved_notes: the last note_id pages through every public favourite", () => {
    const got = pageAll(
      () => call("app_v2/get_user_faved_notes", { user_id: GUIDE.favUserId }),
      (b) => ({
        ids: b.data.data.notes.map((n: Json) => n.id),
        next: b.data.data.has_more
          ? () => call("app_v2/get_user_faved_notes", { user_id: GUIDE.favUserId, cursor: b.data.data.notes.at(-1).id })
          : null,
      }),
    );
    expect(got).toEqual(ids(w.favorites(GUIDE.favUserId) ?? []));
    expect(got.length).toBeGreaterThan(20);
  });

  for (const [sort, order] of [
    ["latest_v2", "latest"],
    ["like_count", "most_liked"],
  ] as const) {
    it(`get_note_comments (${sort}): the plain-id cursor pages through every top-level comment once`, () => {
      const q = { note_id: busyNote.id, index: "0", pageArea: "UNFOLDED", sort_strategy: sort };
      const got = pageAll(
        () => call("app_v2/get_note_comments", { ...q, cursor: "" }),
        (b) => ({
          ids: b.data.data.comments.map((c: Json) => c.id),
          next: b.data.data.has_more
            ? () => call("app_v2/get_note_comments", { ...q, cursor: b.data.data.cursor })
            : null,
        }),
      );
      expect(got).toEqual(ids(w.comments(busyNote.id, order)));
      expect(new Set(got).size).toBe(busyNote.commentsL1);
    });
  }

  it("get_note_sub_comments: pages through a long reply thread, oldest first", () => {
    const q = { note_id: threadNote.id, comment_id: longThread.id };
    const got = pageAll(
      () => call("app_v2/get_note_sub_comments", { ...q, cursor: "", index: "1" }),
      (b) => ({
        ids: b.data.data.comments.map((c: Json) => c.id),
        next: b.data.data.has_more
          ? () => call("app_v2/get_note_sub_comments", { ...q, cursor: b.data.data.cursor })
          : null,
      }),
    );
    expect(got).toEqual(ids(w.replies(threadNote.id, longThread.id)));
    expect(got.length).toBe(longThread.replyCount);
    expect(got.length).toBeGreaterThan(30);
  });

  it("search_notes with sort, type and time filters: page/search_id until an empty page, filters honoured", () => {
    const q = { keyword: "美食推荐", sort_type: "time_descending", note_type: "普通笔记", time_filter: "半年内" };
    const first = call("app_v2/search_notes", { ...q, page: "1" });
    const { search_id, search_session_id } = first.data;
    const got = pageAll(
      () => first,
      (b) => ({
        ids: b.data.data.items.map((i: Json) => i.note.id),
        next:
          b.data.data.items.length > 0
            ? () => call("app_v2/search_notes", { ...q, page: String(b.data.next_page), search_id, search_session_id })
            : null,
      }),
    );
    const truth = w.search("美食推荐", { sort: "latest", noteType: "image", time: "half_year" });
    expect(got).toEqual(ids(truth));
    expect(got.length).toBeGreaterThan(0);
    for (const id of got) {
      const n = w.note(id) as WorldNote;
      expect(n.type).toBe("normal");
      expect(w.now - n.time).toBeLessThanOrEqual(182 * 86_400);
      expect(`${n.title}${n.desc}`).toContain("美食推荐");
    }
    const times = got.map((id) => (w.note(id) as WorldNote).time);
    expect(times).toEqual([...times].sort((a, b) => b - a));
  });

  it("search_users: pages through every matching user", () => {
    const got = pageAll(
      () => call("app_v2/search_users", { keyword: "美食博主", page: "1" }),
      (b) => ({
        ids: b.data.data.users.map((u: Json) => u.id),
        next:
          b.data.data.users.length > 0
            ? () =>
                call("app_v2/search_users", {
                  keyword: "美食博主",
                  page: String(b.data.next_page),
                  search_id: b.data.search_id,
                })
            : null,
      }),
    );
    expect(got).toEqual(ids(w.searchUsers("美食博主")));
  });

  for (const sort of ["trend", "time"] as const) {
    it(`get_topic_feed (${sort}): cursor_score/last_note_id/last_note_ct with constant session pages through the topic`, () => {
      const first = call("app_v2/get_topic_feed", { page_id: GUIDE.topicPageId, sort });
      const { session_id, first_load_time } = first.data.data;
      const got = pageAll(
        () => first,
        (b) => {
          const last = b.data.data.items.at(-1);
          return {
            ids: b.data.data.items.map((i: Json) => i.id),
            next: b.data.data.has_more
              ? () =>
                  call("app_v2/get_topic_feed", {
                    page_id: GUIDE.topicPageId,
                    sort,
                    cursor_score: last.cursor_score,
                    last_note_id: last.id,
                    last_note_ct: String(last.create_time),
                    session_id,
                    first_load_time,
                  })
              : null,
          };
        },
      );
      expect(got).toEqual(ids(w.topicNotes(GUIDE.topicPageId, sort)));
      expect(got.length).toBeGreaterThan(20);
    });
  }
});

describe("App V1 paging", () => {
  it("get_user_notes: cursor = last note id", () => {
    const got = pageAll(
      () => call("app/get_user_notes", { user_id: GUIDE.userId }),
      (b) => ({
        ids: b.data.data.notes.map((n: Json) => n.id),
        next: b.data.data.has_more
          ? () => call("app/get_user_notes", { user_id: GUIDE.userId, cursor: b.data.data.cursor })
          : null,
      }),
    );
    expect(got).toEqual(ids(w.userNotes(GUIDE.userId)));
  });

  it("get_note_comments: start = the JSON cursor form (and the plain id works too)", () => {
    for (const form of ["json", "plain"] as const) {
      const got = pageAll(
        () => call("app/get_note_comments", { note_id: busyNote.id, sort_strategy: "2" }),
        (b) => ({
          ids: b.data.data.comments.map((c: Json) => c.id),
          next: b.data.data.has_more
            ? () =>
                call("app/get_note_comments", {
                  note_id: busyNote.id,
                  sort_strategy: "2",
                  start: form === "json" ? b.data.data.cursor : JSON.parse(b.data.data.cursor).cursor,
                })
            : null,
        }),
      );
      expect(got).toEqual(ids(w.comments(busyNote.id, "latest")));
    }
  });

  it("get_sub_comments: start = last reply id", () => {
    const q = { note_id: threadNote.id, comment_id: longThread.id };
    const got = pageAll(
      () => call("app/get_sub_comments", q),
      (b) => ({
        ids: b.data.data.comments.map((c: Json) => c.id),
        next: b.data.data.has_more
          ? () => call("app/get_sub_comments", { ...q, start: b.data.data.comments.at(-1).id })
          : null,
      }),
    );
    expect(got).toEqual(ids(w.replies(threadNote.id, longThread.id)));
  });

  it("search_notes: page with searchId/sessionId, filter_note_type honoured", () => {
    const q = { keyword: "口红", filter_note_type: "视频笔记", sort_type: "popularity_descending" };
    const first = call("app/search_notes", { ...q, page: "1" });
    const got = pageAll(
      () => first,
      (b) => ({
        ids: b.data.data.items.map((i: Json) => i.note.id),
        next: b.data.data.has_more
          ? () =>
              call("app/search_notes", {
                ...q,
                page: String(Number(b.params.page) + 1),
                search_id: first.data.searchId,
                session_id: first.data.sessionId,
              })
          : null,
      }),
    );
    expect(got).toEqual(ids(w.search("口红", { sort: "most_liked", noteType: "video" })));
    for (const id of got) expect(w.note(id)?.type).toBe("video");
  });

  it("get_topic_notes: last_note_id/last_note_ct/cursor_score with constant session_id and first_load_time", () => {
    const base = { page_id: GUIDE.topicPageId, first_load_time: "1788220800000", sort: "time" };
    const first = call("app/get_topic_notes", base);
    const got = pageAll(
      () => first,
      (b) => {
        const last = b.data.data.notes.at(-1);
        return {
          ids: b.data.data.notes.map((n: Json) => n.id),
          next: b.data.data.has_more
            ? () =>
                call("app/get_topic_notes", {
                  ...base,
                  last_note_id: last.id,
                  last_note_ct: String(last.note.create_time),
                  cursor_score: last.note.cursor_score,
                  session_id: first.data.data.session_id,
                })
            : null,
        };
      },
    );
    expect(got).toEqual(ids(w.topicNotes(GUIDE.topicPageId, "time")));
  });
});

describe("Web V3 paging", () => {
  it("fetch_user_notes: num ≤ 30 per page, cursor = last note_id", () => {
    const got = pageAll(
      () => call("web_v3/fetch_user_notes", { user_id: GUIDE.userId, num: "30" }),
      (b) => {
        expect(b.data.data.notes.length).toBeLessThanOrEqual(30);
        return {
          ids: b.data.data.notes.map((n: Json) => n.note_id),
          next: b.data.data.has_more
            ? () => call("web_v3/fetch_user_notes", { user_id: GUIDE.userId, num: "30", cursor: b.data.data.cursor })
            : null,
        };
      },
    );
    expect(got).toEqual(ids(w.userNotes(GUIDE.userId)));
  });

  it("fetch_note_comments and fetch_sub_comments: cursor = last id, with the note's xsec_token", () => {
    const tok = busyNote.xsecToken;
    const got = pageAll(
      () => call("web_v3/fetch_note_comments", { note_id: busyNote.id, xsec_token: tok }),
      (b) => ({
        ids: b.data.data.comments.map((c: Json) => c.id),
        next: b.data.data.has_more
          ? () =>
              call("web_v3/fetch_note_comments", { note_id: busyNote.id, xsec_token: tok, cursor: b.data.data.cursor })
          : null,
      }),
    );
    expect(got).toEqual(ids(w.comments(busyNote.id, "most_liked")));
    const q = { note_id: threadNote.id, root_comment_id: longThread.id, xsec_token: threadNote.xsecToken, num: "10" };
    const replies = pageAll(
      () => call("web_v3/fetch_sub_comments", q),
      (b) => ({
        ids: b.data.data.comments.map((c: Json) => c.id),
        next: b.data.data.has_more
          ? () => call("web_v3/fetch_sub_comments", { ...q, cursor: b.data.data.cursor })
          : null,
      }),
    );
    expect(replies).toEqual(ids(w.replies(threadNote.id, longThread.id)));
  });

  it("fetch_search_notes (note_type=2, popularity) and fetch_search_users: page until has_more is false", () => {
    const q = { keyword: "美食推荐", note_type: "2", sort: "popularity_descending" };
    const got = pageAll(
      () => call("web_v3/fetch_search_notes", { ...q, page: "1" }),
      (b) => ({
        ids: b.data.data.items.map((i: Json) => i.id),
        next: b.data.data.has_more
          ? () => call("web_v3/fetch_search_notes", { ...q, page: String(Number(b.params.page) + 1) })
          : null,
      }),
    );
    expect(got).toEqual(ids(w.search("美食推荐", { sort: "most_liked", noteType: "video" })));
    const users = pageAll(
      () => call("web_v3/fetch_search_users", { keyword: "口红", page: "1" }),
      (b) => ({
        ids: b.data.data.users.map((u: Json) => u.id),
        next: b.data.data.has_more
          ? () => call("web_v3/fetch_search_users", { keyword: "口红", page: String(Number(b.params.page) + 1) })
          : null,
      }),
    );
    expect(users).toEqual(ids(w.searchUsers("口红")));
  });
});

describe("the search cap (quirk on)", () => {
  it("note search stops after 11 pages (220 notes) although the world holds more", () => {
    const capped = createSimulatorCore({ seed: 7 });
    const callCapped = caller(capped);
    const total = capped.world.search("美食推荐").length;
    expect(total).toBeGreaterThan(300);
    const got = pageAll(
      () => callCapped("app_v2/search_notes", { keyword: "美食推荐", page: "1" }),
      (b) => ({
        ids: b.data.data.items.map((i: Json) => i.note.id),
        next:
          b.data.data.items.length > 0
            ? () => callCapped("app_v2/search_notes", { keyword: "美食推荐", page: String(b.data.next_page) })
            : null,
      }),
    );
    expect(got.length).toBe(220);
    expect(new Set(got).size).toBe(220);
    expect(got).toEqual(ids(capped.world.search("美食推荐").slice(0, 220)));
  });
});
