/**
 * `xhs db copy`: a SQLite database into Postgres and back, through the command, with small batches so every
 * table takes several pages. What is read back from the copy (records in first-seen order, runs, jobs, ledger,
 * observations) must equal the source's; a non-empty target is refused (exit 2) unless --force; bad databases
 * exit 2; a table whose count differs after the copy exits 6. A Postgres that workers used (the shared rate
 * limiter's table) copies without that table; a copy that fails leaves the target as it was (no new file).
 */
import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AttemptEvent } from "../../src/core/types.js";
import { RECORD_KINDS, type Store } from "../../src/store/port.js";
import { openPostgresStore } from "../../src/store/postgres/open.js";
import { startPgBossQueue } from "../../src/store/sql/pgboss/start.js";
import type { SqlStore } from "../../src/store/sql/sql-store.js";
import { openSqliteStore } from "../../src/store/sqlite/sqlite-store.js";
import { PostgresSharedLimiter } from "../../src/transport/shared-limit-postgres.js";
import { runCli } from "../cli/helpers.js";
import { type FreshDatabase, freshPostgresDatabase, hasPostgres } from "../support/services.js";
import { comment, note, T0, T1, topic, user } from "./fixtures.js";

const NOTES = 23;

function event(i: number): AttemptEvent {
  return {
    at: new Date(Date.parse(T0) + i * 1000).toISOString(),
    capability: "note_detail" as AttemptEvent["capability"],
    endpoint: "app_v2/get_image_note_detail",
    series: "app_v2",
    httpStatus: 200,
    outcome: "ok",
    latencyMs: 100 + i,
    billable: true,
    costUsd: 0.01,
    retry: 0,
    failover: false,
  };
}

/** A database with some of everything: records (not in id order), two runs with jobs, ledger, observations. */
async function fill(store: SqlStore): Promise<void> {
  // Ids inserted in reverse so first-seen order is not id order: the copy must keep the former.
  const notes = Array.from({ length: NOTES }, (_, i) => note(`n${String(NOTES - i).padStart(3, "0")}`));
  await store.upsertNotes(notes, { runId: "r1" });
  await store.upsertNotes([
    note("n001", { title: "再次", stats: { likes: 5, collects: 1, comments: 0, shares: 0 }, fetchedAt: T1 }),
  ]);
  await store.upsertUsers([user("u2"), user("u1")]);
  await store.upsertComments(Array.from({ length: 7 }, (_, i) => comment(`c${9 - i}`, "n001")));
  await store.upsertTopics([topic("t1")]);
  for (const id of ["r1", "r2"]) {
    await store.createRun({ id, plan: { name: id } });
    for (let j = 0; j < 6; j += 1) {
      await store.enqueue({
        runId: id,
        key: `note:${id}:${j}`,
        kind: "note",
        payload: { j },
        priority: j % 2,
        depth: 1,
      });
    }
    const [job] = await store.lease(id, { limit: 1, owner: "w" });
    if (job) await store.complete(job, { cursor: "c", itemsSoFar: 3 });
  }
  await store.updateRun("r1", { status: "completed", stats: { sessions: 1 } });
  await store.appendLedger(
    "r1",
    Array.from({ length: 12 }, (_, i) => event(i)),
  );
}

interface Snapshot {
  records: Record<string, unknown[]>;
  runs: unknown[];
  jobs: unknown[];
  ledger: unknown;
  entries: unknown[];
  observations: unknown[];
}

async function snapshot(store: Store & SqlStore): Promise<Snapshot> {
  const records: Record<string, unknown[]> = {};
  for (const kind of RECORD_KINDS) {
    const list: unknown[] = [];
    for await (const record of store.iterateRecords(kind)) list.push(record);
    records[kind] = list;
  }
  return {
    records,
    runs: await store.listRuns(),
    jobs: [...(await store.listJobs("r1")), ...(await store.listJobs("r2"))],
    ledger: await store.ledgerTotals(),
    entries: await store.ledgerEntries({ limit: 100 }),
    observations: await store.noteObservations("n001"),
  };
}

/** Which of `tables` Postgres's statistics show both vacuumed and analyzed by hand (they reach the view a moment later). */
async function maintained(store: SqlStore, tables: readonly string[]): Promise<string[]> {
  let done: string[] = [];
  for (let attempt = 0; attempt < 50; attempt += 1) {
    await store.executeSql("SELECT pg_stat_clear_snapshot()");
    const { rows } = await store.executeSql(
      "SELECT relname FROM pg_stat_user_tables WHERE relname = ANY($1) AND last_vacuum IS NOT NULL AND last_analyze IS NOT NULL ORDER BY relname",
      [tables],
    );
    done = rows.map((r) => String(r.relname));
    if (done.length === tables.length) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return done;
}

describe.skipIf(!hasPostgres())("xhs db copy (SQLite ↔ Postgres)", () => {
  let dir: string;
  let pgTarget: FreshDatabase;
  let pgOther: FreshDatabase;
  let source: Snapshot;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "xhs-db-copy-"));
    const store = openSqliteStore(join(dir, "source.db"));
    await fill(store);
    source = await snapshot(store);
    await store.close();
    pgTarget = await freshPostgresDatabase("db_copy");
    pgOther = await freshPostgresDatabase("db_copy_b");
  }, 60_000);

  afterAll(async () => {
    await pgTarget?.drop();
    await pgOther?.drop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("copies SQLite into Postgres in batches: every table's count and every record, run, job and ledger row", async () => {
    const result = await runCli(["db", "copy", "--from", "source.db", "--to", pgTarget.url, "--batch", "4", "--json"], {
      cwd: dir,
    });
    expect(result.code, result.stderr).toBe(0);
    // Unfinished jobs are copied as rows, and the command says that pg-boss will not hand them out.
    expect(result.stderr).toMatch(/^warning: 10 unfinished job\(s\) copied; pg-boss has no delivery for them/);
    const tables = (JSON.parse(result.stdout) as { tables: { table: string; source: number; target: number }[] })
      .tables;
    const byName = Object.fromEntries(tables.map((t) => [t.table, t]));
    expect(byName.notes).toMatchObject({ source: NOTES, copied: NOTES, target: NOTES });
    expect(byName.jobs).toMatchObject({ source: 12, target: 12 });
    expect(byName.ledger).toMatchObject({ source: 12, target: 12 });
    expect(tables.every((t) => t.source === t.target)).toBe(true);
    const copy = await openPostgresStore(pgTarget.url);
    try {
      expect(await snapshot(copy)).toEqual(source);
      // The copied ids do not collide with the next ones (the id sequences follow the copied rows).
      await copy.appendLedger("r2", [event(99)]);
      await copy.enqueue({ runId: "r2", key: "note:new", kind: "note", payload: {}, priority: 0, depth: 1 });
      expect((await copy.ledgerTotals()).calls).toBe(13);
      // The search table is rebuilt from the copied notes, and every copied table was vacuumed and analyzed.
      const searchRows = await copy.executeSql("SELECT COUNT(*) AS n FROM note_search");
      expect(Number(searchRows.rows[0]?.n)).toBe(NOTES);
      expect(await maintained(copy, ["notes", "users", "jobs", "note_search"])).toEqual([
        "jobs",
        "note_search",
        "notes",
        "users",
      ]);
    } finally {
      await copy.close();
    }
  }, 120_000);

  it("copies Postgres back into a new SQLite file, equal to the original", async () => {
    const other = await openPostgresStore(pgOther.url);
    await fill(other);
    await other.close();
    const result = await runCli(["db", "copy", "--from", pgOther.url, "--to", "back.db", "--batch", "5"], { cwd: dir });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/notes\s+23\s+23\s+23\s+ok/);
    expect(result.stdout).not.toMatch(/DIFFERENT/);
    expect(result.stderr).toContain("copied topics: 1 row\n");
    expect(result.stderr).toContain("copied runs: 2 rows\n");
    const back = openSqliteStore(join(dir, "back.db"));
    try {
      const got = await snapshot(back);
      // Same content as the SQLite original but for the times the Postgres fill stamped.
      expect(got.records.notes?.map((n) => (n as { id: string }).id)).toEqual(
        source.records.notes?.map((n) => (n as { id: string }).id),
      );
      expect(got.jobs.length).toBe(12);
      expect(got.ledger).toEqual(source.ledger);
    } finally {
      await back.close();
    }
  }, 120_000);

  it("refuses a target that holds rows (exit 2, nothing written) unless --force, which replaces them", async () => {
    const refused = await runCli(["db", "copy", "--from", "source.db", "--to", pgTarget.url], { cwd: dir });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/not empty \(.*notes 23.*\).*--force/);
    const target = await openPostgresStore(pgTarget.url);
    expect((await target.ledgerTotals()).calls).toBe(13);
    await target.close();
    const forced = await runCli(["db", "copy", "--from", "source.db", "--to", pgTarget.url, "--force"], { cwd: dir });
    expect(forced.code, forced.stderr).toBe(0);
    const copy = await openPostgresStore(pgTarget.url);
    try {
      expect(await snapshot(copy)).toEqual(source);
    } finally {
      await copy.close();
    }
  }, 120_000);

  it("exits 2 on a bad or unreachable database, or the same one twice, before writing anything", async () => {
    const cases = [
      ["--from", "missing.db", "--to", "x.db"],
      ["--from", "source.db", "--to", "mysql://u@h/db"],
      ["--from", "source.db", "--to", "postgres://postgres@127.0.0.1:1/none"],
      ["--from", "postgres://[bad", "--to", "y.db"],
      ["--from", "source.db", "--to", "./source.db"],
    ];
    for (const argv of cases) {
      const result = await runCli(["db", "copy", ...argv], { cwd: dir });
      expect(result.code, `${argv.join(" ")}: ${result.stderr}`).toBe(2);
    }
  }, 60_000);

  it("exits 6 and names the table when a count differs after the copy", async () => {
    // A target that silently drops every note it is given: the counts at the end must catch it.
    const lossy = openSqliteStore(join(dir, "lossy.db"));
    await lossy.executeSql(
      "CREATE TRIGGER drop_notes AFTER INSERT ON notes BEGIN DELETE FROM notes WHERE id = NEW.id; END",
    );
    await lossy.close();
    const result = await runCli(["db", "copy", "--from", "source.db", "--to", "lossy.db"], { cwd: dir });
    expect(result.code).toBe(6);
    expect(result.stdout).toMatch(/notes\s+23\s+23\s+0\s+DIFFERENT/);
    expect(result.stderr).toMatch(/differ after the copy: notes .*rolled back: the target's rows are as they were/);
    // Rolled back: the tables that did copy are not left behind either.
    const after = openSqliteStore(join(dir, "lossy.db"));
    try {
      expect(await after.listRuns()).toEqual([]);
      expect((await after.ledgerTotals()).calls).toBe(0);
    } finally {
      await after.close();
    }
  }, 60_000);

  it("a copy that fails mid-way is rolled back: a --force target keeps its rows, a new file is not left", async () => {
    const kept = openSqliteStore(join(dir, "kept.db"));
    await kept.upsertUsers([user("u9")]);
    // The ledger is written after the jobs and before the notes: the failure comes half-way.
    await kept.executeSql("CREATE TRIGGER no_ledger BEFORE INSERT ON ledger BEGIN SELECT RAISE(ABORT, 'no room'); END");
    await kept.close();
    const result = await runCli(["db", "copy", "--from", "source.db", "--to", "kept.db", "--force"], { cwd: dir });
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/rolled back: the target's rows are as they were/);
    const after = openSqliteStore(join(dir, "kept.db"));
    try {
      expect(await after.listJobs("r1")).toEqual([]);
      const users: unknown[] = [];
      for await (const u of after.iterateRecords("users")) users.push((u as { id: string }).id);
      expect(users).toEqual(["u9"]);
    } finally {
      await after.close();
    }
    // A source table the target lacks (a newer xhs-kit): exit 2 before a row is copied, and no new file is left.
    const future = openSqliteStore(join(dir, "future.db"));
    await fill(future);
    await future.executeSql("CREATE TABLE xhs_future (id TEXT PRIMARY KEY)");
    await future.close();
    const refused = await runCli(["db", "copy", "--from", "future.db", "--to", "new.db"], { cwd: dir });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/no table "xhs_future".*nothing was copied: new\.db was not created/);
    expect(refused.stderr).not.toMatch(/paid/);
    expect(existsSync(join(dir, "new.db"))).toBe(false);
    expect(readdirSync(dir).filter((name) => name.startsWith("new.db"))).toEqual([]);
  }, 60_000);

  it("copies a Postgres that workers used (the shared limiter's table) to SQLite and to Postgres, without that table", async () => {
    const used = await freshPostgresDatabase("db_copy_used");
    const other = await freshPostgresDatabase("db_copy_used_to");
    try {
      const store = await openPostgresStore(used.url);
      await fill(store);
      // Workers ran pg-boss on it too (its own schema, never copied).
      const boss = await startPgBossQueue(used.url, store);
      await boss.stop();
      await store.close();
      // The workers' limiter creates its table in the crawl's database on first booking.
      const limiter = new PostgresSharedLimiter(used.url);
      await limiter.reserve([{ id: "key:abc", perSecond: 10, burst: 1 }], Date.now());
      await limiter.close();
      for (const to of ["used.db", other.url]) {
        const result = await runCli(["db", "copy", "--from", used.url, "--to", to, "--json"], { cwd: dir });
        expect(result.code, result.stderr).toBe(0);
        const tables = (JSON.parse(result.stdout) as { tables: { table: string }[] }).tables.map((t) => t.table);
        expect(tables).toContain("notes");
        expect(tables).not.toContain("xhs_rate_limit_buckets");
      }
      const back = openSqliteStore(join(dir, "used.db"));
      try {
        expect((await snapshot(back)).ledger).toEqual(source.ledger);
      } finally {
        await back.close();
      }
      const copy = await openPostgresStore(other.url);
      try {
        expect((await copy.ledgerTotals()).calls).toBe(12);
      } finally {
        await copy.close();
      }
    } finally {
      await used.drop();
      await other.drop();
    }
  }, 120_000);
});
