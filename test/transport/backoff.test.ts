/**
 * The retry decisions on one series (src/transport/backoff.ts): how long to wait before retry N (base,
 * growth, cap, jitter, whole ms), which errors are worth a same-series retry, and how many retries a billed
 * failure may have. The transport's own tests (transport.test.ts) show these used on the fake clock.
 */
import { describe, expect, it } from "vitest";
import {
  AbortedError,
  AuthError,
  BudgetExceededError,
  ConnectionError,
  InvalidInputError,
  NotFoundError,
  PaymentRequiredError,
  PermissionError,
  RateLimitError,
  ShapeError,
  TimeoutError,
  UpstreamError,
  WrongItemError,
} from "../../src/core/errors.js";
import { backoffDelay, isRetryable, MAX_BILLED_RETRIES, retryLimitFor } from "../../src/transport/backoff.js";

const MID = () => 0.5;
const LOW = () => 0;
const HIGH = () => 0.999_999;

describe("backoffDelay", () => {
  it("grows by the factor from the base, un-jittered at random 0.5", () => {
    expect([1, 2, 3, 4, 5].map((r) => backoffDelay(r, MID))).toEqual([500, 1000, 2000, 4000, 8000]);
    expect([1, 2, 3, 4].map((r) => backoffDelay(r, MID, { baseMs: 100, factor: 3 }))).toEqual([100, 300, 900, 2700]);
    expect([1, 2, 3].map((r) => backoffDelay(r, MID, { baseMs: 200, factor: 1 }))).toEqual([200, 200, 200]);
  });

  it("treats retry 0 or below as the first retry (never less than the base)", () => {
    expect(backoffDelay(0, MID)).toBe(500);
    expect(backoffDelay(-3, MID)).toBe(500);
    expect(backoffDelay(0, MID, { baseMs: 100, factor: 10 })).toBe(100);
  });

  it("jitters by ± the given share: random 0 is the low end, random near 1 the high end", () => {
    expect(backoffDelay(3, LOW)).toBe(1500);
    expect(backoffDelay(3, HIGH)).toBe(2500);
    expect(backoffDelay(3, LOW, { jitter: 0.5 })).toBe(1000);
    expect(backoffDelay(3, HIGH, { jitter: 0.5 })).toBe(3000);
    expect(backoffDelay(3, LOW, { jitter: 0 })).toBe(2000);
    expect(backoffDelay(3, () => 0.75)).toBe(2250);
    expect(backoffDelay(3, () => 0.25)).toBe(1750);
  });

  it("caps the delay, jitter included, and the growth before jitter", () => {
    expect(backoffDelay(10, MID)).toBe(30_000);
    expect(backoffDelay(10, HIGH)).toBe(30_000);
    // Capped before jitter: the low end is 75 % of the cap, not of 256 s.
    expect(backoffDelay(10, LOW)).toBe(22_500);
    expect(backoffDelay(1, HIGH, { baseMs: 900, capMs: 1000 })).toBe(1000);
    expect(backoffDelay(1, LOW, { baseMs: 900, capMs: 1000 })).toBe(675);
    expect(backoffDelay(4, MID, { capMs: 3000 })).toBe(3000);
    expect(backoffDelay(3, MID, { capMs: 3000 })).toBe(2000);
  });

  it("is never negative, even with jitter above 100 %", () => {
    expect(backoffDelay(1, LOW, { jitter: 2 })).toBe(0);
    expect(backoffDelay(1, HIGH, { jitter: 2 })).toBe(1500);
  });

  it("rounds to whole milliseconds (to the nearest)", () => {
    expect(backoffDelay(1, LOW, { baseMs: 1 })).toBe(1); // 0.75
    expect(backoffDelay(1, () => 0.2, { baseMs: 10 })).toBe(9); // 8.5
    expect(backoffDelay(1, () => 0.1, { baseMs: 10 })).toBe(8); // 8.0
    expect(backoffDelay(1, MID, { baseMs: 333.4 })).toBe(333);
    expect(Number.isInteger(backoffDelay(2, () => 0.123, { baseMs: 77 }))).toBe(true);
  });
});

describe("isRetryable", () => {
  it("retries a 429 and an upstream failure on the same series", () => {
    expect(isRetryable(new RateLimitError("429", { httpStatus: 429 }))).toBe(true);
    expect(isRetryable(new UpstreamError("502", { httpStatus: 502 }))).toBe(true);
    expect(isRetryable(new UpstreamError("服务异常", { httpStatus: 200, retryable: true }))).toBe(true);
  });

  it("does not retry an upstream error marked not retryable, or an empty payload", () => {
    expect(isRetryable(new UpstreamError("deprecated", { httpStatus: 410, retryable: false }))).toBe(false);
    expect(isRetryable(new UpstreamError("empty", { httpStatus: 200, emptyPayload: true }))).toBe(false);
    expect(isRetryable(new UpstreamError("empty", { httpStatus: 200, emptyPayload: false }))).toBe(true);
  });

  it("does not retry timeouts, dropped connections, fatal kinds, wrong items, shapes or not found", () => {
    const others = [
      new TimeoutError("t"),
      new ConnectionError("c"),
      new AuthError("a"),
      new PermissionError("p"),
      new PaymentRequiredError("$"),
      new InvalidInputError("i"),
      new BudgetExceededError("b"),
      new AbortedError("x"),
      new WrongItemError("w"),
      new ShapeError("s"),
      new NotFoundError("n"),
    ];
    for (const error of others) expect(isRetryable(error), error.kind).toBe(false);
  });
});

describe("retryLimitFor", () => {
  it("gives a billed failure (HTTP 200) at most MAX_BILLED_RETRIES, others the limit asked for", () => {
    expect(MAX_BILLED_RETRIES).toBe(1);
    const billed = new UpstreamError("服务异常", { httpStatus: 200 });
    expect(retryLimitFor(billed, 3)).toBe(1);
    expect(retryLimitFor(billed, 1)).toBe(1);
    expect(retryLimitFor(billed, 0)).toBe(0);
    expect(retryLimitFor(new UpstreamError("502", { httpStatus: 502 }), 3)).toBe(3);
    expect(retryLimitFor(new RateLimitError("429", { httpStatus: 429 }), 5)).toBe(5);
    expect(retryLimitFor(new UpstreamError("no status"), 2)).toBe(2);
  });
});
