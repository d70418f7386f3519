/**
 * App V1 normalizers (`/api/v1/xiaohongshu/app/…`), the first fallback. No real answer of this series has
 * been seen: TikHub documents web-style names (`note_id`, `image_list`, `interact_info`, `user_info`) while
 * third-party code reads app-style ones (`id`, `images_list`, int counts), so every field is read in both
 * styles (docs/reference-notes.md#series-shapes). Never used for video notes (no video URL): the router's
 * rule, not ours.
 */

import { topicFeed } from "../app_v2/normalizers.js";
import { page } from "../shared/envelope.js";
import {
  buildComments,
  buildNotes,
  candidateNotes,
  detailNotes,
  innerNote,
  last,
  listAt,
  onlyAuthoredBy,
  profileNormalizer,
  requestedRoot,
} from "../shared/lists.js";
import { defineNormalizer, firstId, nextPageNumber, setIf } from "../shared/normalizer.js";
import { fields, isObj, keys, pickBool, pickId, pickValue } from "../shared/pick.js";
import { resolveLink } from "../shared/resolve.js";
import type { Normalizer } from "../types.js";

const NOTE_FIELDS = fields("id|note_id", "title|display_title", "desc", "user|user_info");
const COMMENT_FIELDS = fields("id", "content", "create_time|time", "user_info|user");
const LIST_NOTE_FIELDS = fields("id|note_id");
const NOTES = fields("notes");
const COMMENTS = fields("comments");
const ITEMS = fields("items");

/** Names of paging and locating fields, compiled once (see pick.ts `keys`). */
const K = {
  hasMore: keys("has_more"),
  cursor: keys("cursor"),
  id: keys("id"),
  idOrNoteId: keys("id", "note_id"),
  noteIdOrId: keys("note_id", "id"),
  noteList: keys("note_list"),
  searchId: keys("search_id"),
  sessionId: keys("session_id", "search_session_id"),
};

/**
 * Note info: third-party code finds the note at `data.data[0].note_list[0]`, one reseller at
 * `data.data.data[0].note_list[0]`, the doc describes a flat note: descend through `data` keys (at most
 * three) until an array, a `note_list` or a note.
 */
const noteInfo = defineNormalizer((a) => {
  let value: unknown = a.payload;
  let path = "data.data";
  for (
    let depth = 0;
    depth < 3 && isObj(value) && pickValue(value, K.noteList) === undefined && !pickValue(value, K.idOrNoteId);
    depth++
  ) {
    const inner = value.data;
    if (inner === undefined || inner === null) break;
    value = inner;
    path += ".data";
  }
  if (value === undefined || value === null) a.drift("data.data");
  return page(detailNotes(buildNotes(a, candidateNotes(a, value, path), NOTE_FIELDS)), null, null);
});

const userInfo = profileNormalizer(fields("nickname"));

/** `data.data.notes[]`; next `cursor` = the answer's `cursor`, else the last note's `cursor` or id. */
const userNotes = defineNormalizer((a) => {
  const payload = a.object(a.payload, "data.data");
  const located = listAt(a, payload, NOTES, "data.data") ?? [];
  const notes = onlyAuthoredBy(buildNotes(a, located, LIST_NOTE_FIELDS), a.params.user_id);
  const tail = last(located);
  const next: Record<string, string> = {};
  setIf(next, "cursor", pickId(payload, K.cursor) ?? pickId(tail, K.cursor) ?? pickId(tail, K.noteIdOrId));
  return page(notes, pickBool(payload, K.hasMore), Object.keys(next).length ? next : null);
});

/** `data.data.comments[]`; next `start` = the answer's `cursor` (plain id or JSON), else the last comment id. */
const noteComments = defineNormalizer((a) => {
  const payload = a.object(a.payload, "data.data");
  const located = listAt(a, payload, COMMENTS, "data.data") ?? [];
  const comments = buildComments(a, located, COMMENT_FIELDS, null);
  const next: Record<string, string> = {};
  setIf(next, "start", pickId(payload, K.cursor) ?? pickId(last(located), K.id));
  return page(comments, pickBool(payload, K.hasMore), Object.keys(next).length ? next : null);
});

/** Replies: `data.data.comments[]` (or `data.data` as the array); next `start` = the last reply id. */
const subComments = defineNormalizer((a) => {
  const located = Array.isArray(a.payload)
    ? (a.objects(a.payload, "data.data") ?? []).map((raw) => ({ raw, path: "data.data[]" }))
    : (listAt(a, a.object(a.payload, "data.data"), COMMENTS, "data.data") ?? []);
  const replies = buildComments(a, located, COMMENT_FIELDS, requestedRoot(a));
  const next: Record<string, string> = {};
  setIf(next, "start", pickId(last(located), K.id) ?? pickId(a.payload, K.cursor));
  return page(
    replies,
    Array.isArray(a.payload) ? null : pickBool(a.payload, K.hasMore),
    Object.keys(next).length ? next : null,
  );
});

/** `data.data.items[].note` like App V2; paging ids `searchId`/`sessionId` (camelCase, on the wrapper). */
const searchNotes = defineNormalizer((a) => {
  const payload = a.object(a.payload, "data.data");
  const items = listAt(a, payload, ITEMS, "data.data") ?? [];
  const located = items.map((item) => innerNote(a, item, () => false)).filter((n) => n !== null);
  const notes = buildNotes(a, located, LIST_NOTE_FIELDS);
  const sources = [a.wrapper, payload];
  const next: Record<string, string> = { page: nextPageNumber(sources, a.params) };
  setIf(next, "search_id", firstId(sources, K.searchId) ?? (a.params.search_id || null));
  setIf(next, "session_id", firstId(sources, K.sessionId) ?? (a.params.session_id || null));
  return page(notes, pickBool(payload, K.hasMore) ?? pickBool(a.wrapper, K.hasMore), next);
});

export const APP_V1_NORMALIZERS: Record<string, Normalizer> = {
  "app/get_note_info": noteInfo,
  "app/get_user_info": userInfo,
  "app/get_user_notes": userNotes,
  "app/get_note_comments": noteComments,
  "app/get_sub_comments": subComments,
  "app/search_notes": searchNotes,
  // Same item shape as App V2's topic feed ({id, note{…, create_time, cursor_score}}), same paging fields.
  "app/get_topic_notes": topicFeed,
  "app/get_user_id_and_xsec_token": defineNormalizer((a) => resolveLink(a, "user")),
  "app/extract_share_info": defineNormalizer((a) => resolveLink(a, "note")),
};
