/**
 * Health per series and capability: a circuit breaker on the injected clock, so a dead series is not
 * tried first on every call.
 *
 * closed ──(failureThreshold consecutive failures)──► open ──(coolDownMs elapsed)──► half_open
 * half_open lets one probe through: success closes the breaker, failure opens it for another cool-down.
 * An open series goes to the back of the order, never out of it: when every series is open, they are
 * all tried anyway (in their configured order).
 *
 * A probe rides on a user's request, so it is hedged: when it has not answered after `probeHedgeMs`, the
 * next series is asked too and the first good answer is the user's; the probe keeps running, detached,
 * and its outcome alone closes or reopens the breaker (`settleAttempt` in rounds.ts). A hung series thus costs a user
 * `probeHedgeMs` instead of a whole timeout, and at most one extra paid call per cool-down when it answers late.
 *
 * Two scopes: failures of the series itself (timeout, dropped connection, 5xx) count toward one breaker
 * per series that every capability of it shares (a hung series is hung for all capabilities); failures
 * of one answer's payload (empty, wrong item, inner failure, 400, 429) count toward the breaker of that
 * series and capability only. A success closes both.
 */

import type { XhsError } from "../core/errors.js";
import type { Clock } from "../core/types.js";
import { type Capability, SERIES, type Series } from "../core/vocabulary.js";
import { LatencyBoard, type LatencyOptions } from "./latency.js";

export type BreakerState = "closed" | "open" | "half_open";

export interface BreakerOptions {
  /** Consecutive failures that open the breaker (default 3). */
  failureThreshold?: number;
  /** How long an open breaker keeps its series at the back, in ms (default 30 000). */
  coolDownMs?: number;
  /** How long a half-open probe runs alone before the next series is asked too, in ms (default 2 000). */
  probeHedgeMs?: number;
}

export const DEFAULT_FAILURE_THRESHOLD = 3;
export const DEFAULT_COOL_DOWN_MS = 30_000;
/** About three times a typical answer's time (the simulator's median is 600 ms): a probe slower than that is suspect. */
export const DEFAULT_PROBE_HEDGE_MS = 2_000;

export class CircuitBreaker {
  private failures = 0;
  private openedAt: number | null = null;
  private probeInFlight = false;
  private readonly threshold: number;
  private readonly coolDownMs: number;

  constructor(
    private readonly clock: Clock,
    options: BreakerOptions = {},
  ) {
    this.threshold = Math.max(1, options.failureThreshold ?? DEFAULT_FAILURE_THRESHOLD);
    this.coolDownMs = Math.max(0, options.coolDownMs ?? DEFAULT_COOL_DOWN_MS);
  }

  get state(): BreakerState {
    if (this.openedAt === null) return "closed";
    return this.clock.now() - this.openedAt >= this.coolDownMs ? "half_open" : "open";
  }

  /** Whether a call may go first now: closed, or half-open with no probe already running. */
  get available(): boolean {
    const state = this.state;
    return state === "closed" || (state === "half_open" && !this.probeInFlight);
  }

  /** Marks the start of a call; in half-open state this call is the probe. */
  begin(): void {
    if (this.state === "half_open") this.probeInFlight = true;
  }

  success(): void {
    this.failures = 0;
    this.openedAt = null;
    this.probeInFlight = false;
  }

  failure(): void {
    this.failures++;
    const wasProbe = this.probeInFlight || this.state === "half_open";
    this.probeInFlight = false;
    if (wasProbe || this.failures >= this.threshold) this.openedAt = this.clock.now();
  }

  /** A call that ended without telling anything about the series' health (aborted, wrong item…). */
  release(): void {
    this.probeInFlight = false;
  }
}

/** Which breaker a failure counts toward: the whole series, or one capability of it. */
export type FailureScope = "series" | "capability";

/** Timeouts, dropped connections and 5xx say the series is unwell; anything else is about one answer. */
export function failureScope(error: XhsError): FailureScope {
  if (error.kind === "timeout" || error.kind === "connection") return "series";
  if (error.kind === "upstream" && (error.httpStatus ?? 0) >= 500) return "series";
  return "capability";
}

/** The breakers a call on (series, capability) answers to: the capability's own and the series-wide one. */
export class ScopedBreaker {
  constructor(
    private readonly own: CircuitBreaker,
    private readonly series: CircuitBreaker,
  ) {}

  /** The worse of the two: open if either is open, half-open if either is. */
  get state(): BreakerState {
    const a = this.own.state;
    const b = this.series.state;
    if (a === "open" || b === "open") return "open";
    if (a === "half_open" || b === "half_open") return "half_open";
    return "closed";
  }

  get available(): boolean {
    return this.own.available && this.series.available;
  }

  begin(): void {
    this.own.begin();
    this.series.begin();
  }

  success(): void {
    this.own.success();
    this.series.success();
  }

  /** Counts a failure toward one scope (default: this capability only); the other scope's probe is freed. */
  failure(scope: FailureScope = "capability"): void {
    if (scope === "series") {
      this.series.failure();
      this.own.release();
    } else {
      this.own.failure();
      this.series.release();
    }
  }

  release(): void {
    this.own.release();
    this.series.release();
  }
}

/** Whether an error says the series is unwell (opens its breaker after a few). */
export function isHealthFailure(error: XhsError): boolean {
  switch (error.kind) {
    case "upstream":
    case "timeout":
    case "connection":
    case "shape":
    case "rate_limited":
      return true;
    default:
      return false;
  }
}

export class HealthBoard {
  private readonly breakers = new Map<string, CircuitBreaker>();
  private readonly seriesBreakers = new Map<Series, CircuitBreaker>();
  /** See BreakerOptions.probeHedgeMs. */
  readonly probeHedgeMs: number;
  /** Latency per series: demotion of slow series (in `order`), hedge delays and the hedge budget. */
  readonly latency: LatencyBoard;

  constructor(
    private readonly clock: Clock,
    private readonly options: BreakerOptions = {},
    latency: LatencyOptions = {},
  ) {
    this.probeHedgeMs = Math.max(0, options.probeHedgeMs ?? DEFAULT_PROBE_HEDGE_MS);
    this.latency = new LatencyBoard(clock, latency);
  }

  breaker(series: Series, capability: Capability): ScopedBreaker {
    const key = `${series}:${capability}`;
    let found = this.breakers.get(key);
    if (!found) {
      found = new CircuitBreaker(this.clock, this.options);
      this.breakers.set(key, found);
    }
    let shared = this.seriesBreakers.get(series);
    if (!shared) {
      shared = new CircuitBreaker(this.clock, this.options);
      this.seriesBreakers.set(series, shared);
    }
    return new ScopedBreaker(found, shared);
  }

  state(series: Series, capability: Capability): BreakerState {
    return this.breaker(series, capability).state;
  }

  /**
   * The same series, available ones first (stable), open ones at the back in their original order; among the
   * available ones, a series much slower than another goes behind it (LatencyBoard.rank).
   */
  order(capability: Capability, series: readonly Series[]): Series[] {
    const available = series.filter((s) => this.breaker(s, capability).available);
    const rest = series.filter((s) => !this.breaker(s, capability).available);
    return [...this.latency.rank(capability, available), ...rest];
  }

  /** Breaker states per series, keyed by capability (for stats()). */
  snapshot(): Record<Series, Record<string, BreakerState>> {
    const out = Object.fromEntries(SERIES.map((series) => [series, {}])) as Record<
      Series,
      Record<string, BreakerState>
    >;
    for (const key of this.breakers.keys()) {
      const [series, capability] = key.split(":") as [Series, Capability];
      out[series][capability] = this.breaker(series, capability).state;
    }
    return out;
  }
}
