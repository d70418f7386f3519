/**
 * The one token bucket: a rate, a size, and tokens refilled from the injected clock (a fake one in
 * tests). It only counts; waiting, 429 back-off and per-key bookkeeping belong to its callers (the
 * transport's limiter, the server's per-client limit, the simulator's per-key limit).
 */
import type { Clock } from "./types.js";

export interface TokenBucketLimit {
  /** Tokens added per second. */
  perSecond: number;
  /** Most tokens the bucket holds (what may go at once after being idle). */
  burst: number;
}

export class TokenBucket {
  #perSecond: number;
  readonly burst: number;
  #tokens: number;
  #updatedAt: number;

  /** Starts full. */
  constructor(
    limit: TokenBucketLimit,
    private readonly clock: Clock,
  ) {
    this.#perSecond = limit.perSecond;
    this.burst = limit.burst;
    this.#tokens = limit.burst;
    this.#updatedAt = clock.now();
  }

  get perSecond(): number {
    return this.#perSecond;
  }

  /** Tokens now (negative while callers hold reservations not yet due). */
  get tokens(): number {
    this.refill();
    return this.#tokens;
  }

  /** Changes the rate from now on; what piled up so far was earned at the old rate. */
  setRate(perSecond: number): void {
    this.refill();
    this.#perSecond = perSecond;
  }

  /** Seconds until `count` tokens are there (0: now). */
  secondsUntil(count = 1): number {
    this.refill();
    return this.#tokens >= count ? 0 : (count - this.#tokens) / this.#perSecond;
  }

  /** Takes `count` tokens, going into debt when there are fewer (a reservation later callers wait behind). */
  take(count = 1): void {
    this.refill();
    this.#tokens -= count;
  }

  /** Takes `count` tokens when all are there; otherwise takes none and returns false. */
  tryTake(count = 1): boolean {
    this.refill();
    if (this.#tokens < count) return false;
    this.#tokens -= count;
    return true;
  }

  /** Returns tokens taken by a caller that gave up. */
  giveBack(count = 1): void {
    this.#tokens += count;
  }

  /** Empties the bucket and owes `debt` tokens more (a server's "wait before the next one"). */
  owe(debt: number): void {
    this.refill();
    this.#tokens = Math.min(this.#tokens, 0) - debt;
  }

  /** Brings the tokens up to the clock; a clock that goes back adds nothing. */
  private refill(): void {
    const now = this.clock.now();
    if (now > this.#updatedAt) {
      this.#tokens = Math.min(this.burst, this.#tokens + ((now - this.#updatedAt) / 1000) * this.#perSecond);
      this.#updatedAt = now;
    }
  }
}
