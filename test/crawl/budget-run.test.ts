/**
 * The run's stored budget (every process working a run counts toward it): which limits a session's budget
 * stores, and when what the run spent since it was given stops a session, with the message it says.
 */
import { describe, expect, it } from "vitest";
import { budgetLimits, budgetSpent, runBudgetSpent } from "../../src/crawl/engine/budget.js";

describe("a budget's limits", () => {
  it("keeps only the limits it sets; none at all is no budget", () => {
    expect(budgetLimits(undefined)).toBeUndefined();
    expect(budgetLimits({})).toBeUndefined();
    expect(budgetLimits({ maxCalls: 3 })).toStrictEqual({ maxCalls: 3 });
    expect(budgetLimits({ maxCostUsd: 0.5 })).toStrictEqual({ maxCostUsd: 0.5 });
    expect(budgetLimits({ maxCalls: 0, maxCostUsd: 2 })).toStrictEqual({ maxCalls: 0, maxCostUsd: 2 });
  });
});

describe("the run's budget", () => {
  it("stops at exactly its calls, whatever was spent", () => {
    expect(runBudgetSpent({ maxCalls: 5 }, { calls: 4, costUsd: 99 })).toBeNull();
    expect(runBudgetSpent({ maxCalls: 5 }, { calls: 5, costUsd: 0 })).toBe("the run's budget of 5 calls is spent");
    expect(runBudgetSpent({ maxCalls: 5 }, { calls: 9, costUsd: 0 })).toBe("the run's budget of 5 calls is spent");
  });

  it("stops at its cost, a float sum a hair short counting as reached", () => {
    expect(runBudgetSpent({ maxCostUsd: 0.1 }, { calls: 1000, costUsd: 0.1 - 2e-9 })).toBeNull();
    expect(runBudgetSpent({ maxCostUsd: 0.1 }, { calls: 0, costUsd: 0.1 - 5e-10 })).toBe(
      "the run's budget of $0.1 is spent",
    );
    expect(runBudgetSpent({ maxCostUsd: 0.1 }, { calls: 0, costUsd: 0.3 })).toBe("the run's budget of $0.1 is spent");
  });

  it("with both limits, says which one is spent; with none, never stops", () => {
    expect(runBudgetSpent({ maxCalls: 10, maxCostUsd: 1 }, { calls: 3, costUsd: 1 })).toBe(
      "the run's budget of $1 is spent",
    );
    expect(runBudgetSpent({ maxCalls: 10, maxCostUsd: 1 }, { calls: 10, costUsd: 1 })).toBe(
      "the run's budget of 10 calls is spent",
    );
    expect(runBudgetSpent({ maxCalls: 10, maxCostUsd: 1 }, { calls: 9, costUsd: 0.99 })).toBeNull();
    expect(runBudgetSpent({}, { calls: 1e9, costUsd: 1e9 })).toBeNull();
  });
});

describe("the money budget's slack: a spend within a nanodollar of the limit is the limit", () => {
  // Prices are summed in floating point, so the check allows 1e-9 of slack; the edge of that slack is reached too.
  const edge = 0.3 - 1e-9;
  it("stops a session at exactly the limit less the slack, and not a hair below it", () => {
    expect(budgetSpent({ maxCostUsd: 0.3 }, { calls: 0, costUsd: edge })).toBe("--max-cost 0.3 reached");
    expect(budgetSpent({ maxCostUsd: 0.3 }, { calls: 0, costUsd: edge - 1e-9 })).toBeNull();
  });
  it("stops a run's shared budget the same way", () => {
    expect(runBudgetSpent({ maxCostUsd: 0.3 }, { calls: 0, costUsd: edge })).toBe("the run's budget of $0.3 is spent");
    expect(runBudgetSpent({ maxCostUsd: 0.3 }, { calls: 0, costUsd: edge - 1e-9 })).toBeNull();
  });
});
