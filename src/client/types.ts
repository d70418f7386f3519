/**
 * The public facade's types: what `createClient()` returns and what its calls take.
 * The CLI, the crawl engine, the HTTP server and the MCP server are written against these.
 */
import type { CommentSort, NoteTypeFilter, SearchSort, TimeFilter, TopicSort } from "../catalog/filters.js";
import type { AttemptEvent, ClientStats, Paginator } from "../core/types.js";
import type { Series } from "../core/vocabulary.js";
import type { LatencyOptions } from "../failover/latency.js";
import type { Comment, Note, ResolvedLink, Topic, User } from "../model/types.js";
import type { RawResult } from "../transport/raw.js";
import type { ConnectionOptions } from "../transport/transport.js";

/** How the client connects, retries and spends (`TransportOptions`), plus how it chooses among series. */
export interface ClientOptions extends ConnectionOptions {
  /** Series order for every capability (default app_v2, app_v1, web_v3). */
  series?: Series[];
  /**
   * Fire a second series after this many ms without an answer, on every call and for every series (replaces
   * the adaptive delay and its budget).
   */
  hedgeAfterMs?: number;
  /**
   * Adaptive hedging and latency demotion (on by default): `false` turns hedging off (slow series are still
   * demoted); an object tunes it (see LatencyOptions in src/failover/latency.ts).
   */
  hedge?: boolean | LatencyOptions;
  /**
   * Circuit breaker per series and capability: consecutive failures to open (default 3), cool-down in ms
   * (default 30 000), and how long a half-open probe runs alone before the next series is asked too (default 2 000).
   */
  breaker?: { failureThreshold?: number; coolDownMs?: number; probeHedgeMs?: number };
}

/** Options every call takes. */
export interface CallOptions {
  signal?: AbortSignal;
  /** Series order for this call only. */
  series?: Series[];
  /** Accept a series that cannot honour a requested filter; the result then says it is degraded. */
  acceptDegraded?: boolean;
}

export interface ListOptions extends CallOptions {
  /** Stop after this many items. */
  limit?: number;
  /** Resume after the position a previous list's `cursor` recorded. */
  cursor?: string;
}

/** A note, user or any reference: id, URL, share text or short link. */
export type Ref = string;

export interface SearchNotesOptions extends ListOptions {
  sort?: SearchSort;
  type?: NoteTypeFilter;
  time?: TimeFilter;
}

export interface CommentListOptions extends ListOptions {
  sort?: CommentSort;
  /** Fetch every reply thread too; replies are yielded after their top-level comment. */
  withReplies?: boolean;
  /** With withReplies: at most this many replies per thread. */
  maxRepliesPerThread?: number;
}

export interface TopicNotesOptions extends ListOptions {
  sort?: TopicSort;
}

export interface XhsClient {
  notes: {
    get(ref: Ref, options?: CallOptions & { type?: "image" | "video" }): Promise<Note>;
  };
  users: {
    get(ref: Ref, options?: CallOptions): Promise<User>;
    notes(ref: Ref, options?: ListOptions): Paginator<Note>;
    favorites(ref: Ref, options?: ListOptions): Paginator<Note>;
  };
  comments: {
    list(noteRef: Ref, options?: CommentListOptions): Paginator<Comment>;
    replies(noteRef: Ref, commentId: string, options?: ListOptions): Paginator<Comment>;
  };
  search: {
    notes(keyword: string, options?: SearchNotesOptions): Paginator<Note>;
    users(keyword: string, options?: ListOptions): Paginator<User>;
  };
  topics: {
    get(pageId: string, options?: CallOptions): Promise<Topic>;
    notes(pageId: string, options?: TopicNotesOptions): Paginator<Note>;
  };
  links: {
    resolve(text: string, options?: CallOptions): Promise<ResolvedLink>;
  };
  /** The exact TikHub answer for any catalogue endpoint, parameters validated locally first. */
  raw(endpoint: string, params: Record<string, string | number>, options?: CallOptions): Promise<RawResult>;
  stats(): ClientStats;
  /** Listen to every attempt; returns the unsubscribe function. */
  subscribe(listener: (event: AttemptEvent) => void): () => void;
  /** Releases what the client holds open (the shared rate limiter's connection); calls after it fail. */
  close?(): Promise<void>;
}
