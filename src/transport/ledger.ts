/**
 * The ledger of paid calls: every attempt becomes an `AttemptEvent`, sent to subscribers and folded
 * into `ClientStats`. It also holds the budget (`maxCalls`, `maxCostUsd`), checked *before* each attempt
 * with in-flight attempts reserved, so concurrent calls can never pay past it.
 */

import { DEFAULT_PRICE_USD, findEndpoint } from "../catalog/endpoints.js";
import { BudgetExceededError } from "../core/errors.js";
import { percentile } from "../core/stats.js";
import type { AttemptEvent, ClientStats, SeriesStats } from "../core/types.js";
import { SERIES, type Series } from "../core/vocabulary.js";

export type BreakerState = "closed" | "open" | "half_open";
/** Breaker states per series and capability, supplied by the failover router. */
export type BreakerReport = () => Partial<Record<Series, Record<string, BreakerState>>>;

export interface LedgerOptions {
  /** USD per call by endpoint name, over the catalogue's prices. */
  prices?: Record<string, number>;
  /** Stop before the billable-call count would exceed this. */
  maxCalls?: number;
  /** Stop before the estimated cost would exceed this (USD). */
  maxCostUsd?: number;
  /** Latencies kept per series for the percentiles (a sliding window; default 1 000). */
  latencyWindow?: number;
}

/** A slot held by an attempt between the budget check and its event. */
export interface Reservation {
  readonly priceUsd: number;
  release(): void;
}

/**
 * A budget kept outside the client (the server's daily cap), asked before every attempt like the
 * client's own. `reserve` throws (a BudgetExceededError) to refuse the attempt, else returns the function
 * that frees the reservation once the attempt's event has been recorded.
 */
export interface SpendGate {
  reserve(endpoint: string, priceUsd: number, series?: Series): () => void;
}

interface SeriesAccumulator {
  calls: number;
  ok: number;
  failed: number;
  billableCalls: number;
  costUsd: number;
  retries: number;
  failovers: number;
  latencies: number[];
}

/** What sendHttp says when the signal fired before the request went out (src/transport/http.ts): surely unbilled. */
const NOT_SENT = "aborted before the request was sent";

/**
 * An attempt cancelled after its request went out (a pause, Ctrl-C, a lost hedge): it has no status, yet TikHub
 * (like the simulator) bills a request on arrival, so whether it was billed cannot be known. It is recorded billable
 * at full price, an upper bound, and is told apart from a known-billed call by its missing status.
 */
export function billedUnknown(event: Pick<AttemptEvent, "outcome" | "httpStatus" | "reason">): boolean {
  return event.outcome === "aborted" && event.httpStatus === null && !event.reason?.includes(NOT_SENT);
}

/** Money is summed in micro-dollars so that 0.01 × 3 is exactly 0.03. */
const MICRO = 1_000_000;

export class Ledger {
  private readonly listeners = new Set<(event: AttemptEvent) => void>();
  private readonly perSeries = new Map<Series, SeriesAccumulator>();
  private readonly perEndpoint = new Map<
    string,
    { calls: number; billableCalls: number; costMicro: number; errors: Record<string, number> }
  >();
  private readonly drift = new Map<string, Map<string, number>>();
  private calls = 0;
  private billableCalls = 0;
  private costMicro = 0;
  private retries = 0;
  private failovers = 0;
  private inFlight = 0;
  private inFlightMicro = 0;
  private readonly gates = new Set<SpendGate>();
  private breakers: BreakerReport | undefined;

  constructor(private readonly options: LedgerOptions = {}) {
    for (const s of SERIES) {
      this.perSeries.set(s, {
        calls: 0,
        ok: 0,
        failed: 0,
        billableCalls: 0,
        costUsd: 0,
        retries: 0,
        failovers: 0,
        latencies: [],
      });
    }
  }

  /** The price of one call: the override, else the catalogue entry's, else the default. */
  priceOf(endpoint: string): number {
    // Stryker disable next-line Regex: equivalent, no endpoint name holds "app_v1/" other than at its start
    const override = this.options.prices?.[endpoint] ?? this.options.prices?.[endpoint.replace(/^app_v1\//, "app/")];
    return override ?? findEndpoint(endpoint)?.priceUsd ?? DEFAULT_PRICE_USD;
  }

  /**
   * Checks the budget for one more attempt at `endpoint` and reserves it until `release()`.
   * Counts billable calls so far plus attempts in flight (any of which may be billed).
   * @throws BudgetExceededError before any money is spent.
   */
  reserve(endpoint: string, series?: Series): Reservation {
    const price = this.priceOf(endpoint);
    const { maxCalls, maxCostUsd } = this.options;
    const context = { endpoint, series };
    if (maxCalls !== undefined && this.billableCalls + this.inFlight + 1 > maxCalls) {
      throw new BudgetExceededError(
        `budget reached: ${this.billableCalls} paid call(s)${this.inFlight ? ` and ${this.inFlight} in flight` : ""} of at most ${maxCalls}`,
        context,
      );
    }
    const priceMicro = Math.round(price * MICRO);
    if (maxCostUsd !== undefined && this.costMicro + this.inFlightMicro + priceMicro > Math.round(maxCostUsd * MICRO)) {
      throw new BudgetExceededError(
        `budget reached: $${(this.costMicro / MICRO).toFixed(4)} spent${this.inFlight ? `, ${this.inFlight} call(s) in flight` : ""}; the next call ($${price}) would pass the $${maxCostUsd} limit`,
        context,
      );
    }
    const gateReleases: (() => void)[] = [];
    try {
      for (const gate of this.gates) gateReleases.push(gate.reserve(endpoint, price, series));
    } catch (error) {
      for (const free of gateReleases) free();
      throw error;
    }
    this.inFlight++;
    this.inFlightMicro += priceMicro;
    let released = false;
    return {
      priceUsd: price,
      release: () => {
        if (released) return;
        released = true;
        this.inFlight--;
        this.inFlightMicro -= priceMicro;
        for (const free of gateReleases) free();
      },
    };
  }

  /**
   * Adds a budget checked before every attempt, after the client's own (`maxCalls`, `maxCostUsd`);
   * returns the function that removes it. Its reservations are freed after the attempt's event is sent
   * to subscribers, so a gate that counts spending from events never misses a call in between.
   */
  addGate(gate: SpendGate): () => void {
    this.gates.add(gate);
    return () => this.gates.delete(gate);
  }

  /**
   * Records one attempt and tells every subscriber (a listener that throws is ignored). An attempt whose billing
   * is unknown (`billedUnknown`) is recorded, and told, as billed at its price: budgets and reports count it.
   */
  record(attempt: AttemptEvent): void {
    const event = billedUnknown(attempt)
      ? { ...attempt, billable: true, costUsd: this.priceOf(attempt.endpoint) }
      : attempt;
    const costMicro = Math.round(event.costUsd * MICRO);
    this.calls++;
    if (event.billable) this.billableCalls++;
    this.costMicro += costMicro;
    if (event.retry > 0) this.retries++;
    const switched = event.failover && event.retry === 0;
    if (switched) this.failovers++;

    const s = this.perSeries.get(event.series);
    if (s) {
      s.calls++;
      if (event.outcome === "ok") s.ok++;
      else s.failed++;
      if (event.billable) s.billableCalls++;
      s.costUsd = Math.round(s.costUsd * MICRO + costMicro) / MICRO;
      if (event.retry > 0) s.retries++;
      if (switched) s.failovers++;
      s.latencies.push(event.latencyMs);
      const window = this.options.latencyWindow ?? 1_000;
      // Stryker disable next-line ConditionalExpression,EqualityOperator: equivalent, a splice of a count ≤ 0 removes nothing
      if (s.latencies.length > window) s.latencies.splice(0, s.latencies.length - window);
    }

    let e = this.perEndpoint.get(event.endpoint);
    if (!e) {
      e = { calls: 0, billableCalls: 0, costMicro: 0, errors: {} };
      this.perEndpoint.set(event.endpoint, e);
    }
    e.calls++;
    if (event.billable) e.billableCalls++;
    e.costMicro += costMicro;
    if (event.outcome !== "ok") e.errors[event.outcome] = (e.errors[event.outcome] ?? 0) + 1;

    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch {
        // A listener's bug must not break a paid call that already succeeded.
      }
    }
  }

  /** Listen to every attempt; returns the unsubscribe function. */
  subscribe(listener: (event: AttemptEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** A field a normalizer expected and did not find (shape drift), by endpoint and JSON path. */
  recordDrift(endpoint: string, path: string): void {
    let paths = this.drift.get(endpoint);
    if (!paths) {
      paths = new Map();
      this.drift.set(endpoint, paths);
    }
    paths.set(path, (paths.get(path) ?? 0) + 1);
  }

  /** Lets the failover router report its circuit breakers in `stats()`. */
  setBreakerReport(report: BreakerReport): void {
    this.breakers = report;
  }

  stats(): ClientStats {
    const breakers = this.breakers?.() ?? {};
    const bySeries = {} as Record<Series, SeriesStats>;
    for (const [series, s] of this.perSeries) {
      bySeries[series] = {
        calls: s.calls,
        ok: s.ok,
        failed: s.failed,
        billableCalls: s.billableCalls,
        costUsd: s.costUsd,
        retries: s.retries,
        failovers: s.failovers,
        latencyMsP50: percentile(s.latencies, 50),
        latencyMsP95: percentile(s.latencies, 95),
        breakers: { ...breakers[series] },
      };
    }
    const byEndpoint: ClientStats["byEndpoint"] = {};
    for (const [name, e] of this.perEndpoint) {
      byEndpoint[name] = {
        calls: e.calls,
        billableCalls: e.billableCalls,
        costUsd: e.costMicro / MICRO,
        errors: { ...e.errors },
      };
    }
    const shapeDrift: ClientStats["shapeDrift"] = {};
    for (const [endpoint, paths] of this.drift) shapeDrift[endpoint] = Object.fromEntries(paths);
    return {
      calls: this.calls,
      billableCalls: this.billableCalls,
      costUsd: this.costMicro / MICRO,
      retries: this.retries,
      failovers: this.failovers,
      bySeries,
      byEndpoint,
      shapeDrift,
    };
  }
}
