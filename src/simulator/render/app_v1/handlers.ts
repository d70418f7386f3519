/**
 * App V1 answers (/api/v1/xiaohongshu/app/…): XHS **app** payloads (as in the reference's XHS
 * app samples; docs/reference-notes.md#series-shapes) inside the envelope. No real App V1 capture exists,
 * so every shape here is a choice.
 *
 * ---- Inferred or unknown shapes: every choice in one place (also in docs/decisions.md) ----
 * - Inner wrapper: the XHS app response `{code:0, success:true, msg:"成功", data}`; search adds camelCase
 *   `searchId` / `sessionId` on the wrapper (third-party client types [I];
 *   docs/reference-notes.md#envelope-and-success).
 * - get_note_info: `data.data[0].note_list[0]` (app note feed, as the reference's app note-detail
 *   sample). Video notes are answered without `video_info_v2` (the guide: no video URL from App V1).
 * - get_user_info: the app profile (as the reference's app user-profile sample) at `data.data`.
 * - get_user_notes: `data.data = {notes[], tags[], has_more, cursor}` with app list notes (user-posted.json);
 *   `has_more`/`cursor` added because the guide documents them. 20 per page; cursor = last note id.
 * - get_note_comments: comment-page.json shape; the answer's `cursor` is the JSON form
 *   {"cursor":"<last id>","index":N,"pageArea":"UNFOLDED"} (documented for App V1); `start` accepts it or a
 *   plain id. 10 per page. sort_strategy 1 → most liked first, 2 → newest first.
 * - get_sub_comments: sub-comment-page.json shape plus `cursor` (last reply id); `start` = last reply id. 10 per page.
 * - search_notes: search-notes.json shape; 20 per page; `has_more` in `data.data` (documented), cap as App V2.
 * - get_topic_notes: `data.data = {notes:[{id, model_type, note:{…, create_time (ms), cursor_score}}], session_id,
 *   has_more}` (the deprecated get_notes_by_topic's documented shape). 20 per page.
 * - get_user_id_and_xsec_token / extract_share_info: `data = {user_id|note_id, xsec_token}` with no inner wrapper
 *   (the guide's example); an unresolvable link (e.g. the guide's xhslink.com/m/xxxxx placeholder) → HTTP 400.
 * - Deleted note: inner failure code -510001 "笔记状态异常，请稍后查看"; unknown note: -510000 "笔记不存在".
 */

import { DELETED_NOTE_ANSWERS } from "../../quirks.js";
import type { CommentOrder, SearchFilters, WorldNote } from "../../world/types.js";
import { cursorId } from "../comment-cursor.js";
import { echoParams, tikhubTime } from "../envelope.js";
import { APP_NOTE_TYPES, APP_SEARCH_SORTS, APP_TIME_FILTERS, servedSearch } from "../search-vocabulary.js";
import {
  pageNumber,
  positionAfter,
  type RenderContext,
  type RenderOutcome,
  type SeriesRenderer,
  searchId,
  slice,
} from "../types.js";
import { APP_V1_PAGE, listNote, noteDetail, noteUser, profile, reply, searchNote, top } from "./fragments.js";

function ok(data: unknown, extra: Record<string, unknown> = {}): RenderOutcome {
  return { kind: "data", data: { code: 0, success: true, msg: "成功", data, ...extra } };
}

function innerFailure(message: string, code = -1): unknown {
  return { code, success: false, msg: message, data: {} };
}

function fail(message: string, code = -1): RenderOutcome {
  return { kind: "data", data: innerFailure(message, code) };
}

function noteFromArgs(ctx: RenderContext): WorldNote | undefined {
  const id = ctx.args.note_id || ctx.world.resolveShareText(ctx.args.share_text ?? "")?.id || "";
  return ctx.world.note(id);
}

function deletedAnswer(): RenderOutcome {
  return fail(DELETED_NOTE_ANSWERS.app_v1.msg, DELETED_NOTE_ANSWERS.app_v1.code);
}

// ------------------------------------------------------------------ endpoints

function noteInfo(ctx: RenderContext): RenderOutcome {
  const note = noteFromArgs(ctx);
  if (!note) return fail("笔记不存在", -510000);
  if (note.deleted && ctx.quirks.deletedNotes) return deletedAnswer();
  return ok([
    {
      model_type: "note",
      track_id: ctx.world.hex8("track", note.id),
      user: noteUser(ctx.world, note.userId),
      note_list: [noteDetail(ctx.world, note)],
      comment_list: [],
    },
  ]);
}

function userInfo(ctx: RenderContext): RenderOutcome {
  const user = ctx.world.user(ctx.args.user_id ?? "");
  return user ? ok(profile(ctx.world, user)) : fail("用户不存在");
}

function userNotes(ctx: RenderContext): RenderOutcome {
  const user = ctx.world.user(ctx.args.user_id ?? "");
  if (!user) return fail("用户不存在");
  const notes = ctx.world.userNotes(user.id);
  const start = positionAfter(notes, ctx.args.cursor ?? "", (n) => n.id);
  if (start < 0) return ok({ notes: [], tags: [], has_more: false, cursor: "" });
  const { page, hasMore } = slice(notes, start, APP_V1_PAGE.userNotes);
  return ok({
    notes: page.map((n) => listNote(ctx.world, n)),
    tags: [],
    has_more: hasMore,
    cursor: page.at(-1)?.id ?? "",
  });
}

function noteComments(ctx: RenderContext): RenderOutcome {
  const note = ctx.world.note(ctx.args.note_id ?? "");
  if (!note) return fail("笔记不存在", -510000);
  if (note.deleted && ctx.quirks.deletedNotes) return deletedAnswer();
  const threads = ctx.world.threadsOf(note.id);
  const order: CommentOrder = ctx.args.sort_strategy === "2" ? "latest" : "most_liked";
  const base = { comment_count: note.commentsTotal, comment_count_l1: note.commentsL1, user_id: note.userId };
  const startId = cursorId(ctx.args.start ?? "");
  let start = 0;
  if (startId !== "" && threads) {
    const parsed = threads.parseId(startId);
    start = parsed && parsed.reply === 0 ? threads.positionOf(order, parsed.index) + 1 : -1;
  }
  if (!threads || start < 0) return ok({ ...base, comments: [], has_more: false, cursor: "" });
  const end = Math.min(note.commentsL1, start + APP_V1_PAGE.comments);
  const comments = [];
  for (let p = start; p < end; p++) comments.push(top(ctx.world, note, threads.top(threads.orderIndex(order, p))));
  const last = comments.at(-1);
  return ok({
    ...base,
    comments,
    has_more: end < note.commentsL1,
    cursor: last
      ? JSON.stringify({ cursor: last.id, index: Math.floor(end / APP_V1_PAGE.comments) + 1, pageArea: "UNFOLDED" })
      : "",
  });
}

function subComments(ctx: RenderContext): RenderOutcome {
  const note = ctx.world.note(ctx.args.note_id ?? "");
  if (!note) return fail("笔记不存在", -510000);
  if (note.deleted && ctx.quirks.deletedNotes) return deletedAnswer();
  const threads = ctx.world.threadsOf(note.id);
  const root = threads?.parseId(ctx.args.comment_id ?? "");
  if (!threads || !root || root.reply !== 0) return ok({ comments: [], has_more: false, cursor: "" });
  const total = threads.replyCount(root.index);
  const startId = cursorId(ctx.args.start ?? "");
  let start = 0;
  if (startId !== "") {
    const parsed = threads.parseId(startId);
    start = parsed && parsed.index === root.index && parsed.reply > 0 ? parsed.reply : -1;
  }
  if (start < 0) return ok({ comments: [], has_more: false, cursor: "" });
  const end = Math.min(total, start + APP_V1_PAGE.replies);
  const comments = [];
  for (let j = start; j < end; j++) comments.push(reply(ctx.world, note, threads.reply(root.index, j)));
  return ok({ comments, has_more: end < total, cursor: comments.at(-1)?.id ?? "" });
}

function searchNotes(ctx: RenderContext): RenderOutcome {
  const a = ctx.args;
  const keyword = a.keyword ?? "";
  const filters: SearchFilters = {
    sort: APP_SEARCH_SORTS[a.sort_type ?? ""] ?? "general",
    noteType: APP_NOTE_TYPES[a.filter_note_type ?? ""] ?? "all",
    time: APP_TIME_FILTERS[a.filter_note_time ?? ""] ?? "all",
  };
  if (filters.noteType === "live") filters.noteType = "all"; // Not an App V1 value: the default.
  const page = pageNumber(a.page);
  const results = servedSearch(ctx, keyword, filters);
  const { page: notes, hasMore } = slice(results, (page - 1) * APP_V1_PAGE.search, APP_V1_PAGE.search);
  const key = [keyword, filters.sort ?? "", filters.noteType ?? "", filters.time ?? ""];
  return ok(
    {
      items: notes.map((n) => ({ model_type: "note", note: searchNote(ctx.world, n) })),
      has_more: hasMore,
      recommend_info: { title: "" },
      recommend_items: [],
      query_debug_info: { is_forbidden: false, query_risk_level: "<UNSET>" },
      label_image: {},
    },
    {
      searchId: a.search_id || searchId(ctx.world, "v1notes", ...key),
      sessionId: a.session_id || searchId(ctx.world, "v1session", ...key),
    },
  );
}

function topicNotes(ctx: RenderContext): RenderOutcome {
  const a = ctx.args;
  const pageId = a.page_id ?? "";
  const sessionId = a.session_id || searchId(ctx.world, "v1topic", pageId, a.first_load_time ?? "");
  const order = a.sort === "time" ? "time" : a.sort === "trend" ? "trend" : "hot";
  const notes = ctx.world.topic(pageId) ? ctx.world.topicNotes(pageId, order) : [];
  const start = positionAfter(notes, a.last_note_id ?? "", (n) => n.id);
  if (start < 0) return ok({ notes: [], session_id: sessionId, has_more: false });
  const { page, hasMore } = slice(notes, start, APP_V1_PAGE.topic);
  return ok({
    notes: page.map((n) => ({
      id: n.id,
      model_type: "note",
      note: {
        ...listNote(ctx.world, n),
        create_time: n.time * 1000,
        cursor_score: order === "time" ? `${n.time}.0` : `${n.hotScore}.0`,
      },
    })),
    session_id: sessionId,
    has_more: hasMore,
  });
}

function badLink(ctx: RenderContext): RenderOutcome {
  return {
    kind: "http",
    status: 400,
    body: {
      detail: {
        code: 400,
        message: "Failed to parse the share link. Please check that the link is valid.",
        message_zh: "分享链接解析失败，请检查链接是否有效。",
        support: "Discord: https://discord.gg/aMEAS8Xsvz",
        time: tikhubTime(ctx.nowMs),
        time_stamp: Math.floor(ctx.nowMs / 1000),
        time_zone: "America/Los_Angeles",
        router: ctx.spec.path,
        params: echoParams(ctx.params),
      },
    },
  };
}

function userIdAndToken(ctx: RenderContext): RenderOutcome {
  const r = ctx.world.resolveShareText(ctx.args.share_link ?? "");
  if (r?.kind !== "user") return badLink(ctx);
  return { kind: "data", data: { user_id: r.id, xsec_token: r.xsecToken } };
}

function shareInfo(ctx: RenderContext): RenderOutcome {
  const r = ctx.world.resolveShareText(ctx.args.share_link ?? "");
  if (!r) return badLink(ctx);
  return {
    kind: "data",
    data: r.kind === "note" ? { note_id: r.id, xsec_token: r.xsecToken } : { user_id: r.id, xsec_token: r.xsecToken },
  };
}

function emptyPayload(tail: string): unknown {
  const wrap = (data: unknown, extra: Record<string, unknown> = {}) => ({
    code: 0,
    success: true,
    msg: "成功",
    data,
    ...extra,
  });
  switch (tail) {
    case "get_note_info":
      return wrap([]);
    case "get_user_notes":
      return wrap({ notes: [], tags: [], has_more: false, cursor: "" });
    case "get_note_comments":
    case "get_sub_comments":
      return wrap({ comments: [], has_more: false, cursor: "" });
    case "search_notes":
      return wrap({ items: [], has_more: false }, { searchId: "", sessionId: "" });
    case "get_topic_notes":
      return wrap({ notes: [], has_more: false, session_id: "" });
    case "get_user_id_and_xsec_token":
    case "extract_share_info":
      return {};
    default:
      return wrap({});
  }
}

export const appV1: SeriesRenderer = {
  endpoints: {
    get_note_info: noteInfo,
    get_user_info: userInfo,
    get_user_notes: userNotes,
    get_note_comments: noteComments,
    get_sub_comments: subComments,
    search_notes: searchNotes,
    get_topic_notes: topicNotes,
    get_user_id_and_xsec_token: userIdAndToken,
    extract_share_info: shareInfo,
  },
  innerFailure,
  emptyPayload,
};
