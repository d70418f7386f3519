/** The transport layer's public surface (see the README, "Transport"). */

export { createFakeClock, type FakeClock, systemClock, systemSleep } from "../core/clock.js";
export * from "../core/errors.js";
export { keyFingerprint } from "../core/key-fingerprint.js";
export { REDACTED, redact, redactDeep } from "../core/redact.js";
export { apiKeyProblem, apiKeysFrom, readKeysFile, splitKeyList } from "./api-keys.js";
export { type BackoffOptions, backoffDelay, isRetryable } from "./backoff.js";
export {
  type Classified,
  type ClassifyContext,
  classify,
  type HttpAnswer,
  requestIdOf,
  retryAfterSeconds,
} from "./classify.js";
export {
  buildUrl,
  chooseBaseUrl,
  DEFAULT_BASE_URL,
  DEFAULT_TIMEOUT_MS,
  MAINLAND_BASE_URL,
  parseRegion,
  REGION_BASE_URLS,
  REGIONS,
  type Region,
  resolveBaseUrl,
  sendHttp,
} from "./http.js";
export { type KeyLane, KeyPool, takesKeyOut } from "./key-pool.js";
export {
  type BreakerReport,
  type BreakerState,
  Ledger,
  type LedgerOptions,
  type Reservation,
  type SpendGate,
} from "./ledger.js";
export { AdaptiveBucket, DEFAULT_ENDPOINT_QPS, RateLimiter, Semaphore } from "./rate-limiter.js";
export { rawCall } from "./raw.js";
export {
  type BucketRule,
  gcraBook,
  MemorySharedLimiter,
  SharedLimitError,
  type SharedLimitsOption,
  type SharedRateLimiter,
  sharedLimiterFrom,
} from "./shared-limit.js";
export {
  type AttemptMeta,
  createTransport,
  type ExecuteContext,
  type Interpret,
  type Transport,
  type TransportOptions,
} from "./transport.js";
export { type ParamValue, validateParams } from "./validate.js";
