/**
 * The transport: one series at a time, done right. `executeOnSeries` makes attempts at one endpoint
 * (budget check → concurrency slot → rate-limit token → HTTP with timeout → classification →
 * the caller's `interpret`), retries transient failures with backoff and Retry-After, and records
 * every attempt in the ledger. Failover across series is the router's job, above this.
 */

import type { EndpointSpec } from "../catalog/types.js";
import { systemClock, systemSleep } from "../core/clock.js";
import { AbortedError, AuthError, isXhsError, ShapeError, type XhsError } from "../core/errors.js";
import { createRedactor, redactValue } from "../core/redact.js";
import type { AttemptEvent, ClientStats, Clock, HedgeMark, Logger, Sleep } from "../core/types.js";
import type { Capability, Series } from "../core/vocabulary.js";
import { apiKeyProblem, apiKeysFrom } from "./api-keys.js";
import { type BackoffOptions, backoffDelay, isRetryable, retryLimitFor } from "./backoff.js";
import { classify } from "./classify.js";
import { DEFAULT_TIMEOUT_MS, type Region, resolveBaseUrl, sendHttp } from "./http.js";
import { type KeyLane, KeyPool, takesKeyOut } from "./key-pool.js";
import { type BreakerReport, Ledger } from "./ledger.js";
import { DEFAULT_ENDPOINT_QPS, RateLimiter } from "./rate-limiter.js";
import { type RawResult, rawCall } from "./raw.js";
import { type BucketRule, type SharedLimitsOption, type SharedRateLimiter, sharedLimiterFrom } from "./shared-limit.js";
import { type ParamValue, validateParams } from "./validate.js";

/** What a caller sets about connecting, retrying and spending; the client's options extend these. */
export interface ConnectionOptions {
  /** TikHub API key; default process.env.TIKHUB_API_KEY. Never logged, never in an error. */
  apiKey?: string;
  /**
   * A pool of TikHub keys (over `apiKey`); default process.env.TIKHUB_API_KEYS (comma-separated). Each key
   * has its own rate limits, concurrency and standing: calls spread over the keys, a 401 or 402 takes a
   * key out (the others go on). Events name the key that sent a call by `keyFingerprint`, never the key.
   */
  apiKeys?: readonly string[];
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
  /** Client-side rate limit per key in requests per second (default 10, lowered on 429). 0 = no limit. */
  qps?: number;
  /** Concurrent requests at most, per key (default 4). */
  concurrency?: number;
  /**
   * Rate limits shared by every process using the same keys (TikHub counts per key, whoever sends):
   * `{ redisUrl }` or `{ postgresUrl }`, or any `SharedRateLimiter`. Each call then books its send time
   * there (the key's `qps`, and the endpoint's own limit such as Web V3 note detail's) besides the
   * in-process limits. Default: in-process limits only. Close the client's transport (`close()`) to
   * release the connection.
   */
  sharedLimits?: SharedLimitsOption;
  /** USD per call by endpoint name, over the catalogue's defaults. */
  prices?: Record<string, number>;
  /** Stop before paying for more than this many calls / USD (BudgetExceededError). */
  maxCalls?: number;
  maxCostUsd?: number;
  /** Every attempt, as it ends. */
  onEvent?: (event: AttemptEvent) => void;
}

export interface TransportOptions extends ConnectionOptions {
  /** [0, 1) source for backoff jitter (default Math.random); inject for exact delays in tests. */
  random?: () => number;
  backoff?: BackoffOptions;
  /** Per-endpoint req/s limits over the defaults (Web V3 note detail: 1 req/s). 0 removes one. */
  endpointQps?: Record<string, number>;
  /** A 429 asking to wait longer than this (ms, default 60 000) is not retried on the same series. */
  maxRetryAfterMs?: number;
  /** Rate-limiter recovery step (ms, default 5 000). */
  rateRecoveryMs?: number;
  /** Where TIKHUB_API_KEY / TIKHUB_BASE_URL / TIKHUB_REGION are read (default process.env). */
  env?: Record<string, string | undefined>;
  userAgent?: string;
}

/** What `interpret` gets besides the body. */
export interface AttemptMeta {
  endpoint: EndpointSpec;
  series: Series;
  httpStatus: number;
  requestId: string | undefined;
  /** The parameters sent. */
  params: Record<string, string>;
  /** ISO 8601 UTC time of the answer (stamp it on records). */
  fetchedAt: string;
  /** 0 for the first attempt, 1… for retries. */
  retry: number;
}

export interface ExecuteContext {
  signal?: AbortSignal | undefined;
  capability: Capability | "raw";
  /** True when this series is tried because another one failed (counted as a failover). */
  failover: boolean;
  /** Why the router moved to this series; shown on the first attempt's event. */
  failoverReason?: string | undefined;
  /** Hedging's marks (set by the failover layer), copied onto the event when it is recorded. */
  hedge?: HedgeMark | undefined;
  /** Which errors to retry on this series (default `isRetryable`). */
  retryable?: ((error: XhsError) => boolean) | undefined;
  /** Retries for this call (default: the transport's `maxRetries`). */
  maxRetries?: number | undefined;
}

/**
 * Turns a successful envelope (HTTP 200, code 200) into the caller's result, or throws a typed error
 * (UpstreamError for an inner failure or an empty payload, WrongItemError, NotFoundError, ShapeError).
 * Anything else it throws is reported as a ShapeError.
 */
export type Interpret<T> = (body: Record<string, unknown>, meta: AttemptMeta) => T | Promise<T>;

export interface Transport {
  /** Attempts one endpoint, with retries on the same series. */
  executeOnSeries<T>(
    spec: EndpointSpec,
    params: Readonly<Record<string, ParamValue>>,
    interpret: Interpret<T>,
    ctx: ExecuteContext,
  ): Promise<T>;
  /** The exact TikHub answer for a catalogue endpoint (validated locally, one series, retries). */
  raw(
    endpoint: string,
    params: Readonly<Record<string, ParamValue>>,
    options?: { signal?: AbortSignal },
  ): Promise<RawResult>;
  readonly ledger: Ledger;
  readonly limiter: RateLimiter;
  readonly clock: Clock;
  readonly sleep: Sleep;
  readonly baseUrl: string;
  stats(): ClientStats;
  subscribe(listener: (event: AttemptEvent) => void): () => void;
  recordDrift(endpoint: string, path: string): void;
  setBreakerReport(report: BreakerReport): void;
  /** Redacts the key (and credential-shaped text) from any text or JSON value before it is shown or logged. */
  redact<V>(value: V): V;
  /** Each key of the pool by fingerprint, with why it is out (undefined while it is in). */
  keyStatus(): Array<{ fingerprint: string; out: KeyLane["out"] }>;
  /** Releases the shared limiter's connection, if any. */
  close(): Promise<void>;
}

const DEFAULT_MAX_RETRIES = 2;
/** How late after its shared booking a call may still go (ms), and how often it books before going anyway. */
const SHARED_LATE_MS = 50;
const SHARED_BOOKINGS = 4;
const DEFAULT_MAX_RETRY_AFTER_MS = 60_000;

export { apiKeyProblem } from "./api-keys.js";

/** Fills in where an error happened when `interpret` did not say (errors carry endpoint, series, status, request id). */
function located(
  error: XhsError,
  spec: EndpointSpec,
  httpStatus: number | null,
  requestId: string | undefined,
): XhsError {
  const e = error as { -readonly [K in "endpoint" | "series" | "httpStatus" | "requestId"]: XhsError[K] };
  e.endpoint ??= spec.name;
  e.series ??= spec.series;
  if (httpStatus !== null) e.httpStatus ??= httpStatus;
  e.requestId ??= requestId;
  return error;
}

export function createTransport(options: TransportOptions = {}): Transport {
  const env = options.env ?? process.env;
  const apiKeys = apiKeysFrom({ apiKey: options.apiKey, apiKeys: options.apiKeys, env });
  const keyProblem = badKeyProblem(apiKeys);
  const baseUrl = resolveBaseUrl(options.baseUrl, env, options.region);
  const fetchImpl = options.fetch ?? globalThis.fetch.bind(globalThis);
  const clock = options.clock ?? systemClock;
  const sleep = options.sleep ?? systemSleep;
  const random = options.random ?? Math.random;
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const defaultMaxRetries = options.maxRetries ?? DEFAULT_MAX_RETRIES;
  const maxRetryAfterMs = options.maxRetryAfterMs ?? DEFAULT_MAX_RETRY_AFTER_MS;
  const secrets = apiKeys;
  // Built once: every log line and error message of this transport passes through it.
  const hideSecrets = createRedactor(secrets);
  const ledger = new Ledger({
    ...(options.prices ? { prices: options.prices } : {}),
    ...(options.maxCalls !== undefined ? { maxCalls: options.maxCalls } : {}),
    ...(options.maxCostUsd !== undefined ? { maxCostUsd: options.maxCostUsd } : {}),
  });
  if (options.onEvent) ledger.subscribe(options.onEvent);
  const keyQps = options.qps ?? 10;
  const newLimiter = () =>
    new RateLimiter(
      {
        qps: keyQps,
        concurrency: options.concurrency ?? 4,
        ...(options.endpointQps ? { endpointQps: options.endpointQps } : {}),
        ...(options.rateRecoveryMs ? { recoveryMs: options.rateRecoveryMs } : {}),
      },
      clock,
      sleep,
    );
  const logger: Logger | undefined = options.logger;
  const log = (level: keyof Logger, msg: string, data: Record<string, unknown>) => {
    try {
      logger?.[level](hideSecrets(msg), redactValue(data, hideSecrets));
    } catch {
      // Logging never breaks a call.
    }
  };
  // A transport with no key still has one lane (its calls fail with the missing-key error before sending).
  const pool = new KeyPool(apiKeys.length > 0 ? apiKeys : [""], newLimiter, (msg, data) => log("warn", msg, data));
  const limiter = (pool.lanes[0] as KeyLane).limiter;
  const shared: SharedRateLimiter | undefined = options.sharedLimits
    ? sharedLimiterFrom(options.sharedLimits)
    : undefined;
  const endpointQps: Record<string, number> = { ...DEFAULT_ENDPOINT_QPS, ...options.endpointQps };
  /** The shared buckets a call to `endpoint` with `lane`'s key books: the key's, and the endpoint's own. */
  const sharedRules = (lane: KeyLane, endpoint: string): BucketRule[] => {
    const rules: BucketRule[] = [];
    // No burst: calls of all processes go evenly spaced, and the server's whole burst (10) is left to absorb
    // a call sent late after its booking (event-loop lag, a slow connection): up to 0.9 s at 10 req/s. A
    // shared burst of 5 met 429s from 3 loaded processes on 2 keys (docs/decisions.md).
    if (keyQps > 0) rules.push({ id: lane.fingerprint, perSecond: keyQps, burst: 1 });
    const own = endpointQps[endpoint];
    if (own !== undefined && own > 0) rules.push({ id: `${lane.fingerprint}:${endpoint}`, perSecond: own, burst: 1 });
    return rules;
  };
  /**
   * Waits for this call's booked send time in the shared buckets (nothing without a backend). A call that
   * wakes more than SHARED_LATE_MS after its time (a starved process, a slow booking) books again instead
   * of sending: sent late, it would bunch with the calls booked after it (Web V3 detail leaves the server
   * 0.1 s of slack). After SHARED_BOOKINGS tries it goes anyway (a 429 is then retried as any other).
   */
  const sharedTurn = async (lane: KeyLane, endpoint: string, signal: AbortSignal | undefined) => {
    if (!shared) return;
    const rules = sharedRules(lane, endpoint);
    for (let booking = 1; ; booking++) {
      const sendAt = await shared.reserve(rules, clock.now());
      const waitMs = Math.ceil(sendAt - clock.now());
      if (waitMs > 0) await sleep(waitMs, signal);
      const lateMs = clock.now() - sendAt;
      if (lateMs <= SHARED_LATE_MS || booking >= SHARED_BOOKINGS) return;
      log("debug", `${endpoint}: woke ${Math.round(lateMs)} ms after its shared send time: booking again`, {
        keyFingerprint: lane.fingerprint,
      });
    }
  };
  const abortedError = (spec: EndpointSpec, signal: AbortSignal | undefined) =>
    new AbortedError(`${spec.name}: aborted by the caller`, {
      endpoint: spec.name,
      series: spec.series,
      cause: signal?.reason,
    });

  async function executeOnSeries<T>(
    spec: EndpointSpec,
    rawParams: Readonly<Record<string, ParamValue>>,
    interpret: Interpret<T>,
    ctx: ExecuteContext,
  ): Promise<T> {
    const params = validateParams(spec, rawParams);
    const { signal } = ctx;
    const maxRetries = ctx.maxRetries ?? defaultMaxRetries;
    const retryable = ctx.retryable ?? isRetryable;
    if (apiKeys.length === 0) {
      throw new AuthError("no TikHub API key: set TIKHUB_API_KEY (or TIKHUB_API_KEYS) or pass apiKey", {
        endpoint: spec.name,
        series: spec.series,
      });
    }
    if (keyProblem !== null) {
      // fetch would refuse the header (a TypeError, retried as a connection failure): say what is wrong instead.
      throw new AuthError(`${keyProblem}: copy it again from https://user.tikhub.io`, {
        endpoint: spec.name,
        series: spec.series,
      });
    }
    let lastReason = ctx.failover ? ctx.failoverReason : undefined;

    for (let retry = 0; ; retry++) {
      if (signal?.aborted) throw abortedError(spec, signal);
      const lane = pool.pick(spec.name);
      if (!lane) throw pool.allOutError({ endpoint: spec.name, series: spec.series });
      const reservation = ledger.reserve(spec.name, spec.series);
      let release: () => void = () => {};
      try {
        ctx.hedge?.onQueued?.();
        release = await lane.limiter.acquire(spec.name, signal, ctx.hedge?.started === true);
        await sharedTurn(lane, spec.name, signal);
        ctx.hedge?.onSent?.();
      } catch (error) {
        release();
        reservation.release();
        if (signal?.aborted) throw abortedError(spec, signal);
        throw error;
      }

      const startedAt = clock.now();
      let httpStatus: number | null = null;
      let requestId: string | undefined;
      let error: XhsError;
      const finish = (outcome: AttemptEvent["outcome"], message: string | undefined) => {
        const billable = httpStatus === 200;
        const event: AttemptEvent = {
          at: new Date(startedAt).toISOString(),
          capability: ctx.capability,
          endpoint: spec.name,
          series: spec.series,
          httpStatus,
          outcome,
          latencyMs: Math.max(0, clock.now() - startedAt),
          billable,
          costUsd: billable ? reservation.priceUsd : 0,
          retry,
          failover: ctx.failover,
          ...(message !== undefined ? { reason: message } : lastReason !== undefined ? { reason: lastReason } : {}),
          ...(requestId !== undefined ? { requestId } : {}),
          ...(ctx.hedge?.started ? { hedge: true as const } : {}),
          ...(ctx.hedge?.lost ? { hedgeLost: true as const } : {}),
          keyFingerprint: lane.fingerprint,
        };
        ledger.record(event);
        log(outcome === "ok" ? "debug" : "warn", `${spec.name} ${outcome}`, { ...event });
      };
      try {
        const answer = await sendHttp({
          fetch: fetchImpl,
          baseUrl,
          apiKey: lane.key,
          spec,
          params,
          timeoutMs,
          sleep,
          signal,
          ...(options.userAgent ? { userAgent: options.userAgent } : {}),
        });
        httpStatus = answer.status;
        requestId = answer.requestId;
        const classified = classify(answer, {
          endpoint: spec.name,
          series: spec.series,
          secrets,
          nowMs: clock.now(),
          baseUrl,
        });
        if (!classified.ok) throw classified.error;
        requestId = classified.requestId;
        lane.limiter.onAnswer(spec.name);
        const meta: AttemptMeta = {
          endpoint: spec,
          series: spec.series,
          httpStatus,
          requestId,
          params,
          fetchedAt: new Date(clock.now()).toISOString(),
          retry,
        };
        const value = await interpret(classified.body, meta);
        finish("ok", undefined);
        return value;
      } catch (caught) {
        error = isXhsError(caught)
          ? located(caught, spec, httpStatus, requestId)
          : new ShapeError(
              `${spec.name}: could not read the answer: ${hideSecrets(caught instanceof Error ? caught.message : String(caught))}`,
              {
                endpoint: spec.name,
                series: spec.series,
                httpStatus: httpStatus ?? undefined,
                requestId,
                cause: caught,
              },
            );
        if (error.kind === "rate_limited") lane.limiter.onRateLimited(spec.name, error.retryAfterSec);
        else if (httpStatus !== null) lane.limiter.onAnswer(spec.name);
        finish(error.kind, error.message);
      } finally {
        release();
        reservation.release();
      }

      // Decide whether to try this series again.
      if (error.kind === "aborted" || signal?.aborted)
        throw error.kind === "aborted" ? error : abortedError(spec, signal);
      if (takesKeyOut(error) && httpStatus !== null && pool.size > 1) {
        // The same attempt again at once with another key: it is this key that failed, not the call.
        pool.takeOut(lane, error);
        if (pool.active.length === 0) throw pool.allOutError({ endpoint: spec.name, series: spec.series });
        lastReason = `key ${lane.fingerprint} out after ${error.kind}`;
        retry--;
        continue;
      }
      if (retry >= retryLimitFor(error, maxRetries) || !retryable(error)) throw error;
      let delayMs = backoffDelay(retry + 1, random, options.backoff);
      if (error.kind === "rate_limited" && error.retryAfterSec !== undefined) {
        const askedMs = error.retryAfterSec * 1000;
        if (askedMs > maxRetryAfterMs) throw error; // too long to wait here: let the router fail over
        delayMs = Math.max(delayMs, askedMs);
      }
      lastReason = `retry after ${error.kind}: ${error.message}`;
      log("info", `${spec.name}: retrying in ${delayMs} ms`, { kind: error.kind, retry: retry + 1 });
      try {
        await sleep(delayMs, signal);
      } catch {
        throw abortedError(spec, signal);
      }
    }
  }

  return {
    executeOnSeries,
    raw: (endpoint, params, callOptions) => rawCall(executeOnSeries, endpoint, params, callOptions),
    ledger,
    limiter,
    clock,
    sleep,
    baseUrl,
    stats: () => ledger.stats(),
    subscribe: (listener) => ledger.subscribe(listener),
    recordDrift: (endpoint, path) => ledger.recordDrift(endpoint, path),
    setBreakerReport: (report) => ledger.setBreakerReport(report),
    redact: (value) => redactValue(value, hideSecrets),
    keyStatus: () => pool.lanes.map((lane) => ({ fingerprint: lane.fingerprint, out: lane.out })),
    close: async () => {
      await shared?.close?.();
    },
  };
}

/** What makes one of the keys unusable in a header (by its place in the pool, never by any character), or null. */
function badKeyProblem(keys: readonly string[]): string | null {
  for (const [index, key] of keys.entries()) {
    const problem = apiKeyProblem(key);
    if (problem !== null)
      return keys.length === 1
        ? `the TikHub API key ${problem}`
        : `TikHub API key #${index + 1} of the pool ${problem}`;
  }
  return null;
}
