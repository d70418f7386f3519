/**
 * A run's budget and its series-health snapshots (migration 8), through the Store port, on SQLite and on
 * Postgres (when XHS_TEST_DATABASE_URL is set): the budget round-trips and survives reopening, one snapshot is
 * kept per (run, writer) and replaced by the writer's next, snapshots come freshest first, secrets never stored.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { RunBudget, Store, StoreOptions } from "../../src/store/port.js";
import { openPostgresStore } from "../../src/store/postgres/open.js";
import { openSqliteStore } from "../../src/store/sqlite/sqlite-store.js";
import { freshPostgresDatabase, hasPostgres } from "../support/services.js";

const SECRET = "tk-SECRET-run-state-0123456789";

interface Backend {
  open(options?: StoreOptions): Promise<Store>;
  destroy(): Promise<void>;
}

const backends: [string, boolean, () => Promise<Backend>][] = [
  [
    "sqlite",
    true,
    async () => {
      const dir = mkdtempSync(join(tmpdir(), "xhs-run-state-"));
      return {
        open: async (options) => openSqliteStore(join(dir, "x.db"), options),
        destroy: async () => rmSync(dir, { recursive: true, force: true }),
      };
    },
  ],
  [
    "postgres",
    hasPostgres(),
    async () => {
      const database = await freshPostgresDatabase("runstate");
      return { open: (options) => openPostgresStore(database.url, options), destroy: () => database.drop() };
    },
  ],
];

for (const [name, available, make] of backends) {
  describe.skipIf(!available)(`run budget and health on ${name}`, () => {
    let backend: Backend;
    let store: Store;
    beforeEach(async () => {
      backend = await make();
      store = await backend.open({ secrets: [SECRET] });
    });
    afterEach(async () => {
      await store.close();
      await backend.destroy();
    });

    it("a run has no budget until one is stored; the stored one round-trips, survives reopening and can be cleared", async () => {
      const run = await store.createRun({ plan: { name: "p" } });
      expect(run.budget).toBeNull();
      const budget: RunBudget = {
        maxCalls: 120,
        maxCostUsd: 1.5,
        setAt: "2026-03-01T10:00:00.000Z",
        callsBefore: 7,
        costUsdBefore: 0.07,
      };
      const updated = await store.updateRun(run.id, { budget });
      expect(updated.budget).toEqual(budget);
      // A patch without `budget` leaves it alone.
      await store.updateRun(run.id, { status: "partial" });
      await store.close();
      store = await backend.open({ secrets: [SECRET] });
      expect((await store.getRun(run.id))?.budget).toEqual(budget);
      expect((await store.listRuns())[0]?.budget).toEqual(budget);
      expect((await store.updateRun(run.id, { budget: null })).budget).toBeNull();
    });

    it("keeps one snapshot per (run, writer), the writer's latest, freshest writer first; other runs apart", async () => {
      const run = await store.createRun();
      const other = await store.createRun();
      const health = (state: string) => ({ series: { app_v2: { state } }, keys: {} });
      await store.saveRunHealth({
        runId: run.id,
        writer: "a:1:x",
        writtenAt: "2026-03-01T10:00:00.000Z",
        health: health("closed"),
      });
      await store.saveRunHealth({
        runId: run.id,
        writer: "b:2:y",
        writtenAt: "2026-03-01T10:00:03.000Z",
        health: health("open"),
      });
      await store.saveRunHealth({
        runId: run.id,
        writer: "a:1:x",
        writtenAt: "2026-03-01T10:00:05.000Z",
        health: health("half_open"),
      });
      await store.saveRunHealth({
        runId: other.id,
        writer: "a:1:x",
        writtenAt: "2026-03-01T10:00:09.000Z",
        health: health("open"),
      });
      const rows = await store.runHealth(run.id);
      expect(rows).toEqual([
        { runId: run.id, writer: "a:1:x", writtenAt: "2026-03-01T10:00:05.000Z", health: health("half_open") },
        { runId: run.id, writer: "b:2:y", writtenAt: "2026-03-01T10:00:03.000Z", health: health("open") },
      ]);
      expect(await store.runHealth("no-such-run")).toEqual([]);
    });

    it("never stores a secret in a snapshot", async () => {
      const run = await store.createRun();
      await store.saveRunHealth({
        runId: run.id,
        writer: "a:1:x",
        writtenAt: "2026-03-01T10:00:00.000Z",
        health: { series: {}, keys: { k1: { reason: `refused ${SECRET}` } } },
      });
      const [row] = await store.runHealth(run.id);
      expect(JSON.stringify(row)).not.toContain(SECRET);
      expect(JSON.stringify(row)).toContain("refused");
    });
  });
}
