/**
 * Retry timing: capped exponential backoff with jitter, and which errors are worth retrying on the
 * same series. Defaults follow TikHub's SDK: 0.5 s, 1 s, 2 s … ±25 %, capped at 30 s.
 */
import type { UpstreamError, XhsError } from "../core/errors.js";

export interface BackoffOptions {
  /** First retry's delay in ms (default 500). */
  baseMs?: number;
  /** Growth per retry (default 2). */
  factor?: number;
  /** Longest delay in ms, jitter included (default 30 000). */
  capMs?: number;
  /** Relative jitter, ± (default 0.25). */
  jitter?: number;
}

/**
 * The delay before retry number `retry` (1 for the first retry), in whole ms.
 * `random` returns [0, 1); 0.5 gives the un-jittered value.
 */
export function backoffDelay(retry: number, random: () => number, options: BackoffOptions = {}): number {
  const { baseMs = 500, factor = 2, capMs = 30_000, jitter = 0.25 } = options;
  const raw = Math.min(capMs, baseMs * factor ** Math.max(0, retry - 1));
  const jittered = raw * (1 + jitter * (2 * random() - 1));
  return Math.round(Math.min(capMs, Math.max(0, jittered)));
}

/**
 * Default retry policy: 429 and upstream failures are retried on the same series. Not retried:
 * timeouts and dropped connections (a hung series usually stays hung for the next 30 s attempt too;
 * failing over at once costs nothing, since an unanswered call is not billed), fatal kinds (auth,
 * payment, invalid input, budget, aborted), a wrong item or an unknown shape (the same answer would come
 * back), an upstream error marked not retryable (deprecated endpoint, unknown route), and an empty
 * payload (each retry is billed, and an empty answer is more often "not on this endpoint" than jitter:
 * fail over instead).
 */
export function isRetryable(error: XhsError): boolean {
  switch (error.kind) {
    // Stryker disable next-line ConditionalExpression: without this case a 429 falls to "upstream", whose checks a RateLimitError passes (true)
    case "rate_limited":
      return true;
    case "upstream": {
      const upstream = error as UpstreamError;
      return upstream.retryable !== false && upstream.emptyPayload !== true;
    }
    default:
      return false;
  }
}

/** Same-series retries of a failure that was billed (HTTP 200 with an inner failure): at most this many. */
export const MAX_BILLED_RETRIES = 1;

/**
 * How many same-series retries a failure may have: `maxRetries`, but at most MAX_BILLED_RETRIES when the
 * failed answer was billed (an HTTP 200 such as "服务异常": every retry costs as much as a good answer).
 */
export function retryLimitFor(error: XhsError, maxRetries: number): number {
  return error.httpStatus === 200 ? Math.min(maxRetries, MAX_BILLED_RETRIES) : maxRetries;
}
