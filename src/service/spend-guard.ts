/**
 * The daily spending cap (`--max-cost` per UTC day), shared by the HTTP API and MCP. It is a reservation
 * taken before every paid upstream call (each page of a list, each retry and each failover included):
 * the runtime adds it to the client's ledger as a `SpendGate`, so a call runs only if today's spend plus
 * the calls in flight plus its own price stay within the cap. The amount spent therefore never passes
 * the cap, whatever the concurrency; a call that ends unbilled (a 5xx, a 429, a timeout) frees its
 * reservation. Once no call fits, requests that need upstream are refused with 503 (cached answers are
 * still served) until the next UTC midnight.
 */

import { BudgetExceededError } from "../core/errors.js";
import type { AttemptEvent, Clock } from "../core/types.js";
import type { Series } from "../core/vocabulary.js";
import type { SpendGate } from "../transport/ledger.js";
import { PROBLEM_TYPES, problem, type ServerProblem } from "./problem.js";

const DAY_MS = 86_400_000;
/** Money in integer micro-dollars, as the client's ledger keeps it (0.01 × 5 is exactly 0.05). */
const MICRO = 1_000_000;

export class SpendGuard implements SpendGate {
  // Stryker disable next-line UnaryOperator: equivalent, any start day works (the counters it resets start at 0)
  private day = -1;
  private spentMicro = 0;
  private calls = 0;
  /** Prices of the calls in flight (reserved, not yet recorded). */
  private reservedMicro = 0;
  private readonly capMicro: number | undefined;

  constructor(
    /** USD per UTC day; undefined = no cap. */
    readonly maxCostPerDayUsd: number | undefined,
    private readonly clock: Clock,
  ) {
    if (maxCostPerDayUsd !== undefined && !(maxCostPerDayUsd > 0))
      throw new RangeError("the daily spending cap must be > 0 USD");
    this.capMicro = maxCostPerDayUsd === undefined ? undefined : Math.round(maxCostPerDayUsd * MICRO);
  }

  private roll(): void {
    const day = Math.floor(this.clock.now() / DAY_MS);
    if (day !== this.day) {
      this.day = day;
      this.spentMicro = 0;
      this.calls = 0;
    }
  }

  /**
   * Reserves `priceUsd` for one upstream attempt, or throws a BudgetExceededError (its cause the 503
   * spending-cap problem) when today's spend plus the calls in flight plus this one would pass the cap.
   */
  reserve(endpoint: string, priceUsd: number, series?: Series): () => void {
    if (this.capMicro === undefined) return () => {};
    this.roll();
    const price = Math.max(0, Math.round(priceUsd * MICRO));
    if (this.spentMicro + this.reservedMicro + price > this.capMicro) {
      const capProblem = this.capProblem(priceUsd);
      throw new BudgetExceededError(capProblem.body.detail, {
        endpoint,
        series,
        retryAfterSec: capProblem.body.retryAfterSec,
        cause: capProblem,
      });
    }
    this.reservedMicro += price;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.reservedMicro -= price;
    };
  }

  /** Adds one attempt's cost to today's spend (fed by the client's attempt events). */
  record(event: AttemptEvent): void {
    this.roll();
    if (event.billable) this.calls++;
    this.spentMicro += Math.round(event.costUsd * MICRO);
  }

  today(): { spentUsd: number; billableCalls: number } {
    this.roll();
    return { spentUsd: this.spentMicro / MICRO, billableCalls: this.calls };
  }

  /**
   * Throws the 503 spending-cap problem when today's spend has reached the cap: a free early refusal
   * before a request starts (the reservation before each call is what bounds the spend).
   */
  check(): void {
    if (this.capMicro === undefined) return;
    this.roll();
    if (this.spentMicro < this.capMicro) return;
    throw this.capProblem();
  }

  private capProblem(nextPriceUsd?: number): ServerProblem {
    const now = this.clock.now();
    const untilMidnightSec = Math.ceil(((Math.floor(now / DAY_MS) + 1) * DAY_MS - now) / 1000);
    const spent = `$${(this.spentMicro / MICRO).toFixed(4)}`;
    const inFlight = this.reservedMicro > 0 ? ` with $${(this.reservedMicro / MICRO).toFixed(4)} more in flight` : "";
    const reason =
      nextPriceUsd === undefined
        ? `reaching its cap of $${this.maxCostPerDayUsd}`
        : `and the next upstream call ($${nextPriceUsd}) would pass its cap of $${this.maxCostPerDayUsd}`;
    return problem(
      PROBLEM_TYPES.spendingCap,
      503,
      "Daily spending cap reached",
      `This server spent ${spent} today (UTC)${inFlight}, ${reason}. ` +
        "Cached answers are still served; new upstream calls resume after 00:00 UTC, or the operator can raise --max-cost.",
      { retryAfterSec: untilMidnightSec },
    );
  }
}
