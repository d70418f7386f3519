/**
 * One page of a list from one series: the call through the port (with the ledger's failover flag and the
 * page's latency for the health board), and the hedged first page: a half-open series' probe, a demoted
 * series' latency probe, or any first page that runs past its series' hedge delay (see latency.ts).
 */

import { TimeoutError } from "../core/errors.js";
import type { HedgeMark } from "../core/types.js";
import type { Capability, Series } from "../core/vocabulary.js";
import type { NormalizedItem } from "../series/types.js";
import { interpretPage, type PageAnswer } from "./answer-verdicts.js";
import type { HealthBoard, ScopedBreaker } from "./health.js";
import type { ListDefinition, ListEnvironment, ListRoute } from "./list-definition.js";
import { settleAttempt, toXhsError } from "./rounds.js";

/** A first page that was too slow: the list went on elsewhere (a timeout, for the error report). */
export class SlowProbe extends TimeoutError {
  constructor(route: ListRoute, afterMs: number, probe = true) {
    super(
      probe
        ? `${route.endpoint.name}: probe of a recovering series still unanswered after ${afterMs} ms; asked the next series`
        : `${route.endpoint.name}: first page still unanswered after ${afterMs} ms (its series' hedge delay); asked the next series`,
      {
        endpoint: route.endpoint.name,
        series: route.series,
      },
    );
  }
}

/** How a first page is hedged: after `delayMs`; a breaker's probe runs on to its end, anything else is a hedge. */
export interface FirstPageHedge {
  delayMs: number;
  /** A half-open breaker's probe: left to finish (its outcome closes or reopens the breaker). */
  breakerProbe: boolean;
  /** Paid from the hedge budget (LatencyBoard): when it is spent by then, the page is awaited. */
  budgeted?: boolean;
  /** A demoted series' latency probe: handed out with a hedge token (LatencyBoard.rank), which its hedge spends. */
  latencyProbe?: boolean;
}

/**
 * How a list's page on `series` is hedged (null: not at all: a later page, or no other series left): a
 * breaker's or a demoted series' probe after `probeHedgeMs`; else after the series' own hedge delay, while
 * the hedge budget lasts (see latency.ts).
 */
export function firstPageHedge(
  health: HealthBoard,
  capability: Capability,
  series: Series,
  page: { halfOpen: boolean; firstPage: boolean; othersLeft: boolean },
): FirstPageHedge | null {
  const { latency } = health;
  const latencyProbe = latency.takeProbe(series, capability);
  if (!page.firstPage) return null;
  latency.countCall();
  if (!page.othersLeft) return null;
  if (page.halfOpen || latencyProbe) {
    return { delayMs: health.probeHedgeMs, breakerProbe: page.halfOpen, latencyProbe: latencyProbe && !page.halfOpen };
  }
  if (!latency.hedging || !latency.canHedge()) return null;
  return { delayMs: latency.hedgeDelay(series, capability), breakerProbe: false, budgeted: true };
}

/**
 * A first page the list moved on from, still racing: its answer wins when it comes before the page the list
 * asks meanwhile (ListPageFetcher.race); it is cancelled (a breaker's probe only marked) once another page wins.
 */
export interface Racer<T extends NormalizedItem> {
  route: ListRoute;
  params: Record<string, string>;
  call: Promise<PageAnswer<T>>;
  controller: AbortController;
  mark: HedgeMark;
  /** A half-open breaker's probe: never aborted, its outcome closes or reopens the breaker. */
  breakerProbe: boolean;
  /** The list's state when it moved on, so it continues on this series when this page wins (the walker's). */
  restore: () => void;
  /** The fetcher's failover flag when it moved on. */
  switched: boolean;
  lastReason: string | undefined;
}

export class ListPageFetcher<T extends NormalizedItem> {
  /** Whether the list has left a series, and why it last did ("app_v2: upstream"), for the ledger. */
  private switched = false;
  private lastReason: string | undefined;
  /** Slow first pages still running and racing (see fetchFirst, race). */
  private readonly outrun = new Set<Racer<T>>();
  /** The next call is a hedge: a slow first page still runs beside it. */
  private hedgeNext = false;

  constructor(
    private readonly def: ListDefinition<T>,
    private readonly env: ListEnvironment,
  ) {}

  /** The list left a series for `reason`: every later call is marked as a failover. */
  leftSeries(reason: string): void {
    this.switched = true;
    this.lastReason = reason;
  }

  fetch(
    route: ListRoute,
    params: Record<string, string>,
    signal?: AbortSignal,
    mark: HedgeMark = { started: false, lost: false },
  ): Promise<PageAnswer<T>> {
    const interpret = interpretPage<T>(route.endpoint, {
      normalizers: this.env.normalizers,
      onDrift: this.env.onDrift,
      ...(this.def.check ? { check: (items: T[]) => this.def.check!(items, route.endpoint) } : {}),
    });
    if (this.hedgeNext) mark.started = true;
    this.hedgeNext = false;
    const { latency } = this.env.health;
    const { capability } = this.def;
    // A latency sample counts from the send: waiting for our own rate-limit token is not the series being slow.
    let sentAt = latency.now();
    const toldSent = mark.onSent;
    mark.onSent = () => {
      sentAt = latency.now();
      toldSent?.();
    };
    const call = this.env.port.call(route.endpoint, params, interpret, {
      capability,
      failover: this.switched,
      ...(this.switched && this.lastReason ? { reason: this.lastReason } : {}),
      ...(signal ? { signal } : {}),
      hedge: mark,
    });
    return call.then(
      (answer) => {
        latency.observe(route.series, capability, latency.now() - sentAt);
        this.cancelOutrun(mark);
        return answer;
      },
      (error: unknown) => {
        const ms = latency.now() - sentAt;
        if (toXhsError(error, route).kind === "aborted") latency.abandoned(route.series, capability, ms);
        else latency.observe(route.series, capability, ms);
        throw error;
      },
    );
  }

  /** A page answered (`by`): slow first pages still running lost the race, and are cancelled (a probe only marked). */
  private cancelOutrun(by: HedgeMark): void {
    for (const slow of this.outrun) {
      if (slow.mark === by) continue;
      slow.mark.lost = true;
      if (!slow.breakerProbe) slow.controller.abort();
      this.outrun.delete(slow);
    }
  }

  /** Whether first pages the list moved on from still run (the next page's call then races them). */
  get racing(): boolean {
    return this.outrun.size > 0;
  }

  /**
   * The page the list asks now (`ask`, given its signal and hedge mark) against the slow first pages it moved
   * on from that still run: the first answer wins. When an earlier page wins, the page asked now is aborted
   * and marked lost (the ledger says so when it was billed anyway) and the winner comes back with its racer
   * (the caller continues on its series). A failure of the page asked now is thrown at once: the list moves
   * on, and the earlier pages race on against its next call.
   */
  async race(
    ask: (signal: AbortSignal | undefined, mark: HedgeMark) => Promise<PageAnswer<T>>,
    signal?: AbortSignal,
  ): Promise<{ answer: PageAnswer<T>; from?: Racer<T> }> {
    const mark: HedgeMark = { started: false, lost: false };
    if (this.outrun.size === 0) return { answer: await ask(signal, mark) };
    const controller = new AbortController();
    const onAbort = () => controller.abort();
    signal?.addEventListener("abort", onAbort, { once: true });
    type Settled = { ok: true; answer: PageAnswer<T> } | { ok: false; error: unknown };
    const settle = (call: Promise<PageAnswer<T>>) =>
      call.then(
        (answer): Settled => ({ ok: true, answer }),
        (error: unknown): Settled => ({ ok: false, error }),
      );
    const own = settle(ask(controller.signal, mark)).then((outcome) => ({ outcome, racer: null }));
    // Earlier pages first: one that has already answered wins over a call just made.
    const waiting = new Map(
      [...this.outrun].map((r) => [r, settle(r.call).then((outcome) => ({ outcome, racer: r }))]),
    );
    try {
      for (;;) {
        const { outcome, racer } = await Promise.race([...waiting.values(), own]);
        if (racer === null) {
          if (outcome.ok) return { answer: outcome.answer };
          throw outcome.error;
        }
        waiting.delete(racer);
        if (!outcome.ok) continue;
        mark.lost = true;
        controller.abort();
        this.switched = racer.switched;
        this.lastReason = racer.lastReason;
        this.hedgeNext = false;
        return { answer: outcome.answer, from: racer };
      }
    } finally {
      signal?.removeEventListener("abort", onAbort);
    }
  }

  /**
   * A hedged first page: when it has not answered after `hedge.delayMs`, it is left running and SlowProbe sends
   * the list to the next series, whose call is marked as a hedge and races it (see race): the first answer wins.
   * When another page wins, a breaker's probe runs to its end (its outcome goes to its breaker), any other slow
   * page is cancelled (a hedge loser). `restore` (called when the list moves on) gives what puts the list back
   * on this series if this page wins. Only first pages: moving a list that is midway costs pages read again.
   * A budgeted hedge's delay counts from the send, as a record's (run-failover.ts): while the page waits in our
   * own queue (rate limit, concurrency) no timer runs, since the next series would wait for the same tokens.
   */
  async fetchFirst(
    route: ListRoute,
    params: Record<string, string>,
    breaker: ScopedBreaker,
    hedge: FirstPageHedge,
    signal?: AbortSignal,
    mark: HedgeMark = { started: false, lost: false },
    restore: () => () => void = () => () => {},
  ): Promise<PageAnswer<T>> {
    const sleep = this.env.sleep;
    if (!sleep) return this.fetch(route, params, signal, mark);
    const controller = new AbortController();
    const onAbort = () => controller.abort();
    signal?.addEventListener("abort", onAbort, { once: true });
    const { latency } = this.env.health;
    const sending = new SendState(() => latency.now(), mark);
    const call = this.fetch(route, params, controller.signal, mark);
    void call.then(
      () => signal?.removeEventListener("abort", onAbort),
      () => signal?.removeEventListener("abort", onAbort),
    );
    const answered = call.then(
      () => "answered" as const,
      () => "answered" as const,
    );
    const fromSend = hedge.budgeted === true;
    for (;;) {
      const changed = sending.changed.then(() => "changed" as const);
      if (fromSend && sending.queued) {
        if ((await Promise.race([answered, changed])) === "answered") return call;
        continue;
      }
      const ran = latency.now() - (fromSend ? sending.sentAt : sending.startedAt);
      const timer = new AbortController();
      const slow = sleep(Math.max(0, hedge.delayMs - ran), timer.signal).then(
        () => "slow" as const,
        () => new Promise<never>(() => {}),
      );
      const first = await Promise.race(fromSend ? [answered, slow, changed] : [answered, slow]);
      timer.abort();
      if (first === "answered") return call;
      if (first === "slow") break;
    }
    if (hedge.budgeted) {
      if (!latency.canHedge()) return call;
      latency.takeHedge();
    } else if (hedge.latencyProbe) {
      latency.takeHedge();
    }
    // The list asks another series now; this page races on (marked lost only when another page wins).
    const outrun: Racer<T> = {
      route,
      params,
      call,
      controller,
      mark,
      breakerProbe: hedge.breakerProbe,
      restore: restore(),
      switched: this.switched,
      lastReason: this.lastReason,
    };
    this.outrun.add(outrun);
    this.hedgeNext = true;
    void call.then(
      () => settleAttempt(breaker, null),
      (error: unknown) => {
        const failure = toXhsError(error, route);
        settleAttempt(
          breaker,
          failure.kind === "aborted" ? null : failure,
          failure.kind === "aborted" ? "neutral" : undefined,
        );
      },
    );
    void call.then(
      () => this.outrun.delete(outrun),
      () => this.outrun.delete(outrun),
    );
    throw new SlowProbe(route, hedge.delayMs, hedge.breakerProbe);
  }
}

/**
 * Where an attempt is between our own queue and the network, as its transport tells it through the HedgeMark
 * (onQueued / onSent, on every try), for a hedge timer that counts from the send.
 */
class SendState {
  readonly startedAt: number;
  queued = false;
  sentAt: number;
  /** Settles at the next change of `queued`. */
  changed: Promise<void>;
  private wake: () => void = () => {};

  constructor(
    private readonly now: () => number,
    mark: HedgeMark,
  ) {
    this.startedAt = now();
    this.sentAt = this.startedAt;
    this.changed = this.arm();
    mark.onQueued = () => this.set(true);
    mark.onSent = () => this.set(false);
  }

  private arm(): Promise<void> {
    return new Promise<void>((resolve) => {
      this.wake = resolve;
    });
  }

  private set(queued: boolean): void {
    if (this.queued === queued) return;
    this.queued = queued;
    if (!queued) this.sentAt = this.now();
    const wake = this.wake;
    this.changed = this.arm();
    wake();
  }
}
