/**
 * The comment builder (top-level comments and replies, any series): the comment, its author, its counts, its
 * pictures and the marks the note's author left (pinned, by the author). Same tolerance as records.ts.
 */
import type { Comment } from "../../model/types.js";
import {
  isObj,
  type Keys,
  keys,
  type Obj,
  objects,
  pickCount,
  pickId,
  pickList,
  pickNonEmpty,
  pickObject,
  pickText,
  pickTime,
  pickValue,
} from "./pick.js";
import { type BuildScope, buildUserRef, collect } from "./records.js";

const COMMENT = {
  id: keys("id", "comment_id"),
  noteId: keys("note_id"),
  target: keys("target_comment"),
  targetId: keys("id"),
  likes: keys("like_count", "interact_info.liked_count", "liked_count"),
  replyCount: keys("sub_comment_count"),
  author: keys("user", "user_info"),
  text: keys("content"),
  createdAt: keys("time", "create_time"),
  ipLocation: keys("ip_location"),
  pictures: keys("pictures"),
  pictureUrl: keys("origin_url", "url_default", "url"),
  infoList: keys("info_list"),
  url: keys("url"),
  /** App: `show_tags_v2[] {type, text, …}`; web (and App V1 as rendered): `show_tags[]` of strings. */
  tagsV2: keys("show_tags_v2"),
  tags: keys("show_tags"),
  tagType: keys("type"),
};

/** The tag types of a comment's tag list (strings, or objects with a `type`), or null when the list is absent. */
function tagTypes(comment: Obj, field: Keys): Set<string> | null {
  const tags = pickList(comment, field);
  if (tags === undefined) return null;
  const types = new Set<string>();
  for (const tag of tags) {
    const type = typeof tag === "string" ? tag : isObj(tag) ? pickValue(tag, COMMENT.tagType) : undefined;
    if (typeof type === "string") types.add(type);
  }
  return types;
}

/**
 * Tag type of a comment the note's author pinned (App V2 `show_tags_v2`,
 * docs/reference-notes.md#comment-sort-and-paging).
 */
const PINNED_TAG = "user_top";
/** Tag type of a comment by the note's author (App V2 `show_tags_v2`, web `show_tags`). */
const AUTHOR_TAG = "is_author";

/**
 * Pinned and by-the-note's-author flags from the comment's tag lists. A marker in either list says true; a
 * list that is present without it says false, but only a list known to carry that marker: `show_tags_v2` for
 * both, `show_tags` for the author only (App V2 leaves `show_tags` empty even for pinned comments). No list
 * that could say: null.
 */
function commentMarks(comment: Obj): { pinned: boolean | null; byNoteAuthor: boolean | null } {
  const v2 = tagTypes(comment, COMMENT.tagsV2);
  const v1 = tagTypes(comment, COMMENT.tags);
  const marked = (tag: string) => v2?.has(tag) === true || v1?.has(tag) === true;
  return {
    pinned: marked(PINNED_TAG) ? true : v2 !== null ? false : null,
    byNoteAuthor: marked(AUTHOR_TAG) ? true : v2 !== null || v1 !== null ? false : null,
  };
}

function pictureUrls(comment: Obj): string[] {
  const urls: string[] = [];
  for (const picture of objects(pickValue(comment, COMMENT.pictures))) {
    const url =
      pickNonEmpty(picture, COMMENT.pictureUrl) ??
      objects(pickValue(picture, COMMENT.infoList))
        .map((entry) => pickNonEmpty(entry, COMMENT.url))
        .find((u): u is string => u !== null) ??
      null;
    if (url && !urls.includes(url)) urls.push(url);
  }
  return urls;
}

/**
 * A comment or a reply. `rootId` is the top-level comment's id for replies (from the request), null for
 * top-level comments; `replyToUser` is the target's author when a reply answers another reply.
 */
export function buildComment(
  raw: Obj,
  scope: BuildScope,
  path: string,
  rootId: string | null,
  fallbackNoteId: string | null,
): Comment | null {
  const commentId = pickId(raw, COMMENT.id);
  const noteId = pickId(raw, COMMENT.noteId) ?? fallbackNoteId;
  if (!commentId || !noteId) {
    scope.drift(`${path}.${commentId ? "note_id" : "id"}`);
    return null;
  }
  const target = pickObject(raw, COMMENT.target);
  const targetId = pickId(target, COMMENT.targetId);
  const { values, approx } = collect({
    likes: pickCount(raw, COMMENT.likes),
    replyCount: pickCount(raw, COMMENT.replyCount),
  });
  return {
    id: commentId,
    noteId,
    rootId,
    replyToUser:
      rootId !== null && target && targetId !== rootId ? buildUserRef(pickValue(target, COMMENT.author)) : null,
    author: buildUserRef(pickValue(raw, COMMENT.author)),
    text: pickText(raw, COMMENT.text),
    likes: values.likes,
    replyCount: values.replyCount,
    createdAt: pickTime(raw, COMMENT.createdAt),
    ipLocation: pickNonEmpty(raw, COMMENT.ipLocation),
    pictures: pictureUrls(raw),
    ...commentMarks(raw),
    approx,
    source: scope.context.endpoint.series,
    fetchedAt: scope.context.fetchedAt,
  };
}
