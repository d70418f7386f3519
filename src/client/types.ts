/**
 * The public facade's types: what `createClient()` returns and what its calls take.
 * The CLI, the crawl engine, the HTTP server and the MCP server are written against these.
 */
import type { CommentSort, NoteTypeFilter, SearchSort, TimeFilter, TopicSort } from "../catalog/filters.js";
import type { AttemptEvent, ClientStats, Clock, Logger, Paginator, Sleep } from "../core/types.js";
import type { Series } from "../core/vocabulary.js";
import type { Comment, Note, ResolvedLink, Topic, User } from "../model/types.js";
import type { Region } from "../transport/http.js";

export interface ClientOptions {
  /** TikHub API key; default process.env.TIKHUB_API_KEY. Never logged, never in an error. */
  apiKey?: string;
  /**
   * Where calls go. Default: `region`'s host, else process.env.TIKHUB_BASE_URL, else TIKHUB_REGION's host,
   * else https://api.tikhub.io. Overrides `region` (a local simulator, a proxy).
   */
  baseUrl?: string;
  /**
   * TikHub's host for where you are: "global" (https://api.tikhub.io) or "cn" (https://api.tikhub.dev,
   * mainland China, where api.tikhub.io is unreachable). Default process.env.TIKHUB_REGION, else global.
   * Anything else is an InvalidInputError from createClient.
   */
  region?: Region;
  fetch?: typeof globalThis.fetch;
  clock?: Clock;
  sleep?: Sleep;
  logger?: Logger;
  /** Per-attempt timeout in ms (default 30 000). */
  timeoutMs?: number;
  /** Retries per series for transient failures (default 2, so 3 attempts). */
  maxRetries?: number;
  /** Client-side rate limit in requests per second (default 10, lowered on 429). 0 = no limit. */
  qps?: number;
  /** Concurrent requests at most (default 4). */
  concurrency?: number;
  /** Series order for every capability (default app_v2, app_v1, web_v3). */
  series?: Series[];
  /** USD per call by endpoint name, over the catalogue's defaults. */
  prices?: Record<string, number>;
  /** Stop before paying for more than this many calls / USD (BudgetExceededError). */
  maxCalls?: number;
  maxCostUsd?: number;
  /** Fire a second series after this many ms without an answer (off by default: it costs money). */
  hedgeAfterMs?: number;
  /**
   * Circuit breaker per series and capability: consecutive failures to open (default 3), cool-down in ms
   * (default 30 000), and how long a half-open probe runs alone before the next series is asked too (default 2 000).
   */
  breaker?: { failureThreshold?: number; coolDownMs?: number; probeHedgeMs?: number };
  /** Every attempt, as it ends. */
  onEvent?: (event: AttemptEvent) => void;
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

export interface RawResult {
  endpoint: string;
  httpStatus: number;
  body: unknown;
  requestId: string | null;
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
}
