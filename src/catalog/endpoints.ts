/**
 * The endpoint catalogue: every TikHub Xiaohongshu endpoint xhs-kit uses, one declarative entry each.
 *
 * Sources, in order of authority: TikHub's usage guide, then observed samples, then the OpenAPI subset
 * (see docs/reference-conflicts.md for every place they disagree and what was chosen).
 */
import type { Series } from "../core/vocabulary.js";
import { MAX_REF_LENGTH } from "../refs/parse-ref.js";
import type { EndpointSpec, ParamSpec } from "./types.js";

export const API_PREFIX = "/api/v1/xiaohongshu/";

/** Observed price of the App V2 detail, search and comment endpoints; assumed for the rest (docs/decisions.md). */
export const DEFAULT_PRICE_USD = 0.01;

const str = (name: string, description: string, extra: Partial<ParamSpec> = {}): ParamSpec => ({
  name,
  type: "string",
  required: false,
  description,
  ...extra,
});
const int = (name: string, description: string, extra: Partial<ParamSpec> = {}): ParamSpec => ({
  name,
  type: "integer",
  required: false,
  description,
  ...extra,
});
const required = { required: true } as const;

const noteId = str("note_id", "Note id (24 lowercase hex characters).", { default: "", format: "note" });
const shareText = str("share_text", "A Xiaohongshu share link or share text (App or Web).", {
  default: "",
  maxLength: MAX_REF_LENGTH,
});
const userId = str("user_id", "User id (24-32 lowercase hex characters).", { default: "", format: "user" });

export const SEARCH_SORTS_APP = [
  "general",
  "time_descending",
  "popularity_descending",
  "comment_descending",
  "collect_descending",
] as const;

function entry(
  series: Series,
  tail: string,
  spec: Omit<EndpointSpec, "name" | "series" | "path" | "priceUsd"> & { priceUsd?: number },
): EndpointSpec {
  const seriesPath = series === "app_v1" ? "app" : series;
  const name = `${seriesPath}/${tail}`;
  return { name, series, path: `${API_PREFIX}${name}`, priceUsd: DEFAULT_PRICE_USD, ...spec };
}

export const ENDPOINTS: readonly EndpointSpec[] = [
  // ---------------------------------------------------------------- App V2 (primary)
  entry("app_v2", "get_image_note_detail", {
    capability: "note",
    noteTypes: ["image"],
    params: [noteId, shareText],
    oneOf: [["note_id", "share_text"]],
    pagination: "none",
  }),
  entry("app_v2", "get_video_note_detail", {
    capability: "note",
    noteTypes: ["video"],
    params: [noteId, shareText],
    oneOf: [["note_id", "share_text"]],
    pagination: "none",
  }),
  entry("app_v2", "get_user_info", {
    capability: "user",
    params: [userId, shareText],
    oneOf: [["user_id", "share_text"]],
    pagination: "none",
  }),
  entry("app_v2", "get_user_posted_notes", {
    capability: "userNotes",
    params: [
      userId,
      shareText,
      str("cursor", "The previous page's last note `cursor`; empty for the first page.", { default: "" }),
    ],
    oneOf: [["user_id", "share_text"]],
    pagination: "note-cursor",
    truncatesText: true,
  }),
  entry("app_v2", "get_user_faved_notes", {
    capability: "userFavorites",
    params: [
      userId,
      shareText,
      str("cursor", "The previous page's last note id; empty for the first page.", { default: "" }),
    ],
    oneOf: [["user_id", "share_text"]],
    pagination: "note-cursor",
    truncatesText: true,
  }),
  entry("app_v2", "get_note_comments", {
    capability: "comments",
    params: [
      noteId,
      shareText,
      str("cursor", "Pagination cursor; empty for the first page.", { default: "" }),
      int("index", "Comment index; 0 on the first page.", { default: 0 }),
      str("pageArea", "Collapse state.", { default: "UNFOLDED", enum: ["UNFOLDED", "FOLDED"] }),
      str("sort_strategy", "Sort order.", { default: "latest_v2", enum: ["default", "latest_v2", "like_count"] }),
    ],
    oneOf: [["note_id", "share_text"]],
    pagination: "comment-cursor",
  }),
  entry("app_v2", "get_note_sub_comments", {
    capability: "replies",
    params: [
      noteId,
      shareText,
      str("comment_id", "The top-level comment id.", { required: true, format: "comment" }),
      str("cursor", "Pagination cursor; empty for the first page.", { default: "" }),
      int("index", "Reply index; 1 on the first page.", { default: 1 }),
    ],
    oneOf: [["note_id", "share_text"]],
    pagination: "comment-cursor",
  }),
  entry("app_v2", "search_notes", {
    capability: "searchNotes",
    params: [
      str("keyword", "Search keyword.", required),
      int("page", "Page number, from 1.", { default: 1 }),
      str("sort_type", "Sort order.", { default: "general", enum: [...SEARCH_SORTS_APP, "english_preferred"] }),
      str("note_type", "Note type.", { default: "不限", enum: ["不限", "视频笔记", "普通笔记", "直播笔记"] }),
      str("time_filter", "Publication time.", { default: "不限", enum: ["不限", "一天内", "一周内", "半年内"] }),
      str("search_id", "From the first page's answer, when paging.", { default: "" }),
      str("search_session_id", "From the first page's answer, when paging.", { default: "" }),
      str("source", "Source.", { default: "explore_feed" }),
      int("ai_mode", "AI mode: 0 off, 1 on.", { default: 0, enum: [0, 1] }),
    ],
    pagination: "search-page",
    truncatesText: true,
  }),
  entry("app_v2", "search_users", {
    capability: "searchUsers",
    params: [
      str("keyword", "Search keyword.", required),
      int("page", "Page number, from 1.", { default: 1 }),
      str("search_id", "From the first page's answer, when paging.", { default: "" }),
      str("source", "Source.", { default: "explore_feed" }),
    ],
    pagination: "search-page",
  }),
  entry("app_v2", "get_topic_info", {
    capability: "topic",
    params: [
      str("page_id", "Topic page id.", { required: true, format: "topic" }),
      str("source", "Source.", { default: "normal" }),
      str("note_id", "The note the topic was opened from (optional).", { default: "", format: "note" }),
    ],
    pagination: "none",
    notes: "Payload shape inferred (page_info, tabs, share_info): see src/simulator/render/app_v2/handlers.ts.",
  }),
  entry("app_v2", "get_topic_feed", {
    capability: "topicNotes",
    params: [
      str("page_id", "Topic page id.", { required: true, format: "topic" }),
      str("sort", "trend (hottest, default) or time (latest).", { default: "trend", enum: ["trend", "time"] }),
      str("cursor_score", "The last item's cursor_score, when paging.", { default: "" }),
      str("last_note_id", "The last item's id, when paging.", { default: "" }),
      str("last_note_ct", "The last item's create_time, when paging.", { default: "" }),
      str("session_id", "Kept constant across pages.", { default: "" }),
      str("first_load_time", "Kept constant across pages.", { default: "" }),
      str("source", "Source.", { default: "normal" }),
    ],
    pagination: "topic-feed",
    truncatesText: true,
  }),

  // ---------------------------------------------------------------- App V1 (first fallback)
  entry("app_v1", "get_note_info", {
    capability: "note",
    // The guide: App V1 answers video notes without a video URL, so it is never used for them.
    noteTypes: ["image"],
    params: [noteId, shareText],
    oneOf: [["note_id", "share_text"]],
    pagination: "none",
  }),
  entry("app_v1", "get_user_info", {
    capability: "user",
    params: [str("user_id", "User id.", { required: true, format: "user" })],
    pagination: "none",
  }),
  entry("app_v1", "get_user_notes", {
    capability: "userNotes",
    params: [
      str("user_id", "User id.", { required: true, format: "user" }),
      str("cursor", "The previous page's last note_id; empty first.", { default: "" }),
    ],
    pagination: "note-cursor",
    truncatesText: true,
  }),
  entry("app_v1", "get_note_comments", {
    capability: "comments",
    params: [
      str("note_id", "Note id.", { required: true, format: "note" }),
      str("start", 'Pagination cursor: a plain id or JSON {"cursor","index","pageArea"}; empty first.', {
        default: "",
      }),
      int("sort_strategy", "1 default order, 2 latest.", { default: 1, enum: [1, 2] }),
    ],
    pagination: "start-cursor",
  }),
  entry("app_v1", "get_sub_comments", {
    capability: "replies",
    params: [
      str("note_id", "Note id.", { required: true, format: "note" }),
      str("comment_id", "The top-level comment id.", { required: true, format: "comment" }),
      str("start", "The previous page's last reply id; empty first.", { default: "" }),
    ],
    pagination: "start-cursor",
  }),
  entry("app_v1", "search_notes", {
    capability: "searchNotes",
    params: [
      str("keyword", "Search keyword.", required),
      int("page", "Page number, from 1.", required),
      str("search_id", "From the first page's answer, when paging.", { default: "" }),
      str("session_id", "From the first page's answer, when paging.", { default: "" }),
      str("sort_type", "Sort order.", { default: "general", enum: SEARCH_SORTS_APP }),
      str("filter_note_type", "Note type.", { default: "不限", enum: ["不限", "视频笔记", "普通笔记"] }),
      str("filter_note_time", "Publication time.", { default: "不限", enum: ["不限", "一天内", "一周内", "半年内"] }),
    ],
    pagination: "search-page",
    truncatesText: true,
  }),
  entry("app_v1", "get_topic_notes", {
    capability: "topicNotes",
    params: [
      str("page_id", "Topic page id.", { required: true, format: "topic" }),
      str("first_load_time", "First request time in milliseconds; kept constant across pages.", required),
      str("sort", "hot (general, default), time (latest) or trend (hottest).", {
        default: "hot",
        enum: ["hot", "time", "trend"],
      }),
      str("last_note_ct", "The last note's create_time, when paging.", { default: "" }),
      str("last_note_id", "The last note's id, when paging.", { default: "" }),
      str("cursor_score", "The last note's cursor_score, when paging.", { default: "" }),
      str("session_id", "From the first answer, when paging.", { default: "" }),
    ],
    pagination: "topic-feed",
    truncatesText: true,
    notes:
      "In the usage guide, absent from the OpenAPI subset (which has the deprecated get_notes_by_topic): the guide wins.",
  }),
  entry("app_v1", "get_user_id_and_xsec_token", {
    capability: "resolveUser",
    params: [
      str("share_link", "A user profile share link (long or short).", { required: true, maxLength: MAX_REF_LENGTH }),
    ],
    pagination: "none",
  }),
  entry("app_v1", "extract_share_info", {
    capability: "resolveNote",
    params: [str("share_link", "A note share link or share text.", { required: true, maxLength: MAX_REF_LENGTH })],
    pagination: "none",
  }),

  // ---------------------------------------------------------------- Web V3 (second fallback)
  entry("web_v3", "fetch_note_detail", {
    capability: "note",
    noteTypes: ["image", "video"],
    params: [
      str("note_id", "Note id.", { required: true, format: "note" }),
      str("xsec_token", "The note's xsec_token (required in practice).", { default: "", format: "xsec_token" }),
    ],
    needsXsecToken: true,
    pagination: "none",
  }),
  entry("web_v3", "fetch_user_info", {
    capability: "user",
    params: [str("user_id", "User id.", { required: true, format: "user" })],
    pagination: "none",
  }),
  entry("web_v3", "fetch_user_notes", {
    capability: "userNotes",
    params: [
      str("user_id", "User id.", { required: true, format: "user" }),
      str("cursor", "Pagination cursor; empty first.", { default: "" }),
      int("num", "Items per page, at most 30.", { default: 30, max: 30 }),
    ],
    pagination: "note-cursor",
    truncatesText: true,
  }),
  entry("web_v3", "fetch_note_comments", {
    capability: "comments",
    params: [
      str("note_id", "Note id.", { required: true, format: "note" }),
      str("xsec_token", "The note's xsec_token.", { default: "", format: "xsec_token" }),
      str("cursor", "Pagination cursor; empty first.", { default: "" }),
    ],
    needsXsecToken: true,
    pagination: "note-cursor",
    notes: "xsec_token is not in the OpenAPI subset's parameter list but is in the usage guide: the guide wins.",
  }),
  entry("web_v3", "fetch_sub_comments", {
    capability: "replies",
    params: [
      str("note_id", "Note id.", { required: true, format: "note" }),
      str("root_comment_id", "The top-level comment id.", { required: true, format: "comment" }),
      str("xsec_token", "The note's xsec_token.", { default: "", format: "xsec_token" }),
      int("num", "Replies per page.", { default: 10 }),
      str("cursor", "Pagination cursor; empty first.", { default: "" }),
    ],
    needsXsecToken: true,
    pagination: "note-cursor",
  }),
  entry("web_v3", "fetch_search_notes", {
    capability: "searchNotes",
    params: [
      str("keyword", "Search keyword.", required),
      int("page", "Page number, from 1.", { default: 1 }),
      str("sort", "Sort order.", { default: "general", enum: ["general", "time_descending", "popularity_descending"] }),
      int("note_type", "0 all, 1 image, 2 video.", { default: 0, enum: [0, 1, 2] }),
    ],
    pagination: "page",
    truncatesText: true,
  }),
  entry("web_v3", "fetch_search_users", {
    capability: "searchUsers",
    params: [str("keyword", "Search keyword.", required), int("page", "Page number, from 1.", { default: 1 })],
    pagination: "page",
  }),
];

const BY_NAME = new Map(ENDPOINTS.map((e) => [e.name, e]));
const BY_PATH = new Map(ENDPOINTS.map((e) => [e.path, e]));

/** The entry for an endpoint name such as "app_v2/get_image_note_detail" (also accepts "app_v1/…" for "app/…"). */
export function endpoint(name: string): EndpointSpec {
  const found = BY_NAME.get(name.replace(/^app_v1\//, "app/"));
  if (!found) throw new Error(`Unknown endpoint "${name}". Known: ${[...BY_NAME.keys()].join(", ")}`);
  return found;
}

export function findEndpoint(name: string): EndpointSpec | undefined {
  return BY_NAME.get(name.replace(/^app_v1\//, "app/"));
}

export function endpointByPath(path: string): EndpointSpec | undefined {
  return BY_PATH.get(path);
}

export function endpointsFor(capability: EndpointSpec["capability"], series?: Series): EndpointSpec[] {
  return ENDPOINTS.filter((e) => e.capability === capability && (series === undefined || e.series === series));
}
