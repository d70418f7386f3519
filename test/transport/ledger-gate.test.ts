/**
 * Spend gates: budgets kept outside the client (the server's daily cap), asked before every attempt
 * after the client's own budget, with their reservations freed once the attempt is recorded.
 */
import { describe, expect, it } from "vitest";
import { BudgetExceededError } from "../../src/core/errors.js";
import { Ledger, type SpendGate } from "../../src/transport/ledger.js";

/** A gate that allows `room` reservations at a time and logs what it is asked. */
function countingGate(room: number): SpendGate & { held: number; asked: string[] } {
  const gate = {
    held: 0,
    asked: [] as string[],
    reserve(endpoint: string, priceUsd: number) {
      gate.asked.push(`${endpoint}@${priceUsd}`);
      if (gate.held >= room) throw new BudgetExceededError("gate full", { endpoint });
      gate.held++;
      return () => {
        gate.held--;
      };
    },
  };
  return gate;
}

describe("Ledger spend gates", () => {
  it("asks every gate with the call's price, and frees each reservation once", () => {
    const ledger = new Ledger({ prices: { "app_v2/search_notes": 0.02 } });
    const a = countingGate(2);
    const b = countingGate(5);
    ledger.addGate(a);
    ledger.addGate(b);
    const first = ledger.reserve("app_v2/search_notes");
    const second = ledger.reserve("app_v2/search_notes");
    expect(a.asked).toEqual(["app_v2/search_notes@0.02", "app_v2/search_notes@0.02"]);
    expect([a.held, b.held]).toEqual([2, 2]);
    first.release();
    first.release();
    expect([a.held, b.held]).toEqual([1, 1]);
    second.release();
    expect([a.held, b.held]).toEqual([0, 0]);
  });

  it("a refusing gate refuses the attempt and frees what the gates before it reserved", () => {
    const ledger = new Ledger();
    const open = countingGate(10);
    const full = countingGate(0);
    ledger.addGate(open);
    ledger.addGate(full);
    expect(() => ledger.reserve("app_v2/search_notes")).toThrow(BudgetExceededError);
    expect(open.held).toBe(0);
    // Once the refusing gate is removed, the attempt goes through.
    const removeFull = ledger.addGate(full);
    removeFull();
    ledger.reserve("app_v2/search_notes").release();
    expect(open.held).toBe(0);
    expect(open.asked).toHaveLength(2);
  });

  it("the client's own budget is asked first: a gate sees no attempt the client would refuse", () => {
    const ledger = new Ledger({ maxCalls: 1 });
    const gate = countingGate(10);
    ledger.addGate(gate);
    ledger.reserve("app_v2/search_notes");
    expect(() => ledger.reserve("app_v2/search_notes")).toThrow(/budget reached/);
    expect(gate.asked).toHaveLength(1);
  });
});
