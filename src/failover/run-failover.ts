/**
 * Asks series in turn until one gives a correct answer.
 *
 * - Fatal errors (auth, payment, invalid input, budget, aborted) stop at once: no other series is asked.
 * - Not found is confirmed by not-found answers from two different series, or by one explicit answer,
 *   or by one not-found vote when every other series asked answered nothing either way (an empty payload,
 *   an inner failure such as "服务异常"); an empty payload alone never counts.
 * - Every series failed: AllSeriesFailedError with each series' last error.
 * - Optional hedging: after `hedgeAfterMs` without an answer, the next series starts too; the first
 *   correct answer wins and the others are aborted (off by default: it can pay twice).
 * - Always for a half-open breaker's probe: after the health board's `probeHedgeMs`, the next series
 *   starts too; when another series answers, the probe is left to finish and only tells the breaker.
 *
 * What to ask next is the planner's business (a fixed list, or the note-detail state machine).
 */

import type { EndpointSpec } from "../catalog/types.js";
import {
  AbortedError,
  AllSeriesFailedError,
  isXhsError,
  NotFoundError,
  UpstreamError,
  type XhsError,
} from "../core/errors.js";
import type { Sleep } from "../core/types.js";
import type { Capability, Series } from "../core/vocabulary.js";
import { CannotServeHere, NotFoundAnswer, uncontradictedNotFound } from "./answer-verdicts.js";
import { failureScope, type HealthBoard, isHealthFailure } from "./health.js";

export interface AttemptRunContext {
  failover: boolean;
  reason?: string;
  signal: AbortSignal;
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
export type Verdict<R> = { accept: R } | { reject: XhsError; health: "failure" | "neutral" | "success" };

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

/** Whether an error says the series is unwell (opens its breaker after a few). */
export function healthOf(error: XhsError): "failure" | "neutral" {
  return isHealthFailure(error) ? "failure" : "neutral";
}

function toXhsError(error: unknown, attempt: Attempt<unknown>): XhsError {
  if (isXhsError(error)) return error;
  return new UpstreamError(
    `${attempt.endpoint.name} failed: ${error instanceof Error ? error.message : String(error)}`,
    {
      endpoint: attempt.endpoint.name,
      series: attempt.series,
      cause: error,
    },
  );
}

interface Running<T> {
  id: number;
  attempt: Attempt<T>;
  controller: AbortController;
  /** Whether this attempt is a half-open breaker's probe (hedged, and left running when another wins). */
  probe: boolean;
  done: Promise<{ id: number; outcome: Outcome<T> }>;
}

export async function runFailover<T, R>(planner: AttemptPlanner<T, R>, options: RunOptions): Promise<RunResult<R>> {
  const { health, capability } = options;
  const errors: XhsError[] = [];
  const lastErrorBySeries = new Map<Series, XhsError>();
  const notFoundSeries = new Set<Series>();
  const running = new Map<number, Running<T>>();
  const started = new Set<Series>();
  let nextId = 0;
  let lastReason: string | undefined;
  let hedge = options.hedgeAfterMs !== undefined && options.hedgeAfterMs >= 0 ? options.hedgeAfterMs : undefined;
  let probeHedge = true;

  /** When to start the next series alongside the running ones; undefined = wait for an answer. */
  const hedgeDelay = (): number | undefined => {
    if (hedge !== undefined) return hedge;
    const [only, ...others] = running.values();
    return probeHedge && only?.probe && others.length === 0 ? health.probeHedgeMs : undefined;
  };

  const abortAll = () => {
    for (const r of running.values()) {
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
      const breaker = health.breaker(r.attempt.series, capability);
      void r.done.then(({ outcome }) => breaker.settleDetached(outcome.ok ? null : outcome.error));
    }
    abortAll();
  };
  const checkAborted = () => {
    if (options.signal?.aborted) {
      abortAll();
      throw new AbortedError(`Aborted while fetching ${options.subject}`);
    }
  };

  const start = (): boolean => {
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
    const ctx: AttemptRunContext = { failover, signal: controller.signal };
    if (failover) ctx.reason = lastReason ?? "hedge";
    const done = attempt.run(ctx).then(
      (value): Outcome<T> => ({ ok: true, value }),
      (error: unknown): Outcome<T> => ({ ok: false, error: toXhsError(error, attempt) }),
    );
    running.set(id, {
      id,
      attempt,
      controller,
      probe,
      done: done.then((outcome) => {
        options.signal?.removeEventListener("abort", onAbort);
        return { id, outcome };
      }),
    });
    return true;
  };

  checkAborted();
  while (true) {
    if (running.size === 0 && !start()) break;
    const settled = [...running.values()].map((r) => r.done);
    let timer: AbortController | undefined;
    const waits: Promise<{ id: number; outcome: Outcome<T> } | "hedge">[] = [...settled];
    const delay = hedgeDelay();
    if (delay !== undefined) {
      timer = new AbortController();
      const t = timer;
      waits.push(
        options.sleep(delay, t.signal).then(
          () => "hedge" as const,
          () => new Promise<never>(() => {}),
        ),
      );
    }
    const first = await Promise.race(waits);
    timer?.abort();
    checkAborted();
    if (first === "hedge") {
      // Nothing left to hedge with: stop arming the timer and just wait.
      if (!start()) {
        hedge = undefined;
        probeHedge = false;
      }
      continue;
    }
    const entry = running.get(first.id);
    running.delete(first.id);
    if (!entry) continue;
    const { attempt } = entry;
    const breaker = health.breaker(attempt.series, capability);
    const verdict = planner.judge(attempt, first.outcome);
    if ("accept" in verdict) {
      breaker.success();
      leaveProbesRunning();
      return { value: verdict.accept, series: attempt.series, errors };
    }
    const error = verdict.reject;
    if (verdict.health === "failure") breaker.failure(failureScope(error));
    else if (verdict.health === "success") breaker.success();
    else breaker.release();
    if (error.kind === "aborted" && !options.signal?.aborted && entry.controller.signal.aborted) continue;
    if (error.fatal) {
      abortAll();
      throw error;
    }
    errors.push(error);
    lastErrorBySeries.set(attempt.series, error);
    lastReason = `${attempt.series}: ${error.kind}`;
    if (error instanceof NotFoundError) {
      const explicit = error instanceof NotFoundAnswer ? error.explicit : true;
      notFoundSeries.add(attempt.series);
      if (explicit || notFoundSeries.size >= 2) {
        abortAll();
        const confirmedBy = [...notFoundSeries].join(" and ");
        throw new NotFoundError(
          `${options.subject} was not found (${explicit ? "said by" : "confirmed by"} ${confirmedBy})`,
          {
            endpoint: error.endpoint,
            series: error.series,
            httpStatus: error.httpStatus,
            requestId: error.requestId,
            cause: error,
          },
        );
      }
    }
  }
  // One not-found vote, and every other series asked answered nothing either way (empty, "服务异常").
  const concluded = uncontradictedNotFound(options.subject, notFoundSeries, lastErrorBySeries);
  if (concluded) throw concluded;
  const attempts = [...lastErrorBySeries.values()];
  const summary = attempts.map((e) => `${e.series ?? "?"}: ${e.message}`).join("; ");
  throw new AllSeriesFailedError(
    attempts.length === 0
      ? `No series could be asked for ${options.subject}`
      : `Every eligible series failed for ${options.subject}: ${summary}`,
    attempts,
  );
}

/** Error kinds that say "this series had a bad moment", not "this cannot be answered". */
const PASSING_KINDS: ReadonlySet<XhsError["kind"]> = new Set([
  "upstream",
  "timeout",
  "connection",
  "shape",
  "rate_limited",
]);

/**
 * The series whose not-found vote was the only answer of a round (no other series could be asked, e.g.
 * topic info, App V2 only), or null. The same series saying it again in the next round confirms it.
 */
function soleVote(error: unknown): Series | null {
  if (!(error instanceof AllSeriesFailedError) || error.attempts.length !== 1) return null;
  const only = error.attempts[0];
  return only instanceof NotFoundError && only.series !== undefined ? only.series : null;
}

/**
 * Every series failed, and another round may serve: at least one series failed for a passing reason (5xx,
 * timeout, empty payload, "服务异常"…), and nothing said the request cannot be served. A not-found vote that
 * did not end the call (not explicit, and contradicted by a passing failure elsewhere: "当前笔记暂时无法浏览"
 * is also Web V3's answer for a note hidden from the web) and an answer that only taught that this series
 * cannot serve the thing (`CannotServeHere`: App V1 on a video note, App V2's video endpoint on an image
 * note) do not stop it: the series that failed in passing get their second chance. An explicit not-found,
 * a wrong item or a fatal error does: asking again would only pay again.
 */
export function worthAnotherRound(error: unknown): error is AllSeriesFailedError {
  if (!(error instanceof AllSeriesFailedError) || error.attempts.length === 0) return false;
  const suggestedVote = (e: XhsError) => e instanceof NotFoundAnswer && !e.explicit;
  const passing = (e: XhsError) =>
    PASSING_KINDS.has(e.kind) && !(e instanceof NotFoundError) && !(e instanceof CannotServeHere);
  const harmless = (e: XhsError) => passing(e) || suggestedVote(e) || e instanceof CannotServeHere;
  return error.attempts.every(harmless) && error.attempts.some(passing);
}

/**
 * Whether a failed round (`round`, from 1) gets another, `rounds` at most: when worthAnotherRound, and past
 * the second round only if no series of it timed out (a hung or browned-out series would cost its whole
 * timeout again; a burst of 5xx, empty payloads or inner failures is cheap to ask through once more).
 */
export function anotherRound(error: unknown, round: number, rounds: number): boolean {
  if (round >= rounds || !worthAnotherRound(error)) return false;
  return round < 2 || !error.attempts.some((e) => e.kind === "timeout");
}

/**
 * Failover rounds by default (1 = no second round) and the pause between them, in ms. Three: over 30 world
 * seeds, two rounds still left 6 in 180,000 requests failed that a series could serve (the only series able
 * to serve a web-hidden video note failing twice in a row at 50 % 5xx, or every series at 30 % faults).
 */
export const FAILOVER_ROUNDS = 3;
export const ROUND_PAUSE_MS = 1_000;

/**
 * `runFailover` with more rounds (up to two more by default, see anotherRound) when every series failed for passing reasons: a burst of
 * faults on every series at once is far more likely than a real outage, and a round costs only the calls it
 * makes. A fresh planner each round (what the first round learned, e.g. a note's type, is in the client's
 * knowledge by then). No new round after a wrong item, an explicit not-found or a fatal error, nor when no series
 * failed in passing (see worthAnotherRound): asking again would only pay again.
 * A not-found vote from the only series that could be asked gets one: that series saying it again is the
 * confirmation a second series would give elsewhere (NotFoundError). Rounds are `backoffMs` apart.
 */
export async function runFailoverRounds<T, R>(
  makePlanner: () => AttemptPlanner<T, R>,
  options: RunOptions & { rounds?: number; backoffMs?: number },
): Promise<RunResult<R>> {
  const rounds = Math.max(1, options.rounds ?? FAILOVER_ROUNDS);
  let voted: Series | null = null;
  for (let round = 1; ; round++) {
    try {
      return await runFailover(makePlanner(), options);
    } catch (error) {
      const vote = soleVote(error);
      if (vote !== null && vote === voted) {
        const last = (error as AllSeriesFailedError).attempts[0]!;
        throw new NotFoundError(`${options.subject} was not found (said twice by ${vote}, the only series asked)`, {
          endpoint: last.endpoint,
          series: last.series,
          httpStatus: last.httpStatus,
          requestId: last.requestId,
          cause: last,
        });
      }
      voted = vote;
      const again = vote !== null ? round < rounds : anotherRound(error, round, rounds);
      if (!again || options.signal?.aborted) throw error;
      await options.sleep(options.backoffMs ?? ROUND_PAUSE_MS, options.signal);
    }
  }
}
