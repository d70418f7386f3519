/**
 * Per-key token buckets, like TikHub's documented limit of 10 requests/s, plus per-endpoint buckets per
 * key on top (Web V3 note detail: 1 request/s, burst 1, [I],
 * docs/reference-notes.md#web-v3-note-detail-1-reqs). A request that finds any of its buckets empty is
 * answered 429 with `Retry-After` in whole seconds (the form TikHub sends) and takes no token from any bucket.
 */
import { TokenBucket } from "../core/token-bucket.js";
import type { Clock } from "../core/types.js";
import type { EndpointRateLimit, RateLimit } from "./fault-profile.js";

/** Endpoint limits that apply unless switched off: the upstream said 1 req/s and bursts got 429 [I]. */
export const DEFAULT_ENDPOINT_RATE_LIMITS: Readonly<Record<string, EndpointRateLimit>> = {
  "web_v3/fetch_note_detail": { perSecond: 1, burst: 1 },
};

export const DEFAULT_RATE_LIMIT: RateLimit = { perSecond: 10 };

/** A bucket's rate (tokens/s) and size, defaults filled in. */
export interface BucketLimit {
  perSecond: number;
  burst: number;
}

/** The limits in force: the per-key bucket (perSecond 0 = off) and each endpoint's own (only those on). */
export interface EffectiveRateLimit extends BucketLimit {
  endpoints: Record<string, BucketLimit>;
}

export type RateVerdict = { allowed: true } | { allowed: false; retryAfterSeconds: number };

const bucketLimit = (rate: EndpointRateLimit): BucketLimit => {
  const perSecond = typeof rate === "number" ? rate : rate.perSecond;
  const burst = typeof rate === "number" ? undefined : rate.burst;
  return { perSecond, burst: Math.max(1, burst ?? perSecond) };
};

/**
 * Fills in defaults: endpoint limits are merged over DEFAULT_ENDPOINT_RATE_LIMITS (0 removes one), and
 * `perSecond: 0` without `endpoints` means no limit at all (what `rateLimit: 0` has always meant).
 */
export function effectiveRateLimit(limit: RateLimit): EffectiveRateLimit {
  const perKey = bucketLimit(limit);
  if (perKey.perSecond <= 0 && limit.endpoints === undefined) return { ...perKey, endpoints: {} };
  const endpoints: Record<string, BucketLimit> = {};
  for (const [name, rate] of Object.entries({ ...DEFAULT_ENDPOINT_RATE_LIMITS, ...limit.endpoints })) {
    const bucket = bucketLimit(rate);
    if (bucket.perSecond > 0) endpoints[name] = bucket;
  }
  return { ...perKey, endpoints };
}

/** The simulator's per-key limit (TikHub's side of the wire; the client's own limiter is the transport's). */
export class KeyRateLimiter {
  #limit!: EffectiveRateLimit;
  #clock: Clock;
  /** By key id, then by endpoint name ("" = the key's own bucket). */
  #buckets = new Map<string, Map<string, TokenBucket>>();

  /** `now` is the wall clock in ms (injected so tests use a fake clock). */
  constructor(limit: RateLimit, now: () => number = Date.now) {
    this.setLimit(limit);
    this.#clock = { now };
  }

  /** The limits in force, defaults filled in. */
  get limit(): EffectiveRateLimit {
    return this.#limit;
  }

  setLimit(limit: RateLimit): void {
    this.#limit = effectiveRateLimit(limit);
    this.#buckets.clear();
  }

  reset(): void {
    this.#buckets.clear();
  }

  /**
   * Takes one token from the key's bucket and from the key's bucket for `endpoint` (when it has its own
   * limit), or, if either is empty, takes none and says how long to wait (whole seconds, at least 1).
   */
  take(keyId: string, endpoint?: string): RateVerdict {
    const endpointLimit = endpoint === undefined ? undefined : this.#limit.endpoints[endpoint];
    if (this.#limit.perSecond <= 0 && endpointLimit === undefined) return { allowed: true };
    let buckets = this.#buckets.get(keyId);
    if (!buckets) {
      buckets = new Map();
      this.#buckets.set(keyId, buckets);
    }
    const perKey = this.#limit.perSecond > 0 ? this.#bucket(buckets, "", this.#limit) : undefined;
    const own = endpointLimit && endpoint !== undefined ? this.#bucket(buckets, endpoint, endpointLimit) : undefined;
    const waitSeconds = Math.max(perKey?.secondsUntil(1) ?? 0, own?.secondsUntil(1) ?? 0);
    if (waitSeconds > 0) return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(waitSeconds)) };
    perKey?.take();
    own?.take();
    return { allowed: true };
  }

  /** The named bucket of a key (created full). */
  #bucket(buckets: Map<string, TokenBucket>, name: string, limit: BucketLimit): TokenBucket {
    let bucket = buckets.get(name);
    if (!bucket) {
      bucket = new TokenBucket(limit, this.#clock);
      buckets.set(name, bucket);
    }
    return bucket;
  }
}
