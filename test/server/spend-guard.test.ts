/**
 * The server's daily spending cap (`SpendGuard`) on its own, through its public methods: what fits under the
 * cap (exactly, in micro-dollars), what the refusal says (spent, in flight, the next price, Retry-After to
 * 00:00 UTC), the early check, and the UTC day boundary. The concurrency story is in spend-cap.test.ts.
 * Issue #17 (mutation testing of the budget guards).
 */
import { describe, expect, it } from "vitest";
import { createFakeClock } from "../../src/core/clock.js";
import { BudgetExceededError } from "../../src/core/errors.js";
import type { AttemptEvent } from "../../src/core/types.js";
import { PROBLEM_TYPES, problemFor, ServerProblem } from "../../src/service/problem.js";
import { SpendGuard } from "../../src/service/spend-guard.js";

const EP = "app_v2/search_notes";
const HOUR = 3_600_000;
/** 2026-01-01 22:00:00.000 UTC: two hours before midnight. */
const T0 = Date.UTC(2026, 0, 1, 22, 0, 0);

const paid = (costUsd: number, billable = true) => ({ billable, costUsd }) as AttemptEvent;

function guardAt(cap: number | undefined, now = T0) {
  const fake = createFakeClock(now);
  return { fake, guard: new SpendGuard(cap, fake.clock) };
}

function refusal(fn: () => unknown): BudgetExceededError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(BudgetExceededError);
    return error as BudgetExceededError;
  }
  throw new Error("expected the cap to refuse");
}

function checkProblem(guard: SpendGuard): ServerProblem {
  try {
    guard.check();
  } catch (error) {
    expect(error).toBeInstanceOf(ServerProblem);
    return error as ServerProblem;
  }
  throw new Error("expected the check to refuse");
}

describe("SpendGuard: the cap", () => {
  it.each([0, -1, Number.NaN])("a cap of %s USD is refused", (cap) => {
    expect(() => new SpendGuard(cap, createFakeClock().clock)).toThrow(
      new RangeError("the daily spending cap must be > 0 USD"),
    );
  });

  it("a cap of a micro-dollar is accepted and holds", () => {
    const { guard } = guardAt(0.000001);
    guard.reserve(EP, 0.000001);
    expect(() => guard.reserve(EP, 0.000001)).toThrow(BudgetExceededError);
  });

  it("reservations may reach the cap exactly (0.01 × 3 = 0.03), not pass it", () => {
    const { guard } = guardAt(0.03);
    guard.reserve(EP, 0.01);
    guard.reserve(EP, 0.01);
    guard.reserve(EP, 0.01);
    expect(() => guard.reserve(EP, 0.000001)).toThrow(BudgetExceededError);
  });

  it("spending counts like reservations: spent + in flight + price must fit", () => {
    const { guard } = guardAt(0.05);
    guard.record(paid(0.02));
    guard.record(paid(0.02));
    const free = guard.reserve(EP, 0.01);
    expect(() => guard.reserve(EP, 0.01)).toThrow(BudgetExceededError);
    free();
    guard.reserve(EP, 0.01);
  });

  it("a price below zero reserves nothing", () => {
    const { guard } = guardAt(0.01);
    guard.reserve(EP, -5);
    guard.reserve(EP, 0.01);
    expect(() => guard.reserve(EP, 0.01)).toThrow(BudgetExceededError);
  });

  it("a free call fits when the cap is full", () => {
    const { guard } = guardAt(0.01);
    guard.reserve(EP, 0.01);
    for (let i = 0; i < 3; i++) guard.reserve(EP, 0);
  });

  it("freeing a reservation twice frees it once", () => {
    const { guard } = guardAt(0.02);
    const a = guard.reserve(EP, 0.01);
    guard.reserve(EP, 0.01);
    a();
    a();
    guard.reserve(EP, 0.01);
    expect(() => guard.reserve(EP, 0.01)).toThrow(BudgetExceededError);
  });
});

describe("SpendGuard: the refusal", () => {
  it("names what was spent, what is in flight and the next price, with Retry-After to midnight UTC", () => {
    const { guard } = guardAt(0.05);
    guard.record(paid(0.03));
    guard.reserve(EP, 0.01);
    const error = refusal(() => guard.reserve(EP, 0.02, "app_v1"));
    expect(error.endpoint).toBe(EP);
    expect(error.series).toBe("app_v1");
    expect(error.retryAfterSec).toBe(7200);
    expect(error.cause).toBeInstanceOf(ServerProblem);
    const body = problemFor(error);
    expect(body).toEqual({
      type: PROBLEM_TYPES.spendingCap,
      title: "Daily spending cap reached",
      status: 503,
      detail:
        "This server spent $0.0300 today (UTC) with $0.0100 more in flight, and the next upstream call ($0.02) would pass its cap of $0.05. " +
        "Cached answers are still served; new upstream calls resume after 00:00 UTC, or the operator can raise --max-cost.",
      retryAfterSec: 7200,
    });
    expect(error.message).toBe(body.detail);
  });

  it("without calls in flight the detail says nothing of them", () => {
    const { guard } = guardAt(0.01);
    guard.record(paid(0.01));
    const error = refusal(() => guard.reserve(EP, 0.01));
    expect(error.message).toMatch(/^This server spent \$0\.0100 today \(UTC\), and the next upstream call/);
    expect(error.series).toBeUndefined();
  });

  it("Retry-After rounds up to the whole second", () => {
    const { guard } = guardAt(0.01, Date.UTC(2026, 0, 1, 23, 59, 58, 500));
    guard.record(paid(0.01));
    expect(refusal(() => guard.reserve(EP, 0.01)).retryAfterSec).toBe(2);
  });
});

describe("SpendGuard: the early check", () => {
  it("passes below the cap, refuses at it, with the problem saying the cap is reached", () => {
    const { guard } = guardAt(0.02);
    guard.check();
    guard.record(paid(0.01));
    guard.check();
    guard.reserve(EP, 0.01); // in flight: not spent, the check still passes
    guard.check();
    guard.record(paid(0.01));
    const problem = checkProblem(guard);
    expect(problem.body).toMatchObject({ status: 503, type: PROBLEM_TYPES.spendingCap, retryAfterSec: 7200 });
    expect(problem.body.detail).toBe(
      "This server spent $0.0200 today (UTC) with $0.0100 more in flight, reaching its cap of $0.02. " +
        "Cached answers are still served; new upstream calls resume after 00:00 UTC, or the operator can raise --max-cost.",
    );
  });

  it("without a cap the check and the reservation never refuse", () => {
    const { guard } = guardAt(undefined);
    guard.record(paid(1000));
    guard.check();
    guard.reserve(EP, 1000)();
    expect(guard.today()).toEqual({ spentUsd: 1000, billableCalls: 1 });
  });
});

describe("SpendGuard: the day's account", () => {
  it("counts billable calls and every cost, exactly", () => {
    const { guard } = guardAt(10);
    for (let i = 0; i < 3; i++) guard.record(paid(0.1));
    guard.record(paid(0, false));
    expect(guard.today()).toEqual({ spentUsd: 0.3, billableCalls: 3 });
  });

  it("starts again at 00:00 UTC, not before; calls in flight stay reserved across midnight", async () => {
    const { fake, guard } = guardAt(0.02, Date.UTC(2026, 0, 1, 23, 59, 59, 0));
    guard.record(paid(0.01));
    const inFlight = guard.reserve(EP, 0.01);
    expect(() => guard.reserve(EP, 0.01)).toThrow(BudgetExceededError);
    await fake.advance(999);
    expect(guard.today()).toEqual({ spentUsd: 0.01, billableCalls: 1 });
    expect(() => guard.reserve(EP, 0.01)).toThrow(BudgetExceededError);
    await fake.advance(1);
    expect(guard.today()).toEqual({ spentUsd: 0, billableCalls: 0 });
    guard.reserve(EP, 0.01);
    expect(() => guard.reserve(EP, 0.01)).toThrow(BudgetExceededError);
    inFlight();
    guard.reserve(EP, 0.01);
  });

  it("a recorded cost on a new day is that day's", async () => {
    const { fake, guard } = guardAt(1, Date.UTC(2026, 0, 1, 23, 0, 0));
    guard.record(paid(0.5));
    await fake.advance(HOUR);
    guard.record(paid(0.01));
    expect(guard.today()).toEqual({ spentUsd: 0.01, billableCalls: 1 });
  });

  it("the early check on a new day passes again", async () => {
    const { fake, guard } = guardAt(0.01);
    guard.record(paid(0.01));
    expect(() => guard.check()).toThrow(ServerProblem);
    await fake.advance(2 * HOUR);
    guard.check();
  });
});
