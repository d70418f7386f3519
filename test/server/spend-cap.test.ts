/**
 * The daily spending cap is a reservation taken before every paid upstream call (each page of a list
 * included), shared by REST and MCP: under any concurrency the amount spent stays within the cap plus
 * the calls already in flight when it was reached. Amounts are read from the simulator's own ledger.
 */
import { describe, expect, it } from "vitest";
import { DEFAULT_PRICE_USD } from "../../src/catalog/endpoints.js";
import { createFakeClock } from "../../src/core/clock.js";
import { BudgetExceededError } from "../../src/core/errors.js";
import type { AttemptEvent } from "../../src/core/types.js";
import { PROBLEM_TYPES, problemFor } from "../../src/service/problem.js";
import { SpendGuard } from "../../src/service/spend-guard.js";
import { GUIDE } from "../../src/simulator/world/index.js";
import { json, rig } from "./helpers.js";

const CAP = 0.05;
/** The client's default concurrency (rig() leaves it): at most this many calls in flight. */
const CONCURRENCY = 4;

function spent(r: ReturnType<typeof rig>): number {
  return r.sim.ledger.snapshot().totals.costUsd;
}

describe("the daily cap under concurrency", () => {
  for (const seed of [7, 11, 23]) {
    it(`100 concurrent uncached multi-page searches spend at most cap + concurrency × price (seed ${seed})`, async () => {
      const r = rig({ sim: { seed }, runtime: { maxCostPerDayUsd: CAP } });
      const responses = await Promise.all(
        Array.from({ length: 100 }, (_, i) =>
          r.get(`/v1/search/notes?q=${encodeURIComponent(`${GUIDE.keywords[i % 3]} ${i}`)}&limit=60`),
        ),
      );
      const statuses = responses.map((x) => x.status);
      const amount = spent(r);
      expect(amount).toBeGreaterThan(0);
      expect(amount).toBeLessThanOrEqual(CAP + CONCURRENCY * DEFAULT_PRICE_USD + 1e-9);
      // Reserving before each call keeps it within the cap itself (prices are the catalogue's).
      expect(amount).toBeLessThanOrEqual(CAP + 1e-9);
      // The server's own count agrees with what the simulator billed.
      expect(r.runtime.spend.today().spentUsd).toBeCloseTo(amount, 9);
      const capped = responses.filter((x) => x.status === 503);
      expect(capped.length).toBeGreaterThan(90);
      for (const res of capped) expect((await json(res))["type"]).toBe(PROBLEM_TYPES.spendingCap);
      expect(statuses.every((s) => s === 200 || s === 503)).toBe(true);
    });
  }

  it("a list's later pages are reserved too: one long list stops at the cap", async () => {
    const r = rig({ runtime: { maxCostPerDayUsd: CAP } });
    const res = await r.get(`/v1/notes/${GUIDE.replyNoteId}/comments?limit=100`);
    expect(spent(r)).toBeLessThanOrEqual(CAP + 1e-9);
    // The huge note's 100 comments take more pages than the cap pays for: a spending-cap problem.
    expect(res.status).toBe(503);
    expect((await json(res))["type"]).toBe(PROBLEM_TYPES.spendingCap);
    expect(Number(res.headers.get("retry-after"))).toBeGreaterThan(0);
  });
});

describe("the daily cap when calls fail unbilled", () => {
  it.each([7, 11, 23])(
    "a 5xx frees its reservation: the cap is still reached, never passed (seed %i)",
    async (seed) => {
      const r = rig({
        sim: { seed, faults: { defaults: { rates: { http_503: 0.5 } } } },
        runtime: { maxCostPerDayUsd: CAP },
      });
      await Promise.all(
        Array.from({ length: 60 }, (_, i) => r.get(`/v1/search/notes?q=${encodeURIComponent(`露营 ${i}`)}&limit=20`)),
      );
      const { totals } = r.sim.ledger.snapshot();
      expect(totals.calls).toBeGreaterThan(totals.billableCalls); // some calls failed, unbilled
      expect(totals.costUsd).toBeLessThanOrEqual(CAP + 1e-9);
      expect(totals.costUsd).toBeCloseTo(CAP, 9); // the unbilled calls did not use the cap up
      expect(r.runtime.spend.today().spentUsd).toBeCloseTo(totals.costUsd, 9);
    },
  );
});

describe("SpendGuard reservations", () => {
  const event = (costUsd: number) => ({ billable: costUsd > 0, costUsd }) as AttemptEvent;

  it("counts calls in flight, frees unbilled ones, and refuses with the spending-cap problem", async () => {
    const fake = createFakeClock(Date.UTC(2026, 0, 1, 23, 0, 0));
    const guard = new SpendGuard(0.03, fake.clock);
    const a = guard.reserve("app_v2/search_notes", 0.01);
    const b = guard.reserve("app_v2/search_notes", 0.01);
    const c = guard.reserve("app_v2/search_notes", 0.01);
    // Three in flight fill the cap before anything is billed.
    let refused: unknown;
    try {
      guard.reserve("app_v2/search_notes", 0.01);
    } catch (error) {
      refused = error;
    }
    expect(refused).toBeInstanceOf(BudgetExceededError);
    expect(problemFor(refused)).toMatchObject({ status: 503, type: PROBLEM_TYPES.spendingCap, retryAfterSec: 3600 });
    expect(problemFor(refused).detail).toMatch(/in flight/);
    // a is billed, b fails unbilled (its reservation is freed), c is still in flight.
    guard.record(event(0.01));
    a();
    guard.record(event(0));
    b();
    b(); // freeing twice frees once
    const d = guard.reserve("app_v2/search_notes", 0.01);
    expect(() => guard.reserve("app_v2/search_notes", 0.01)).toThrow(BudgetExceededError);
    c();
    d();
    expect(guard.today()).toEqual({ spentUsd: 0.01, billableCalls: 1 });
    // A new UTC day starts from zero.
    guard.record(event(0.01));
    guard.record(event(0.01));
    expect(() => guard.check()).toThrow();
    await fake.advance(3_600_000);
    expect(() => guard.check()).not.toThrow();
    expect(guard.today()).toEqual({ spentUsd: 0, billableCalls: 0 });
    for (const free of [0, 1, 2].map(() => guard.reserve("app_v2/search_notes", 0.01))) free();
  });

  it("without a cap, nothing is refused", () => {
    const guard = new SpendGuard(undefined, createFakeClock().clock);
    for (let i = 0; i < 1000; i++) guard.reserve("app_v2/search_notes", 1);
    expect(() => guard.check()).not.toThrow();
  });
});
