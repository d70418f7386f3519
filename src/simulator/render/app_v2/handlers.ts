/**
 * App V2 answers (/api/v1/xiaohongshu/app_v2/…): the XHS app payload under TikHub's App V2 wrapper
 * `{code:0, success:true, msg:"成功", data, debug_id, debug_info}` (docs/reference-notes.md#envelope-and-success).
 *
 * ---- Inferred or unknown shapes: every choice in one place (also in docs/decisions.md) ----
 * - get_user_info: `data.data` is the app "user otherinfo" profile (userid, fans, interactions[], …) [I]
 *   (docs/reference-notes.md#series-shapes).
 * - get_user_posted_notes / get_user_faved_notes: `data.data = {notes[], has_more, tags[]}`, flat notes with a
 *   per-item `cursor` (= the note id) and `desc` cut to 100 characters; no `xsec_token` on items [I]
 *   (docs/reference-notes.md#series-shapes).
 *   Page size 20. A cursor that is not a known note id gives an empty page. Private favourites: an empty page.
 * - get_note_comments: `cursor` is the plain id of the page's last comment (the 2026-08 probe's form); `index`
 *   is accepted and ignored; the JSON form {"cursor","index","pageArea"} is also accepted on input.
 *   Page size 10; one reply preview per comment. sort_strategy: latest_v2 → newest first; like_count → most
 *   liked first; default → the pinned comment, then most liked; default past page 1 loses and repeats comments
 *   (quirk defaultSortPagingDrift).
 *   show_tags_v2 marks pinned ("user_top") and note-author ("is_author") comments; show_tags stays empty.
 *   pageArea FOLDED → an empty page (the world folds no comments).
 * - get_note_sub_comments: same cursor rule; page size 10, oldest first; an unknown comment id (such as the
 *   guide's placeholder PARENT_COMMENT_ID) gives an empty page with success:true.
 * - search_notes: 20 items per page; paging fields on the wrapper; no has_more (an empty page ends it).
 *   search_id / search_session_id are derived from the query, so any page can be asked for directly.
 * - search_users: `data.data.users[]` [I] (docs/reference-notes.md#series-shapes); 20 per page;
 *   `search_id`, `page`, `next_page` on the wrapper like search_notes; no has_more.
 * - get_topic_info: `data.data = {page_info, tabs, share_info}` (field names inside inferred) [D names, U shape]
 *   (docs/reference-notes.md#series-shapes).
 * - get_topic_feed: `data.data = {items[], has_more, session_id, first_load_time}`, items flat notes carrying
 *   `id`, `cursor_score` (string) and `create_time` (ms), so items[-1].id/.cursor_score/.create_time page on.
 * - Unknown note id: detail `data.data: []`; deleted note: inner failure "服务异常" (see quirks.ts).
 * - Unknown user: inner failure "用户不存在" (code -1).
 */

import { DELETED_NOTE_ANSWERS } from "../../quirks.js";
import type { SearchFilters, WorldNote } from "../../world/types.js";
import type { World } from "../../world/world.js";
import { nowField } from "../per-request.js";
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
import { APP_V2_PAGE, fail, innerFailure, isDeleted, noteFromArgs, ok, userFromArgs } from "./answer.js";
import { emptyComments, noteComments, subComments } from "./comment-handlers.js";
import { appV2ListNote, appV2SearchNote, topicItem } from "./list-fragments.js";
import { appV2NoteDetail, detailUser } from "./note-fragments.js";
import { appSearchUser, profile } from "./user-fragments.js";

/** Recommendations a video detail answer appends (and, on an image note, answers instead of it). */
function recommendations(world: World, exclude: WorldNote, count: number): WorldNote[] {
  const notes = world.notes();
  const out: WorldNote[] = [];
  let i = Number.parseInt(world.hex8("rec", exclude.id), 16) % notes.length;
  for (let tries = 0; out.length < count && tries < notes.length; tries++, i = (i + 7) % notes.length) {
    const n = notes[i];
    if (n && n.type === "video" && !n.deleted && n.id !== exclude.id) out.push(n);
  }
  return out;
}

// ------------------------------------------------------------------ endpoints

function noteDetailImage(ctx: RenderContext): RenderOutcome {
  const { note } = noteFromArgs(ctx);
  if (!note) return ok(ctx, []);
  if (isDeleted(ctx, note)) return fail(DELETED_NOTE_ANSWERS.app_v2.msg, DELETED_NOTE_ANSWERS.app_v2.code);
  const hide = note.type === "video" && ctx.quirks.imageDetailOnVideoNote;
  return ok(ctx, [
    {
      comment_list: [],
      model_type: "note",
      note_list: hide ? [] : [appV2NoteDetail(ctx.world, note)],
      track_id: ctx.world.hex8("track", note.id),
      user: detailUser(ctx.world.user(note.userId)),
    },
  ]);
}

function noteDetailVideo(ctx: RenderContext): RenderOutcome {
  const { note } = noteFromArgs(ctx);
  if (!note) return ok(ctx, []);
  if (isDeleted(ctx, note)) return fail(DELETED_NOTE_ANSWERS.app_v2.msg, DELETED_NOTE_ANSWERS.app_v2.code);
  const recs = recommendations(ctx.world, note, 2).map((n) => appV2NoteDetail(ctx.world, n));
  if (note.type === "normal" && ctx.quirks.videoDetailOnImageNote) return ok(ctx, recs);
  return ok(ctx, [appV2NoteDetail(ctx.world, note), ...recs]);
}

function userInfo(ctx: RenderContext): RenderOutcome {
  const user = userFromArgs(ctx);
  if (!user) return fail("用户不存在");
  return ok(ctx, profile(ctx.world, user));
}

function notesPage(ctx: RenderContext, notes: readonly WorldNote[] | null): RenderOutcome {
  if (!notes) return ok(ctx, { notes: [], has_more: false, tags: [] });
  const start = positionAfter(notes, ctx.args.cursor ?? "", (n) => n.id);
  if (start < 0) return ok(ctx, { notes: [], has_more: false, tags: [] });
  const { page, hasMore } = slice(notes, start, APP_V2_PAGE.userNotes);
  return ok(ctx, { notes: page.map((n) => appV2ListNote(ctx.world, n)), has_more: hasMore, tags: [] });
}

function userPosted(ctx: RenderContext): RenderOutcome {
  const user = userFromArgs(ctx);
  if (!user) return fail("用户不存在");
  return notesPage(ctx, ctx.world.userNotes(user.id));
}

function userFaved(ctx: RenderContext): RenderOutcome {
  const user = userFromArgs(ctx);
  if (!user) return fail("用户不存在");
  return notesPage(ctx, ctx.world.favorites(user.id));
}

const SEARCH_DATA_FIELDS = {
  ai_mode_enable: false,
  can_cut: false,
  cur_cut_number: 0,
  dqa_authorized_user_by_shared: false,
  is_broad_query: false,
  query_debug_info: { is_forbidden: false },
  query_intent: { goodsIntent: 0, low_supply_intent: false, search_ask_intent: false },
  query_type: 1,
  request_dqa: 0,
  request_dqa_instant: false,
  search_dqa_new_page_exp: 0,
  search_pull_down_opt_exp: 0,
  service_status: '{"status":0}',
  show_single_col: false,
  strategy_info: { query_average_impression_count: 0, query_can_guide_to_feed: false },
  taxonomy1: "",
  video_intent_grade_v3: 0,
};

function searchNotes(ctx: RenderContext): RenderOutcome {
  const a = ctx.args;
  const keyword = a.keyword ?? "";
  const filters: SearchFilters = {
    sort: APP_SEARCH_SORTS[a.sort_type ?? ""] ?? "general",
    noteType: APP_NOTE_TYPES[a.note_type ?? ""] ?? "all",
    time: APP_TIME_FILTERS[a.time_filter ?? ""] ?? "all",
  };
  const page = pageNumber(a.page);
  const results = servedSearch(ctx, keyword, filters);
  const { page: notes } = slice(results, (page - 1) * APP_V2_PAGE.search, APP_V2_PAGE.search);
  const key = [keyword, filters.sort ?? "", filters.noteType ?? "", filters.time ?? ""];
  return ok(
    ctx,
    {
      ...SEARCH_DATA_FIELDS,
      items: notes.map((n) => ({
        mix_track_id: ctx.world.hex8("mix", n.id),
        model_type: "note",
        new_help_style: false,
        note: appV2SearchNote(ctx.world, n),
      })),
    },
    {
      search_id: a.search_id || searchId(ctx.world, "notes", ...key),
      search_session_id: a.search_session_id || searchId(ctx.world, "session", ...key),
      page,
      next_page: page + 1,
    },
  );
}

function searchUsers(ctx: RenderContext): RenderOutcome {
  const keyword = ctx.args.keyword ?? "";
  const page = pageNumber(ctx.args.page);
  const { page: users } = slice(
    ctx.world.searchUsers(keyword),
    (page - 1) * APP_V2_PAGE.searchUsers,
    APP_V2_PAGE.searchUsers,
  );
  return ok(
    ctx,
    { users: users.map((u) => appSearchUser(ctx.world, u)) },
    { search_id: ctx.args.search_id || searchId(ctx.world, "users", keyword), page, next_page: page + 1 },
  );
}

function topicInfo(ctx: RenderContext): RenderOutcome {
  const topic = ctx.world.topic(ctx.args.page_id ?? "");
  if (!topic) return fail("服务异常");
  const link = `https://www.xiaohongshu.com/page/topics/${topic.pageId}?naviHidden=yes`;
  return ok(ctx, {
    page_info: {
      page_id: topic.pageId,
      id: topic.tagId,
      name: topic.name,
      type: "topic",
      desc: `${topic.name}的话题页`,
      view_num: topic.views,
      discuss_num: topic.discussions,
      banner_url: "",
      logo: "https://picasso-static.xiaohongshu.com/fe-platform/topic-default.png",
    },
    tabs: [
      { name: "最热", sort: "trend" },
      { name: "最新", sort: "time" },
    ],
    share_info: { link, title: `#${topic.name}#`, content: `${topic.views}次浏览`, image: "" },
  });
}

function topicFeed(ctx: RenderContext): RenderOutcome {
  const a = ctx.args;
  const pageId = a.page_id ?? "";
  const topic = ctx.world.topic(pageId);
  const sessionId = a.session_id || searchId(ctx.world, "topic-session", pageId);
  const firstLoad = a.first_load_time || nowField("ms-text");
  if (!topic) return ok(ctx, { items: [], has_more: false, session_id: sessionId, first_load_time: firstLoad });
  const order = a.sort === "time" ? "time" : "trend";
  const notes = ctx.world.topicNotes(pageId, order);
  const start = positionAfter(notes, a.last_note_id ?? "", (n) => n.id);
  if (start < 0) return ok(ctx, { items: [], has_more: false, session_id: sessionId, first_load_time: firstLoad });
  const { page, hasMore } = slice(notes, start, APP_V2_PAGE.topicFeed);
  return ok(ctx, {
    items: page.map((n) => topicItem(ctx.world, n, order)),
    has_more: hasMore,
    session_id: sessionId,
    first_load_time: firstLoad,
  });
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
    case "get_image_note_detail":
    case "get_video_note_detail":
      return wrap([]);
    case "get_user_info":
      return wrap({});
    case "get_user_posted_notes":
    case "get_user_faved_notes":
      return wrap({ notes: [], has_more: false, tags: [] });
    case "get_note_comments":
      return wrap(emptyComments("", "latest_v2"));
    case "get_note_sub_comments":
      return wrap({ comments: [], cursor: "", has_more: false, page_context: "" });
    case "search_notes":
      return wrap(
        { ...SEARCH_DATA_FIELDS, items: [] },
        { search_id: "", search_session_id: "", page: 1, next_page: 2 },
      );
    case "search_users":
      return wrap({ users: [] }, { search_id: "", page: 1, next_page: 2 });
    case "get_topic_info":
      return wrap({});
    case "get_topic_feed":
      return wrap({ items: [], has_more: false });
    default:
      return wrap({});
  }
}

export const appV2: SeriesRenderer = {
  endpoints: {
    get_image_note_detail: noteDetailImage,
    get_video_note_detail: noteDetailVideo,
    get_user_info: userInfo,
    get_user_posted_notes: userPosted,
    get_user_faved_notes: userFaved,
    get_note_comments: noteComments,
    get_note_sub_comments: subComments,
    search_notes: searchNotes,
    search_users: searchUsers,
    get_topic_info: topicInfo,
    get_topic_feed: topicFeed,
  },
  innerFailure,
  emptyPayload,
};
