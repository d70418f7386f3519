/**
 * Per-client rate limit: one token bucket per client (its token or its address), on an injected clock.
 * Protects the server and the TikHub balance from one looping caller; cached answers count too.
 */
import { BoundedMap } from "../core/bounded-map.js";
import { TokenBucket } from "../core/token-bucket.js";
import type { Clock } from "../core/types.js";

export interface RateLimitOptions {
  /** Sustained requests per second per client (default 20). */
  perSecond: number;
  /** Requests a client may send at once after being idle (default 2 × perSecond). */
  burst?: number;
}

export const DEFAULT_RATE_LIMIT: RateLimitOptions = { perSecond: 20, burst: 40 };

/** Buckets kept at most; idle full buckets go first (a flood of addresses must not grow memory). */
const MAX_BUCKETS = 10_000;

export type RateDecision = { ok: true } | { ok: false; retryAfterSec: number };

export class ClientRateLimiter {
  private readonly buckets = new BoundedMap<string, TokenBucket>({ maxEntries: MAX_BUCKETS });
  private readonly perSecond: number;
  /** Most tokens a client may hold: the largest request (or MCP batch) that can ever pass. */
  readonly burst: number;
  private rejected = 0;

  constructor(
    options: RateLimitOptions,
    private readonly clock: Clock,
  ) {
    if (!(options.perSecond > 0)) throw new RangeError("rate limit perSecond must be > 0");
    this.perSecond = options.perSecond;
    this.burst = Math.max(1, options.burst ?? options.perSecond * 2);
  }

  /**
   * Takes `count` tokens (default 1: one request; an MCP batch takes one per tool call) for `client`,
   * all or none, or says how many seconds until they are available.
   */
  take(client: string, count = 1): RateDecision {
    let bucket = this.buckets.get(client);
    if (!bucket) {
      bucket = new TokenBucket({ perSecond: this.perSecond, burst: this.burst }, this.clock);
      this.buckets.set(client, bucket);
    }
    if (bucket.tryTake(count)) return { ok: true };
    this.rejected++;
    return { ok: false, retryAfterSec: Math.max(1, Math.ceil(bucket.secondsUntil(count))) };
  }

  get rejectedCount(): number {
    return this.rejected;
  }
}
