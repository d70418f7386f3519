/** How a note, a user and a comment look in App V1 answers (shape choices: see handlers.ts). */
import { stripTopicMarkers } from "../../world/text.js";
import type { WorldComment, WorldNote, WorldUser } from "../../world/types.js";
import type { World } from "../../world/world.js";
import { appImageUrl, appVideoInfo, avatarUrl, cut, publishText } from "../media.js";
import { memo } from "../types.js";

export const APP_V1_PAGE = {
  userNotes: 20,
  comments: 10,
  replies: 10,
  search: 20,
  topic: 20,
  searchDesc: 60,
  listDesc: 100,
} as const;

const level = () => ({ image: "" });

export function noteUser(world: World, userId: string) {
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

export function noteDetail(world: World, note: WorldNote) {
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

/** An app list note (user notes), as the reference's app user-posted sample. */
export function listNote(world: World, note: WorldNote): Record<string, unknown> {
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

export function profile(world: World, user: WorldUser) {
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

export function reply(world: World, note: WorldNote, r: WorldComment) {
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

export function top(world: World, note: WorldNote, c: WorldComment) {
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

export function searchNote(world: World, note: WorldNote) {
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
