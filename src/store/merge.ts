/**
 * The upsert merge rules (see the `Store` contract in port.ts), written once for every backend:
 * given the stored record and an incoming one with the same id, what should be stored.
 *
 * - the most recently fetched record is "newer"; its non-null values win, the older one fills nulls;
 * - an empty array never replaces a non-empty one;
 * - a full note body (textTruncated false, with its author) is never replaced by a truncated one;
 * - on equal fetchedAt the result does not depend on which record came first;
 * - each count keeps the `approx` flag of the record it was taken from.
 */
import type { Comment, Note, Topic, User, UserRef } from "../model/types.js";

export interface MergeResult<T> {
  merged: T;
  /** A content field changed (anything but fetchedAt/source). */
  changed: boolean;
}

function fetchedMs(iso: string): number {
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? Number.NEGATIVE_INFINITY : ms;
}

/**
 * [newer, older] by fetchedAt. On a tie neither is known to be newer: the one whose content sorts last counts as
 * newer, so two workers writing the same two snapshots in either order store the same record.
 */
function order<T extends { fetchedAt: string }>(stored: T, incoming: T): [T, T] {
  const storedMs = fetchedMs(stored.fetchedAt);
  const incomingMs = fetchedMs(incoming.fetchedAt);
  // Two checks rather than `!==` then `<`: there `<` → `<=` could never be told apart (equal times never reach it).
  if (incomingMs < storedMs) return [stored, incoming];
  if (incomingMs > storedMs) return [incoming, stored];
  // Stryker disable next-line EqualityOperator: on equal JSON (one record) `<=` merges the same; the skipped `>=` is the reversal merge-ties.test.ts fails on
  return JSON.stringify(incoming) < JSON.stringify(stored) ? [stored, incoming] : [incoming, stored];
}

function pick<V>(first: V | null, second: V | null): V | null {
  return first ?? second;
}

function pickArray<V>(first: readonly V[], second: readonly V[]): V[] {
  return [...(first.length > 0 ? first : second)];
}

export function mergeUserRef(newer: UserRef | null, older: UserRef | null): UserRef | null {
  if (newer === null) return older;
  if (older === null || older.id !== newer.id) return newer;
  return {
    id: newer.id,
    nickname: pick(newer.nickname, older.nickname),
    avatarUrl: pick(newer.avatarUrl, older.avatarUrl),
    redId: pick(newer.redId, older.redId),
  };
}

/**
 * Merges named counts: each from the newer record unless null there, with the approx flag of the
 * record it came from. The newer record's approx order is kept (so a record merged with nothing new
 * reads back exactly as written); names that are not counts stay as the newer record has them.
 */
function mergeCounts<N extends string>(
  names: readonly N[],
  newer: Record<N, number | null>,
  newerApprox: readonly string[],
  older: Record<N, number | null>,
  olderApprox: readonly string[],
): { counts: Record<N, number | null>; approx: string[] } {
  const isCount = (name: string): name is N => (names as readonly string[]).includes(name);
  const counts = {} as Record<N, number | null>;
  for (const name of names) counts[name] = newer[name] ?? older[name];
  const approx: string[] = [];
  for (const name of newerApprox) {
    if (!approx.includes(name) && (!isCount(name) || newer[name] !== null)) approx.push(name);
  }
  for (const name of olderApprox) {
    if (!approx.includes(name) && isCount(name) && newer[name] === null && older[name] !== null) approx.push(name);
  }
  return { counts, approx };
}

/** Structural equality of JSON-like values (prototypes and key order ignored). */
function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  // Stryker disable next-line ConditionalExpression,BooleanLiteral: each record field has one JSON type, so an array never meets an object with the same keys
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a).filter((k) => (a as Record<string, unknown>)[k] !== undefined);
  const kb = Object.keys(b).filter((k) => (b as Record<string, unknown>)[k] !== undefined);
  if (ka.length !== kb.length) return false;
  return ka.every((k) => sameValue((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

function contentChanged<T extends { fetchedAt: string; source: string; approx: string[] }>(
  stored: T,
  merged: T,
): boolean {
  const { fetchedAt: _a, source: _b, approx: approxBefore, ...before } = stored;
  const { fetchedAt: _c, source: _d, approx: approxAfter, ...after } = merged;
  // approx is a set: its order is not content.
  return !sameValue(before, after) || !sameValue([...approxBefore].sort(), [...approxAfter].sort());
}

const NOTE_COUNTS = ["likes", "collects", "comments", "shares"] as const;

export function mergeNote(stored: Note, incoming: Note): MergeResult<Note> {
  const [newer, older] = order(stored, incoming);
  // Which record the body (title, text, tags, images, video) comes from first.
  let body: Note;
  if (stored.textTruncated !== incoming.textTruncated) body = stored.textTruncated ? incoming : stored;
  else body = newer;
  const rest = body === newer ? older : newer;
  const text = pick(body.text, rest.text);
  const textTruncated =
    body.text !== null ? body.textTruncated : rest.text !== null ? rest.textTruncated : body.textTruncated;
  const { counts, approx } = mergeCounts(NOTE_COUNTS, newer.stats, newer.approx, older.stats, older.approx);
  const xsecToken = pick(newer.xsecToken, older.xsecToken);
  const merged: Note = {
    id: stored.id,
    type: body.type,
    title: pick(body.title, rest.title),
    text,
    textTruncated,
    tags: pickArray(body.tags, rest.tags),
    // The author as the body's record shows it: a list hit's author (a smaller avatar) must not replace the
    // detail's because it was fetched later, or the stored note would depend on the order of fetches.
    author: mergeUserRef(body.author, rest.author),
    stats: counts,
    approx,
    images: pickArray(body.images, rest.images),
    video: pick(body.video, rest.video),
    publishedAt: pick(newer.publishedAt, older.publishedAt),
    updatedAt: pick(newer.updatedAt, older.updatedAt),
    ipLocation: pick(newer.ipLocation, older.ipLocation),
    xsecToken,
    // The URL carries the token: keep the URL that goes with the token kept.
    url: newer.xsecToken !== null || older.xsecToken === null ? newer.url : older.url,
    source: newer.source,
    fetchedAt: newer.fetchedAt,
  };
  return { merged, changed: contentChanged(stored, merged) };
}

const USER_COUNTS = ["followers", "following", "likesAndCollects", "noteCount"] as const;

export function mergeUser(stored: User, incoming: User): MergeResult<User> {
  const [newer, older] = order(stored, incoming);
  const { counts, approx } = mergeCounts(USER_COUNTS, newer, newer.approx, older, older.approx);
  const merged: User = {
    id: stored.id,
    nickname: pick(newer.nickname, older.nickname),
    redId: pick(newer.redId, older.redId),
    avatarUrl: pick(newer.avatarUrl, older.avatarUrl),
    bio: pick(newer.bio, older.bio),
    gender: pick(newer.gender, older.gender),
    ipLocation: pick(newer.ipLocation, older.ipLocation),
    ...counts,
    approx,
    xsecToken: pick(newer.xsecToken, older.xsecToken),
    url: newer.xsecToken !== null || older.xsecToken === null ? newer.url : older.url,
    source: newer.source,
    fetchedAt: newer.fetchedAt,
  };
  return { merged, changed: contentChanged(stored, merged) };
}

const COMMENT_COUNTS = ["likes", "replyCount"] as const;

export function mergeComment(stored: Comment, incoming: Comment): MergeResult<Comment> {
  const [newer, older] = order(stored, incoming);
  const { counts, approx } = mergeCounts(COMMENT_COUNTS, newer, newer.approx, older, older.approx);
  const merged: Comment = {
    id: stored.id,
    noteId: newer.noteId,
    rootId: pick(newer.rootId, older.rootId),
    replyToUser: mergeUserRef(newer.replyToUser, older.replyToUser),
    author: mergeUserRef(newer.author, older.author),
    text: pick(newer.text, older.text),
    ...counts,
    createdAt: pick(newer.createdAt, older.createdAt),
    ipLocation: pick(newer.ipLocation, older.ipLocation),
    pictures: pickArray(newer.pictures, older.pictures),
    // A newer answer that says (true or false: unpinned since) wins; one that cannot say (null) keeps the older.
    pinned: pick(newer.pinned, older.pinned),
    byNoteAuthor: pick(newer.byNoteAuthor, older.byNoteAuthor),
    approx,
    source: newer.source,
    fetchedAt: newer.fetchedAt,
  };
  return { merged, changed: contentChanged(stored, merged) };
}

const TOPIC_COUNTS = ["views", "discussions"] as const;

export function mergeTopic(stored: Topic, incoming: Topic): MergeResult<Topic> {
  const [newer, older] = order(stored, incoming);
  const { counts, approx } = mergeCounts(TOPIC_COUNTS, newer, newer.approx, older, older.approx);
  const merged: Topic = {
    id: stored.id,
    name: pick(newer.name, older.name),
    ...counts,
    approx,
    source: newer.source,
    fetchedAt: newer.fetchedAt,
  };
  return { merged, changed: contentChanged(stored, merged) };
}
