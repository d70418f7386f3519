/**
 * The answer cache: serialized JSON bodies per resource key, a TTL per cache class, bounded in bytes
 * (least recently used out first), and single flight: concurrent identical requests share one
 * upstream call. Failures are never stored, so the next request tries again; a negative answer (the
 * item does not exist) is an answer, stored for a short TTL.
 */

import { BoundedMap } from "../core/bounded-map.js";
import type { Clock } from "../core/types.js";
import type { CacheClass } from "./operations.js";

/** Default TTLs in seconds: records change slowly, comment lists and searches faster. */
export const DEFAULT_TTL_SEC: Record<CacheClass, number> = {
  record: 600,
  comments: 120,
  list: 300,
  search: 300,
  link: 3600,
};
/** Default bound of the stored bodies, in bytes (64 MiB). */
export const DEFAULT_CACHE_BYTES = 64 * 1024 * 1024;

/** Default TTL of a negative answer (the item does not exist), in seconds: short, as it may appear later. */
export const DEFAULT_NEGATIVE_TTL_SEC = 60;

export interface CacheOptions {
  maxBytes?: number;
  /** TTL in seconds per class; 0 disables storing that class (single flight still applies). */
  ttlSec?: Partial<Record<CacheClass, number>>;
  /** TTL in seconds of a stored negative answer (see `get`'s `negative`); default 60, 0 = none stored. */
  negativeTtlSec?: number;
  clock: Clock;
}

/** How an answer was obtained: from the store, by an upstream call, by joining one in flight, or fresh on request. */
export type CacheOutcome = "HIT" | "MISS" | "COALESCED" | "BYPASS";

export interface CachedAnswer {
  /** The JSON body, serialized once. */
  body: string;
  outcome: CacheOutcome;
  /** Seconds the answer stays fresh from now (for Cache-Control). */
  maxAgeSec: number;
}

interface Entry {
  /** The answer, or the negative answer's error (thrown again to every caller until it expires). */
  value: { body: string } | { error: unknown };
  bytes: number;
  expiresAt: number;
}

/** What a stored negative answer is assumed to take besides its key (the error object, its message). */
const NEGATIVE_ENTRY_BYTES = 512;

export interface CacheStats {
  entries: number;
  bytes: number;
  maxBytes: number;
  hits: number;
  misses: number;
  coalesced: number;
  bypasses: number;
  evictions: number;
}

export class ResponseCache {
  readonly maxBytes: number;
  private readonly ttlMs: Record<CacheClass, number>;
  private readonly negativeTtlMs: number;
  private readonly clock: Clock;
  /** Least recently used out first; an answer over a quarter of the bound is served, not kept. */
  private readonly entries: BoundedMap<string, Entry>;
  private readonly inFlight = new Map<string, Promise<string>>();
  private readonly counts = { hits: 0, misses: 0, coalesced: 0, bypasses: 0, evictions: 0 };

  constructor(options: CacheOptions) {
    this.maxBytes = options.maxBytes ?? DEFAULT_CACHE_BYTES;
    const ttl = { ...DEFAULT_TTL_SEC, ...options.ttlSec };
    this.ttlMs = Object.fromEntries(Object.entries(ttl).map(([k, v]) => [k, Math.max(0, v) * 1000])) as Record<
      CacheClass,
      number
    >;
    this.negativeTtlMs = Math.max(0, options.negativeTtlSec ?? DEFAULT_NEGATIVE_TTL_SEC) * 1000;
    this.clock = options.clock;
    this.entries = new BoundedMap({
      maxSize: this.maxBytes,
      maxEntrySize: this.maxBytes / 4,
      sizeOf: (entry) => entry.bytes,
      onEvict: () => this.counts.evictions++,
    });
  }

  /**
   * The answer for `key`: stored and fresh → HIT; else one `load` shared by every concurrent caller.
   * `fresh` skips the stored answer (but joins a call already in flight, which is fresh by definition).
   * `load` resolves to the serialized body; when it rejects, every waiter gets the error, and nothing is
   * stored unless `negative(error)` says the error is an answer (the item does not exist): then it is kept
   * for the negative TTL and thrown again to callers until then, so asking again does not pay again.
   */
  async get(
    key: string,
    cacheClass: CacheClass,
    load: () => Promise<string>,
    options: { fresh?: boolean; negative?: (error: unknown) => boolean } = {},
  ): Promise<CachedAnswer> {
    const now = this.clock.now();
    if (!options.fresh) {
      const entry = this.entries.get(key);
      if (entry && entry.expiresAt > now) {
        this.counts.hits++;
        if ("error" in entry.value) throw entry.value.error;
        return { body: entry.value.body, outcome: "HIT", maxAgeSec: Math.floor((entry.expiresAt - now) / 1000) };
      }
      if (entry) this.entries.delete(key);
    }
    const ttlMs = this.ttlMs[cacheClass];
    const pending = this.inFlight.get(key);
    if (pending) {
      this.counts.coalesced++;
      return { body: await pending, outcome: "COALESCED", maxAgeSec: Math.floor(ttlMs / 1000) };
    }
    const flight = load().then(
      (body) => {
        this.inFlight.delete(key);
        this.store(key, { body }, ttlMs);
        return body;
      },
      (error: unknown) => {
        this.inFlight.delete(key);
        if (options.negative?.(error)) this.store(key, { error }, this.negativeTtlMs);
        throw error;
      },
    );
    this.inFlight.set(key, flight);
    if (options.fresh) this.counts.bypasses++;
    else this.counts.misses++;
    return { body: await flight, outcome: options.fresh ? "BYPASS" : "MISS", maxAgeSec: Math.floor(ttlMs / 1000) };
  }

  stats(): CacheStats {
    return { entries: this.entries.size, bytes: this.entries.totalSize, maxBytes: this.maxBytes, ...this.counts };
  }

  clear(): void {
    this.entries.clear();
  }

  private store(key: string, value: Entry["value"], ttlMs: number): void {
    if (ttlMs <= 0) return;
    // Bytes of the UTF-8 body plus the key: what the entry really holds.
    const bytes = ("body" in value ? Buffer.byteLength(value.body) : NEGATIVE_ENTRY_BYTES) + Buffer.byteLength(key);
    // One answer larger than a quarter of the cache would evict everything else: serve it, do not keep it
    // (the map refuses it and leaves an older answer for the key in place).
    this.entries.set(key, { value, bytes, expiresAt: this.clock.now() + ttlMs });
  }
}
