/** How a note looks in App V2 detail answers (shape choices: see handlers.ts). */
import { stripTopicMarkers } from "../../world/text.js";
import type { WorldNote, WorldUser } from "../../world/types.js";
import type { World } from "../../world/world.js";
import { appImageUrl, appLivePhoto, appVideoInfo, avatarUrl, cut } from "../media.js";
import { memo } from "../types.js";

export function level() {
  return { image: "" };
}

/** The note author as detail answers give it. */
export function detailUser(user: WorldUser | undefined) {
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

export function widgetsContext(note: WorldNote): string {
  return JSON.stringify({
    video: note.type === "video",
    origin_video_key: note.video?.originVideoKey ?? "",
    author_id: note.userId,
    video_duration: note.video?.durationSec ?? 0,
  });
}
