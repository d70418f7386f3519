/**
 * Asks series in turn until one gives a correct answer.
 *
 * - Fatal errors (auth, payment, invalid input, budget, aborted) stop at once: no other series is asked.
 * - Not found is confirmed by not-found answers from two different series, or by one explicit answer,
 *   or by one not-found vote when every other series asked answered nothing either way (an empty payload,
 *   an inner failure such as "服务异常"); an empty payload alone never counts.
 * - Every series failed: AllSeriesFailedError with each series' last error.
 * - Adaptive hedging (on by default, see latency.ts): after a delay derived from the running series' own
 *   latency, the next series starts too, while the hedge budget lasts; the first correct answer wins and
 *   the others are aborted (marked as hedge losers for the ledger). An explicit `hedgeAfterMs` replaces the
 *   delay (and the budget) for every series; the health board's `latency.hedging` false turns it off.
 * - A demoted series' latency probe (LatencyBoard.rank) is hedged after `probeHedgeMs`, like a breaker's, and
 *   that hedge spends a token of the hedge budget (a probe is handed out only while one is left).
 * - Always for a half-open breaker's probe: after the health board's `probeHedgeMs`, the next series
 *   starts too; when another series answers, the probe is left to finish and only tells the breaker.
 *
 * What to ask next is the planner's business (a fixed list, or the note-detail state machine).
 */

import type { EndpointSpec } from "../catalog/types.js";
import { AbortedError, type XhsError } from "../core/errors.js";
import type { HedgeMark, Sleep } from "../core/types.js";
import type { Capability, Series } from "../core/vocabulary.js";
import type { HealthBoard } from "./health.js";
import {
  type AttemptHealth,
  FAILOVER_ROUNDS,
  FailureVerdict,
  healthOf,
  inRounds,
  ROUND_PAUSE_MS,
  settleAttempt,
  toXhsError,
} from "./rounds.js";

export interface AttemptRunContext {
  failover: boolean;
  reason?: string;
  signal: AbortSignal;
  /** Hedging's marks on this attempt: pass them to the port (SeriesPort's AttemptContext.hedge). */
  hedge: HedgeMark;
}

export interface Attempt<T> {
  series: Series;
  endpoint: EndpointSpec;
  run(ctx: AttemptRunContext): Promise<T>;
}

export type Outcome<T> = { ok: true; value: T } | { ok: false; error: XhsError };

/**
 * What an outcome means. `health`: whether it says something about the series' health ("failure" opens
 * the breaker after a few; "success" closes it; "neutral" tells nothing, e.g. a wrong-type endpoint).
 */
export type Verdict<R> = { accept: R } | { reject: XhsError; health: AttemptHealth };

export interface AttemptPlanner<T, R> {
  /**
   * The next attempt, skipping series in `busy` (running hedged attempts); null when none is left.
   * `rank` orders series by health (open breakers last).
   */
  next(busy: ReadonlySet<Series>, rank: (series: readonly Series[]) => Series[]): Attempt<T> | null;
  judge(attempt: Attempt<T>, outcome: Outcome<T>): Verdict<R>;
}

export interface RunOptions {
  capability: Capability;
  health: HealthBoard;
  sleep: Sleep;
  /** What is being asked for, for error messages ("note 64f…"). */
  subject: string;
  hedgeAfterMs?: number | undefined;
  signal?: AbortSignal | undefined;
}

export interface RunResult<R> {
  value: R;
  series: Series;
  /** Errors met on the way (one per failed attempt). */
  errors: XhsError[];
}

/** A fixed list of attempts: accept any value, reject by error kind. */
export function listPlanner<T>(attempts: Attempt<T>[]): AttemptPlanner<T, T> {
  const pending = [...attempts];
  return {
    next(busy, rank) {
      const ranked = rank(pending.map((a) => a.series));
      const series = ranked.find((s) => !busy.has(s));
      if (series === undefined) return null;
      const index = pending.findIndex((a) => a.series === series);
      return pending.splice(index, 1)[0]!;
    },
    judge(_attempt, outcome) {
      if (outcome.ok) return { accept: outcome.value };
      return { reject: outcome.error, health: healthOf(outcome.error) };
    },
  };
}

interface Running<T> {
  id: number;
  attempt: Attempt<T>;
  controller: AbortController;
  /** Whether this attempt is a half-open breaker's probe (hedged, and left running when another wins). */
  probe: boolean;
  /** Whether this attempt is a demoted series' latency probe (hedged after probeHedgeMs). */
  latencyProbe: boolean;
  startedAt: number;
  /** When it left the client's own queue for the network (startedAt when the port never says it queued). */
  sentAt: number;
  /** Waiting in the client's own queue (rate limit, concurrency): no hedge timer runs meanwhile. */
  queued: boolean;
  /**
   * Settles at the next change of `queued` (the transport tells it after the attempt started, so a hedge timer
   * armed before must be re-armed).
   */
  queueChange: Promise<void>;
  mark: HedgeMark;
  done: Promise<{ id: number; outcome: Outcome<T> }>;
}

export async function runFailover<T, R>(planner: AttemptPlanner<T, R>, options: RunOptions): Promise<RunResult<R>> {
  const { health, capability } = options;
  const errors: XhsError[] = [];
  const failures = new FailureVerdict(options.subject);
  const running = new Map<number, Running<T>>();
  const started = new Set<Series>();
  let nextId = 0;
  let lastReason: string | undefined;
  const { latency } = health;
  let hedge = options.hedgeAfterMs !== undefined && options.hedgeAfterMs >= 0 ? options.hedgeAfterMs : undefined;
  let probeHedge = true;
  let adaptive = hedge === undefined && latency.hedging;
  latency.countCall();

  /**
   * When to start the next series alongside the running ones (undefined: wait for an answer), and whether
   * that hedge is adaptive (paid from the hedge budget).
   */
  const hedgeDelay = (): { ms: number; adaptive: boolean; latencyProbe?: true } | "queued" | undefined => {
    if (hedge !== undefined) return { ms: hedge, adaptive: false };
    const [only, ...others] = running.values();
    if (!only || others.length > 0) return undefined;
    if (probeHedge && only.probe) return { ms: health.probeHedgeMs, adaptive: false };
    // Still waiting for our own rate-limit token or slot: another series would wait for the same tokens, and
    // this one is not slow yet. The adaptive timer starts when it is sent.
    if (adaptive && !only.latencyProbe && only.queued) return "queued";
    const ran = latency.now() - only.sentAt;
    if (probeHedge && only.latencyProbe) {
      return { ms: Math.max(0, health.probeHedgeMs - ran), adaptive: false, latencyProbe: true };
    }
    if (!adaptive) return undefined;
    return { ms: Math.max(0, latency.hedgeDelay(only.attempt.series, capability) - ran), adaptive: true };
  };

  /** `won`: another series' answer was taken, so the aborted ones lost a race (their latency is a lower bound). */
  const abortAll = (won = false) => {
    for (const r of running.values()) {
      if (won) {
        r.mark.lost = true;
        latency.abandoned(r.attempt.series, capability, latency.now() - r.sentAt);
      }
      r.controller.abort();
      // Its outcome will never be judged: free a half-open probe slot it may hold.
      health.breaker(r.attempt.series, capability).release();
    }
    running.clear();
  };
  /** Another series answered: probes finish on their own and tell their breaker; the rest are aborted. */
  const leaveProbesRunning = () => {
    for (const r of running.values()) {
      if (!r.probe) continue;
      running.delete(r.id);
      r.mark.lost = true;
      const breaker = health.breaker(r.attempt.series, capability);
      void r.done.then(({ outcome }) => {
        if (outcome.ok || outcome.error.kind !== "aborted") {
          latency.observe(r.attempt.series, capability, latency.now() - r.startedAt);
        }
        settleAttempt(breaker, outcome.ok ? null : outcome.error);
      });
    }
    abortAll(true);
  };
  const checkAborted = () => {
    if (options.signal?.aborted) {
      abortAll();
      throw new AbortedError(`Aborted while fetching ${options.subject}`);
    }
  };

  const start = (asHedge = false): boolean => {
    const busy = new Set([...running.values()].map((r) => r.attempt.series));
    const attempt = planner.next(busy, (series) => health.order(capability, series));
    if (!attempt) return false;
    const controller = new AbortController();
    const onAbort = () => controller.abort();
    options.signal?.addEventListener("abort", onAbort, { once: true });
    const failover = started.size > 0 && !(started.size === 1 && started.has(attempt.series));
    started.add(attempt.series);
    const breaker = health.breaker(attempt.series, capability);
    const probe = breaker.state === "half_open";
    breaker.begin();
    const id = nextId++;
    const mark: HedgeMark = { started: asHedge, lost: false };
    const ctx: AttemptRunContext = { failover, signal: controller.signal, hedge: mark };
    if (failover) ctx.reason = lastReason ?? "hedge";
    const done = attempt.run(ctx).then(
      (value): Outcome<T> => ({ ok: true, value }),
      (error: unknown): Outcome<T> => ({ ok: false, error: toXhsError(error, attempt) }),
    );
    const entry: Running<T> = {
      id,
      attempt,
      controller,
      probe,
      latencyProbe: latency.takeProbe(attempt.series, capability),
      startedAt: latency.now(),
      sentAt: latency.now(),
      queued: false,
      queueChange: new Promise<void>(() => {}),
      mark,
      done: done.then((outcome) => {
        options.signal?.removeEventListener("abort", onAbort);
        return { id, outcome };
      }),
    };
    let changed = (): void => {};
    const nextChange = () => {
      entry.queueChange = new Promise<void>((resolve) => {
        changed = resolve;
      });
    };
    nextChange();
    const setQueued = (queued: boolean) => {
      if (entry.queued === queued) return;
      entry.queued = queued;
      if (!queued) entry.sentAt = latency.now();
      const settle = changed;
      nextChange();
      settle();
    };
    mark.onQueued = () => setQueued(true);
    mark.onSent = () => setQueued(false);
    running.set(id, entry);
    return true;
  };

  checkAborted();
  while (true) {
    if (running.size === 0 && !start()) break;
    const settled = [...running.values()].map((r) => r.done);
    let timer: AbortController | undefined;
    const waits: Promise<{ id: number; outcome: Outcome<T> } | "hedge" | "sent">[] = [...settled];
    const next = hedgeDelay();
    const delay = typeof next === "object" ? next : undefined;
    // An adaptive timer counts from the send: when the attempt enters or leaves our own queue, think again.
    const [only] = running.values();
    if (running.size === 1 && only && (next === "queued" || delay?.adaptive)) {
      waits.push(only.queueChange.then(() => "sent" as const));
    }
    if (delay !== undefined) {
      timer = new AbortController();
      const t = timer;
      waits.push(
        options.sleep(delay.ms, t.signal).then(
          () => "hedge" as const,
          () => new Promise<never>(() => {}),
        ),
      );
    }
    const first = await Promise.race(waits);
    timer?.abort();
    checkAborted();
    if (first === "sent") continue;
    if (first === "hedge") {
      if (delay?.adaptive && !latency.canHedge()) {
        // The hedge budget is spent: wait for the running series (or its timeout).
        adaptive = false;
        continue;
      }
      // Nothing left to hedge with: stop arming the timer and just wait.
      if (!start(true)) {
        hedge = undefined;
        probeHedge = false;
        adaptive = false;
      } else if (delay?.adaptive || delay?.latencyProbe) {
        // An adaptive hedge, or a latency probe's (handed out with a token of the same budget: LatencyBoard.rank).
        latency.takeHedge();
      }
      continue;
    }
    const entry = running.get(first.id);
    running.delete(first.id);
    if (!entry) continue;
    const { attempt } = entry;
    if (first.outcome.ok || first.outcome.error.kind !== "aborted") {
      latency.observe(attempt.series, capability, latency.now() - entry.sentAt);
    }
    const breaker = health.breaker(attempt.series, capability);
    const verdict = planner.judge(attempt, first.outcome);
    if ("accept" in verdict) {
      settleAttempt(breaker, null);
      leaveProbesRunning();
      return { value: verdict.accept, series: attempt.series, errors };
    }
    const error = verdict.reject;
    settleAttempt(breaker, error, verdict.health);
    if (error.kind === "aborted" && !options.signal?.aborted && entry.controller.signal.aborted) continue;
    if (error.fatal) {
      abortAll();
      throw error;
    }
    errors.push(error);
    lastReason = `${attempt.series}: ${error.kind}`;
    const notFound = failures.fail(attempt.series, error);
    if (notFound) {
      abortAll();
      throw notFound;
    }
  }
  // One not-found vote, and every other series asked answered nothing either way (empty, "服务异常").
  const concluded = failures.uncontradictedNotFound();
  if (concluded) throw concluded;
  throw failures.allFailed();
}

/**
 * `runFailover` with more rounds (up to two more by default, see anotherRound in rounds.ts) when every series
 * failed for passing reasons: a burst of faults on every series at once is far more likely than a real outage,
 * and a round costs only the calls it makes. A fresh planner each round (what the first round learned, e.g. a
 * note's type, is in the client's knowledge by then). No new round after a wrong item, an explicit not-found or
 * a fatal error, nor when no series failed in passing (see worthAnotherRound): asking again would only pay
 * again. A not-found vote from the only series that could be asked gets one: that series saying it again is
 * the confirmation a second series would give elsewhere (NotFoundError). Rounds are `backoffMs` apart.
 */
export async function runFailoverRounds<T, R>(
  makePlanner: () => AttemptPlanner<T, R>,
  options: RunOptions & { rounds?: number; backoffMs?: number },
): Promise<RunResult<R>> {
  return inRounds(() => runFailover(makePlanner(), options), {
    subject: options.subject,
    rounds: Math.max(1, options.rounds ?? FAILOVER_ROUNDS),
    pauseMs: options.backoffMs ?? ROUND_PAUSE_MS,
    sleep: options.sleep,
    signal: options.signal,
    confirmSoleVote: true,
  });
}
