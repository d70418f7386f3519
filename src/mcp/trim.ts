/**
 * Records trimmed for a model's context window. Signed media URLs, avatars and bookkeeping fields take
 * many tokens and rarely help an agent; they are left out, and every answer says which fields were
 * left out and how to get them (the HTTP API, the CLI and the library return every field).
 */

import type { Comment, Note, ResolvedLink, Topic, User, UserRef } from "../model/types.js";
import type { RecordKind } from "../service/operations.js";

/** Characters of a note's text kept in a list (get_note returns the whole text). */
export const LIST_TEXT_CHARS = 280;

type Json = Record<string, unknown>;

function person(ref: UserRef | null): Json | null {
  return ref ? { id: ref.id, nickname: ref.nickname } : null;
}

function cut(text: string | null, max: number): { text: string | null; cut: boolean } {
  if (text === null || text.length <= max) return { text, cut: false };
  return { text: `${text.slice(0, max)}…`, cut: true };
}

function note(n: Note, inList: boolean): Json {
  const body = inList ? cut(n.text, LIST_TEXT_CHARS) : { text: n.text, cut: false };
  return {
    id: n.id,
    type: n.type,
    title: n.title,
    text: body.text,
    // True when upstream cut the text or this trim did: get_note gives the full text.
    textTruncated: n.textTruncated || body.cut,
    tags: n.tags,
    author: person(n.author),
    stats: n.stats,
    ...(n.approx.length > 0 ? { approx: n.approx } : {}),
    imageCount: n.images.length,
    ...(n.video ? { videoDurationSec: n.video.durationSec } : {}),
    publishedAt: n.publishedAt,
    ipLocation: n.ipLocation,
    url: n.url,
  };
}

function user(u: User): Json {
  return {
    id: u.id,
    nickname: u.nickname,
    redId: u.redId,
    bio: u.bio,
    gender: u.gender,
    ipLocation: u.ipLocation,
    followers: u.followers,
    following: u.following,
    likesAndCollects: u.likesAndCollects,
    noteCount: u.noteCount,
    ...(u.approx.length > 0 ? { approx: u.approx } : {}),
    url: u.url,
  };
}

function comment(c: Comment): Json {
  return {
    id: c.id,
    noteId: c.noteId,
    rootId: c.rootId,
    author: person(c.author),
    ...(c.replyToUser ? { replyTo: c.replyToUser.nickname ?? c.replyToUser.id } : {}),
    text: c.text,
    likes: c.likes,
    replyCount: c.replyCount,
    createdAt: c.createdAt,
    ipLocation: c.ipLocation,
    ...(c.pictures.length > 0 ? { pictureCount: c.pictures.length } : {}),
    ...(c.pinned ? { pinned: true } : {}),
    ...(c.byNoteAuthor ? { byNoteAuthor: true } : {}),
    ...(c.approx.length > 0 ? { approx: c.approx } : {}),
  };
}

function topic(t: Topic): Json {
  return {
    id: t.id,
    name: t.name,
    views: t.views,
    discussions: t.discussions,
    ...(t.approx.length > 0 ? { approx: t.approx } : {}),
  };
}

function link(l: ResolvedLink): Json {
  return { ...l };
}

/** Which fields each kind leaves out, as the answer states it. */
export const OMITTED: Record<RecordKind, string[]> = {
  note: [
    "images (URLs; imageCount kept)",
    "video (URLs; videoDurationSec kept)",
    "author.avatarUrl",
    "author.redId",
    "xsecToken (kept inside url)",
    "updatedAt",
    "source",
    "fetchedAt",
  ],
  user: ["avatarUrl", "xsecToken (kept inside url)", "source", "fetchedAt"],
  comment: [
    "author.avatarUrl",
    "author.redId",
    "pictures (URLs; pictureCount kept)",
    "replyToUser (nickname kept as replyTo)",
    "source",
    "fetchedAt",
  ],
  topic: ["source", "fetchedAt"],
  link: [],
};

const HOW_TO_GET_ALL =
  "The HTTP API (`xhs serve`, e.g. GET /v1/notes/{id}), the CLI (`xhs note <id> --json`) and the library return every field.";

export function trimRecord(kind: RecordKind, record: unknown, inList: boolean): Json {
  switch (kind) {
    case "note":
      return note(record as Note, inList);
    case "user":
      return user(record as User);
    case "comment":
      return comment(record as Comment);
    case "topic":
      return topic(record as Topic);
    case "link":
      return link(record as ResolvedLink);
  }
}

/** Notes about the trim for one answer: empty when nothing was left out. */
export function trimNotice(kind: RecordKind, inList: boolean): Json {
  const omitted = [...OMITTED[kind]];
  if (kind === "note" && inList)
    omitted.push(`text beyond ${LIST_TEXT_CHARS} characters (textTruncated: true; get_note gives the full text)`);
  if (omitted.length === 0) return {};
  return { omittedFields: omitted, howToGetOmitted: HOW_TO_GET_ALL };
}
