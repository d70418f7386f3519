/**
 * Web V3 normalizers (`/api/v1/xiaohongshu/web_v3/…`), the second fallback. Web V3 passes XHS web payloads
 * through: snake_case or camelCase (both read, see pick.ts), counts as strings that may be abbreviated
 * ("1.2万"), times in milliseconds. No TikHub answer of this series has been seen (tikhub-api.md §6); the
 * shapes follow XHS's own web API (xhs-shapes.md §3).
 */
import { page } from "../shared/envelope.js";
import {
  buildComments,
  buildNotes,
  buildUsers,
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
import { bool, get, id } from "../shared/pick.js";
import type { Normalizer } from "../types.js";

const DETAIL_FIELDS = ["note_id", "type", "title", "desc", "time", "user", "interact_info", "image_list"] as const;
const COMMENT_FIELDS = ["id", "content", "create_time", "like_count", "user_info"] as const;

/**
 * `data.data.items[].note_card` (id on the item). The request's xsec_token is the note's own token, so it
 * is kept on the requested note when the payload does not repeat it.
 */
const noteDetail = defineNormalizer((a) => {
  const payload = a.object(a.payload, "data.data");
  const items: Located[] =
    get(payload, "items") === undefined && get(payload, "note_card") !== undefined
      ? [{ raw: payload as NonNullable<typeof payload>, path: "data.data" }]
      : (listAt(a, payload, ["items"], "data.data") ?? []);
  const located = items.map((item) => innerNote(a, item, () => false)).filter((n) => n !== null);
  const notes = buildNotes(a, located, DETAIL_FIELDS, (entry) => {
    const extras = wrappingItem(entry);
    const noteId = id(entry.raw, "note_id", "id") ?? extras.fallbackId ?? null;
    const requested = a.params.note_id && noteId === a.params.note_id ? a.params.xsec_token || null : null;
    return { ...extras, fallbackToken: extras.fallbackToken ?? requested };
  });
  return page(notes, null, null);
});

/** `data.data.basic_info` + `interactions[]` (counts are strings: "1.2万"); the id is the requested one. */
const userInfo = profileNormalizer(["basic_info", "interactions"]);

/** `data.data.notes[]` cards (no body, no time); next `cursor` = the answer's `cursor`, else the last note id. */
const userNotes = defineNormalizer((a) => {
  const payload = a.object(a.payload, "data.data");
  const located = listAt(a, payload, ["notes"], "data.data") ?? [];
  const notes = onlyAuthoredBy(buildNotes(a, located, ["note_id", "xsec_token", "interact_info"]), a.params.user_id);
  const cursor = id(payload, "cursor") ?? id(last(located), "note_id", "id");
  return page(notes, bool(payload, "has_more"), cursor ? { cursor } : null);
});

const comments = (replies: boolean): Normalizer =>
  defineNormalizer((a) => {
    const payload = a.object(a.payload, "data.data");
    const located = listAt(a, payload, ["comments"], "data.data") ?? [];
    const records = buildComments(a, located, COMMENT_FIELDS, replies ? requestedRoot(a) : null);
    const cursor = id(payload, "cursor") ?? id(last(located), "id");
    return page(records, bool(payload, "has_more"), cursor ? { cursor } : null);
  });

/** `data.data.items[]` `{id, xsec_token, note_card}`; other model types (rec_query, hot_query) are skipped. */
const searchNotes = defineNormalizer((a) => {
  const payload = a.object(a.payload, "data.data");
  const items = listAt(a, payload, ["items"], "data.data") ?? [];
  const located = items.map((item) => innerNote(a, item, () => false)).filter((n) => n !== null);
  const notes = buildNotes(a, located, ["type", "display_title", "user", "interact_info"]);
  return page(notes, bool(payload, "has_more"), { page: nextPageNumber([], a.params) });
});

/** `data.data.users[]` (`fans` is a display string such as "3.9万"). */
const searchUsers = defineNormalizer((a) => {
  const payload = a.object(a.payload, "data.data");
  const located = listAt(a, payload, ["users"], "data.data") ?? [];
  const users = buildUsers(a, located, ["id|user_id", "name|nickname"]);
  return page(users, bool(payload, "has_more"), { page: nextPageNumber([], a.params) });
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
