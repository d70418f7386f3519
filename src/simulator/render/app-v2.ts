/**
 * App V2 answers (/api/v1/xiaohongshu/app_v2/…): the XHS app payload under TikHub's App V2 wrapper
 * `{code:0, success:true, msg:"成功", data, debug_id, debug_info}` (tikhub-api.md §1.2, §4).
 *
 * ---- Inferred or unknown shapes: every choice in one place (also in docs/decisions.md) ----
 * - get_user_info: `data.data` is the app "user otherinfo" profile (userid, fans, interactions[], …) [I §4.3].
 * - get_user_posted_notes / get_user_faved_notes: `data.data = {notes[], has_more, tags[]}`, flat notes with a
 *   per-item `cursor` (= the note id) and `desc` cut to 100 characters; no `xsec_token` on items [I §4.4, §4.5].
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
 * - search_users: `data.data.users[]` [I]; 20 per page; `search_id`, `page`, `next_page` on the wrapper like
 *   search_notes; no has_more.
 * - get_topic_info: `data.data = {page_info, tabs, share_info}` (field names inside inferred) [D names, U shape].
 * - get_topic_feed: `data.data = {items[], has_more, session_id, first_load_time}`, items flat notes carrying
 *   `id`, `cursor_score` (string) and `create_time` (ms), so items[-1].id/.cursor_score/.create_time page on.
 * - Unknown note id: detail `data.data: []`; deleted note: inner failure "服务异常" (see quirks.ts).
 * - Unknown user: inner failure "用户不存在" (code -1).
 */

import { DELETED_NOTE_ANSWERS, SEARCH_CAP_NOTES } from "../quirks.js";
import { stripTopicMarkers } from "../world/text.js";
import type { CommentOrder, SearchFilters, WorldComment, WorldNote, WorldUser } from "../world/types.js";
import type { World } from "../world/world.js";
import { appImageUrl, appLivePhoto, appVideoInfo, avatarUrl, cut, expiryHex, publishText } from "./media.js";
import { nowField } from "./per-request.js";
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

export const APP_V2_PAGE = {
  userNotes: 20,
  comments: 10,
  replies: 10,
  search: 20,
  searchUsers: 20,
  topicFeed: 20,
  /** Characters kept of `desc` in search answers (observed: 60). */
  searchDesc: 60,
  /** Characters kept of `desc` in user lists (about 100, per vane). */
  listDesc: 100,
} as const;

// ------------------------------------------------------------------ wrapper

// `_ctx`: every call site passes it; per-request fields no longer read it (see per-request.ts).
function ok(_ctx: RenderContext, data: unknown, extra: Record<string, unknown> = {}): RenderOutcome {
  return {
    kind: "data",
    data: { code: 0, success: true, msg: "成功", data, ...extra, ...debug() },
  };
}

function debug(): Record<string, string> {
  // Per request: filled by the core from the request's clock (the same hex8 of time and endpoint).
  return { debug_id: nowField("debug-id"), debug_info: "" };
}

function innerFailure(message: string, code = -1): unknown {
  return { code, success: false, msg: message, data: null };
}

function fail(message: string, code = -1): RenderOutcome {
  return { kind: "data", data: innerFailure(message, code) };
}

// ------------------------------------------------------------------ pieces

function level() {
  return { image: "" };
}

/** The note author as detail answers give it. */
function detailUser(user: WorldUser | undefined) {
  return {
    followed: false,
    fstatus: "none",
    id: user?.id ?? "",
    image: avatarUrl(user, 120),
    level: level(),
    name: user?.nickname ?? "",
    nickname: user?.nickname ?? "",
    red_id: user?.redId ?? "",
    red_official_verified: user?.verified ?? false,
    red_official_verify_type: user?.verified ? 1 : 0,
    show_red_official_verify_icon: user?.verified ?? false,
    track_duration: 0,
    userid: user?.id ?? "",
  };
}

function hashTags(world: World, note: WorldNote, withIndicator: boolean) {
  return note.topicIds.map((pageId) => {
    const topic = world.topic(pageId);
    const tag: Record<string, unknown> = {
      bizId: "",
      current_score: 0,
      id: topic?.tagId ?? pageId,
      link: `xhsdiscover://topic/v2/${pageId}?page_source=note_feed.click_new_big`,
      name: topic?.name ?? "",
      record_count: 0,
      record_emoji: "",
      record_unit: "",
      tag_hint: "",
      type: "topic",
    };
    if (withIndicator) tag.indicator = "";
    return tag;
  });
}

function topicsOf(world: World, note: WorldNote) {
  return note.topicIds.map((pageId) => {
    const topic = world.topic(pageId);
    return {
      activity_online: false,
      business_type: 0,
      discuss_num: topic?.discussions ?? 0,
      id: topic?.tagId ?? pageId,
      image: "https://picasso-static.xiaohongshu.com/fe-platform/topic-default.png",
      link: `xhsdiscover://topic/v2/${pageId}?page_source=note_feed.click_new_big`,
      name: topic?.name ?? "",
      style: 0,
    };
  });
}

function shareInfo(world: World, note: WorldNote) {
  const cover = note.images[0];
  return {
    block_private_msg: false,
    content: stripTopicMarkers(note.desc),
    function_entries: [{ type: "generate_image" }, { type: "copy_link" }, { type: "quote_note" }],
    guide_audited: false,
    image: cover ? appImageUrl(world, cover.fileId, 360, "SRH_PRV") : "",
    is_star: false,
    link: `https://www.xiaohongshu.com/discovery/item/${note.id}?app_platform=android&app_version=8.80.0&share_from_user_hidden=true&xsec_source=app_share&type=${note.type}&xsec_token=${note.xsecToken}&author_share=1&xhsshare=CopyLink`,
    show_wechat_tag: false,
    title: note.title,
    wechat_share_desc: "",
  };
}

function detailImages(world: World, note: WorldNote) {
  return note.images.map((img, index) => {
    const out: Record<string, unknown> = {
      fileid: img.fileId,
      height: img.height,
      index,
      latitude: 0,
      longitude: 0,
      need_load_original_image: false,
      original: "",
      trace_id: img.fileId,
      url: appImageUrl(world, img.fileId, 576, "SRH_PRV"),
      url_size_large: appImageUrl(world, img.fileId, 1440, "SRH_DTL"),
      width: img.width,
    };
    if (note.type === "normal") {
      out.file_id_trans = "";
      out.origin_img = { height: img.height, size: 0, width: img.width };
      out.scale_to_large = 4;
      out.text_intention = 0;
      out.url_multi_level = {
        high: appImageUrl(world, img.fileId, 1440, "SRH_DTL"),
        low: appImageUrl(world, img.fileId, 360, "SRH_PRV"),
        medium: appImageUrl(world, img.fileId, 720, "SRH_PRV"),
      };
      out.url_trans = "";
    } else {
      out.scale_to_large = 4;
    }
    const live = appLivePhoto(img);
    if (live) {
      out.live_photo_file_id = img.livePhoto?.fileId;
      out.live_photo = live;
    }
    return out;
  });
}

/** A full note as App V2 detail answers carry it (image: note_list[0]; video: the bare array's element). */
export function appV2NoteDetail(world: World, note: WorldNote) {
  return memo(world, `v2d:${note.id}`, () => buildNoteDetail(world, note));
}

function buildNoteDetail(world: World, note: WorldNote) {
  const user = world.user(note.userId);
  const common = {
    api_upgrade: -1,
    ats: note.atUserIds.map((id) => {
      const u = world.user(id);
      return { nickname: u?.nickname ?? "", userid: id };
    }),
    collected: false,
    collected_count: note.collects,
    comment_prompt_config: { forbidden_cmt_type: 0, placeholder_long: "说点什么...", placeholder_short: "说点什么..." },
    comments_count: note.commentsTotal,
    content_trans_info: { strategy: 9 },
    cooperate_binds: [],
    countdown: 0,
    desc: note.desc,
    enable_brand_lottery: false,
    enable_fls_bridge_cards: false,
    enable_fls_related_cards: false,
    feedback_info: { dislike_status: 0 },
    foot_tags: [],
    function_switch: [
      { enable: true, reason: "", type: note.type === "video" ? "video_download" : "image_download" },
      { enable: true, reason: "", type: "quote_note" },
    ],
    has_related_goods: false,
    hash_tag: hashTags(world, note, note.type === "video"),
    id: note.id,
    images_list: detailImages(world, note),
    ip_location: note.ipLocation,
    last_update_time: note.lastUpdateTime,
    liked: false,
    liked_count: note.likes,
    may_have_red_packet: false,
    media_save_config: { disable_save: false, disable_watermark: false, disable_weibo_cover: false },
    model_type: "note",
    need_next_step: false,
    need_product_review: false,
    pre_view_count: -1,
    privacy: { nick_names: "", show_tips: false, type: 0 },
    qq_mini_program_info: miniProgram(note),
    seeded: false,
    seeded_count: 0,
    share_code_flag: 0,
    share_info: shareInfo(world, note),
    shared_count: note.shares,
    sticky: false,
    text_language_code: "zh-Hans",
    time: note.time,
    title: note.title,
    topics: topicsOf(world, note),
    type: note.type,
    user: detailUser(user),
    view_count: note.views,
    widgets_context: widgetsContext(note),
    widgets_groups: [["guos_test", "note_next_step", "second_jump_bar"]],
  };
  if (note.type === "normal" || !note.video) {
    return {
      ...common,
      biz_map: {},
      co_produce_link: "",
      enable_co_produce: false,
      goods_info: {},
      has_co_produce: false,
      has_music: false,
      head_tags: [],
      in_censor: false,
      liked_users: [],
      long_press_share_info: {
        block_private_msg: false,
        content: stripTopicMarkers(note.desc),
        function_entries: [{ type: "image_download" }],
        guide_audited: false,
        is_star: false,
        show_wechat_tag: false,
        title: note.title,
      },
      mini_program_info: miniProgram(note),
      note_text_press_options: [],
      red_envelope_note: false,
      use_water_color: false,
    };
  }
  return {
    ...common,
    auto_slide_down: 0,
    cny_red_envelope_note: false,
    cursor_score: "",
    downgrade_type: 0,
    enable_listen_video: false,
    final_feed_item: false,
    has_no_more: false,
    hide_button: false,
    interaction_info: { nice_count: 0, niced: false, share_count: note.shares },
    lazy_load_mode: 0,
    native_voice_info: { deeplink: "", disable_panel: false, sound_id: "", url: "", use_count: 0 },
    nice_info: { display: false, nice_status: 0 },
    reco_extra: { recVideoCompleteScore: "0.0" },
    regenerate_bit_map: 0,
    related_goods_num: 0,
    source_item: false,
    source_note: true,
    track_id: world.hex8("track", note.id),
    track_info: "",
    user: { ...detailUser(user), preload_posted: false },
    video_info_v2: {
      ...appVideoInfo(world, note, note.video, "detail"),
      consumer: { agent_bg_color: "", can_super_resolution: false },
    },
  };
}

function miniProgram(note: WorldNote) {
  return {
    desc: cut(stripTopicMarkers(note.desc), 50),
    path: `pages/main/note/index?id=${note.id}&type=${note.type}`,
    share_title: note.title,
    thumb: "",
    title: note.title,
    user_name: "gh_66c53d495417",
    webpage_url: `https://www.xiaohongshu.com/discovery/item/${note.id}`,
  };
}

function widgetsContext(note: WorldNote): string {
  return JSON.stringify({
    video: note.type === "video",
    origin_video_key: note.video?.originVideoKey ?? "",
    author_id: note.userId,
    video_duration: note.video?.durationSec ?? 0,
  });
}

/** A note as search answers carry it: body cut to 60 characters, video_id a JSON number. */
export function appV2SearchNote(world: World, note: WorldNote) {
  return memo(world, `v2s:${note.id}`, () => buildSearchNote(world, note));
}

function buildSearchNote(world: World, note: WorldNote) {
  const user = world.user(note.userId);
  const out: Record<string, unknown> = {
    advanced_widgets_groups: {
      groups: [
        { fetch_types: ["guos_test", "note_next_step", "second_jump_bar"], mode: 1 },
        { fetch_types: ["guos_test", "vote_stickers", "bullet_comment_lead"], mode: 0 },
      ],
    },
    at_user_list: note.atUserIds.map((id) => ({ nickname: world.user(id)?.nickname ?? "", user_id: id, user_oid: id })),
    click_score: Math.round((note.hotScore % 1000) / 10) / 1000,
    collected: false,
    collected_count: note.collects,
    comments_count: note.commentsTotal,
    corner_tag_info: [
      { icon: "", location: -1, style: 0, text: world.sign("ubt", note.id), text_en: "", type: "ubt_sig_token" },
      {
        icon: "http://picasso-static.xiaohongshu.com/fe-platform/e9b67af62f67d9d6cfac936f96ad10a85fdb868e.png",
        location: 5,
        style: 0,
        text: publishText(world, note.time),
        text_en: publishText(world, note.time),
        type: "publish_time",
      },
    ],
    cover_image_index: 0,
    debug_info_str: "",
    desc: cut(note.desc, APP_V2_PAGE.searchDesc),
    extract_text_enabled: 0,
    geo_info: { distance: "" },
    has_music: false,
    id: note.id,
    images_list: note.images.map((img, k) => ({
      fileid: img.fileId,
      height: img.height,
      need_load_original_image: false,
      original: "",
      trace_id: img.fileId,
      url: k === 0 ? appImageUrl(world, img.fileId, 576, "SRH_PRV") : "",
      url_size_large: appImageUrl(world, img.fileId, 1440, "SRH_DTL"),
      width: img.width,
      ...(img.livePhoto ? { live_photo_file_id: img.livePhoto.fileId, live_photo: appLivePhoto(img) } : {}),
    })),
    interaction_area: { link: "", status: false, text: String(note.likes), type: 1 },
    last_update_time: note.lastUpdateTime,
    liked: false,
    liked_count: note.likes,
    nice_count: 0,
    niced: false,
    note_attributes: [],
    result_from: "",
    shared_count: note.shares,
    tag_info: { title: "", type: "" },
    timestamp: note.time,
    title: note.title,
    type: note.type,
    // Milliseconds here, unlike every other App V2 time (observed).
    update_time: note.lastUpdateTime * 1000 + 100,
    user: {
      followed: false,
      images: avatarUrl(user),
      nickname: user?.nickname ?? "",
      red_id: user?.redId ?? "",
      red_official_verified: user?.verified ?? false,
      red_official_verify_type: user?.verified ? 1 : 0,
      show_red_official_verify_icon: user?.verified ?? false,
      track_duration: 0,
      userid: note.userId,
    },
    widgets_context: widgetsContext(note),
    xsec_token: note.xsecToken,
  };
  if (note.type === "video" && note.video) {
    const m = Math.floor(note.video.durationSec / 60);
    const s = note.video.durationSec % 60;
    out.video_duration = `${m}:${String(s).padStart(2, "0")}`;
    out.video_info_v2 = appVideoInfo(world, note, note.video, "search");
  }
  return out;
}

/** A note as user lists (posted, faved) and topic feeds carry it: flat, with a per-item cursor. */
export function appV2ListNote(world: World, note: WorldNote) {
  return memo(world, `v2l:${note.id}`, () => buildListNote(world, note));
}

function buildListNote(world: World, note: WorldNote): Record<string, unknown> {
  const user = world.user(note.userId);
  const out: Record<string, unknown> = {
    id: note.id,
    title: note.title,
    display_title: note.title,
    desc: cut(note.desc, APP_V2_PAGE.listDesc),
    type: note.type,
    create_time: note.time,
    last_update_time: 0,
    user: { userid: note.userId, nickname: user?.nickname ?? "", images: avatarUrl(user) },
    likes: note.likes,
    liked_count: note.likes,
    inlikes: false,
    collected_count: note.collects,
    comments_count: note.commentsTotal,
    share_count: note.shares,
    nice_count: 0,
    view_count: note.views,
    sticky: false,
    images_list: note.images.map((img) => ({
      fileid: img.fileId,
      height: img.height,
      width: img.width,
      url: appImageUrl(world, img.fileId, 576, "SRH_PRV"),
      url_size_large: appImageUrl(world, img.fileId, 1440, "SRH_DTL"),
      original: "",
      trace_id: img.fileId,
    })),
    cursor: note.id,
  };
  if (note.type === "video" && note.video) out.video_info_v2 = appVideoInfo(world, note, note.video, "list");
  return out;
}

function profile(world: World, user: WorldUser) {
  const { liked, collected } = world.likesAndCollects(user.id);
  const posted = world.userNotes(user.id).length;
  const favs = world.favorites(user.id);
  return {
    userid: user.id,
    nickname: user.nickname,
    red_id: user.redId,
    desc: user.desc,
    gender: user.gender,
    ip_location: user.ipLocation,
    images: avatarUrl(user, 360),
    imageb: avatarUrl(user, 540),
    fans: user.fans,
    follows: user.follows,
    liked,
    collected,
    ndiscovery: posted,
    nboards: 0,
    interactions: [
      { type: "follows", name: "关注", count: user.follows, is_private: false, toast: "" },
      { type: "fans", name: "粉丝", count: user.fans, is_private: false, toast: "" },
      { type: "interaction", name: "获赞与收藏", count: liked + collected, is_private: false, toast: "" },
    ],
    note_num_stat: { posted, liked: 0, collected: favs?.length ?? 0 },
    tab_public: {
      collection: user.favoritesPublic,
      collection_note: user.favoritesPublic,
      collection_board: false,
      seed: false,
    },
    tags: [
      {
        icon: `https://picasso-static.xiaohongshu.com/fe-platform/gender-${user.gender === 1 ? "female" : "male"}-v1.png`,
        tag_type: "info",
        name: "",
      },
      { icon: "", tag_type: "location", name: user.ipLocation },
    ],
    share_link: world.userUrl(user),
    share_info_v2: { title: `@${user.nickname}的个人主页`, content: user.desc },
    banner_info: { image: "" },
    level: { image: "", image_link: "", level_name: "", number: 0 },
    fstatus: "none",
    red_official_verified: user.verified,
    red_official_verify_type: user.verified ? 1 : 0,
    result: { success: true, code: 0, message: "success" },
  };
}

function commentUser(world: World, userId: string) {
  const u = world.user(userId);
  return {
    additional_tags: {},
    ai_agent: false,
    current_user: "false",
    images: avatarUrl(u),
    level: level(),
    nickname: u?.nickname ?? "",
    red_id: u?.redId ?? "",
    userid: userId,
  };
}

function commentCommon(world: World, note: WorldNote, c: WorldComment) {
  const byAuthor = c.userId === note.userId;
  return {
    at_users: c.atUserIds.map((id) => ({ nickname: world.user(id)?.nickname ?? "", userid: id, level: level() })),
    biz_label: { group_invite: "", product_review: false, rich_text: "" },
    collected: false,
    comment_type: c.picture ? 2 : 0,
    content: c.content,
    downvoted: false,
    friend_liked_msg: "",
    hidden: false,
    id: c.id,
    ip_location: c.ipLocation,
    like_count: c.likes,
    liked: false,
    note_id: c.noteId,
    relatable_to_note: false,
    score: c.likes,
    share_strategy: 0,
    // App V2 marks pinned and author comments only in show_tags_v2; show_tags stays empty (observed, §10).
    show_tags: [],
    show_tags_v2: [
      ...(c.pinned ? [{ pos: "before_content", style_id: "1", text: "置顶", type: "user_top" }] : []),
      ...(byAuthor ? [{ pos: "after_name", style_id: "1", text: "作者", type: "is_author" }] : []),
    ],
    show_type: "common",
    status: 0,
    time: c.time,
    translation_strategy: 9,
    user: commentUser(world, c.userId),
  };
}

function topComment(world: World, note: WorldNote, c: WorldComment) {
  return memo(world, `v2c:${c.id}`, () => buildTopComment(world, note, c));
}

function buildTopComment(world: World, note: WorldNote, c: WorldComment) {
  const threads = world.threadsOf(note.id);
  const previews = threads && c.replyCount > 0 ? [threads.reply(c.index, 0)] : [];
  return {
    ...commentCommon(world, note, c),
    invalid: false,
    media_source_type: 0,
    pictures: c.picture
      ? [
          {
            box_h: 120,
            box_w: 160,
            file_id: c.picture.fileId,
            height: c.picture.height,
            origin_url: `https://ci.xiaohongshu.com/${c.picture.fileId}?imageView2/2/w/1080/format/jpg`,
            url: `https://ci.xiaohongshu.com/${c.picture.fileId}?imageView2/2/w/540/format/jpg`,
            width: c.picture.width,
          },
        ]
      : [],
    sub_comment_count: c.replyCount,
    sub_comment_cursor: previews.at(-1)?.id ?? "",
    sub_comments: previews.map((r) => replyComment(world, note, r)),
    track_id: world.hex8("ctrack", c.id),
  };
}

function replyComment(world: World, note: WorldNote, r: WorldComment) {
  return memo(world, `v2r:${r.id}`, () => buildReply(world, note, r));
}

function buildReply(world: World, note: WorldNote, r: WorldComment) {
  const target = r.targetId ? world.comment(note.id, r.targetId) : undefined;
  return {
    ...commentCommon(world, note, r),
    target_comment: {
      id: r.targetId ?? "",
      status: 0,
      user: commentUser(world, target?.userId ?? r.targetUserId ?? ""),
    },
  };
}

// ------------------------------------------------------------------ resolution helpers

/** The note an App request names: note_id first, then share_text. */
function noteFromArgs(ctx: RenderContext): { id: string; note: WorldNote | undefined } {
  const id = ctx.args.note_id || ctx.world.resolveShareText(ctx.args.share_text ?? "")?.id || "";
  return { id, note: ctx.world.note(id) };
}

function userFromArgs(ctx: RenderContext): WorldUser | undefined {
  const direct = ctx.args.user_id;
  if (direct) return ctx.world.user(direct);
  const resolved = ctx.world.resolveShareText(ctx.args.share_text ?? "");
  return resolved?.kind === "user" ? ctx.world.user(resolved.id) : undefined;
}

function isDeleted(ctx: RenderContext, note: WorldNote): boolean {
  return note.deleted && ctx.quirks.deletedNotes;
}

/** A comment cursor: the plain id, or the id inside the JSON form {"cursor","index","pageArea"}. */
export function cursorId(raw: string): string {
  const trimmed = raw.trim();
  if (!trimmed.startsWith("{")) return trimmed;
  try {
    const parsed = JSON.parse(trimmed) as { cursor?: unknown };
    return typeof parsed.cursor === "string" ? parsed.cursor : "";
  } catch {
    return "";
  }
}

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

export const APP_V2_SEARCH_SORTS: Record<string, NonNullable<SearchFilters["sort"]>> = {
  general: "general",
  time_descending: "latest",
  popularity_descending: "most_liked",
  comment_descending: "most_commented",
  collect_descending: "most_collected",
};
export const APP_NOTE_TYPES: Record<string, NonNullable<SearchFilters["noteType"]>> = {
  不限: "all",
  视频笔记: "video",
  普通笔记: "image",
  直播笔记: "live",
};
export const APP_TIME_FILTERS: Record<string, NonNullable<SearchFilters["time"]>> = {
  不限: "all",
  一天内: "day",
  一周内: "week",
  半年内: "half_year",
};

/** Search results as the API serves them: capped at about 11 pages when the quirk is on. */
export function servedSearch(ctx: RenderContext, keyword: string, filters: SearchFilters): readonly WorldNote[] {
  const all = ctx.world.search(keyword, filters);
  return ctx.quirks.searchCap ? all.slice(0, SEARCH_CAP_NOTES) : all;
}

function commentOrder(sort: string): CommentOrder {
  return sort === "latest_v2" ? "latest" : sort === "default" ? "relevance" : "most_liked";
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

const SORT_STRATEGIES = [
  { optional_name: "默认", suffix_name: "", type: "default" },
  { optional_name: "最新", suffix_name: "", type: "latest_v2" },
  { optional_name: "最热", suffix_name: "", type: "like_count" },
];

function emptyComments(noteUserId: string, sort: string) {
  return {
    all_sort_strategies: SORT_STRATEGIES,
    comment_count: 0,
    comment_count_l1: 0,
    comments: [],
    current_sort_strategy: sort,
    cursor: "",
    has_more: false,
    page_context: "",
    user_id: noteUserId,
  };
}

function noteComments(ctx: RenderContext): RenderOutcome {
  const sort = ["default", "latest_v2", "like_count"].includes(ctx.args.sort_strategy ?? "")
    ? (ctx.args.sort_strategy as string)
    : "latest_v2";
  const { note } = noteFromArgs(ctx);
  const threads = note ? ctx.world.threadsOf(note.id) : undefined;
  if (!note || !threads || isDeleted(ctx, note) || ctx.args.pageArea === "FOLDED") {
    return ok(ctx, emptyComments(note?.userId ?? "", sort));
  }
  const order = commentOrder(sort);
  const cursor = cursorId(ctx.args.cursor ?? "");
  let start = 0;
  if (cursor !== "") {
    const parsed = threads.parseId(cursor);
    start = parsed && parsed.reply === 0 ? threads.positionOf(order, parsed.index) + 1 : -1;
  }
  if (start < 0)
    return ok(ctx, {
      ...emptyComments(note.userId, sort),
      comment_count: note.commentsTotal,
      comment_count_l1: note.commentsL1,
    });
  // Relevance order past the first page loses and repeats comments (TikHub's docs; the quirk, see quirks.ts).
  const drift = sort === "default" && start > 0 && ctx.quirks.defaultSortPagingDrift;
  const { positions, end } = drift
    ? threads.driftedPage(start, APP_V2_PAGE.comments)
    : straightPage(start, Math.min(note.commentsL1, start + APP_V2_PAGE.comments));
  const comments = positions.map((p) => topComment(ctx.world, note, threads.top(threads.orderIndex(order, p))));
  const last = comments.at(-1);
  return ok(ctx, {
    all_sort_strategies: SORT_STRATEGIES,
    comment_count: note.commentsTotal,
    comment_count_l1: note.commentsL1,
    comments,
    current_sort_strategy: sort,
    cursor: last?.id ?? "",
    has_more: end < note.commentsL1,
    page_context: JSON.stringify({ page: Math.floor(start / APP_V2_PAGE.comments) + 1 }),
    user_id: note.userId,
  });
}

function straightPage(start: number, end: number): { positions: number[]; end: number } {
  const positions: number[] = [];
  for (let p = start; p < end; p++) positions.push(p);
  return { positions, end };
}

function subComments(ctx: RenderContext): RenderOutcome {
  const { note } = noteFromArgs(ctx);
  const threads = note ? ctx.world.threadsOf(note.id) : undefined;
  const root = threads?.parseId(ctx.args.comment_id ?? "");
  const empty = { comments: [], cursor: "", has_more: false, page_context: "" };
  if (!note || !threads || !root || root.reply !== 0 || isDeleted(ctx, note)) return ok(ctx, empty);
  const total = threads.replyCount(root.index);
  const cursor = cursorId(ctx.args.cursor ?? "");
  let start = 0;
  if (cursor !== "") {
    const parsed = threads.parseId(cursor);
    start = parsed && parsed.index === root.index && parsed.reply > 0 ? parsed.reply : -1;
  }
  if (start < 0) return ok(ctx, empty);
  const end = Math.min(total, start + APP_V2_PAGE.replies);
  const comments = [];
  for (let j = start; j < end; j++) comments.push(replyComment(ctx.world, note, threads.reply(root.index, j)));
  return ok(ctx, {
    comments,
    cursor: comments.at(-1)?.id ?? "",
    has_more: end < total,
    page_context: JSON.stringify({ root: ctx.args.comment_id }),
  });
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
    sort: APP_V2_SEARCH_SORTS[a.sort_type ?? ""] ?? "general",
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

/** A user as app user search gives it (also App V1's shape; see xhs/app/search-users.json). */
export function appSearchUser(world: World, u: WorldUser) {
  const notes = world.userNotes(u.id);
  return {
    id: u.id,
    name: u.nickname,
    desc: `粉丝·${fansText(u.fans)} | 笔记·${notes.length}`,
    image: avatarUrl(u, 120),
    followed: false,
    red_id: u.redId,
    red_official_verify_type: u.verified ? 1 : 0,
    show_red_official_verify_icon: u.verified,
    red_official_verified: u.verified,
    track_duration: 0,
    self: false,
    link: `xhsdiscover://1/user/user.${u.id}`,
    sub_title: `小红书号：${u.redId}`,
    reason: "",
  };
}

function fansText(n: number): string {
  return n >= 10_000 ? `${(n / 10_000).toFixed(1)}万` : String(n);
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

/** A topic feed item: a list note plus `model_type`, `cursor_score` (string) and `create_time` (ms). */
export function topicItem(world: World, note: WorldNote, order: "time" | "trend" | "hot") {
  const { cursor: _c, create_time: _t, ...rest } = appV2ListNote(world, note);
  return {
    ...rest,
    model_type: "note",
    cursor_score: order === "time" ? `${note.time}.0` : `${note.hotScore}.0`,
    create_time: note.time * 1000,
    xsec_token: note.xsecToken,
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

export { expiryHex };
