/**
 * The engine's steps on their own: the budget check (a pure function, engine/budget.ts), the run's status
 * after a stop (engine/finish.ts), and a session whose caller's signal is aborted before it starts.
 */
import { describe, expect, it } from "vitest";
import { budgetSpent } from "../../src/crawl/engine/budget.js";
import { runStatusAfter } from "../../src/crawl/engine/finish.js";
import { runCrawl } from "../../src/crawl/engine.js";
import { normalizePlan } from "../../src/crawl/plan/normalize.js";
import { openSqliteStore } from "../../src/store/sqlite/sqlite-store.js";
import { buildWorld, createFakeClient } from "./fake-client.js";

describe("budgetSpent", () => {
  it("says which limit is reached, the calls first, and nothing without a budget", () => {
    expect(budgetSpent(undefined, { calls: 1000, costUsd: 1000 })).toBeNull();
    expect(budgetSpent({}, { calls: 1000, costUsd: 1000 })).toBeNull();
    expect(budgetSpent({ maxCalls: 3 }, { calls: 2, costUsd: 0 })).toBeNull();
    expect(budgetSpent({ maxCalls: 3 }, { calls: 3, costUsd: 0 })).toBe("--max-calls 3 reached");
    expect(budgetSpent({ maxCalls: 0 }, { calls: 0, costUsd: 0 })).toBe("--max-calls 0 reached");
    expect(budgetSpent({ maxCalls: 3, maxCostUsd: 0.01 }, { calls: 3, costUsd: 1 })).toBe("--max-calls 3 reached");
    expect(budgetSpent({ maxCostUsd: 0.05 }, { calls: 9, costUsd: 0.04 })).toBeNull();
    expect(budgetSpent({ maxCostUsd: 0.05 }, { calls: 9, costUsd: 0.05 })).toBe("--max-cost 0.05 reached");
  });

  it("counts ten $0.1 calls as $1 spent, though their float sum is a hair below it", () => {
    let sum = 0;
    for (let i = 0; i < 10; i++) sum += 0.1;
    expect(sum).toBeLessThan(1);
    expect(budgetSpent({ maxCostUsd: 1 }, { calls: 10, costUsd: sum })).toBe("--max-cost 1 reached");
    expect(budgetSpent({ maxCostUsd: 1 }, { calls: 9, costUsd: 0.9 })).toBeNull();
  });
});

describe("runStatusAfter", () => {
  it("maps why a session stopped, and what is left, to the run's status", () => {
    expect(runStatusAfter(null, 0)).toBe("completed");
    expect(runStatusAfter(null, 2)).toBe("partial");
    expect(runStatusAfter("budget", 0)).toBe("partial");
    expect(runStatusAfter("aborted", 0)).toBe("interrupted");
    expect(runStatusAfter("auth", 5)).toBe("failed");
    expect(runStatusAfter("payment", 0)).toBe("failed");
  });
});

describe("a signal aborted before the session starts", () => {
  it("makes no call and saves the run as interrupted, its seeds pending for a resume", async () => {
    const store = openSqliteStore(":memory:");
    const client = createFakeClient({ world: buildWorld() });
    const plan = normalizePlan({ seeds: { notes: [`bb${"1".padStart(22, "0")}`] } }, "aborted-test");
    const controller = new AbortController();
    controller.abort();
    const result = await runCrawl({ client, store, queue: store, signal: controller.signal }, { plan });
    expect(result.status).toBe("interrupted");
    expect(result.stopReason).toBe("aborted");
    expect(client.calls).toHaveLength(0);
    expect(result.report.jobs).toMatchObject({ done: 0, pending: 1 });

    const resumed = await runCrawl({ client, store, queue: store }, { plan });
    expect(resumed.resumed).toBe(true);
    expect(resumed.status).toBe("completed");
    store.close();
  });
});
