/**
 * Latency per series, so the router sees slowness and not only errors (see docs/decisions.md, "Failover:
 * latency estimate", "demotion", "hedge delay", "hedge budget").
 *
 * - The estimate, per series and capability (falling back to the series as a whole until the capability has
 *   a few samples of its own): an EWMA of every finished attempt's latency, and a high quantile of the recent
 *   ones. A timeout counts as its whole wait; an attempt abandoned for another series' answer counts as a
 *   lower bound, and only when it raises the EWMA (it says "at least this slow", nothing more).
 * - Demotion: a series whose EWMA is more than `demoteFactor` times the fastest alternative's, and above
 *   `demoteFloorMs`, goes behind the others. Order only: every series stays asked when the others fail.
 *   Once per `probeEveryMs` a demoted series goes first again (a probe, hedged after `probeHedgeMs`): an
 *   answer that beats the demotion threshold restarts its estimate, so it comes back at once.
 * - The hedge delay: HEDGE_FACTOR × the first series' own recent p95, within [hedgeFloorMs, hedgeCeilingMs];
 *   COLD_HEDGE_MS until it has enough samples for a p95.
 * - The hedge budget: a token bucket, HEDGE_BURST tokens, refilled by `hedgeShare` per call: hedges (each
 *   paid twice when both series answer) stay under that share of calls once the burst is spent. A latency
 *   probe's hedge is one of them: a probe is handed out only while a token is left, and its hedge spends it.
 */

import { percentile } from "../core/stats.js";
import type { Clock } from "../core/types.js";
import type { Capability, Series } from "../core/vocabulary.js";

export interface LatencyOptions {
  /** Adaptive hedging on (default) or off; an explicit `hedgeAfterMs` overrides it either way. */
  hedging?: boolean;
  /** Never hedge sooner than this, in ms (default 2 000). */
  hedgeFloorMs?: number;
  /** Never wait longer than this before hedging, in ms (default 30 000, the transport's timeout). */
  hedgeCeilingMs?: number;
  /** Share of calls that may hedge once the burst is spent (default 0.02). */
  hedgeShare?: number;
  /** How far slower than the fastest alternative a series must be to be demoted (default 3). */
  demoteFactor?: number;
  /** A series faster than this is never demoted, in ms (default 2 000). */
  demoteFloorMs?: number;
  /** How often a demoted series goes first again to show whether it recovered, in ms (default 30 000). */
  probeEveryMs?: number;
}

export const DEFAULT_HEDGE_FLOOR_MS = 2_000;
export const DEFAULT_HEDGE_CEILING_MS = 30_000;
export const DEFAULT_HEDGE_SHARE = 0.02;
export const DEFAULT_DEMOTE_FACTOR = 3;
export const DEFAULT_DEMOTE_FLOOR_MS = 2_000;
export const DEFAULT_LATENCY_PROBE_EVERY_MS = 30_000;
/** Hedges allowed before the share applies: the first calls on a hung series must not wait their timeout. */
export const HEDGE_BURST = 5;
/**
 * × the recent p95: a hedge costs a second paid call, so it fires only on a call far past its series' usual
 * tail, so that a healthy series is hedged about never (issue #12: healthy cost no worse than without
 * hedging). The simulator's healthy p95 is ~1.4 s, so ~7 s: 0.03 hedges per 20 000 calls of its lognormal,
 * with the p95 taken from 64-sample windows (2.4 at 3 ×, 0.23 at 4 ×); a hung series still gets a hedge.
 */
export const HEDGE_FACTOR = 5;
/** Weight of a new sample in the EWMA: about the last 7 calls. */
const EWMA_ALPHA = 0.25;
/** Recent latencies kept per key for the quantile. */
const WINDOW = 64;
/** Samples a key needs before its own estimate is used (else its series', else the cold values). */
const MIN_SAMPLES = 3;
/** Samples before a p95 is believed for the hedge delay: a p95 of a handful is only their maximum. */
const MIN_QUANTILE_SAMPLES = 16;
/**
 * The hedge delay until the series has MIN_QUANTILE_SAMPLES: above the simulator's healthy p99.9 (~2.8 s), so a
 * new client pays no second call for a merely slow answer, and a hung series costs 3 s instead of a timeout.
 */
export const COLD_HEDGE_MS = 3_000;

class Estimator {
  ewma: number | null = null;
  private readonly recent: number[] = [];
  samples = 0;

  add(ms: number): void {
    this.ewma = this.ewma === null ? ms : this.ewma + EWMA_ALPHA * (ms - this.ewma);
    this.recent.push(ms);
    if (this.recent.length > WINDOW) this.recent.shift();
    this.samples++;
  }

  /** A lower bound: counts only when it says more than the estimate already does. */
  atLeast(ms: number): void {
    if (this.ewma === null || ms > this.ewma) this.add(ms);
  }

  reset(ms: number): void {
    this.ewma = null;
    this.recent.length = 0;
    this.samples = 0;
    this.add(ms);
  }

  /** The p95 of the recent window (nearest rank, as everywhere else), null before any sample. */
  p95(): number | null {
    return percentile(this.recent, 95);
  }
}

/** What the board knows of one series for one capability (for stats and tests). */
export interface LatencyEstimate {
  ewmaMs: number;
  p95Ms: number;
  samples: number;
}

export class LatencyBoard {
  readonly hedging: boolean;
  readonly hedgeFloorMs: number;
  readonly hedgeCeilingMs: number;
  private readonly hedgeShare: number;
  private readonly demoteFactor: number;
  private readonly demoteFloorMs: number;
  private readonly probeEveryMs: number;
  private readonly perKey = new Map<string, Estimator>();
  private readonly perSeries = new Map<Series, Estimator>();
  /** When each demoted key last went first as a probe. */
  private readonly lastProbe = new Map<string, number>();
  /** Probes handed out by `rank` and not yet started. */
  private readonly probesDue = new Set<string>();
  private hedgeTokens = HEDGE_BURST;

  constructor(
    private readonly clock: Clock,
    options: LatencyOptions = {},
  ) {
    this.hedging = options.hedging ?? true;
    this.hedgeFloorMs = Math.max(0, options.hedgeFloorMs ?? DEFAULT_HEDGE_FLOOR_MS);
    this.hedgeCeilingMs = Math.max(this.hedgeFloorMs, options.hedgeCeilingMs ?? DEFAULT_HEDGE_CEILING_MS);
    this.hedgeShare = Math.min(1, Math.max(0, options.hedgeShare ?? DEFAULT_HEDGE_SHARE));
    this.demoteFactor = Math.max(1, options.demoteFactor ?? DEFAULT_DEMOTE_FACTOR);
    this.demoteFloorMs = Math.max(0, options.demoteFloorMs ?? DEFAULT_DEMOTE_FLOOR_MS);
    this.probeEveryMs = Math.max(0, options.probeEveryMs ?? DEFAULT_LATENCY_PROBE_EVERY_MS);
  }

  now(): number {
    return this.clock.now();
  }

  /** A finished attempt (an answer, a failure, a timeout) took `ms`. */
  observe(series: Series, capability: Capability, ms: number): void {
    const key = keyOf(series, capability);
    const own = this.own(series, capability);
    const wasDemoted = this.lastProbe.has(key) && this.demotedKey(series, capability);
    if (wasDemoted && ms <= this.threshold(capability, series)) {
      // A probe (or any call) of a demoted series answered fast: it recovered; its old samples are history.
      own.reset(ms);
      this.series(series).reset(ms);
      this.lastProbe.delete(key);
      return;
    }
    own.add(ms);
    this.series(series).add(ms);
  }

  /** An attempt abandoned for another series' answer after `ms`: it would have taken at least that long. */
  abandoned(series: Series, capability: Capability, ms: number): void {
    this.own(series, capability).atLeast(ms);
    this.series(series).atLeast(ms);
  }

  estimate(series: Series, capability: Capability): LatencyEstimate | null {
    const found = this.pick(series, capability);
    if (!found || found.ewma === null) return null;
    return { ewmaMs: Math.round(found.ewma), p95Ms: found.p95() ?? 0, samples: found.samples };
  }

  /** How long the first attempt on `series` runs alone before the next series is asked too. */
  hedgeDelay(series: Series, capability: Capability): number {
    const found = this.pick(series, capability);
    const p95 = found && found.samples >= MIN_QUANTILE_SAMPLES ? found.p95() : null;
    // Never below the series' own tail: a capability's p95 from a few dozen samples is often low by chance
    // (a hedge then fires on an answer that is ordinary for the series), and the series has more samples.
    const whole = this.perSeries.get(series);
    const seriesP95 = whole && whole !== found && whole.samples >= MIN_QUANTILE_SAMPLES ? whole.p95() : null;
    // A capability with too few samples of its own takes its series' tail when the series has one: the cold
    // delay (3 s) would hedge a healthy series' ordinary slow answer (about 1 in 1 500) on its 4th-16th call.
    const known = p95 ?? seriesP95;
    const derived = known === null ? COLD_HEDGE_MS : HEDGE_FACTOR * Math.max(p95 ?? 0, seriesP95 ?? 0);
    return Math.min(this.hedgeCeilingMs, Math.max(this.hedgeFloorMs, derived));
  }

  /** Counts one call toward the hedge budget's refill. */
  countCall(): void {
    this.hedgeTokens = Math.min(HEDGE_BURST, this.hedgeTokens + this.hedgeShare);
  }

  /** Whether the hedge budget has a hedge left (when not, the call waits for its first series). */
  canHedge(): boolean {
    return this.hedgeTokens >= 1;
  }

  /** Spends one hedge of the budget. */
  takeHedge(): void {
    this.hedgeTokens = Math.max(0, this.hedgeTokens - 1);
  }

  /**
   * The series with demoted ones moved behind the others (each group in its given order). A demoted series
   * due for a probe keeps its place, once per `probeEveryMs` and only while the hedge budget has a hedge left
   * (a probe still due waits for one); `takeProbe` then tells its attempt so, and its hedge spends the token.
   */
  rank(capability: Capability, series: readonly Series[]): Series[] {
    const demoted = series.filter((s) => this.isDemoted(capability, s, series));
    if (demoted.length === 0) return [...series];
    const now = this.clock.now();
    const kept = series.filter((s) => !demoted.includes(s));
    // A probe is hedged after a short wait, so a slow one is paid twice: it needs a hedge token (see takeProbe).
    const due = (s: Series) => now - (this.lastProbe.get(keyOf(s, capability)) ?? now) >= this.probeEveryMs;
    const probe = this.canHedge() ? demoted.find(due) : undefined;
    for (const s of demoted)
      if (!this.lastProbe.has(keyOf(s, capability))) this.lastProbe.set(keyOf(s, capability), now);
    if (probe === undefined || kept.length === 0) return [...kept, ...demoted];
    const key = keyOf(probe, capability);
    this.lastProbe.set(key, now);
    this.probesDue.add(key);
    return [probe, ...kept, ...demoted.filter((s) => s !== probe)];
  }

  /** Whether an attempt starting on `series` is the probe `rank` handed out (then hedged after a short wait). */
  takeProbe(series: Series, capability: Capability): boolean {
    return this.probesDue.delete(keyOf(series, capability));
  }

  /** Whether `series` is demoted among `among` (the series that may serve this call). */
  isDemoted(capability: Capability, series: Series, among: readonly Series[]): boolean {
    const mine = this.pick(series, capability)?.ewma ?? null;
    if (mine === null || mine <= this.demoteFloorMs) return false;
    const best = this.fastestOther(capability, series, among);
    return best !== null && mine > this.demoteFactor * best;
  }

  private demotedKey(series: Series, capability: Capability): boolean {
    const mine = this.pick(series, capability)?.ewma ?? null;
    return mine !== null && mine > this.threshold(capability, series);
  }

  /** Below this a series is not slow: the demotion floor, or factor × the fastest other series known. */
  private threshold(capability: Capability, series: Series): number {
    const others = [...this.perSeries.keys()].filter((s) => s !== series);
    const best = this.fastestOther(capability, series, others);
    return Math.max(this.demoteFloorMs, best === null ? 0 : this.demoteFactor * best);
  }

  private fastestOther(capability: Capability, series: Series, among: readonly Series[]): number | null {
    let best: number | null = null;
    for (const other of among) {
      if (other === series) continue;
      const ewma = this.pick(other, capability)?.ewma ?? null;
      if (ewma !== null && (best === null || ewma < best)) best = ewma;
    }
    return best;
  }

  private pick(series: Series, capability: Capability): Estimator | undefined {
    const own = this.perKey.get(keyOf(series, capability));
    if (own && own.samples >= MIN_SAMPLES) return own;
    const shared = this.perSeries.get(series);
    return shared && shared.samples > 0 ? shared : own;
  }

  private own(series: Series, capability: Capability): Estimator {
    const key = keyOf(series, capability);
    let found = this.perKey.get(key);
    if (!found) {
      found = new Estimator();
      this.perKey.set(key, found);
    }
    return found;
  }

  private series(series: Series): Estimator {
    let found = this.perSeries.get(series);
    if (!found) {
      found = new Estimator();
      this.perSeries.set(series, found);
    }
    return found;
  }
}

function keyOf(series: Series, capability: Capability): string {
  return `${series}:${capability}`;
}
