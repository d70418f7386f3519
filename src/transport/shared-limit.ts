/**
 * Rate limits shared by every process that uses a key (TikHub counts calls per key, whoever sends them).
 *
 * The seam is `SharedRateLimiter.reserve`: it books the next send time for one call against a set of
 * buckets (the key's 10 req/s, the endpoint's own limit for that key) in one atomic step and returns it.
 * The rule is GCRA, the token bucket written as "theoretical arrival time" per bucket, so its state is one
 * number per bucket and each booking is one read-modify-write: a call may go at
 * `max(now, tat − (burst − 1) · interval)` over its buckets, and each bucket's `tat` then moves to
 * `max(tat, sendAt) + interval`. Calls sent at their booked times never overrun a server-side token bucket
 * of the same rate and at least the same burst (the simulator's rule, and how TikHub's "10 QPS" reads), on
 * any window edge: unlike a fixed window, which lets 2× the points through where two windows meet.
 * Why not rate-limiter-flexible's windows: docs/decisions.md, "Transport: shared rate limits are GCRA".
 *
 * Time is the caller's injected clock (`nowMs`), so tests run on a fake clock; machines sharing a key need
 * clocks in step (NTP). The transport books the key's bucket with no burst, so the server's own burst
 * absorbs a call sent late after its booking, or clock skew.
 */
import { XhsError } from "../core/errors.js";

/** One bucket: its id (shared by every process: key fingerprint, and endpoint for an endpoint's own limit). */
export interface BucketRule {
  id: string;
  /** Calls per second (> 0). */
  perSecond: number;
  /** Calls that may go back to back after an idle spell (≥ 1). */
  burst: number;
}

export interface SharedRateLimiter {
  /**
   * Books one call against every bucket of `rules` at once and returns when it may be sent (ms since the
   * epoch, ≥ `nowMs`). The booking holds: the caller waits until then and sends.
   */
  reserve(rules: readonly BucketRule[], nowMs: number): Promise<number>;
  /** Checks the backend answers (the CLI calls it before anything is paid). */
  check?(): Promise<void>;
  /** Closes the backend's connections. */
  close?(): Promise<void>;
}

/** What `createClient({ sharedLimits })` takes: a backend by URL, or any limiter (tests inject one). */
export type SharedLimitsOption =
  | { redisUrl: string; prefix?: string }
  | { postgresUrl: string; table?: string }
  | SharedRateLimiter;

/** The shared limiter's backend failed: fatal, nothing is sent without the limit (the message has no password). */
export class SharedLimitError extends XhsError {
  constructor(message: string, cause?: unknown) {
    super("invalid_input", message, cause === undefined ? {} : { cause });
    this.name = "SharedLimitError";
  }
}

/** ms between calls of a bucket. */
export const intervalMs = (rule: BucketRule): number => 1000 / rule.perSecond;

/** How far ahead of its `tat` a bucket lets a call go (the burst). */
export const toleranceMs = (rule: BucketRule): number => (Math.max(1, rule.burst) - 1) * intervalMs(rule);

/**
 * One GCRA booking over several buckets (the pure rule the Redis script and the Postgres transaction
 * repeat): `tats[i]` is bucket i's state (undefined: never used), returned with the send time.
 */
export function gcraBook(
  rules: readonly BucketRule[],
  tats: readonly (number | undefined)[],
  nowMs: number,
): { sendAt: number; tats: number[] } {
  let sendAt = nowMs;
  rules.forEach((rule, i) => {
    sendAt = Math.max(sendAt, (tats[i] ?? nowMs) - toleranceMs(rule));
  });
  return { sendAt, tats: rules.map((rule, i) => Math.max(tats[i] ?? nowMs, sendAt) + intervalMs(rule)) };
}

/** The rule in one process's memory: what the backends share, for tests and for one process alone. */
export class MemorySharedLimiter implements SharedRateLimiter {
  readonly #tats = new Map<string, number>();

  async reserve(rules: readonly BucketRule[], nowMs: number): Promise<number> {
    const booked = gcraBook(
      rules,
      rules.map((rule) => this.#tats.get(rule.id)),
      nowMs,
    );
    for (const [i, rule] of rules.entries()) this.#tats.set(rule.id, booked.tats[i] as number);
    return booked.sendAt;
  }
}

/** A URL with its password replaced, for messages. */
export function safeUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = "***";
    return parsed.toString();
  } catch {
    return "(an unparsable URL)";
  }
}

/**
 * The limiter a `SharedLimitsOption` names. Backends load their driver on first use, so `import "xhs-kit"`
 * loads neither ioredis nor pg.
 */
export function sharedLimiterFrom(option: SharedLimitsOption): SharedRateLimiter {
  if ("reserve" in option) return option;
  if ("redisUrl" in option)
    return lazyLimiter(safeUrl(option.redisUrl), async () => {
      const { RedisSharedLimiter } = await import("./shared-limit-redis.js");
      return new RedisSharedLimiter(option.redisUrl, option.prefix);
    });
  return lazyLimiter(safeUrl(option.postgresUrl), async () => {
    const { PostgresSharedLimiter } = await import("./shared-limit-postgres.js");
    return new PostgresSharedLimiter(option.postgresUrl, option.table);
  });
}

function lazyLimiter(where: string, open: () => Promise<SharedRateLimiter>): SharedRateLimiter {
  let opened: Promise<SharedRateLimiter> | undefined;
  const backend = () => {
    opened ??= open();
    return opened;
  };
  const failed = (error: unknown): never => {
    if (error instanceof SharedLimitError) throw error;
    const said = error instanceof Error ? error.message : String(error);
    throw new SharedLimitError(
      `the shared rate limiter at ${where} did not answer (${said}); no call was sent without it`,
      error,
    );
  };
  return {
    reserve: (rules, nowMs) =>
      backend()
        .then((limiter) => limiter.reserve(rules, nowMs))
        .catch(failed),
    check: () =>
      backend()
        .then((limiter) => limiter.check?.())
        .catch(failed),
    close: async () => {
      if (opened) await (await opened.catch(() => undefined))?.close?.();
    },
  };
}
