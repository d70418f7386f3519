/**
 * Rows ↔ model records for the record tables, the same on both dialects (JSON as text, flags as 1/0).
 */

import type { Series } from "../../core/vocabulary.js";
import type { Comment, Note, Topic, User, UserRef } from "../../model/types.js";
import type { Row } from "./dialect.js";

export type { Row } from "./dialect.js";

const str = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));
const int = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));
const json = <T>(v: unknown, fallback: T): T => (typeof v === "string" ? (JSON.parse(v) as T) : fallback);
const jsonOrNull = (v: unknown): string | null => (v === null || v === undefined ? null : JSON.stringify(v));
/** A JSON text column read back; NULL stays null. */
export const parseJson = (v: unknown): unknown => (typeof v === "string" ? (JSON.parse(v) as unknown) : null);
/** A nullable flag: INTEGER 1/0, NULL when unknown. */
const flag = (v: unknown): boolean | null => (v === null || v === undefined ? null : Number(v) !== 0);
const flagToInt = (v: boolean | null): number | null => (v === null ? null : v ? 1 : 0);

function epochMs(iso: string): number {
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? 0 : ms;
}

export const NOTE_COLUMNS = [
  "id",
  "type",
  "title",
  "text",
  "text_truncated",
  "tags",
  "author_id",
  "author",
  "likes",
  "collects",
  "comments",
  "shares",
  "approx",
  "images",
  "video",
  "published_at",
  "updated_at",
  "ip_location",
  "xsec_token",
  "url",
  "source",
  "fetched_at",
  "fetched_ms",
] as const;

export function noteToRow(note: Note): Row {
  return {
    id: note.id,
    type: note.type,
    title: note.title,
    text: note.text,
    text_truncated: note.textTruncated ? 1 : 0,
    tags: JSON.stringify(note.tags),
    author_id: note.author?.id ?? null,
    author: jsonOrNull(note.author),
    likes: note.stats.likes,
    collects: note.stats.collects,
    comments: note.stats.comments,
    shares: note.stats.shares,
    approx: JSON.stringify(note.approx),
    images: JSON.stringify(note.images),
    video: jsonOrNull(note.video),
    published_at: note.publishedAt,
    updated_at: note.updatedAt,
    ip_location: note.ipLocation,
    xsec_token: note.xsecToken,
    url: note.url,
    source: note.source,
    fetched_at: note.fetchedAt,
    fetched_ms: epochMs(note.fetchedAt),
  };
}

export function rowToNote(row: Row): Note {
  return {
    id: String(row.id),
    type: row.type as Note["type"],
    title: str(row.title),
    text: str(row.text),
    textTruncated: row.text_truncated === 1,
    tags: json<string[]>(row.tags, []),
    author: json<UserRef | null>(row.author, null),
    stats: { likes: int(row.likes), collects: int(row.collects), comments: int(row.comments), shares: int(row.shares) },
    approx: json<string[]>(row.approx, []),
    images: json<Note["images"]>(row.images, []),
    video: json<Note["video"]>(row.video, null),
    publishedAt: str(row.published_at),
    updatedAt: str(row.updated_at),
    ipLocation: str(row.ip_location),
    xsecToken: str(row.xsec_token),
    url: String(row.url),
    source: row.source as Series,
    fetchedAt: String(row.fetched_at),
  };
}

export const USER_COLUMNS = [
  "id",
  "nickname",
  "red_id",
  "avatar_url",
  "bio",
  "gender",
  "ip_location",
  "followers",
  "following",
  "likes_and_collects",
  "note_count",
  "approx",
  "xsec_token",
  "url",
  "source",
  "fetched_at",
  "fetched_ms",
] as const;

export function userToRow(user: User): Row {
  return {
    id: user.id,
    nickname: user.nickname,
    red_id: user.redId,
    avatar_url: user.avatarUrl,
    bio: user.bio,
    gender: user.gender,
    ip_location: user.ipLocation,
    followers: user.followers,
    following: user.following,
    likes_and_collects: user.likesAndCollects,
    note_count: user.noteCount,
    approx: JSON.stringify(user.approx),
    xsec_token: user.xsecToken,
    url: user.url,
    source: user.source,
    fetched_at: user.fetchedAt,
    fetched_ms: epochMs(user.fetchedAt),
  };
}

export function rowToUser(row: Row): User {
  return {
    id: String(row.id),
    nickname: str(row.nickname),
    redId: str(row.red_id),
    avatarUrl: str(row.avatar_url),
    bio: str(row.bio),
    gender: str(row.gender) as User["gender"],
    ipLocation: str(row.ip_location),
    followers: int(row.followers),
    following: int(row.following),
    likesAndCollects: int(row.likes_and_collects),
    noteCount: int(row.note_count),
    approx: json<string[]>(row.approx, []),
    xsecToken: str(row.xsec_token),
    url: String(row.url),
    source: row.source as Series,
    fetchedAt: String(row.fetched_at),
  };
}

export const COMMENT_COLUMNS = [
  "id",
  "note_id",
  "root_id",
  "reply_to_user_id",
  "reply_to_user",
  "author_id",
  "author",
  "text",
  "likes",
  "reply_count",
  "created_at",
  "ip_location",
  "pictures",
  "pinned",
  "by_note_author",
  "approx",
  "source",
  "fetched_at",
  "fetched_ms",
] as const;

export function commentToRow(comment: Comment): Row {
  return {
    id: comment.id,
    note_id: comment.noteId,
    root_id: comment.rootId,
    reply_to_user_id: comment.replyToUser?.id ?? null,
    reply_to_user: jsonOrNull(comment.replyToUser),
    author_id: comment.author?.id ?? null,
    author: jsonOrNull(comment.author),
    text: comment.text,
    likes: comment.likes,
    reply_count: comment.replyCount,
    created_at: comment.createdAt,
    ip_location: comment.ipLocation,
    pictures: JSON.stringify(comment.pictures),
    pinned: flagToInt(comment.pinned),
    by_note_author: flagToInt(comment.byNoteAuthor),
    approx: JSON.stringify(comment.approx),
    source: comment.source,
    fetched_at: comment.fetchedAt,
    fetched_ms: epochMs(comment.fetchedAt),
  };
}

export function rowToComment(row: Row): Comment {
  return {
    id: String(row.id),
    noteId: String(row.note_id),
    rootId: str(row.root_id),
    replyToUser: json<UserRef | null>(row.reply_to_user, null),
    author: json<UserRef | null>(row.author, null),
    text: str(row.text),
    likes: int(row.likes),
    replyCount: int(row.reply_count),
    createdAt: str(row.created_at),
    ipLocation: str(row.ip_location),
    pictures: json<string[]>(row.pictures, []),
    pinned: flag(row.pinned),
    byNoteAuthor: flag(row.by_note_author),
    approx: json<string[]>(row.approx, []),
    source: row.source as Series,
    fetchedAt: String(row.fetched_at),
  };
}

export const TOPIC_COLUMNS = [
  "id",
  "name",
  "views",
  "discussions",
  "approx",
  "source",
  "fetched_at",
  "fetched_ms",
] as const;

export function topicToRow(topic: Topic): Row {
  return {
    id: topic.id,
    name: topic.name,
    views: topic.views,
    discussions: topic.discussions,
    approx: JSON.stringify(topic.approx),
    source: topic.source,
    fetched_at: topic.fetchedAt,
    fetched_ms: epochMs(topic.fetchedAt),
  };
}

export function rowToTopic(row: Row): Topic {
  return {
    id: String(row.id),
    name: str(row.name),
    views: int(row.views),
    discussions: int(row.discussions),
    approx: json<string[]>(row.approx, []),
    source: row.source as Series,
    fetchedAt: String(row.fetched_at),
  };
}

export { epochMs };
