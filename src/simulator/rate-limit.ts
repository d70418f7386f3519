/**
 * Per-key token buckets, like TikHub's documented limit of 10 requests/s. A request that finds the
 * bucket empty is answered 429 with `Retry-After` in whole seconds (the form TikHub sends).
 */
import type { RateLimit } from "./fault-profile.js";

export const DEFAULT_RATE_LIMIT: RateLimit = { perSecond: 10 };

export type RateVerdict = { allowed: true } | { allowed: false; retryAfterSeconds: number };

interface Bucket {
  tokens: number;
  updatedAt: number;
}

export class RateLimiter {
  #limit: RateLimit;
  #now: () => number;
  #buckets = new Map<string, Bucket>();

  /** `now` is the wall clock in ms (injected so tests use a fake clock). */
  constructor(limit: RateLimit, now: () => number = Date.now) {
    this.#limit = limit;
    this.#now = now;
  }

  get limit(): RateLimit {
    return this.#limit;
  }

  setLimit(limit: RateLimit): void {
    this.#limit = limit;
    this.#buckets.clear();
  }

  reset(): void {
    this.#buckets.clear();
  }

  /** Takes one token from the key's bucket, or says how long to wait (whole seconds, at least 1). */
  take(keyId: string): RateVerdict {
    const rate = this.#limit.perSecond;
    if (rate <= 0) return { allowed: true };
    const capacity = Math.max(1, this.#limit.burst ?? rate);
    const now = this.#now();
    let bucket = this.#buckets.get(keyId);
    if (!bucket) {
      bucket = { tokens: capacity, updatedAt: now };
      this.#buckets.set(keyId, bucket);
    } else {
      const elapsedSeconds = Math.max(0, now - bucket.updatedAt) / 1000;
      bucket.tokens = Math.min(capacity, bucket.tokens + elapsedSeconds * rate);
      bucket.updatedAt = now;
    }
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return { allowed: true };
    }
    return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((1 - bucket.tokens) / rate)) };
  }
}
