/**
 * What records (run-failover.ts) and lists (list-walker.ts) share when they ask series in turn, so that a
 * fix to one cannot miss the other:
 *
 * - the verdict over the failures met (FailureVerdict): each series' last error, the not-found votes among
 *   them, when those votes settle "not found", and the error when every series failed;
 * - the breaker accounting of one attempt (settleAttempt): what its outcome tells its series' breakers;
 * - the round loop (inRounds): when every series failed for passing reasons, another round after a pause.
 */

import type { EndpointSpec } from "../catalog/types.js";
import { AllSeriesFailedError, isXhsError, NotFoundError, UpstreamError, type XhsError } from "../core/errors.js";
import type { Sleep } from "../core/types.js";
import type { Series } from "../core/vocabulary.js";
import { CannotServeHere, NotFoundAnswer, uncontradictedNotFound } from "./answer-verdicts.js";
import { failureScope, isHealthFailure, type ScopedBreaker } from "./health.js";

/** What an attempt's outcome says about its series' health ("neutral": nothing, e.g. a wrong-type endpoint). */
export type AttemptHealth = "failure" | "neutral" | "success";

/** Whether an error says the series is unwell (opens its breaker after a few). */
export function healthOf(error: XhsError): "failure" | "neutral" {
  return isHealthFailure(error) ? "failure" : "neutral";
}

/**
 * Tells an attempt's breakers what its outcome said: an answer (error null) closes them, a failure of the
 * series counts toward the breaker of its scope, anything else only frees a half-open probe's slot.
 * `health` defaults to what the error itself says (healthOf).
 */
export function settleAttempt(
  breaker: ScopedBreaker,
  error: XhsError | null,
  health: AttemptHealth = error === null ? "success" : healthOf(error),
): void {
  if (health === "success") breaker.success();
  else if (health === "neutral" || error === null) breaker.release();
  else breaker.failure(failureScope(error));
}

/** Any thrown value as an XhsError of the endpoint it came from. */
export function toXhsError(error: unknown, at: { endpoint: EndpointSpec; series: Series }): XhsError {
  if (isXhsError(error)) return error;
  return new UpstreamError(`${at.endpoint.name} failed: ${error instanceof Error ? error.message : String(error)}`, {
    endpoint: at.endpoint.name,
    series: at.series,
    cause: error,
  });
}

/**
 * The failures met so far and what they say together. A record keeps one per round; a list keeps one for its
 * whole walk (a vote from an earlier page or round still counts).
 */
export class FailureVerdict {
  private readonly lastErrors = new Map<Series, XhsError>();
  private readonly voters = new Set<Series>();

  /** `subject`: what is being asked for, for messages ("note 64f…", "the comments of note 64f…"). */
  constructor(private readonly subject: string) {}

  /**
   * Records a series' failure. Returns the NotFoundError that ends the call when it is a not-found vote that
   * settles it: explicit, or a second series' vote ("当前笔记暂时无法浏览" alone also means a bad token).
   */
  fail(series: Series, error: XhsError): NotFoundError | null {
    this.lastErrors.set(series, error);
    if (!(error instanceof NotFoundError)) return null;
    this.voters.add(series);
    const explicit = error instanceof NotFoundAnswer ? error.explicit : true;
    if (!explicit && this.voters.size < 2) return null;
    const voters = [...this.voters].join(" and ");
    return new NotFoundError(`${this.subject}: not found (${explicit ? "said by" : "confirmed by"} ${voters})`, {
      endpoint: error.endpoint,
      series: error.series,
      httpStatus: error.httpStatus,
      requestId: error.requestId,
      cause: error,
    });
  }

  /** The last error of each series that voted not found. */
  get votes(): (XhsError | undefined)[] {
    return [...this.voters].map((series) => this.lastErrors.get(series));
  }

  /** "Not found" from a vote that every other series' answer leaves standing (see uncontradictedNotFound). */
  uncontradictedNotFound(): NotFoundError | null {
    return uncontradictedNotFound(this.subject, this.voters, this.lastErrors);
  }

  /** The error when no series is left: each series' last error. */
  allFailed(): AllSeriesFailedError {
    const attempts = [...this.lastErrors.values()];
    const summary = attempts.map((e) => `${e.series ?? "?"}: ${e.message}`).join("; ");
    return new AllSeriesFailedError(
      attempts.length === 0
        ? `No series could be asked for ${this.subject}`
        : `Every eligible series failed for ${this.subject}: ${summary}`,
      attempts,
    );
  }
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
  // Stryker disable next-line ConditionalExpression: with no attempts, some(passing) below is false as well
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

export interface RoundOptions {
  /** What is being asked for, for messages. */
  subject: string;
  /** Rounds at most (1: no second round). */
  rounds: number;
  pauseMs: number;
  /** Sleeps the pause; no second round without it. */
  sleep?: Sleep | undefined;
  signal?: AbortSignal | undefined;
  /**
   * Whether a not-found vote from the only series that could be asked gets a round to be confirmed by that
   * series (records); without it such a round ends the call as AllSeriesFailedError (lists).
   */
  confirmSoleVote: boolean;
}

/**
 * Runs `round` until it succeeds or no other round is worth it (see anotherRound), `pauseMs` apart. A round
 * throws when every series failed; its error is thrown when no round is left.
 */
export async function inRounds<R>(round: () => Promise<R>, options: RoundOptions): Promise<R> {
  let voted: Series | null = null;
  for (let n = 1; ; n++) {
    try {
      return await round();
    } catch (error) {
      const vote = options.confirmSoleVote ? soleVote(error) : null;
      if (vote !== null && vote === voted) {
        const last = (error as AllSeriesFailedError).attempts[0]!;
        throw new NotFoundError(`${options.subject}: not found (said twice by ${vote}, the only series asked)`, {
          endpoint: last.endpoint,
          series: last.series,
          httpStatus: last.httpStatus,
          requestId: last.requestId,
          cause: last,
        });
      }
      voted = vote;
      const again = vote !== null ? n < options.rounds : anotherRound(error, n, options.rounds);
      if (!again || !options.sleep || options.signal?.aborted) throw error;
      await options.sleep(options.pauseMs, options.signal);
    }
  }
}
