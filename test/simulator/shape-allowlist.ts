/**
 * Paths the simulator's answers leave out of (missing) or add to (extra) the reference samples, or type
 * differences, per shape case of shapes.test.ts. One entry per path (its descendants included), each
 * with its reason. Keep it short: a new entry needs a reason a reviewer would accept.
 */
export interface AllowEntry {
  path: string;
  reason: string;
}
export interface CaseAllowance {
  missing?: AllowEntry[];
  extra?: AllowEntry[];
  type?: AllowEntry[];
}

const LIVE_PHOTO =
  "Live photos: the sample note has none; shape from the reference's 2026 app search sample (docs/reference-notes.md#media-urls), with the int64 video_id as a number.";
const DATA_DEPENDENT =
  "Present only when the data has it (the sample's page happened to hold none / the world's page does).";
const APP_V1_MSG =
  "TikHub's App V1 wrapper carries msg (docs/reference-notes.md#envelope-and-success); the 2023 app capture has none.";
const APP_2026_STREAMS =
  "2026 app stream fields (opaque1, h265 renditions, h266, user_level) as in the App V2 samples; the 2023 app capture predates them.";

export const SHAPE_ALLOWLIST: Record<string, CaseAllowance> = {
  "app_v2/get_image_note_detail": {
    extra: [
      { path: "data.data[].note_list[].images_list[].live_photo_file_id", reason: LIVE_PHOTO },
      { path: "data.data[].note_list[].images_list[].live_photo", reason: LIVE_PHOTO },
    ],
  },
  "app_v2/get_video_note_detail": {
    missing: [
      {
        path: "data.data[].video_info_v2.media.video.bbox",
        reason: "OCR text boxes of the video frames: the world has no frame content.",
      },
      {
        path: "data.data[].video_info_v2.media.video.subtitles",
        reason: "Auto subtitles exist only for some videos; the world generates none.",
      },
    ],
    extra: [{ path: "data.data[].ats[]", reason: `@mentions in the body. ${DATA_DEPENDENT}` }],
  },
  "app_v2/get_note_comments": {
    missing: [
      { path: "data.data.comments[].pictures[]", reason: `Picture comments (~6% of comments). ${DATA_DEPENDENT}` },
      {
        path: "data.data.comments[].pictures[].meme_package",
        reason: "Sticker packs: the world's comment pictures are photos.",
      },
    ],
    extra: [
      {
        path: "data.data.comments[].sub_comments[].show_tags_v2[]",
        reason: `Author marker on a reply by the author. ${DATA_DEPENDENT}`,
      },
      {
        path: "data.data.comments[].at_users[]",
        reason: `@mentions in comments, shape per the app capture CZ. ${DATA_DEPENDENT}`,
      },
    ],
  },
  "app_v2/get_note_sub_comments": {
    missing: [
      {
        path: "data.data.comments[].hash_tags",
        reason: "Topic tags inside replies: the world's replies carry no #topics.",
      },
    ],
  },
  "app_v2/search_notes (image)": {
    extra: [
      { path: "data.data.items[].note.images_list[].live_photo_file_id", reason: LIVE_PHOTO },
      { path: "data.data.items[].note.images_list[].live_photo", reason: LIVE_PHOTO },
    ],
  },
  "app_v2/search_notes (video)": {
    extra: [
      {
        path: "data.data.items[].note.at_user_list",
        reason:
          "In search_notes-2 (notes with mentions), absent from -3: the world includes it when a note mentions someone.",
      },
      {
        path: "data.data.items[].note.interaction_area.link",
        reason: "In search_notes-2, absent from -3; emitted always (empty string).",
      },
    ],
  },
  "app/get_note_info": { extra: [{ path: "msg", reason: APP_V1_MSG }] },
  "app/get_user_info": {
    missing: [
      { path: "data.college_info", reason: "School data: the world does not model it." },
      { path: "data.red_club_info", reason: "Red Club membership: the world does not model it." },
    ],
  },
  "app/get_user_notes": {
    extra: [
      { path: "msg", reason: APP_V1_MSG },
      { path: "data.notes[].video_info_v2.media.stream.h264[].opaque1", reason: APP_2026_STREAMS },
      { path: "data.notes[].video_info_v2.media.stream.h265[]", reason: APP_2026_STREAMS },
      { path: "data.notes[].video_info_v2.media.stream.h266", reason: APP_2026_STREAMS },
      { path: "data.notes[].video_info_v2.media.user_level", reason: APP_2026_STREAMS },
      { path: "data.has_more", reason: "The usage guide documents has_more for App V1 user notes." },
      { path: "data.cursor", reason: "The usage guide documents cursor for App V1 user notes." },
    ],
  },
  "app/get_note_comments": {
    missing: [
      { path: "data.comments[].show_tags[]", reason: `is_author marker. ${DATA_DEPENDENT}` },
      { path: "data.comments[].sub_comments[].show_tags[]", reason: `is_author marker. ${DATA_DEPENDENT}` },
      { path: "data.comments[].sub_comments[].at_users[]", reason: "The world's replies mention nobody." },
    ],
    extra: [
      { path: "msg", reason: APP_V1_MSG },
      {
        path: "data.comments[].sub_comment_cursor",
        reason: "Reply paging start; in the App V2 comment sample and the OpenAPI description of App V1.",
      },
      {
        path: "data.comments[].sub_comments[].user.red_id",
        reason: "Same user object as top-level comments (which carry red_id in the sample).",
      },
      {
        path: "data.comments[].sub_comments[].target_comment.user.red_id",
        reason: "Same user object as top-level comments.",
      },
      { path: "data.cursor", reason: 'Documented for App V1 comments: the JSON form {"cursor","index","pageArea"}.' },
    ],
  },
  "app/get_sub_comments": {
    extra: [
      { path: "msg", reason: APP_V1_MSG },
      { path: "data.comments[].user.red_id", reason: "Same user object as top-level comments." },
      { path: "data.comments[].target_comment.user.red_id", reason: "Same user object as top-level comments." },
      { path: "data.cursor", reason: "Paging: the last reply id (the guide pages App V1 replies by it)." },
    ],
  },
  "app/search_notes": {
    extra: [
      { path: "msg", reason: APP_V1_MSG },
      {
        path: "data.items[].note.collected_count",
        reason: "Counts present in 2026 app search (IA, App V2 samples); the 2023 capture lacks them.",
      },
      { path: "data.items[].note.comments_count", reason: "As collected_count." },
      { path: "data.items[].note.shared_count", reason: "As collected_count." },
      { path: "data.items[].note.user.red_id", reason: "Present in 2026 app search users (App V2 samples)." },
      { path: "data.items[].note.xsec_token", reason: "Present on 2026 app search items (App V2 samples)." },
      { path: "data.has_more", reason: "Documented for App V1 search (docs/reference-notes.md#series-shapes)." },
      {
        path: "searchId",
        reason: "App V1 search wrapper paging ids, camelCase (docs/reference-notes.md#envelope-and-success).",
      },
      { path: "sessionId", reason: "As searchId." },
    ],
  },
  "web_v3/fetch_note_detail": {
    extra: [
      {
        path: "data.items[].note_card.tag_list[]",
        reason:
          "The sample note has no topics; shape {id,name,type} per the reference's XHS web shapes (docs/reference-notes.md#series-shapes).",
      },
      {
        path: "data.items[].note_card.at_user_list[]",
        reason: "The sample note mentions nobody; element shape unobserved, {user_id,nickname} chosen.",
      },
    ],
  },
  "web_v3/fetch_user_info": {
    extra: [
      {
        path: "data.tags[].name",
        reason:
          "Location tags carry a name (the reference's XHS web shapes, docs/reference-notes.md#series-shapes); the sample user has only an info tag.",
      },
    ],
  },
  "web_v3/fetch_user_notes": {
    extra: [
      {
        path: "data.notes[].user.xsec_token",
        reason: "Web list users carry xsec_token in other captures (docs/reference-notes.md#xsec_token).",
      },
    ],
  },
  "web_v3/fetch_note_comments": {
    missing: [
      { path: "data.comments[].show_tags[]", reason: `is_author marker. ${DATA_DEPENDENT}` },
      { path: "data.comments[].sub_comments[].show_tags[]", reason: `is_author marker. ${DATA_DEPENDENT}` },
    ],
    extra: [
      { path: "data.comments[].at_users[]", reason: `Mentions. ${DATA_DEPENDENT}` },
      {
        path: "data.comments[].pictures",
        reason: "Picture comments, web shape {url_default,url_pre,width,height} (docs/reference-notes.md#media-urls).",
      },
    ],
  },
};
