/**
 * App V1 answers (/api/v1/xiaohongshu/app/…): XHS **app** payloads (samples/xhs/app/*, tikhub-api.md §5)
 * inside the envelope. No real App V1 capture exists, so every shape here is a choice.
 *
 * ---- Inferred or unknown shapes: every choice in one place (also in docs/decisions.md) ----
 * - Inner wrapper: the XHS app response `{code:0, success:true, msg:"成功", data}`; search adds camelCase
 *   `searchId` / `sessionId` on the wrapper (murongg/travel-ai types, tikhub-api.md §1.2).
 * - get_note_info: `data.data[0].note_list[0]` (app note feed, as samples/xhs/app/note-detail.json). Video notes
 *   are answered without `video_info_v2` (the guide: no video URL from App V1).
 * - get_user_info: the app profile (samples/xhs/app/user-profile.json) at `data.data`.
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

import { DELETED_NOTE_ANSWERS } from "../quirks.js";
import { stripTopicMarkers } from "../world/text.js";
import type { CommentOrder, SearchFilters, WorldComment, WorldNote, WorldUser } from "../world/types.js";
import type { World } from "../world/world.js";
import {
  APP_NOTE_TYPES,
  APP_TIME_FILTERS,
  APP_V2_SEARCH_SORTS,
  appSearchUser,
  cursorId,
  servedSearch,
} from "./app-v2.js";
import { echoParams, tikhubTime } from "./envelope.js";
import { appImageUrl, appVideoInfo, avatarUrl, cut, publishText } from "./media.js";
import {
  memo,
  pageNumber,
  positionAfter,
  type RenderContext,
  type RenderOutcome,
  type SeriesRenderer,
  searchId,
  slice,
} from "./types.js";

export const APP_V1_PAGE = {
  userNotes: 20,
  comments: 10,
  replies: 10,
  search: 20,
  topic: 20,
  searchDesc: 60,
  listDesc: 100,
} as const;

function ok(data: unknown, extra: Record<string, unknown> = {}): RenderOutcome {
  return { kind: "data", data: { code: 0, success: true, msg: "成功", data, ...extra } };
}

function innerFailure(message: string, code = -1): unknown {
  return { code, success: false, msg: message, data: {} };
}

function fail(message: string, code = -1): RenderOutcome {
  return { kind: "data", data: innerFailure(message, code) };
}

const level = () => ({ image: "" });

function noteUser(world: World, userId: string) {
  const u = world.user(userId);
  return {
    id: userId,
    name: u?.nickname ?? "",
    image: avatarUrl(u, 120),
    followed: false,
    red_id: u?.redId ?? "",
    nickname: u?.nickname ?? "",
    red_official_verify_type: u?.verified ? 1 : 0,
    userid: userId,
    level: level(),
  };
}

function images(world: World, note: WorldNote, detail: boolean) {
  return note.images.map((img) => {
    const out: Record<string, unknown> = {
      fileid: img.fileId,
      height: img.height,
      width: img.width,
      url: appImageUrl(world, img.fileId, 1080, "SRH_PRV"),
      url_size_large: appImageUrl(world, img.fileId, 1440, "SRH_DTL"),
      original: "",
      trace_id: img.fileId,
    };
    if (detail) {
      out.url_multi_level = {
        low: appImageUrl(world, img.fileId, 360, "SRH_PRV"),
        medium: appImageUrl(world, img.fileId, 720, "SRH_PRV"),
        high: appImageUrl(world, img.fileId, 1440, "SRH_DTL"),
      };
    }
    return out;
  });
}

function noteDetail(world: World, note: WorldNote) {
  return memo(world, `v1d:${note.id}`, () => buildNoteDetail(world, note));
}

function buildNoteDetail(world: World, note: WorldNote) {
  const cover = note.images[0];
  const share = {
    content: stripTopicMarkers(note.desc),
    image: cover ? appImageUrl(world, cover.fileId, 360, "SRH_PRV") : "",
    link: `https://www.xiaohongshu.com/discovery/item/${note.id}?app_platform=android&app_version=8.80.0&share_from_user_hidden=true&type=${note.type}&xsec_token=${note.xsecToken}&xsec_source=app_share`,
    title: note.title,
    is_star: false,
    block_private_msg: false,
    show_wechat_tag: false,
    guide_audited: false,
    function_entries: [{ type: "generate_image" }, { type: "copy_link" }],
  };
  return {
    model_type: "note",
    id: note.id,
    type: note.type,
    title: note.title,
    desc: note.desc,
    hash_tag: note.topicIds.map((pageId) => {
      const t = world.topic(pageId);
      return {
        id: t?.tagId ?? pageId,
        name: t?.name ?? "",
        type: "topic",
        link: `xhsdiscover://topic/v2/${pageId}?page_source=note_feed.click_new_big`,
        record_emoji: "",
        record_count: 0,
        record_unit: "",
        current_score: 0,
        bizId: "",
        tag_hint: "",
      };
    }),
    ats: note.atUserIds.map((id) => ({ nickname: world.user(id)?.nickname ?? "", userid: id })),
    images_list: images(world, note, true),
    user: noteUser(world, note.userId),
    time: note.time,
    last_update_time: note.lastUpdateTime,
    poi: {},
    liked: false,
    liked_count: note.likes,
    collected: false,
    collected_count: note.collects,
    seeded_count: 0,
    comments_count: note.commentsTotal,
    sticky: false,
    share_info: share,
    long_press_share_info: {
      content: share.content,
      title: share.title,
      is_star: false,
      block_private_msg: false,
      show_wechat_tag: false,
      guide_audited: false,
      function_entries: [{ type: "image_download" }],
    },
    qq_mini_program_info: {
      user_name: "gh_66c53d495417",
      path: `pages/main/note/index?id=${note.id}`,
      title: note.title,
      desc: cut(share.content, 50),
      webpage_url: `https://www.xiaohongshu.com/discovery/item/${note.id}`,
      thumb: share.image,
      share_title: note.title,
    },
    widgets_groups: [["guos_test", "note_next_step"]],
    widgets_context: widgetsContext(note),
    shared_count: note.shares,
    view_count: note.views,
    has_related_goods: false,
    enable_fls_bridge_cards: false,
    enable_fls_related_cards: false,
    enable_brand_lottery: false,
    cooperate_binds: [],
    topics: note.topicIds.map((pageId) => {
      const t = world.topic(pageId);
      return {
        id: t?.tagId ?? pageId,
        name: t?.name ?? "",
        image: "",
        link: `xhsdiscover://topic/v2/${pageId}`,
        style: 0,
        discuss_num: t?.discussions ?? 0,
      };
    }),
    may_have_red_packet: false,
    red_envelope_note: false,
    share_code_flag: 0,
    has_music: false,
    head_tags: [],
    foot_tags: [],
    need_next_step: false,
    need_product_review: false,
    liked_users: [],
    goods_info: {},
    debug_info: "",
    use_water_color: false,
    media_save_config: { disable_save: false, disable_watermark: false, disable_weibo_cover: false },
  };
}

/** An app list note (user notes), as samples/xhs/app/user-posted.json. */
function listNote(world: World, note: WorldNote): Record<string, unknown> {
  return memo(world, `v1l:${note.id}`, () => buildListNote(world, note));
}

function buildListNote(world: World, note: WorldNote): Record<string, unknown> {
  const u = world.user(note.userId);
  const out: Record<string, unknown> = {
    id: note.id,
    title: note.title,
    display_title: note.title,
    desc: cut(note.desc, APP_V1_PAGE.listDesc),
    last_update_time: 0,
    type: note.type,
    inlikes: false,
    likes: note.likes,
    view_count: note.views,
    has_music: false,
    is_goods_note: false,
    price: 0,
    images_list: images(world, note, false),
    user: { nickname: u?.nickname ?? "", images: avatarUrl(u), userid: note.userId },
    recommend: { desc: "", icon: "", target_id: "", target_name: "", track_id: "", type: "" },
    sticky: false,
    cursor: note.id,
    level: 0,
    advanced_widgets_groups: ADVANCED_WIDGETS,
    widgets_context: widgetsContext(note),
  };
  if (note.type === "video" && note.video) out.video_info_v2 = appVideoInfo(world, note, note.video, "list");
  return out;
}

const ADVANCED_WIDGETS = {
  groups: [
    { mode: 1, fetch_types: ["guos_test", "note_next_step", "second_jump_bar"] },
    { mode: 0, fetch_types: ["guos_test", "vote_stickers"] },
  ],
};

function widgetsContext(note: WorldNote): string {
  return JSON.stringify({ video: note.type === "video", author_id: note.userId });
}

function profile(world: World, user: WorldUser) {
  const { liked, collected } = world.likesAndCollects(user.id);
  const posted = world.userNotes(user.id).length;
  return {
    fans: user.fans,
    collected,
    collected_tags_num: 0,
    nickname: user.nickname,
    result: { message: "success", success: true, code: 0 },
    gender: user.gender,
    collected_poi_num: 0,
    tab_public: {
      collection_board: false,
      seed: false,
      collection: user.favoritesPublic,
      collection_note: user.favoritesPublic,
    },
    blocking: false,
    ip_location: user.ipLocation,
    ndiscovery: posted,
    red_official_verified: user.verified,
    interactions: [
      { is_private: false, toast: "", type: "follows", name: "关注", count: user.follows },
      { is_private: false, toast: "", type: "fans", name: "粉丝", count: user.fans },
      { is_private: false, toast: "", type: "interaction", name: "获赞与收藏", count: liked + collected },
    ],
    level: { image: "", image_link: "", level_name: "", number: 0 },
    desc: user.desc,
    collected_movie_num: 0,
    collected_book_num: 0,
    tab_visible: { note: true, collect: user.favoritesPublic, like: false, seed: false, curation: false },
    collected_brand_num: 0,
    seller_info: { tab_goods_api_version: 0, tab_code_names: [] },
    fstatus: "none",
    collected_notes_num: world.favorites(user.id)?.length ?? 0,
    recommend_info: "",
    share_link: world.userUrl(user),
    userid: user.id,
    location_jump: false,
    imageb: avatarUrl(user, 540),
    zhong_tong_bar_info: { conversions: [] },
    tags: [
      {
        icon: `https://picasso-static.xiaohongshu.com/fe-platform/gender-${user.gender === 1 ? "female" : "male"}-v1.png`,
        tag_type: "info",
        name: "",
      },
      { icon: "", tag_type: "location", name: user.ipLocation },
    ],
    location: user.ipLocation,
    nboards: 0,
    blocked: false,
    community_rule_url: "",
    desc_at_users: [],
    identity_deeplink: "",
    remark_name: "",
    feedback_account_appeal_url: "",
    default_collection_tab: "note",
    red_official_verify_type: user.verified ? 1 : 0,
    red_official_verify_content: "",
    show_extra_info_button: false,
    red_id: user.redId,
    recommend_info_icon: "",
    note_num_stat: { posted, liked: 0, collected: world.favorites(user.id)?.length ?? 0 },
    images: avatarUrl(user, 360),
    liked,
    share_info: { title: `@${user.nickname}的个人主页`, content: user.desc },
    banner_info: { image: "", bg_color: "" },
    is_recommend_level_illegal: false,
    follows: user.follows,
    collected_product_num: 0,
  };
}

function commentUser(world: World, userId: string) {
  const u = world.user(userId);
  return { nickname: u?.nickname ?? "", images: avatarUrl(u), userid: userId, level: level(), red_id: u?.redId ?? "" };
}

function commentBase(world: World, note: WorldNote, c: WorldComment) {
  return {
    at_users: c.atUserIds.map((id) => ({ nickname: world.user(id)?.nickname ?? "", userid: id, level: level() })),
    id: c.id,
    content: c.content,
    friend_liked_msg: "",
    like_count: c.likes,
    liked: false,
    hidden: false,
    note_id: c.noteId,
    status: 0,
    time: c.time,
    user: commentUser(world, c.userId),
    // XHS app payloads of this age put both markers in show_tags (xhs/app/comment-page.json has "user_top").
    show_tags: [...(c.pinned ? ["user_top"] : []), ...(c.userId === note.userId ? ["is_author"] : [])],
    show_type: "common",
    ip_location: c.ipLocation,
    comment_extra_info: { unfriend_score: 0, static_score: c.likes },
    comment_type: c.picture ? 2 : 0,
  };
}

function reply(world: World, note: WorldNote, r: WorldComment) {
  const target = r.targetId ? world.comment(note.id, r.targetId) : undefined;
  return {
    ...commentBase(world, note, r),
    target_comment: {
      content: target?.content ?? "",
      id: r.targetId ?? "",
      like_count: target?.likes ?? 0,
      note_id: note.id,
      status: 0,
      time: target?.time ?? 0,
      user: commentUser(world, target?.userId ?? r.targetUserId ?? ""),
    },
  };
}

function top(world: World, note: WorldNote, c: WorldComment) {
  return memo(world, `v1c:${c.id}`, () => buildTop(world, note, c));
}

function buildTop(world: World, note: WorldNote, c: WorldComment) {
  const threads = world.threadsOf(note.id);
  const previews = threads && c.replyCount > 0 ? [threads.reply(c.index, 0)] : [];
  return {
    ...commentBase(world, note, c),
    score: c.likes,
    sub_comment_count: c.replyCount,
    sub_comment_cursor: previews.at(-1)?.id ?? "",
    sub_comments: previews.map((r) => reply(world, note, r)),
    track_id: world.hex8("ctrack", c.id),
    pictures: c.picture
      ? [
          {
            width: c.picture.width,
            height: c.picture.height,
            url: `https://ci.xiaohongshu.com/${c.picture.fileId}?imageView2/2/w/540/format/jpg`,
            origin_url: `https://ci.xiaohongshu.com/${c.picture.fileId}?imageView2/2/w/1080/format/jpg`,
          },
        ]
      : [],
  };
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

function searchNote(world: World, note: WorldNote) {
  return memo(world, `v1s:${note.id}`, () => buildSearchNote(world, note));
}

function buildSearchNote(world: World, note: WorldNote) {
  const u = world.user(note.userId);
  return {
    liked: false,
    id: note.id,
    title: note.title,
    abstract_show: "",
    desc: cut(note.desc, APP_V1_PAGE.searchDesc),
    liked_count: note.likes,
    collected_count: note.collects,
    comments_count: note.commentsTotal,
    shared_count: note.shares,
    type: note.type,
    user: { nickname: u?.nickname ?? "", images: avatarUrl(u), userid: note.userId, red_id: u?.redId ?? "" },
    tag_info: {},
    images_list: images(world, note, false),
    has_music: false,
    timestamp: note.time,
    last_update_time: note.lastUpdateTime,
    geo_info: { distance: "" },
    corner_tag_info: [
      { location: 5, type: "publish_time", icon: "", text: publishText(world, note.time), text_en: "" },
    ],
    advanced_widgets_groups: ADVANCED_WIDGETS,
    widgets_context: widgetsContext(note),
    xsec_token: note.xsecToken,
  };
}

function searchNotes(ctx: RenderContext): RenderOutcome {
  const a = ctx.args;
  const keyword = a.keyword ?? "";
  const filters: SearchFilters = {
    sort: APP_V2_SEARCH_SORTS[a.sort_type ?? ""] ?? "general",
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

export { appSearchUser };
