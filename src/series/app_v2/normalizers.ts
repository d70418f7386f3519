/**
 * App V2 normalizers (`/api/v1/xiaohongshu/app_v2/…`), the primary series. Shapes:
 * docs/reference-notes.md#envelope-and-success and #series-shapes; the detail, comment, reply and search
 * shapes are observed in real answers, the user, user-search and topic shapes are inferred (parsed
 * tolerantly). Counts are JSON integers, times Unix seconds (search `update_time`: milliseconds).
 */
import { page } from "../shared/envelope.js";
import {
  buildComments,
  buildNotes,
  buildUsers,
  candidateNotes,
  detailNotes,
  identifiesTopic,
  innerNote,
  last,
  listAt,
  onlyAuthoredBy,
  profileNormalizer,
  requestedRoot,
} from "../shared/lists.js";
import { appCommentNext, defineNormalizer, firstId, nextPageNumber, param, setIf } from "../shared/normalizer.js";
import { type Field, fields, keys, pickBool, pickId, pickValue } from "../shared/pick.js";
import { buildTopic } from "../shared/records.js";
import type { Normalizer } from "../types.js";

/** Fields seen in every real detail answer (drift is reported when one goes missing). */
const DETAIL_FIELD_NAMES = [
  "id",
  "type",
  "title",
  "desc",
  "time",
  "liked_count",
  "collected_count",
  "comments_count",
  "shared_count",
  "images_list",
  "user",
  "ip_location",
];
const DETAIL_FIELDS = fields(...DETAIL_FIELD_NAMES);
const VIDEO_FIELDS = fields(...DETAIL_FIELD_NAMES, "video_info_v2");
const COMMENT_FIELDS = fields("id", "note_id", "content", "like_count", "time", "user", "sub_comment_count");
const REPLY_FIELDS = fields("id", "note_id", "content", "like_count", "time", "user", "target_comment");
const SEARCH_NOTE_FIELDS = fields(
  "id",
  "type",
  "title",
  "desc",
  "timestamp",
  "liked_count",
  "collected_count",
  "comments_count",
  "shared_count",
  "xsec_token",
  "user",
  "images_list",
);
const LIST_NOTE_FIELDS = fields("id", "type", "title", "desc", "user");
const FAVED_NOTE_FIELDS = fields("id", "type");
const SEARCH_USER_FIELDS = fields("id", "name");
const TOPIC_FEED_NOTE_FIELDS = fields("id");
const COMMENT_PAGE_FIELDS = fields("cursor", "has_more");
const TOPIC_FIELDS = fields("page_info");
const NOTES = fields("notes");
const COMMENTS = fields("comments");
const ITEMS = fields("items");
const USERS = fields("users");
const FEED_ITEMS = fields("items", "notes");

/** Names of paging fields, compiled once (see pick.ts `keys`). */
const K = {
  hasMore: keys("has_more"),
  cursor: keys("cursor"),
  id: keys("id"),
  noteId: keys("id", "note_id"),
  items: keys("items"),
  notes: keys("notes"),
  note: keys("note"),
  cursorScore: keys("cursor_score"),
  createTime: keys("create_time"),
  firstLoadTime: keys("first_load_time"),
  searchId: keys("search_id"),
  searchSessionId: keys("search_session_id"),
  sessionId: keys("session_id"),
};

const noteDetail = (expected: readonly Field[]): Normalizer =>
  defineNormalizer((a) => {
    if (a.payload === undefined || a.payload === null) a.drift("data.data");
    const notes = buildNotes(a, candidateNotes(a, a.payload, "data.data"), expected);
    return page(detailNotes(notes), null, null);
  });

/** `data.data` is the profile (inferred: `userid`, `nickname`, `fans`, `follows`, `interactions`…). */
const userInfo = profileNormalizer(fields("userid", "nickname"));

/** `data.data.notes[]` flat notes; next page: `cursor` = the last note's `cursor` (its id when absent). */
const userPostedNotes = defineNormalizer((a) => {
  const payload = a.object(a.payload, "data.data");
  const located = listAt(a, payload, NOTES, "data.data") ?? [];
  const notes = onlyAuthoredBy(buildNotes(a, located, LIST_NOTE_FIELDS), a.params.user_id);
  const tail = last(located);
  const next: Record<string, string> = {};
  setIf(next, "cursor", pickId(tail, K.cursor) ?? pickId(tail, K.noteId));
  return page(notes, pickBool(payload, K.hasMore), Object.keys(next).length ? next : null);
});

/** Public favourites: shape assumed as posted notes; next `cursor` = the answer's cursor, else the last note id. */
const userFavedNotes = defineNormalizer((a) => {
  const payload = a.object(a.payload, "data.data");
  const located = listAt(a, payload, NOTES, "data.data") ?? [];
  const notes = buildNotes(a, located, FAVED_NOTE_FIELDS);
  const tail = last(located);
  const next: Record<string, string> = {};
  setIf(next, "cursor", pickId(payload, K.cursor) ?? pickId(tail, K.noteId));
  return page(notes, pickBool(payload, K.hasMore), Object.keys(next).length ? next : null);
});

/**
 * `data.data.comments[]`. Top-level comments' embedded reply previews (`sub_comments`) are not emitted: the
 * replies endpoint is their complete source (docs/decisions.md).
 */
const noteComments = defineNormalizer((a) => {
  const payload = a.object(a.payload, "data.data");
  const located = listAt(a, payload, COMMENTS, "data.data") ?? [];
  a.expect(payload, "data.data", COMMENT_PAGE_FIELDS);
  const comments = buildComments(a, located, COMMENT_FIELDS, null);
  const cursor = pickValue(payload, K.cursor) ?? pickId(last(located), K.id);
  return page(comments, pickBool(payload, K.hasMore), appCommentNext(cursor, a.params, 0));
});

/** `data.data.comments[]` replies; `rootId` from the request's `comment_id`; first `index` is 1. */
const noteSubComments = defineNormalizer((a) => {
  const payload = a.object(a.payload, "data.data");
  const located = listAt(a, payload, COMMENTS, "data.data") ?? [];
  a.expect(payload, "data.data", COMMENT_PAGE_FIELDS);
  const replies = buildComments(a, located, REPLY_FIELDS, requestedRoot(a));
  const cursor = pickValue(payload, K.cursor) ?? pickId(last(located), K.id);
  return page(replies, pickBool(payload, K.hasMore), appCommentNext(cursor, a.params, 0));
});

/**
 * `data.data.items[].note`; items without a `note` object (related-search cards) are skipped. `model_type` is
 * not relied on (sanitized answers redact it). Paging ids sit on the wrapper: `search_id`,
 * `search_session_id`, `next_page`. There is no `has_more`: an empty page is the end (hasMore null).
 */
const searchNotes = defineNormalizer((a) => {
  const payload = a.object(a.payload, "data.data");
  const items = listAt(a, payload, ITEMS, "data.data") ?? [];
  const located = items.map((item) => innerNote(a, item, () => false)).filter((n) => n !== null);
  const notes = buildNotes(a, located, SEARCH_NOTE_FIELDS);
  const sources = [a.wrapper, payload];
  const searchId = firstId(sources, K.searchId) ?? (a.params.search_id || null);
  const sessionId = firstId(sources, K.searchSessionId) ?? (a.params.search_session_id || null);
  if (!searchId) a.drift("data.search_id");
  const next: Record<string, string> = { page: nextPageNumber(sources, a.params) };
  setIf(next, "search_id", searchId);
  setIf(next, "search_session_id", sessionId);
  const hasMore = pickBool(payload, K.hasMore) ?? pickBool(a.wrapper, K.hasMore);
  return page(notes, hasMore, next);
});

/** `data.data.users[]` (inferred); next page with the first answer's `search_id`. */
const searchUsers = defineNormalizer((a) => {
  const payload = a.object(a.payload, "data.data");
  const located = listAt(a, payload, USERS, "data.data") ?? [];
  const users = buildUsers(a, located, SEARCH_USER_FIELDS);
  const sources = [a.wrapper, payload];
  const next: Record<string, string> = { page: nextPageNumber(sources, a.params) };
  setIf(next, "search_id", firstId(sources, K.searchId) ?? (a.params.search_id || null));
  const hasMore = pickBool(payload, K.hasMore) ?? pickBool(a.wrapper, K.hasMore);
  return page(users, hasMore, next);
});

/** `data.data.page_info` (inferred field names: name, view_num, discuss_num). */
const topicInfo = defineNormalizer((a) => {
  const payload = a.object(a.payload, "data.data");
  if (!payload) {
    a.drift("data.data");
    return page([], null, null);
  }
  a.expect(payload, "data.data", TOPIC_FIELDS);
  const topic = buildTopic(payload, a, "data.data");
  // A payload without a name (`{}`) says nothing of its own: an empty page, not a topic (the id is ours).
  return page(topic && identifiesTopic(topic) ? [topic] : [], null, null);
});

/**
 * Topic feed items (`data.data.items[]`, or `data.items[]` as the usage guide's example reads it), each
 * `{id, note{…}, cursor_score, create_time}` or a flat note. Next page: the last item's `cursor_score`, id
 * and `create_time`, with `session_id` and `first_load_time` kept from the answer or the request.
 */
export const topicFeed = defineNormalizer((a) => {
  const payload = a.object(a.payload, "data.data");
  const holder =
    pickValue(payload, K.items) !== undefined || pickValue(payload, K.notes) !== undefined ? payload : a.wrapper;
  const holderPath = holder === payload ? "data.data" : "data";
  const items = listAt(a, holder, FEED_ITEMS, holderPath) ?? [];
  const located = items.map((item) => innerNote(a, item, () => true)).filter((n) => n !== null);
  const notes = buildNotes(a, located, TOPIC_FEED_NOTE_FIELDS);
  const tail = last(items);
  const tailNote = pickValue(tail, K.note);
  const next: Record<string, string> = {};
  setIf(next, "cursor_score", param(pickValue(tail, K.cursorScore) ?? pickValue(tailNote, K.cursorScore)));
  setIf(next, "last_note_id", pickId(tail, K.id) ?? pickId(tailNote, K.noteId));
  setIf(next, "last_note_ct", param(pickValue(tail, K.createTime) ?? pickValue(tailNote, K.createTime)));
  const sources = [payload, a.wrapper];
  setIf(next, "session_id", firstId(sources, K.sessionId) ?? (a.params.session_id || null));
  setIf(
    next,
    "first_load_time",
    param(pickValue(payload, K.firstLoadTime) ?? pickValue(a.wrapper, K.firstLoadTime)) ??
      (a.params.first_load_time || null),
  );
  return page(notes, pickBool(payload, K.hasMore) ?? pickBool(a.wrapper, K.hasMore), next);
});

export const APP_V2_NORMALIZERS: Record<string, Normalizer> = {
  "app_v2/get_image_note_detail": noteDetail(DETAIL_FIELDS),
  "app_v2/get_video_note_detail": noteDetail(VIDEO_FIELDS),
  "app_v2/get_user_info": userInfo,
  "app_v2/get_user_posted_notes": userPostedNotes,
  "app_v2/get_user_faved_notes": userFavedNotes,
  "app_v2/get_note_comments": noteComments,
  "app_v2/get_note_sub_comments": noteSubComments,
  "app_v2/search_notes": searchNotes,
  "app_v2/search_users": searchUsers,
  "app_v2/get_topic_info": topicInfo,
  "app_v2/get_topic_feed": topicFeed,
};
