/** How a note looks in App V2 search answers, user lists and topic feeds (shape choices: see handlers.ts). */
import type { WorldNote } from "../../world/types.js";
import type { World } from "../../world/world.js";
import { appImageUrl, appLivePhoto, appVideoInfo, avatarUrl, cut, publishText } from "../media.js";
import { memo } from "../types.js";
import { APP_V2_PAGE } from "./answer.js";
import { widgetsContext } from "./note-fragments.js";

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
