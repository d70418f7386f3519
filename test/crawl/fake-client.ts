/**
 * A small in-memory XhsClient for the engine's unit tests: a tiny deterministic world, offset cursors,
 * one AttemptEvent per call, a call budget like the real client's, and hooks to inject failures.
 */

import type { XhsClient } from "../../src/client/types.js";
import { AbortedError, BudgetExceededError, NotFoundError, type XhsError } from "../../src/core/errors.js";
import type { AttemptEvent, ClientStats, Page, Paginator } from "../../src/core/types.js";
import type { Capability } from "../../src/core/vocabulary.js";
import type { Comment, Note, Topic, User } from "../../src/model/types.js";
import { parseRef } from "../../src/refs/parse-ref.js";

export interface FakeWorldOptions {
  notes?: number;
  users?: number;
  topLevelComments?: number;
  repliesPerComment?: number;
  searchPageSize?: number;
  /** Pages a search slice gives at most (the upstream cap). */
  searchCapPages?: number;
  listPageSize?: number;
  commentPageSize?: number;
  replyPageSize?: number;
}

const FETCHED_AT = "2026-03-01T00:00:00.000Z";

function hexId(prefix: string, n: number): string {
  return `${prefix}${n.toString(16).padStart(24 - prefix.length, "0")}`;
}

export interface FakeWorld {
  notes: Note[];
  users: User[];
  comments: Map<string, Comment[]>;
  replies: Map<string, Comment[]>;
  topic: Topic;
}

export function buildWorld(o: FakeWorldOptions = {}): FakeWorld {
  const noteCount = o.notes ?? 40;
  const userCount = o.users ?? 5;
  const users: User[] = Array.from({ length: userCount }, (_, i) => ({
    id: hexId("aa", i + 1),
    nickname: `用户${i + 1}`,
    redId: String(1000 + i),
    avatarUrl: null,
    bio: `bio ${i}`,
    gender: null,
    ipLocation: "上海",
    followers: 100 * (i + 1),
    following: 10,
    likesAndCollects: 50,
    noteCount: null,
    approx: [],
    xsecToken: null,
    url: `https://www.xiaohongshu.com/user/profile/${hexId("aa", i + 1)}`,
    source: "app_v2",
    fetchedAt: FETCHED_AT,
  }));
  const base = Date.parse("2026-02-28T00:00:00Z");
  const notes: Note[] = Array.from({ length: noteCount }, (_, i) => {
    const author = users[i % userCount] as User;
    const id = hexId("bb", i + 1);
    return {
      id,
      type: i % 3 === 0 ? "video" : "image",
      title: `笔记 ${i + 1}`,
      text: `正文 ${i + 1} 全文`,
      textTruncated: false,
      tags: ["露营"],
      author: { id: author.id, nickname: author.nickname, avatarUrl: null, redId: author.redId },
      stats: {
        likes: i * 3,
        collects: i,
        comments: (o.topLevelComments ?? 3) * (1 + (o.repliesPerComment ?? 2)),
        shares: 0,
      },
      approx: [],
      images: [],
      video: null,
      // Newest first by index: note 1 is the most recent.
      publishedAt: new Date(base - i * 86_400_000).toISOString(),
      updatedAt: null,
      ipLocation: null,
      xsecToken: `tok${i + 1}`,
      url: `https://www.xiaohongshu.com/explore/${id}`,
      source: "app_v2",
      fetchedAt: FETCHED_AT,
    };
  });
  const comments = new Map<string, Comment[]>();
  const replies = new Map<string, Comment[]>();
  for (const note of notes) {
    const top: Comment[] = [];
    for (let c = 0; c < (o.topLevelComments ?? 3); c++) {
      const id = `${note.id}c${c}`;
      const threadReplies: Comment[] = [];
      for (let r = 0; r < (o.repliesPerComment ?? 2); r++) {
        threadReplies.push(comment(`${id}r${r}`, note.id, id, 0));
      }
      replies.set(id, threadReplies);
      top.push(comment(id, note.id, null, threadReplies.length));
    }
    comments.set(note.id, top);
  }
  const topic: Topic = {
    id: "5c1cc866febed9000184b7c1",
    name: "露营",
    views: 1000,
    discussions: 10,
    approx: [],
    source: "app_v2",
    fetchedAt: FETCHED_AT,
  };
  return { notes, users, comments, replies, topic };
}

function comment(id: string, noteId: string, rootId: string | null, replyCount: number): Comment {
  return {
    id,
    noteId,
    rootId,
    replyToUser: null,
    author: null,
    text: `评论 ${id}`,
    likes: 1,
    replyCount,
    createdAt: "2026-02-01T00:00:00.000Z",
    ipLocation: null,
    pictures: [],
    pinned: false,
    byNoteAuthor: false,
    approx: [],
    source: "app_v2",
    fetchedAt: FETCHED_AT,
  };
}

/** What a list item looks like from a list endpoint: body cut. */
function asListHit(note: Note): Note {
  return { ...note, text: (note.text ?? "").slice(0, 3), textTruncated: true };
}

export interface FakeClientOptions extends FakeWorldOptions {
  world?: FakeWorld;
  /** Like ClientOptions.maxCalls: BudgetExceededError before the call that would pass it. */
  maxCalls?: number;
  /** Return an error to throw instead of answering this call (1-based call number). */
  fail?: (call: { n: number; capability: Capability; id: string }) => XhsError | null;
  /** Real milliseconds each call takes (default: none, answered in a microtask). */
  latencyMs?: number;
  /** Awaited before a call is answered (1-based call number): a call in flight for as long as the test needs. */
  during?: (call: { n: number; capability: Capability; id: string }) => Promise<void>;
}

export interface FakeClient extends XhsClient {
  calls: { capability: Capability; id: string }[];
  world: FakeWorld;
}

export function createFakeClient(options: FakeClientOptions = {}): FakeClient {
  const world = options.world ?? buildWorld(options);
  const listeners = new Set<(event: AttemptEvent) => void>();
  const calls: { capability: Capability; id: string }[] = [];
  const searchPage = options.searchPageSize ?? 5;
  const capPages = options.searchCapPages ?? 100;
  const listPage = options.listPageSize ?? 5;
  const commentPage = options.commentPageSize ?? 2;
  const replyPage = options.replyPageSize ?? 2;

  async function call<T>(
    capability: Capability,
    id: string,
    signal: AbortSignal | undefined,
    answer: () => T,
  ): Promise<T> {
    if (signal?.aborted) throw new AbortedError("aborted");
    if (options.maxCalls !== undefined && calls.length >= options.maxCalls) {
      throw new BudgetExceededError(`max calls ${options.maxCalls} reached`);
    }
    if (options.latencyMs) await new Promise((resolve) => setTimeout(resolve, options.latencyMs));
    else await Promise.resolve();
    calls.push({ capability, id });
    const n = calls.length;
    if (options.during) await options.during({ n, capability, id });
    const error = options.fail?.({ n, capability, id }) ?? null;
    const event: AttemptEvent = {
      at: FETCHED_AT,
      capability,
      endpoint: `app_v2/${capability}`,
      series: "app_v2",
      httpStatus: error ? (error.httpStatus ?? 500) : 200,
      outcome: error ? error.kind : "ok",
      latencyMs: 1,
      billable: !error,
      costUsd: error ? 0 : 0.01,
      retry: 0,
      failover: false,
    };
    for (const listener of listeners) listener(event);
    if (error) throw error;
    return answer();
  }

  function paginator<T>(
    capability: Capability,
    id: string,
    signal: AbortSignal | undefined,
    startCursor: string | undefined,
    pageSize: number,
    all: () => T[],
    maxItems = Number.POSITIVE_INFINITY,
  ): Paginator<T> {
    let cursor: string | null = startCursor ?? null;
    const pages = async function* (): AsyncGenerator<Page<T>> {
      let offset = startCursor ? Number(startCursor) : 0;
      while (true) {
        const items = await call(capability, id, signal, () =>
          all()
            .slice(0, maxItems)
            .slice(offset, offset + pageSize),
        );
        offset += items.length;
        const hasMore = items.length > 0 && offset < Math.min(all().length, maxItems);
        cursor = hasMore ? String(offset) : null;
        yield { items, cursor, hasMore, source: "app_v2", degraded: false, degradedReasons: [] };
        if (!hasMore) return;
      }
    };
    return {
      pages,
      async *[Symbol.asyncIterator]() {
        for await (const page of pages()) yield* page.items;
      },
      async collect(limit: number) {
        const out: T[] = [];
        for await (const page of pages()) {
          out.push(...page.items);
          if (out.length >= limit) break;
        }
        return out.slice(0, limit);
      },
      get cursor() {
        return cursor;
      },
      degraded: false,
      degradedReasons: [],
    };
  }

  const noteId = (ref: string) => {
    const parsed = parseRef(ref, "note");
    return parsed.kind === "note" ? parsed.id : ref;
  };
  const findNote = (ref: string) => {
    const id = noteId(ref);
    const note = world.notes.find((n) => n.id === id);
    if (!note) throw new NotFoundError(`note ${id} not found`);
    return note;
  };
  const order = (sort: string | undefined): Note[] => {
    const notes = [...world.notes];
    if (sort === "most_liked") return notes.reverse();
    if (sort === "most_commented")
      return notes.filter((_, i) => i % 2 === 0).concat(notes.filter((_, i) => i % 2 === 1));
    return notes;
  };

  const client: FakeClient = {
    calls,
    world,
    notes: {
      get: (ref, o) => call("note", noteId(ref), o?.signal, () => ({ ...findNote(ref), fetchedAt: FETCHED_AT })),
    },
    users: {
      get: (ref, o) =>
        call("user", ref, o?.signal, () => {
          const user = world.users.find((u) => u.id === ref);
          if (!user) throw new NotFoundError(`user ${ref} not found`);
          return user;
        }),
      notes: (ref, o) =>
        paginator("userNotes", ref, o?.signal, o?.cursor, listPage, () =>
          world.notes.filter((n) => n.author?.id === ref).map(asListHit),
        ),
      favorites: (ref, o) => paginator("userFavorites", ref, o?.signal, o?.cursor, listPage, () => []),
    },
    comments: {
      list: (ref, o) =>
        paginator(
          "comments",
          noteId(ref),
          o?.signal,
          o?.cursor,
          commentPage,
          () => world.comments.get(noteId(ref)) ?? [],
        ),
      replies: (_ref, commentId, o) =>
        paginator("replies", commentId, o?.signal, o?.cursor, replyPage, () => world.replies.get(commentId) ?? []),
    },
    search: {
      notes: (keyword, o) =>
        paginator(
          "searchNotes",
          `${keyword}|${o?.sort ?? "general"}|${o?.type ?? "all"}`,
          o?.signal,
          o?.cursor,
          searchPage,
          () =>
            order(o?.sort)
              .filter((n) => !o?.type || o.type === "all" || n.type === o.type)
              .map(asListHit),
          capPages * searchPage,
        ),
      users: (_keyword, o) => paginator("searchUsers", "", o?.signal, o?.cursor, listPage, () => world.users),
    },
    topics: {
      get: (pageId, o) => call("topic", pageId, o?.signal, () => world.topic),
      notes: (pageId, o) =>
        paginator("topicNotes", pageId, o?.signal, o?.cursor, listPage, () => world.notes.map(asListHit)),
    },
    links: {
      resolve: async () => {
        throw new Error("not in the fake");
      },
    },
    raw: async () => {
      throw new Error("not in the fake");
    },
    stats: () => ({}) as ClientStats,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
  return client;
}
