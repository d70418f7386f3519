/**
 * `xhs runs show` with the run's state beside its report: the budget stored with the run (what the run spent
 * against it) and the breakers its crawling processes wrote, in JSON and text; a file of schema 7, opened
 * read-only, shows none of them instead of failing.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openSqliteStore } from "../../src/store/sqlite/sqlite-store.js";
import { runCli } from "../cli/helpers.js";

let dir = "";
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "xhs-runs-show-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe("xhs runs show: budget and breakers", () => {
  it("gives the stored budget and the freshest breakers in JSON and text", async () => {
    const store = openSqliteStore(join(dir, "x.db"));
    const run = await store.createRun({ plan: { name: "p" } });
    await store.updateRun(run.id, {
      budget: { maxCalls: 10, maxCostUsd: 0.5, setAt: "2026-03-01T10:00:00.000Z", callsBefore: 1, costUsdBefore: 0.01 },
    });
    const event = {
      at: "2026-03-01T10:00:01.000Z",
      capability: "note" as const,
      endpoint: "app_v2/get_image_note_detail",
      series: "app_v2" as const,
      httpStatus: 200,
      outcome: "ok" as const,
      latencyMs: 100,
      billable: true,
      costUsd: 0.01,
      retry: 0,
      failover: false,
    };
    await store.appendLedger(run.id, [event, event, event, event]);
    await store.saveRunHealth({
      runId: run.id,
      writer: "host-a:42:0123abcd",
      writtenAt: "2026-03-01T10:00:02.000Z",
      health: {
        series: {
          web_v3: {
            state: "open",
            capabilities: { note: "open" },
            openedAt: "2026-03-01T10:00:01.500Z",
            closedAt: null,
          },
        },
        keys: {
          k9fp0009: { state: "out", reason: "payment", outSince: "2026-03-01T10:00:01.000Z", calls: 3, failed: 1 },
        },
      },
    });
    await store.close();

    const json = await runCli(["runs", "show", run.id, "--db", "x.db", "--json"], { cwd: dir });
    expect(json.code, json.stderr).toBe(0);
    const shown = JSON.parse(json.stdout) as {
      runId: string;
      budget: { maxCalls: number; callsUsed: number; costUsdUsed: number };
      health: {
        series: Record<string, { state: string; writer: string; stale: boolean }>;
        keys: Record<string, { state: string }>;
      };
    };
    expect(shown.runId).toBe(run.id);
    expect(shown.budget).toMatchObject({ maxCalls: 10, callsUsed: 3, costUsdUsed: 0.03 });
    expect(shown.health.series.web_v3).toMatchObject({ state: "open", writer: "host-a:42:0123abcd", stale: true });
    expect(shown.health.keys.k9fp0009?.state).toBe("out");

    const text = await runCli(["runs", "show", run.id, "--db", "x.db"], { cwd: dir });
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toContain("Budget: 3 of 10 calls, $0.03 of $0.5 spent since 2026-03-01T10:00:00.000Z");
    expect(text.stdout).toContain("Breaker web_v3: open since 2026-03-01T10:00:01.500Z, stale: host-a:42:0123abcd");
    expect(text.stdout).toContain("Key k9fp0009: out (payment)");
  });

  it("reads a file of schema 7 (before budgets and health) read-only: no budget, no breakers, no error", async () => {
    const store = openSqliteStore(join(dir, "old.db"));
    const run = await store.createRun({ plan: { name: "old" } });
    // Back to schema 7: what an xhs-kit before migration 8 wrote.
    store.database.exec(
      "DROP TABLE run_health; ALTER TABLE runs DROP COLUMN budget; DELETE FROM schema_migrations WHERE version = 8",
    );
    await store.close();
    const json = await runCli(["runs", "show", run.id, "--db", "old.db", "--json"], { cwd: dir });
    expect(json.code, json.stderr).toBe(0);
    const shown = JSON.parse(json.stdout) as { budget: unknown; health: unknown };
    expect(shown.budget).toBeNull();
    expect(shown.health).toEqual({ series: {}, keys: {}, writers: [] });
  });
});
