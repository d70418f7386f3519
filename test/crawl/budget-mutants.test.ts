/**
 * budgetSpent's edges that the crawls of test/crawl/budget.test.ts do not reach (src/crawl/engine/budget.ts):
 * the cost check's slack is inclusive, and the two limits are independent.
 */
import { describe, expect, it } from "vitest";
import { budgetSpent } from "../../src/crawl/engine/budget.js";

describe("budgetSpent at its edges", () => {
  it("counts a spend exactly one slack (1e-9 USD) short of --max-cost as reached, and one just short of that not", () => {
    expect(budgetSpent({ maxCostUsd: 1 }, { calls: 0, costUsd: 1 - 1e-9 })).toBe("--max-cost 1 reached");
    expect(budgetSpent({ maxCostUsd: 1 }, { calls: 0, costUsd: 1 - 2e-9 })).toBeNull();
  });

  it("a cost budget alone ignores the calls, a call budget alone ignores the cost", () => {
    expect(budgetSpent({ maxCostUsd: 0.5 }, { calls: 10_000, costUsd: 0.49 })).toBeNull();
    expect(budgetSpent({ maxCalls: 5 }, { calls: 4, costUsd: 10_000 })).toBeNull();
    expect(budgetSpent({ maxCalls: 5, maxCostUsd: 0.5 }, { calls: 4, costUsd: 0.5 })).toBe("--max-cost 0.5 reached");
  });
});
