/**
 * The kernel's shared types: time, logging, pages of a list, and what one paid attempt reports.
 * Every layer speaks these; this folder imports nothing else of the project.
 */
import type { ErrorKind } from "./errors.js";
import type { Capability, Series } from "./vocabulary.js";

/** Milliseconds since the epoch. Injected so tests run on a fake clock. */
export interface Clock {
  now(): number;
}

/** Resolves after `ms` (rejects when the signal aborts). Injected so tests never really wait. */
export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

export interface Logger {
  debug(msg: string, data?: Record<string, unknown>): void;
  info(msg: string, data?: Record<string, unknown>): void;
  warn(msg: string, data?: Record<string, unknown>): void;
  error(msg: string, data?: Record<string, unknown>): void;
}

/** One page of a list as it was fetched, with the cursor to resume after it. */
export interface Page<T> {
  items: T[];
  /** Serializable; pass as `cursor` to resume after this page. Null when the list is exhausted. */
  cursor: string | null;
  hasMore: boolean;
  source: Series;
  /** True when a filter could not be honoured or a relevance-ranked list switched series midway. */
  degraded: boolean;
  degradedReasons: string[];
}

/** A list: iterate it with `for await`, or page by page with `pages()`. */
export interface Paginator<T> extends AsyncIterable<T> {
  pages(): AsyncIterable<Page<T>>;
  /** Collects at most `limit` items (required: lists can be very long, and every page costs money). */
  collect(limit: number): Promise<T[]>;
  /** Where a new list should resume after the last item yielded so far (null: exhausted or not started). */
  readonly cursor: string | null;
  readonly degraded: boolean;
  readonly degradedReasons: readonly string[];
}

/**
 * Hedging's marks on one attempt: set by the failover layer while the attempt runs, read by the transport
 * when it records the attempt's event (so a loser cancelled mid-flight is marked too).
 */
export interface HedgeMark {
  /** Started as a hedge: another series was asked while the first had not answered yet. */
  started: boolean;
  /** Another series' answer won: this attempt was cancelled (or left to finish, a breaker's probe). */
  lost: boolean;
  /**
   * Told by the transport when the attempt starts waiting in the client's own queue (rate limit, concurrency)
   * and when it leaves it for the network. Waiting for our own token is not the series being slow: a hedge
   * timer and a latency sample count from the send.
   */
  onQueued?: (() => void) | undefined;
  onSent?: (() => void) | undefined;
}

/** One attempt at one endpoint: what it cost and how it ended. */
export interface AttemptEvent {
  at: string;
  capability: Capability | "raw";
  endpoint: string;
  series: Series;
  httpStatus: number | null;
  outcome: "ok" | ErrorKind;
  latencyMs: number;
  /** TikHub bills HTTP 200s, inner failures included. */
  billable: boolean;
  costUsd: number;
  /** 0 for the first attempt on this series, 1… for retries. */
  retry: number;
  /** True when this attempt is on a series after another one failed. */
  failover: boolean;
  reason?: string;
  requestId?: string;
  /** Started as a hedge (HedgeMark.started). */
  hedge?: true;
  /** Lost a hedge race (HedgeMark.lost); `billable` then says whether it was billed anyway. */
  hedgeLost?: true;
  /** Which key of the pool sent it: a short fingerprint, never the key (core/key-fingerprint). */
  keyFingerprint?: string;
}

export interface SeriesStats {
  calls: number;
  ok: number;
  failed: number;
  billableCalls: number;
  costUsd: number;
  retries: number;
  failovers: number;
  latencyMsP50: number | null;
  latencyMsP95: number | null;
  /** Circuit breaker state per capability. */
  breakers: Record<string, "closed" | "open" | "half_open">;
}

export interface ClientStats {
  calls: number;
  billableCalls: number;
  costUsd: number;
  retries: number;
  failovers: number;
  bySeries: Record<Series, SeriesStats>;
  byEndpoint: Record<string, { calls: number; billableCalls: number; costUsd: number; errors: Record<string, number> }>;
  /** Fields a normalizer expected and did not find, per endpoint: a sign that TikHub changed a shape. */
  shapeDrift: Record<string, Record<string, number>>;
}
