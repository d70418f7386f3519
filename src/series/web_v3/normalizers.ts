/**
 * Web V3 normalizers (`/api/v1/xiaohongshu/web_v3/…`), the second fallback. Web V3 passes XHS web payloads
 * through: snake_case or camelCase (both read, see pick.ts), counts as strings that may be abbreviated
 * ("1.2万"), times in milliseconds. No TikHub answer of this series has been seen; the
 * shapes follow XHS's own web API (docs/reference-notes.md#series-shapes).
 */
import { page } from "../shared/envelope.js";
import {
  buildComments,
  buildNotes,
  buildUsers,
  detailNotes,
  innerNote,
  type Located,
  last,
  listAt,
  onlyAuthoredBy,
  profileNormalizer,
  requestedRoot,
  wrappingItem,
} from "../shared/lists.js";
import { defineNormalizer, nextPageNumber } from "../shared/normalizer.js";
import { fields, keys, pickBool, pickId, pickValue } from "../shared/pick.js";
import type { Normalizer } from "../types.js";

const DETAIL_FIELDS = fields("note_id", "type", "title", "desc", "time", "user", "interact_info", "image_list");
const COMMENT_FIELDS = fields("id", "content", "create_time", "like_count", "user_info");
const CARD_FIELDS = fields("note_id", "xsec_token", "interact_info");
const SEARCH_CARD_FIELDS = fields("type", "display_title", "user", "interact_info");
const SEARCH_USER_FIELDS = fields("id|user_id", "name|nickname");
const ITEMS = fields("items");
const NOTES = fields("notes");
const COMMENTS = fields("comments");
const USERS = fields("users");

/** Names of paging and locating fields, compiled once (see pick.ts `keys`). */
const K = {
  hasMore: keys("has_more"),
  cursor: keys("cursor"),
  id: keys("id"),
  noteId: keys("note_id", "id"),
  items: keys("items"),
  noteCard: keys("note_card"),
};

/**
 * `data.data.items[].note_card` (id on the item). The request's xsec_token is the note's own token, so it
 * is kept on the requested note when the payload does not repeat it.
 */
const noteDetail = defineNormalizer((a) => {
  const payload = a.object(a.payload, "data.data");
  const items: Located[] =
    pickValue(payload, K.items) === undefined && pickValue(payload, K.noteCard) !== undefined
      ? [{ raw: payload as NonNullable<typeof payload>, path: "data.data" }]
      : (listAt(a, payload, ITEMS, "data.data") ?? []);
  const located = items.map((item) => innerNote(a, item, () => false)).filter((n) => n !== null);
  const notes = buildNotes(a, located, DETAIL_FIELDS, (entry) => {
    const extras = wrappingItem(entry);
    const noteId = pickId(entry.raw, K.noteId) ?? extras.fallbackId ?? null;
    const requested = a.params.note_id && noteId === a.params.note_id ? a.params.xsec_token || null : null;
    return { ...extras, fallbackToken: extras.fallbackToken ?? requested };
  });
  return page(detailNotes(notes), null, null);
});

/** `data.data.basic_info` + `interactions[]` (counts are strings: "1.2万"); the id is the requested one. */
const userInfo = profileNormalizer(fields("basic_info", "interactions"));

/** `data.data.notes[]` cards (no body, no time); next `cursor` = the answer's `cursor`, else the last note id. */
const userNotes = defineNormalizer((a) => {
  const payload = a.object(a.payload, "data.data");
  const located = listAt(a, payload, NOTES, "data.data") ?? [];
  const notes = onlyAuthoredBy(buildNotes(a, located, CARD_FIELDS), a.params.user_id);
  const cursor = pickId(payload, K.cursor) ?? pickId(last(located), K.noteId);
  return page(notes, pickBool(payload, K.hasMore), cursor ? { cursor } : null);
});

const comments = (replies: boolean): Normalizer =>
  defineNormalizer((a) => {
    const payload = a.object(a.payload, "data.data");
    const located = listAt(a, payload, COMMENTS, "data.data") ?? [];
    const records = buildComments(a, located, COMMENT_FIELDS, replies ? requestedRoot(a) : null);
    const cursor = pickId(payload, K.cursor) ?? pickId(last(located), K.id);
    return page(records, pickBool(payload, K.hasMore), cursor ? { cursor } : null);
  });

/** `data.data.items[]` `{id, xsec_token, note_card}`; other model types (rec_query, hot_query) are skipped. */
const searchNotes = defineNormalizer((a) => {
  const payload = a.object(a.payload, "data.data");
  const items = listAt(a, payload, ITEMS, "data.data") ?? [];
  const located = items.map((item) => innerNote(a, item, () => false)).filter((n) => n !== null);
  const notes = buildNotes(a, located, SEARCH_CARD_FIELDS);
  return page(notes, pickBool(payload, K.hasMore), { page: nextPageNumber([], a.params) });
});

/** `data.data.users[]` (`fans` is a display string such as "3.9万"). */
const searchUsers = defineNormalizer((a) => {
  const payload = a.object(a.payload, "data.data");
  const located = listAt(a, payload, USERS, "data.data") ?? [];
  const users = buildUsers(a, located, SEARCH_USER_FIELDS);
  return page(users, pickBool(payload, K.hasMore), { page: nextPageNumber([], a.params) });
});

export const WEB_V3_NORMALIZERS: Record<string, Normalizer> = {
  "web_v3/fetch_note_detail": noteDetail,
  "web_v3/fetch_user_info": userInfo,
  "web_v3/fetch_user_notes": userNotes,
  "web_v3/fetch_note_comments": comments(false),
  "web_v3/fetch_sub_comments": comments(true),
  "web_v3/fetch_search_notes": searchNotes,
  "web_v3/fetch_search_users": searchUsers,
};
