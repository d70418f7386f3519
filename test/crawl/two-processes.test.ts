/**
 * Two `xhs crawl` processes on one `--db` at once (spawned `node --import tsx`, against a `startSimulator()`
 * URL): the second starts while the first holds leases on jobs in flight. It must not take those (the
 * first is alive and renews them): together they pay what one uninterrupted crawl pays, store the same
 * records, and the run's report counts every call of both.
 */
import type { ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createClient } from "../../src/client/create-client.js";
import { runCrawl } from "../../src/crawl/engine.js";
import { loadPlanFile } from "../../src/crawl/plan/load.js";
import { type RunningSimulator, startSimulator } from "../../src/simulator/index.js";
import { openSqliteStore } from "../../src/store/sqlite/sqlite-store.js";
import { spawnXhs } from "../support/xhs-process.js";
import { smallCrawlPlan } from "./small-plan.js";

const KEY = "two-process-test-key";

const PLAN = smallCrawlPlan("two processes");

function spawnCrawl(sim: RunningSimulator, dir: string, qps: string): ChildProcess {
  return spawnXhs(
    ["crawl", join(dir, "plan.yaml"), "--db", join(dir, "shared.db"), "--json", "--base-url", sim.url, "--qps", qps],
    { cwd: dir, env: { ...process.env, TIKHUB_API_KEY: KEY } },
  );
}

function exited(child: ChildProcess): Promise<{ code: number | null; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  child.stdout?.on("data", (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  return new Promise((done) => child.on("exit", (code) => done({ code, stdout, stderr })));
}

describe.each([5, 3])("two crawls on one database (seed %i)", (seed) => {
  let sim: RunningSimulator;
  let dir: string;
  beforeAll(async () => {
    sim = await startSimulator({ port: 0, seed, size: "tiny", faults: "healthy", rateLimit: 0 });
    dir = mkdtempSync(join(tmpdir(), "xhs-two-"));
    writeFileSync(join(dir, "plan.yaml"), PLAN);
  });
  afterAll(async () => {
    await sim?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("the second works alongside the first: no call paid twice, one complete run, a report of both", async () => {
    sim.reset();
    const referenceStore = openSqliteStore(join(dir, "reference.db"));
    const reference = await runCrawl(
      { client: createClient({ apiKey: KEY, baseUrl: sim.url }), store: referenceStore, queue: referenceStore },
      { plan: loadPlanFile(join(dir, "plan.yaml")) },
    );
    await referenceStore.close();
    expect(reference.status).toBe("completed");
    const referenceCalls = sim.ledger.snapshot().totals.calls;
    expect(referenceCalls).toBeGreaterThan(15);

    sim.reset();
    // The first is slow (1.5 calls/s), so the second starts while it still has jobs in flight and to do.
    const first = spawnCrawl(sim, dir, "1.5");
    const firstDone = exited(first);
    // The second process starts once the first is crawling.
    while (sim.ledger.snapshot().totals.calls < 3 && first.exitCode === null) {
      await new Promise((r) => setTimeout(r, 5));
    }
    const callsAtSecondStart = sim.ledger.snapshot().totals.calls;
    const second = spawnCrawl(sim, dir, "4");
    const [a, b] = await Promise.all([firstDone, exited(second)]);
    expect(a.code, a.stderr).toBe(0);
    expect(b.code, b.stderr).toBe(0);
    const reportA = JSON.parse(a.stdout) as { runId: string; status: string; calls: { calls: number } };
    const reportB = JSON.parse(b.stdout) as { runId: string; status: string; calls: { calls: number } };
    const total = sim.ledger.snapshot().totals.calls;
    console.log(
      `two processes: reference ${referenceCalls} calls; second started after ${callsAtSecondStart}; together ${total}`,
    );
    expect(reportB.runId).toBe(reportA.runId);
    expect(b.stderr).toMatch(/is being crawled by another process too/);
    expect(total).toBe(referenceCalls);

    const store = openSqliteStore(join(dir, "shared.db"), { readOnly: true });
    try {
      const runs = await store.listRuns();
      expect(runs).toHaveLength(1);
      expect(runs[0]?.status).toBe("completed");
      expect((await store.ledgerTotals({ runId: reportA.runId })).calls).toBe(total);
      // The report whoever finished last wrote counts both processes' calls.
      expect(Math.max(reportA.calls.calls, reportB.calls.calls)).toBe(total);
      expect(await store.countRecords("notes")).toBe(reference.report.items.notes?.new);
      expect(await store.countRecords("comments")).toBe(reference.report.items.comments?.new);
    } finally {
      await store.close();
    }
  }, 120_000);
});
