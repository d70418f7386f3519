/**
 * An attempt cancelled after its request went out (a pause, Ctrl-C, a lost hedge) may have been billed: TikHub
 * bills a request on arrival (issue #13, QA). The ledger records it billable at full price, an upper bound, and tells
 * subscribers (the crawl's ledger rows, a spend gate) the same; only an abort before sending is known unbilled.
 */
import { describe, expect, it } from "vitest";
import { BudgetExceededError } from "../../src/core/errors.js";
import type { AttemptEvent } from "../../src/core/types.js";
import { billedUnknown, Ledger } from "../../src/transport/ledger.js";
import { attemptEvent } from "../support/attempt-event.js";

const EP = "app_v2/search_notes";

const event = (overrides: Partial<AttemptEvent> = {}): AttemptEvent => attemptEvent({ endpoint: EP, ...overrides });

/** Aborted while the request was out: no status, not known billed (what the transport records). */
const cancelled = (overrides: Partial<AttemptEvent> = {}) =>
  event({
    outcome: "aborted",
    httpStatus: null,
    billable: false,
    costUsd: 0,
    reason: `${EP}: aborted by the caller`,
    ...overrides,
  });

describe("an attempt whose billing is unknown", () => {
  it("is one aborted with no status, unless the abort came before the request was sent", () => {
    expect(billedUnknown(cancelled())).toBe(true);
    expect(billedUnknown(cancelled({ hedgeLost: true }))).toBe(true);
    expect(billedUnknown(cancelled({ reason: undefined }))).toBe(true);
    expect(billedUnknown(cancelled({ reason: `${EP}: aborted before the request was sent` }))).toBe(false);
    // An answer came: its status says whether it was billed.
    expect(billedUnknown(cancelled({ httpStatus: 200 }))).toBe(false);
    expect(billedUnknown(cancelled({ httpStatus: 429 }))).toBe(false);
    // Other failures without a status are left as the transport says (a timeout, a refused connection).
    expect(billedUnknown(cancelled({ outcome: "timeout" }))).toBe(false);
    expect(billedUnknown(cancelled({ outcome: "connection" }))).toBe(false);
  });

  it("is recorded, and told to subscribers, as billed at the endpoint's price; known outcomes unchanged", () => {
    const ledger = new Ledger({ prices: { [EP]: 0.02 } });
    const told: AttemptEvent[] = [];
    ledger.subscribe((e) => told.push(e));
    ledger.record(cancelled({ hedgeLost: true }));
    ledger.record(cancelled({ reason: `${EP}: aborted before the request was sent` }));
    ledger.record(event({ outcome: "timeout", httpStatus: null, billable: false, costUsd: 0 }));
    ledger.record(event({ costUsd: 0.02 }));
    expect(told.map((e) => [e.outcome, e.httpStatus, e.billable, e.costUsd])).toEqual([
      ["aborted", null, true, 0.02],
      ["aborted", null, false, 0],
      ["timeout", null, false, 0],
      ["ok", 200, true, 0.02],
    ]);
    expect(told[0]?.hedgeLost).toBe(true);
    const stats = ledger.stats();
    expect(stats).toMatchObject({ calls: 4, billableCalls: 2, costUsd: 0.04 });
    expect(stats.bySeries.app_v2).toMatchObject({ calls: 4, ok: 1, failed: 3, billableCalls: 2, costUsd: 0.04 });
    expect(stats.byEndpoint[EP]).toMatchObject({ calls: 4, billableCalls: 2, costUsd: 0.04 });
  });

  it("counts toward the client's budget: the call after it is refused at its limit", () => {
    const ledger = new Ledger({ maxCalls: 1 });
    const slot = ledger.reserve(EP, "app_v2");
    ledger.record(cancelled());
    slot.release();
    expect(() => ledger.reserve(EP, "app_v2")).toThrow(BudgetExceededError);
    const byCost = new Ledger({ maxCostUsd: 0.015 });
    byCost.record(cancelled());
    expect(() => byCost.reserve(EP, "app_v2")).toThrow(BudgetExceededError);
  });
});
