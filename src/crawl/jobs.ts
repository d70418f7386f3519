/**
 * The crawl's job kinds: their queue keys (the natural dedupe key per run), payloads and priorities.
 * A note reached from two seeds has one key (`note:<id>`), so it is followed once.
 */
import type { NoteTypeFilter, SearchSort, TimeFilter, TopicSort } from "../catalog/filters.js";
import { noteUrl, parseRef } from "../refs/parse-ref.js";
import type { NewJob } from "../store/port.js";

export type JobKind = "search" | "note" | "comments" | "replies" | "user" | "user_notes" | "topic" | "topic_notes";

/** Leasing order (higher first): finish what was found before paging further, so a budget stop leaves whole notes. */
const PRIORITY: Record<JobKind, number> = {
  note: 30,
  user: 25,
  topic: 25,
  comments: 20,
  replies: 15,
  search: 10,
  topic_notes: 10,
  user_notes: 5,
};

export interface SearchPayload {
  keyword: string;
  sort: SearchSort;
  type: NoteTypeFilter;
  time: TimeFilter;
  /** Key of the seed (shared by all its split slices): the seed's note limit is counted per seed. */
  seedKey: string;
  limit: number;
  split: boolean;
}
export interface NotePayload {
  noteId: string;
  xsecToken: string | null;
  /** Reported comment count from the list hit, used when details are off. */
  reportedComments: number | null;
  authorId: string | null;
  /**
   * The note's type as its list showed it: the detail call goes to the right endpoint first in any worker
   * (a process that did not read the list has no other way to know). Absent in jobs made before it was kept.
   */
  type?: "image" | "video";
}
export interface CommentsPayload {
  noteId: string;
  xsecToken: string | null;
}
export interface RepliesPayload {
  noteId: string;
  commentId: string;
  xsecToken: string | null;
  replyCount: number | null;
}
export interface UserPayload {
  ref: string;
}
export interface UserNotesPayload {
  ref: string;
  /** Follow the notes found (seed lists) or only store them (authors' notes). */
  follow: boolean;
  seedKey: string;
  limit: number;
}
export interface TopicPayload {
  pageId: string;
}
export interface TopicNotesPayload {
  pageId: string;
  sort: TopicSort;
  seedKey: string;
  limit: number;
}

export interface PayloadOf {
  search: SearchPayload;
  note: NotePayload;
  comments: CommentsPayload;
  replies: RepliesPayload;
  user: UserPayload;
  user_notes: UserNotesPayload;
  topic: TopicPayload;
  topic_notes: TopicNotesPayload;
}

export function newJob<K extends JobKind>(
  runId: string,
  kind: K,
  key: string,
  payload: PayloadOf[K],
  depth: number,
  parentKey: string | null = null,
): NewJob {
  return { runId, key, kind, payload, priority: PRIORITY[kind], depth, parentKey };
}

export const keys = {
  search: (p: Pick<SearchPayload, "keyword" | "sort" | "type" | "time">) =>
    `search:${p.keyword}|${p.sort}|${p.type}|${p.time}`,
  seedOfKeyword: (keyword: string) => `seed:keyword:${keyword}`,
  note: (id: string) => `note:${id}`,
  comments: (noteId: string) => `comments:${noteId}`,
  replies: (noteId: string, commentId: string) => `replies:${noteId}:${commentId}`,
  user: (id: string) => `user:${id}`,
  userNotes: (id: string) => `user_notes:${id}`,
  topic: (pageId: string) => `topic:${pageId}`,
  topicNotes: (pageId: string, sort: TopicSort) => `topic_notes:${pageId}|${sort}`,
};

/** The id a ref names when it can be read locally (so a URL seed and an id seed share a key); else the ref. */
export function refKey(ref: string, expect: "note" | "user"): string {
  try {
    const parsed = parseRef(ref, expect);
    if (parsed.kind === expect) return parsed.id;
  } catch {
    // Not parseable here: the client will say what is wrong when the job runs.
  }
  return ref;
}

/** A note ref that carries its xsec_token, so a resumed process (with an empty token cache) can still use Web V3. */
export function noteRef(noteId: string, xsecToken: string | null): string {
  return xsecToken ? noteUrl(noteId, xsecToken) : noteId;
}
