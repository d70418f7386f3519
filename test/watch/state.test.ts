/** The watch state conformance suite (state-conformance.ts) on memory, a SQLite file and Postgres. */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { openPostgresStore } from "../../src/store/postgres/open.js";
import type { SqlStore } from "../../src/store/sql/sql-store.js";
import { openSqliteStore } from "../../src/store/sqlite/sqlite-store.js";
import { MemoryWatchState } from "../../src/watch/memory-state.js";
import { SqlWatchState } from "../../src/watch/sql-state.js";
import { makeNote } from "../cli/helpers.js";
import { freshPostgresDatabase, hasPostgres } from "../support/services.js";
import { runStateConformance, type StateBackend } from "./state-conformance.js";

const dir = mkdtempSync(join(tmpdir(), "xhs-watch-state-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;

runStateConformance("memory", async () => {
  const state = new MemoryWatchState();
  return { open: async () => state, reopen: async () => state, close: async () => {} };
});

/** A SQL backend: `reopen` closes the store and opens the database again. */
function sqlBackend(openStore: () => Promise<SqlStore>, destroy: () => Promise<void> = async () => {}): StateBackend {
  let store: SqlStore | null = null;
  const open = async () => {
    store = await openStore();
    return new SqlWatchState(store);
  };
  return {
    open,
    async reopen() {
      await store?.close();
      return open();
    },
    async close() {
      await store?.close();
      await destroy();
    },
  };
}

runStateConformance("sqlite", async () => {
  const path = join(dir, `state-${++files}.db`);
  return sqlBackend(async () => openSqliteStore(path));
});

if (hasPostgres()) {
  runStateConformance("postgres", async () => {
    const database = await freshPostgresDatabase("watch_state");
    return sqlBackend(
      () => openPostgresStore(database.url),
      () => database.drop(),
    );
  });
}

describe("a tick's records and its state commit together (SQL)", () => {
  it("a tick that fails after writing its notes leaves neither the notes nor any state", async () => {
    const store = openSqliteStore(join(dir, "together.db"));
    const state = new SqlWatchState(store);
    try {
      await expect(
        state.atomically(async () => {
          await store.upsertNotes([makeNote("6a0000000000000000000001")]);
          await state.commitTick({
            tickId: "t@1",
            task: { key: "k", watch: "w", kind: "discover", target: "x", runs: 1, lastRunAt: 1, nextDueAt: 2 },
            track: [{ watch: "w", noteId: "6a0000000000000000000001", firstSeenAt: 1 }],
            newTasks: [],
            spend: { day: "1970-01-01", watch: "w", calls: 1, usd: 0.01 },
            alerts: [],
            targets: [],
          });
          throw new Error("SIGKILL");
        }),
      ).rejects.toThrow("SIGKILL");
      expect(await store.hasNote("6a0000000000000000000001")).toBe(false);
      expect(await state.tasks()).toEqual([]);
      expect(await state.spend("1970-01-01")).toEqual([]);
    } finally {
      await store.close();
    }
  });
});
