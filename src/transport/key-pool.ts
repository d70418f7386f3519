/**
 * The key pool: each TikHub key with its own limits (a `RateLimiter`: its 10 req/s, its endpoint limits,
 * its concurrency) and its own standing. Calls go to the healthy key that can send soonest (ties in turn),
 * so they spread over the keys and the aggregate rate grows with their number. A 401 (key rejected) or a
 * 402 (balance spent) takes that key out for the rest of the process, said once in a log line that names
 * its fingerprint; the other keys go on. When no key is left, `allOutError` says which key failed how.
 */
import { AuthError, type ErrorContext, PaymentRequiredError, type XhsError } from "../core/errors.js";
import { keyFingerprint } from "../core/key-fingerprint.js";
import type { RateLimiter } from "./rate-limiter.js";

export interface KeyLane {
  readonly key: string;
  readonly fingerprint: string;
  readonly limiter: RateLimiter;
  /** Why the key is out (undefined while it is in). */
  out: { kind: "auth" | "payment"; httpStatus: number | undefined } | undefined;
}

/** Errors that take a key out of a pool of several: its key was rejected or its balance is spent. */
export function takesKeyOut(error: XhsError): error is XhsError & { kind: "auth" | "payment" } {
  return error.kind === "auth" || error.kind === "payment";
}

const WHY: Record<"auth" | "payment", string> = {
  auth: "TikHub rejected it (revoked or mistyped?)",
  payment: "its balance is spent",
};

export class KeyPool {
  readonly lanes: readonly KeyLane[];
  #turn = 0;

  constructor(
    keys: readonly string[],
    limiterFor: (key: string) => RateLimiter,
    private readonly warn: (message: string, data: Record<string, unknown>) => void = () => {},
  ) {
    this.lanes = keys.map((key) => ({
      key,
      fingerprint: keyFingerprint(key),
      limiter: limiterFor(key),
      out: undefined,
    }));
  }

  get size(): number {
    return this.lanes.length;
  }

  /** The keys still in. */
  get active(): KeyLane[] {
    return this.lanes.filter((lane) => lane.out === undefined);
  }

  /**
   * The key for the next call to `endpoint`: among the keys still in, one with a free concurrency slot
   * before one without, then the one whose tokens come soonest; ties go round in turn. Undefined when
   * every key is out.
   */
  pick(endpoint: string): KeyLane | undefined {
    let best: KeyLane | undefined;
    let bestCost = Number.POSITIVE_INFINITY;
    const n = this.lanes.length;
    for (let step = 0; step < n; step++) {
      const lane = this.lanes[(this.#turn + step) % n] as KeyLane;
      if (lane.out !== undefined) continue;
      const { concurrency } = lane.limiter;
      const full = concurrency.limit > 0 && concurrency.inUse >= concurrency.limit;
      const cost = (full ? 1e12 + concurrency.waiting * 1e6 : 0) + lane.limiter.msUntilAvailable(endpoint);
      if (cost < bestCost) {
        best = lane;
        bestCost = cost;
      }
    }
    if (best) this.#turn = (this.lanes.indexOf(best) + 1) % n;
    return best;
  }

  /**
   * Takes `lane`'s key out after `error` (a 401 or 402) when the pool has other keys; a pool of one keeps
   * its key (the error ends the call as it always has). Returns true when the key went out now.
   */
  takeOut(lane: KeyLane, error: XhsError & { kind: "auth" | "payment" }): boolean {
    if (this.lanes.length < 2 || lane.out !== undefined) return false;
    lane.out = { kind: error.kind, httpStatus: error.httpStatus };
    const left = this.active.length;
    this.warn(
      `TikHub API key ${lane.fingerprint} taken out of the pool: ${WHY[error.kind]} (HTTP ${error.httpStatus ?? "?"}); ` +
        `${left} of ${this.lanes.length} keys left`,
      { keyFingerprint: lane.fingerprint, kind: error.kind, httpStatus: error.httpStatus, keysLeft: left },
    );
    return true;
  }

  /** The error when every key is out: payment when all are spent, else auth; each key by fingerprint and cause. */
  allOutError(context: ErrorContext): XhsError {
    const each = this.lanes
      .map(
        (lane) =>
          `${lane.fingerprint}: ${lane.out ? `HTTP ${lane.out.httpStatus ?? "?"}, ${WHY[lane.out.kind]}` : "in"}`,
      )
      .join("; ");
    const message =
      `every TikHub API key of the pool (${this.lanes.length}) is out (${each}): ` +
      "check the keys and balances at https://user.tikhub.io, then run again";
    return this.lanes.every((lane) => lane.out?.kind === "payment")
      ? new PaymentRequiredError(message, context)
      : new AuthError(message, context);
  }
}
