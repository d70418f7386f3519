/**
 * The SQLite store derives every per-kind statement from one description (src/store/sql/record-kinds.ts):
 * these tests hold that description to the schema the migrations create, and check that the generic
 * observation reader gives each count back under its port name.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { RECORD_KINDS } from "../../src/store/port.js";
import { KIND_TABLES } from "../../src/store/sql/record-kinds.js";
import { openSqliteStore, type SqliteStore } from "../../src/store/sqlite/sqlite-store.js";
import { T0, T1, user } from "./fixtures.js";

describe("the record kinds table", () => {
  let store: SqliteStore;
  beforeEach(() => {
    store = openSqliteStore(":memory:");
  });
  afterEach(async () => {
    await store.close();
  });

  const columnsOf = (table: string): string[] =>
    (store.database.prepare(`PRAGMA table_info(${table})`).all() as { name: string }[]).map((c) => c.name);

  it("describes every record kind, with exactly the columns of its table (first_seen_at is the store's own)", () => {
    expect(Object.keys(KIND_TABLES).sort()).toEqual([...RECORD_KINDS].sort());
    for (const kind of RECORD_KINDS) {
      expect(KIND_TABLES[kind].kind).toBe(kind);
      expect([...KIND_TABLES[kind].columns].sort()).toEqual(
        columnsOf(kind)
          .filter((c) => c !== "first_seen_at")
          .sort(),
      );
    }
  });

  it("describes each count time series with exactly the columns of its table", () => {
    const described = RECORD_KINDS.flatMap((kind) => {
      const series = KIND_TABLES[kind].observations;
      return series === undefined ? [] : [series];
    });
    expect(described.map((s) => s.table).sort()).toEqual(["note_observations", "user_observations"]);
    for (const series of described) {
      const columns = [
        series.idColumn,
        "fetched_at",
        "source",
        ...series.counts.map((c) => c.column),
        "approx",
        "run_id",
      ];
      expect(columns.sort()).toEqual(columnsOf(series.table).sort());
    }
  });

  it("reads a user's observations back with every count under its port name, oldest first", async () => {
    await store.upsertUsers([
      user("u9", { followers: 7, following: 8, likesAndCollects: 9, noteCount: 10, fetchedAt: T1 }),
    ]);
    await store.upsertUsers([user("u9", { followers: 1, following: null, fetchedAt: T0, approx: ["followers"] })], {
      runId: null,
    });
    expect(await store.userObservations("u9")).toEqual([
      {
        userId: "u9",
        fetchedAt: T0,
        source: "app_v2",
        followers: 1,
        following: null,
        likesAndCollects: 20000,
        noteCount: 42,
        approx: ["followers"],
        runId: null,
      },
      {
        userId: "u9",
        fetchedAt: T1,
        source: "app_v2",
        followers: 7,
        following: 8,
        likesAndCollects: 9,
        noteCount: 10,
        approx: [],
        runId: null,
      },
    ]);
  });
});
