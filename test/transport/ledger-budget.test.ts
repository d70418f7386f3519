/**
 * The ledger's budget and accounts, through its public methods: `maxCalls` / `maxCostUsd` (the client's
 * `--max-calls` / `--max-cost`) decided before each attempt with attempts in flight reserved, prices, and what
 * `stats()` reports of the attempts recorded. Issue #17 (mutation testing of the budget guards).
 */
import { describe, expect, it } from "vitest";
import { BudgetExceededError } from "../../src/core/errors.js";
import { percentile } from "../../src/core/stats.js";
import type { AttemptEvent } from "../../src/core/types.js";
import { Ledger } from "../../src/transport/ledger.js";
import { attemptEvent } from "../support/attempt-event.js";

const EP = "app_v2/search_notes";

const event = (overrides: Partial<AttemptEvent> = {}): AttemptEvent => attemptEvent({ endpoint: EP, ...overrides });

/** What `reserve` threw, or fails the test. */
function refusal(ledger: Ledger, endpoint = EP): BudgetExceededError {
  try {
    ledger.reserve(endpoint, "app_v2");
  } catch (error) {
    expect(error).toBeInstanceOf(BudgetExceededError);
    return error as BudgetExceededError;
  }
  throw new Error("expected the budget to refuse");
}

describe("maxCalls: paid calls plus calls in flight", () => {
  it("lets exactly maxCalls attempts be in flight and refuses the next, naming them", () => {
    const ledger = new Ledger({ maxCalls: 2 });
    ledger.reserve(EP);
    ledger.reserve(EP);
    const error = refusal(ledger);
    expect(error.message).toBe("budget reached: 0 paid call(s) and 2 in flight of at most 2");
    expect(error.endpoint).toBe(EP);
    expect(error.series).toBe("app_v2");
  });

  it("a released attempt that was not billed frees its place; a billed one keeps it", () => {
    const ledger = new Ledger({ maxCalls: 2 });
    const a = ledger.reserve(EP);
    ledger.record(event({ billable: false, costUsd: 0, outcome: "upstream", httpStatus: 502 }));
    a.release();
    const b = ledger.reserve(EP);
    ledger.record(event());
    b.release();
    ledger.reserve(EP).release();
    ledger.record(event());
    expect(refusal(ledger).message).toBe("budget reached: 2 paid call(s) of at most 2");
  });

  it("releasing twice frees one place only", () => {
    const ledger = new Ledger({ maxCalls: 2 });
    const a = ledger.reserve(EP);
    ledger.reserve(EP);
    a.release();
    a.release();
    ledger.reserve(EP);
    expect(refusal(ledger).message).toBe("budget reached: 0 paid call(s) and 2 in flight of at most 2");
  });

  it("maxCalls 0 refuses the first attempt; no budget refuses nothing", () => {
    expect(refusal(new Ledger({ maxCalls: 0 })).message).toBe("budget reached: 0 paid call(s) of at most 0");
    const free = new Ledger();
    for (let i = 0; i < 50; i++) free.reserve(EP);
    for (let i = 0; i < 50; i++) free.record(event());
    free.reserve(EP);
  });
});

describe("maxCostUsd: spend plus the price of calls in flight", () => {
  it("the call that would pass the limit is refused; reaching it exactly is allowed (micro-dollars)", () => {
    const ledger = new Ledger({ maxCostUsd: 0.03 });
    for (let i = 0; i < 3; i++) ledger.reserve(EP);
    expect(refusal(ledger).message).toBe(
      "budget reached: $0.0000 spent, 3 call(s) in flight; the next call ($0.01) would pass the $0.03 limit",
    );
  });

  it("counts what was spent, with the price of each endpoint", () => {
    const ledger = new Ledger({ maxCostUsd: 0.05, prices: { [EP]: 0.02 } });
    for (let i = 0; i < 2; i++) {
      const r = ledger.reserve(EP);
      expect(r.priceUsd).toBe(0.02);
      ledger.record(event({ costUsd: 0.02 }));
      r.release();
    }
    // $0.04 spent: a $0.02 call would pass $0.05, a $0.01 one fits.
    expect(refusal(ledger).message).toBe(
      "budget reached: $0.0400 spent; the next call ($0.02) would pass the $0.05 limit",
    );
    const cheap = ledger.reserve("app/get_note_info");
    expect(cheap.priceUsd).toBe(0.01);
    expect(refusal(ledger, "app/get_note_info").message).toMatch(/1 call\(s\) in flight; the next call \(\$0\.01\)/);
    cheap.release();
    ledger.reserve("app/get_note_info");
  });

  it("an unbilled attempt frees its price on release", () => {
    const ledger = new Ledger({ maxCostUsd: 0.01 });
    const r = ledger.reserve(EP);
    expect(() => ledger.reserve(EP)).toThrow(BudgetExceededError);
    r.release();
    ledger.reserve(EP);
  });

  it("a free endpoint (price 0) is never refused by the cost limit", () => {
    const ledger = new Ledger({ maxCostUsd: 0.01, prices: { [EP]: 0 } });
    for (let i = 0; i < 5; i++) expect(ledger.reserve(EP).priceUsd).toBe(0);
  });

  it("a refusal by the client's budget reserves nothing (calls are counted again after it)", () => {
    const ledger = new Ledger({ maxCalls: 1, maxCostUsd: 1 });
    const r = ledger.reserve(EP);
    expect(() => ledger.reserve(EP)).toThrow(/at most 1/);
    r.release();
    ledger.reserve(EP);
  });
});

describe("prices", () => {
  it("an override by name wins; App V1 names are looked up in both spellings; else the catalogue's", () => {
    const ledger = new Ledger({ prices: { "app/get_note_info": 0.03, [EP]: 0 } });
    expect(ledger.priceOf("app/get_note_info")).toBe(0.03);
    expect(ledger.priceOf("app_v1/get_note_info")).toBe(0.03);
    expect(ledger.priceOf(EP)).toBe(0);
    expect(ledger.priceOf("web_v3/fetch_note_detail")).toBe(0.01);
    expect(ledger.priceOf("nobody/knows_this")).toBe(0.01);
    expect(new Ledger().priceOf("app_v1/get_note_info")).toBe(0.01);
  });

  it("an exact override is preferred to the App V1 spelling", () => {
    const ledger = new Ledger({ prices: { "app_v1/get_note_info": 0.05, "app/get_note_info": 0.03 } });
    expect(ledger.priceOf("app_v1/get_note_info")).toBe(0.05);
  });
});

describe("gates see the price and the series", () => {
  it("each gate is asked with the endpoint, its price and the series", () => {
    const ledger = new Ledger({ prices: { [EP]: 0.02 } });
    const asked: unknown[] = [];
    ledger.addGate({
      reserve: (...args) => {
        asked.push(args);
        return () => {};
      },
    });
    ledger.reserve(EP, "app_v2");
    expect(asked).toEqual([[EP, 0.02, "app_v2"]]);
  });
});

describe("stats", () => {
  it("totals, retries and failovers (a failover counts on its first attempt only)", () => {
    const ledger = new Ledger();
    ledger.record(event());
    ledger.record(event({ retry: 1, billable: false, costUsd: 0, outcome: "timeout", httpStatus: null }));
    ledger.record(event({ retry: 2 }));
    ledger.record(event({ failover: true, series: "app_v1", endpoint: "app/search_notes" }));
    ledger.record(event({ failover: true, retry: 1, series: "app_v1", endpoint: "app/search_notes" }));
    const stats = ledger.stats();
    expect(stats).toMatchObject({ calls: 5, billableCalls: 4, costUsd: 0.04, retries: 3, failovers: 1 });
    expect(stats.bySeries.app_v2).toMatchObject({
      calls: 3,
      ok: 2,
      failed: 1,
      billableCalls: 2,
      costUsd: 0.02,
      retries: 2,
      failovers: 0,
    });
    expect(stats.bySeries.app_v1).toMatchObject({
      calls: 2,
      ok: 2,
      failed: 0,
      billableCalls: 2,
      costUsd: 0.02,
      retries: 1,
      failovers: 1,
    });
    expect(stats.bySeries.web_v3).toMatchObject({ calls: 0, costUsd: 0, latencyMsP50: null, latencyMsP95: null });
  });

  it("money adds up exactly in micro-dollars, per series and in total", () => {
    const ledger = new Ledger();
    for (let i = 0; i < 3; i++) ledger.record(event({ costUsd: 0.1 }));
    expect(ledger.stats().costUsd).toBe(0.3);
    expect(ledger.stats().bySeries.app_v2.costUsd).toBe(0.3);
    expect(ledger.stats().byEndpoint[EP]?.costUsd).toBe(0.3);
  });

  it("per endpoint: calls, billable calls, cost and errors by kind", () => {
    const ledger = new Ledger();
    ledger.record(event());
    ledger.record(event({ outcome: "upstream", billable: false, costUsd: 0, httpStatus: 502 }));
    ledger.record(event({ outcome: "upstream", billable: false, costUsd: 0, httpStatus: 503 }));
    ledger.record(event({ outcome: "timeout", billable: false, costUsd: 0, httpStatus: null }));
    ledger.record(event({ endpoint: "app/search_notes", series: "app_v1" }));
    expect(ledger.stats().byEndpoint).toEqual({
      [EP]: { calls: 4, billableCalls: 1, costUsd: 0.01, errors: { upstream: 2, timeout: 1 } },
      "app/search_notes": { calls: 1, billableCalls: 1, costUsd: 0.01, errors: {} },
    });
  });

  it("latency percentiles per series over a sliding window", () => {
    const ledger = new Ledger({ latencyWindow: 4 });
    for (const latencyMs of [1000, 900, 10, 20, 30, 40]) ledger.record(event({ latencyMs }));
    // The window keeps the last four: 10, 20, 30, 40.
    expect(ledger.stats().bySeries.app_v2).toMatchObject({ latencyMsP50: 20, latencyMsP95: 40 });
    const wide = new Ledger();
    for (let i = 1; i <= 1_001; i++) wide.record(event({ latencyMs: i === 1 ? 1_000_000 : i }));
    // The default window is 1,000: the first (huge) latency has left it.
    expect(wide.stats().bySeries.app_v2.latencyMsP95).toBe(951);
  });

  it("shape drift by endpoint and path, and the breakers the router reports", () => {
    const ledger = new Ledger();
    ledger.recordDrift(EP, "data.items[0].note");
    ledger.recordDrift(EP, "data.items[0].note");
    ledger.recordDrift(EP, "data.has_more");
    ledger.recordDrift("app/get_note_info", "data.data[0]");
    expect(ledger.stats().shapeDrift).toEqual({
      [EP]: { "data.items[0].note": 2, "data.has_more": 1 },
      "app/get_note_info": { "data.data[0]": 1 },
    });
    expect(ledger.stats().bySeries.app_v2.breakers).toEqual({});
    ledger.setBreakerReport(() => ({ app_v2: { note: "open" } }));
    expect(ledger.stats().bySeries.app_v2.breakers).toEqual({ note: "open" });
    expect(ledger.stats().bySeries.app_v1.breakers).toEqual({});
  });

  it("subscribers get every event; one that throws does not stop the others; unsubscribe stops it", () => {
    const ledger = new Ledger();
    const seen: string[] = [];
    ledger.subscribe(() => {
      throw new Error("listener bug");
    });
    const stop = ledger.subscribe((e) => seen.push(e.endpoint));
    ledger.record(event());
    stop();
    ledger.record(event());
    expect(seen).toEqual([EP]);
    expect(ledger.stats().calls).toBe(2);
  });
});

describe("percentile (nearest rank)", () => {
  it("answers a value of the data, null for none", () => {
    expect(percentile([], 50)).toBeNull();
    expect(percentile([5], 95)).toBe(5);
    expect(percentile([4, 1, 3, 2], 50)).toBe(2);
    expect(percentile([4, 1, 3, 2], 51)).toBe(3);
    expect(percentile([4, 1, 3, 2], 100)).toBe(4);
    expect(percentile([4, 1, 3, 2], 0)).toBe(1);
    expect(percentile([10, 9, 100], 95)).toBe(100);
  });

  it("does not reorder its input", () => {
    const values = [3, 1, 2];
    percentile(values, 50);
    expect(values).toEqual([3, 1, 2]);
  });
});
