/**
 * The daily spending cap (`--max-cost` per UTC day). Every attempt the client reports adds its cost;
 * once today's spend reaches the cap, requests that would call upstream are refused (cached answers
 * are still served) until the next UTC midnight.
 *
 * The check runs before a request starts, so one request in flight when the cap is crossed may still
 * finish: the overshoot is bounded by one request (a list of at most 100 items).
 */
import type { AttemptEvent, Clock } from "../client/types.js";
import { PROBLEM_TYPES, problem } from "./problem.js";

const DAY_MS = 86_400_000;

export class SpendGuard {
  private day = -1;
  private spentUsd = 0;
  private calls = 0;

  constructor(
    /** USD per UTC day; undefined = no cap. */
    readonly maxCostPerDayUsd: number | undefined,
    private readonly clock: Clock,
  ) {
    if (maxCostPerDayUsd !== undefined && !(maxCostPerDayUsd > 0))
      throw new RangeError("the daily spending cap must be > 0 USD");
  }

  private roll(): void {
    const day = Math.floor(this.clock.now() / DAY_MS);
    if (day !== this.day) {
      this.day = day;
      this.spentUsd = 0;
      this.calls = 0;
    }
  }

  record(event: AttemptEvent): void {
    this.roll();
    if (event.billable) this.calls++;
    this.spentUsd += event.costUsd;
  }

  today(): { spentUsd: number; billableCalls: number } {
    this.roll();
    return { spentUsd: this.spentUsd, billableCalls: this.calls };
  }

  /** Throws a 503 spending-cap problem when today's spend has reached the cap. */
  check(): void {
    if (this.maxCostPerDayUsd === undefined) return;
    this.roll();
    if (this.spentUsd < this.maxCostPerDayUsd - 1e-12) return;
    const now = this.clock.now();
    const untilMidnightSec = Math.ceil(((Math.floor(now / DAY_MS) + 1) * DAY_MS - now) / 1000);
    throw problem(
      PROBLEM_TYPES.spendingCap,
      503,
      "Daily spending cap reached",
      `This server spent $${this.spentUsd.toFixed(4)} today (UTC), reaching its cap of $${this.maxCostPerDayUsd}. ` +
        "Cached answers are still served; new upstream calls resume after 00:00 UTC, or the operator can raise --max-cost.",
      { retryAfterSec: untilMidnightSec },
    );
  }
}
