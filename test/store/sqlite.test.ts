import { spawnSync } from "node:child_process";
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import Database from "better-sqlite3";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { EXIT, exitCodeFor } from "../../src/cli/exit-codes.js";
import { REDACTED } from "../../src/core/redact.js";
import { LATEST_SCHEMA_VERSION, openSqliteStore, StoreOpenError } from "../../src/store/index.js";
import { MIGRATIONS } from "../../src/store/sql/migrations.js";
import { type BackendFactory, runStoreConformance } from "./conformance.js";
import { comment, note } from "./fixtures.js";

const repoRoot = resolve(import.meta.dirname, "../..");

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), "xhs-store-"));
}

runStoreConformance("sqlite", (): BackendFactory => {
  const dir = tempDir();
  const path = join(dir, "conformance.db");
  return {
    async open(options) {
      const store = openSqliteStore(path, options);
      return { store, queue: store };
    },
    async destroy() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
});

describe("sqlite store: the file", () => {
  let dir: string;
  beforeEach(() => {
    dir = tempDir();
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it("uses WAL (a -wal file next to the database), NORMAL sync and records its migrations once", async () => {
    const path = join(dir, "xhs.db");
    const store = openSqliteStore(path);
    await store.upsertNotes([note("n1")]);
    expect(existsSync(`${path}-wal`)).toBe(true);
    expect(store.database.pragma("journal_mode", { simple: true })).toBe("wal");
    expect(store.database.pragma("synchronous", { simple: true })).toBe(1);
    expect(store.schemaVersion).toBe(LATEST_SCHEMA_VERSION);
    await store.close();
    const again = openSqliteStore(path);
    const versions = again.database.prepare("SELECT version FROM schema_migrations").pluck().all();
    expect(versions).toEqual(MIGRATIONS.map((m) => m.version));
    expect(versions.at(-1)).toBe(LATEST_SCHEMA_VERSION);
    expect(await again.getNote("n1")).toEqual(note("n1"));
    await again.close();
  });

  it("creates the tables the README documents", async () => {
    const store = openSqliteStore(join(dir, "xhs.db"));
    const tables = store.database
      .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
      .pluck()
      .all();
    expect(tables).toEqual([
      "comments",
      "jobs",
      "ledger",
      "media",
      "note_observations",
      "note_search",
      "note_search_terms",
      "note_search_trigrams",
      "note_search_trigrams_config",
      "note_search_trigrams_data",
      "note_search_trigrams_docsize",
      "note_search_trigrams_idx",
      "notes",
      "raw_answers",
      "run_health",
      "run_items",
      "runs",
      "schema_migrations",
      "topics",
      "user_observations",
      "users",
      "watch_alerts",
      "watch_deliveries",
      "watch_lease",
      "watch_spend",
      "watch_tasks",
      "watch_ticks",
      "watch_tracked",
    ]);
    const docs = readFileSync(join(repoRoot, "README.md"), "utf8");
    for (const table of tables) expect(docs).toContain(`\`${String(table)}\``);
    await store.close();
  });

  it("refuses an unusable path with a typed error that maps to exit code 2, creating nothing", () => {
    const missing = join(dir, "no-such-folder", "xhs.db");
    const fileAsFolder = join(dir, "plain-file");
    writeFileSync(fileAsFolder, "x");
    const notADb = join(dir, "notes.txt");
    writeFileSync(
      notADb,
      "this is a text file, not a database, and it is long enough to be read as a header".repeat(20),
    );
    const cases: [string, RegExp][] = [
      [missing, /folder .*no-such-folder does not exist/],
      [join(fileAsFolder, "xhs.db"), /is not a folder/],
      [dir, /is a folder/],
      [notADb, /not a SQLite database/],
    ];
    for (const [path, message] of cases) {
      let caught: unknown;
      try {
        openSqliteStore(path);
      } catch (error) {
        caught = error;
      }
      expect(caught, path).toBeInstanceOf(StoreOpenError);
      const error = caught as StoreOpenError;
      expect(error.message).toMatch(message);
      expect(error.path).toBe(path);
      expect(exitCodeFor(error.kind)).toBe(EXIT.usage);
    }
    expect(existsSync(join(dir, "no-such-folder"))).toBe(false);
    expect(readdirSync(dir).sort()).toEqual(["notes.txt", "plain-file"]);
  });

  it("refuses someone else's SQLite database before writing anything to it; an empty file is fine", async () => {
    const foreign = join(dir, "app.sqlite");
    const other = new Database(foreign);
    other.exec("CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT); INSERT INTO customers VALUES (1, 'Ann')");
    other.close();
    // A Rails-style schema_migrations table is not ours either.
    const rails = join(dir, "rails.sqlite3");
    const railsDb = new Database(rails);
    railsDb.exec(
      "CREATE TABLE schema_migrations (version TEXT PRIMARY KEY); INSERT INTO schema_migrations VALUES ('2024')",
    );
    railsDb.close();
    for (const path of [foreign, rails]) {
      const before = readFileSync(path);
      for (const readOnly of [false, true]) {
        let caught: unknown;
        try {
          openSqliteStore(path, { readOnly });
        } catch (error) {
          caught = error;
        }
        expect(caught, path).toBeInstanceOf(StoreOpenError);
        expect((caught as Error).message).toMatch(/not an xhs-kit database/);
        expect(exitCodeFor((caught as StoreOpenError).kind)).toBe(EXIT.usage);
      }
      // Not a byte changed, no -wal or -journal left next to it.
      expect(readFileSync(path).equals(before)).toBe(true);
    }
    expect(readdirSync(dir).sort()).toEqual(["app.sqlite", "rails.sqlite3"]);
    const empty = join(dir, "empty.db");
    writeFileSync(empty, "");
    const store = openSqliteStore(empty);
    expect(store.schemaVersion).toBe(LATEST_SCHEMA_VERSION);
    await store.close();
  });

  it("opens read-only without writing, and reads a database on a read-only folder", async () => {
    const folder = join(dir, "ro");
    mkdirSync(folder);
    const path = join(folder, "xhs.db");
    const store = openSqliteStore(path);
    await store.upsertNotes([note("n1")], { runId: "r1" });
    await store.createRun({ id: "r1" });
    await store.close();
    // The real case: a folder the reading user cannot write (root ignores permissions, so read as nobody).
    chmodSync(path, 0o444);
    chmodSync(folder, 0o555);
    chmodSync(dir, 0o755);
    const script = `
      import { openSqliteStore } from ${JSON.stringify(join(repoRoot, "src/store/index.ts"))};
      const store = openSqliteStore(process.argv[2], { readOnly: true });
      const note = await store.getNote("n1");
      console.log(JSON.stringify({ title: note?.title, runs: (await store.listRuns()).length, notes: await store.countRecords("notes", { runId: "r1" }) }));
      await store.close();
    `;
    const scriptPath = join(dir, "read.mts");
    writeFileSync(scriptPath, script);
    chmodSync(scriptPath, 0o644);
    const asNobody = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {};
    const child = spawnSync(process.execPath, ["--import", "tsx", scriptPath, path], {
      cwd: repoRoot,
      encoding: "utf8",
      env: { ...process.env, HOME: dir },
      ...asNobody,
    });
    expect(child.stderr).toBe("");
    expect(JSON.parse(child.stdout)).toEqual({ title: note("n1").title, runs: 1, notes: 1 });
    expect(readdirSync(folder)).toEqual(["xhs.db"]);
    chmodSync(folder, 0o755);
    const reader = openSqliteStore(path, { readOnly: true });
    expect(await reader.getNote("n1")).toEqual(note("n1"));
    await expect(reader.upsertNotes([note("n2")])).rejects.toThrow(/readonly/i);
    await reader.close();
    expect(() => openSqliteStore(join(folder, "missing.db"), { readOnly: true })).toThrow(/No database/);
    expect(existsSync(join(folder, "missing.db"))).toBe(false);
    const blank = join(folder, "blank.db");
    writeFileSync(blank, "");
    expect(() => openSqliteStore(blank, { readOnly: true })).toThrow(/empty/);
    rmSync(blank);
  });

  it("takes a job whose lease predates lease expiry (schema 1) as expired", async () => {
    const path = join(dir, "v1.db");
    const store = openSqliteStore(path);
    await store.enqueue({ runId: "r1", key: "a", kind: "k" });
    await store.lease("r1", { owner: "old" });
    store.database.prepare("UPDATE jobs SET lease_expires_ms = NULL").run();
    const [taken] = await store.lease("r1", { owner: "new" });
    expect(taken).toMatchObject({ key: "a", leaseOwner: "new", attempts: 2 });
    await store.close();
  });

  it("opens a file made by the previous store (schema 4), migrates it and keeps every row", async () => {
    // test/store/fixtures/schema-v4.db: written by openSqliteStore at 0335bdf (the SQLite backend before the SQL store).
    const path = join(dir, "old.db");
    copyFileSync(join(import.meta.dirname, "fixtures", "schema-v4.db"), path);
    const store = openSqliteStore(path);
    expect(store.schemaVersion).toBe(LATEST_SCHEMA_VERSION);
    expect(store.database.prepare("SELECT version FROM schema_migrations ORDER BY version").pluck().all()).toEqual(
      MIGRATIONS.map((m) => m.version),
    );
    expect(await store.getNote("n1")).toMatchObject({ stats: { likes: 130 }, approx: [], textTruncated: false });
    expect((await store.noteObservations("n1")).map((o) => o.likes)).toEqual([120, 130]);
    expect(await store.getComment("c1")).toMatchObject({ pinned: true, byNoteAuthor: false });
    expect(await store.getUser("u1")).toMatchObject({ bio: "简介", followers: 1000 });
    expect(await store.getTopic("t1")).toMatchObject({ name: "露营" });
    expect(await store.countRecords("notes", { runId: "run-old" })).toBe(2);
    expect(await store.getRun("run-old")).toMatchObject({ planKey: "plan-1", stats: { notes: 2 } });
    const [entry] = await store.ledgerEntries({ runId: "run-old" });
    expect(entry).toMatchObject({ hedge: true, costUsd: 0.01 });
    expect(entry?.keyFingerprint).toBeUndefined();
    expect(await store.rawAnswers({ runId: "run-old" })).toHaveLength(1);
    expect(await store.jobCounts("run-old")).toEqual({ pending: 1, leased: 1, done: 1, failed: 0 });
    // The old process is gone: its lease comes back with its checkpoint, and new writes carry the new columns.
    expect(await store.recoverLeases("run-old", { owner: "old-host:1:abc" })).toBe(1);
    const next = await store.lease("run-old", { limit: 5 });
    expect(next.find((j) => j.key === "comments:n1")?.checkpoint).toEqual({ cursor: "page-2", itemsSoFar: 20 });
    await store.upsertNotes([note("n3")], { runId: "run-old" });
    await store.appendLedger("run-old", [
      { ...entry!, hedge: undefined, keyFingerprint: "a1b2c3d4", at: "2026-01-30T03:00:00.000Z" },
    ]);
    expect((await store.ledgerTotals({ runId: "run-old" })).byKey).toEqual({
      a1b2c3d4: { calls: 1, billableCalls: 1, costUsd: 0.01 },
    });
    await store.close();
    // And the migrated file opens read-only as it is.
    const reader = openSqliteStore(path, { readOnly: true });
    expect(await reader.countRecords("notes")).toBe(3);
    await reader.close();
  });

  it("refuses a database written by a newer xhs-kit", async () => {
    const path = join(dir, "future.db");
    const store = openSqliteStore(path);
    store.database
      .prepare("INSERT INTO schema_migrations VALUES (?, 'from the future', '2030-01-01T00:00:00Z')")
      .run(999);
    await store.close();
    expect(() => openSqliteStore(path)).toThrow(
      new RegExp(`schema version 999, newer than this xhs-kit knows \\(${LATEST_SCHEMA_VERSION}\\).*upgrade xhs-kit`),
    );
  });

  it("keeps the API key out of every file it writes, WAL included", async () => {
    const secret = "tk-LIVE-KEY-5f2a9c0e7b1d4e3f";
    const path = join(dir, "keys.db");
    const store = openSqliteStore(path, { keepRawAnswers: true, secrets: [secret] });
    await store.createRun({ id: "r1", plan: { note: "no key here" } });
    await store.saveRawAnswer({
      runId: "r1",
      endpoint: "app_v2/get_image_note_detail",
      series: "app_v2",
      params: { note_id: "n1" },
      httpStatus: 401,
      requestId: null,
      fetchedAt: "2026-01-30T00:00:00.000Z",
      body: { detail: `Invalid token: ${secret}`, headers: { Authorization: `Bearer ${secret}` } },
    });
    await store.appendLedger("r1", [
      {
        at: "2026-01-30T00:00:00.000Z",
        capability: "note_detail" as never,
        endpoint: "app_v2/get_image_note_detail",
        series: "app_v2",
        httpStatus: 401,
        outcome: "auth",
        latencyMs: 10,
        billable: false,
        costUsd: 0,
        retry: 0,
        failover: false,
        reason: `401 Invalid token: ${secret}`,
      },
    ]);
    await store.enqueue({ runId: "r1", key: "note:n1", kind: "note_detail" });
    const [job] = await store.lease("r1");
    await store.fail(job!, { errorKind: "auth", message: `Bearer ${secret} rejected` });
    await store.updateRun("r1", { status: "failed", report: { error: `key ${secret}` } });
    const files = readdirSync(dir).map((f) => join(dir, f));
    expect(files.some((f) => f.endsWith("-wal"))).toBe(true);
    for (const file of files) expect(readFileSync(file).includes(secret), file).toBe(false);
    await store.close();
    expect(readFileSync(path).includes(secret)).toBe(false);
    expect(readFileSync(path).includes(REDACTED)).toBe(true);
  });

  it("recovers leases after the process is killed with SIGKILL mid-job", async () => {
    const path = join(dir, "crash.db");
    const script = `
      import { openSqliteStore } from ${JSON.stringify(join(repoRoot, "src/store/index.ts"))};
      const store = openSqliteStore(process.argv[2]);
      await store.createRun({ id: "r1" });
      await store.enqueueMany([{ runId: "r1", key: "a", kind: "k" }, { runId: "r1", key: "b", kind: "k" }]);
      const [a, b] = await store.lease("r1", { limit: 2, owner: "child" });
      await store.transaction(async () => {
        await store.upsertComments([{ id: "c1", noteId: "n1", rootId: null, replyToUser: null, author: null, text: "保存了",
          likes: 1, replyCount: 0, createdAt: null, ipLocation: null, pictures: [], pinned: null, byNoteAuthor: null, approx: [], source: "app_v2",
          fetchedAt: "2026-01-30T00:00:00.000Z" }], { runId: "r1" });
        await store.complete(a);
      });
      await store.checkpoint(b, { cursor: "page-2", itemsSoFar: 20 });
      process.kill(process.pid, "SIGKILL");
    `;
    mkdirSync(join(dir, "child"));
    const scriptPath = join(dir, "child", "crash.mts");
    writeFileSync(scriptPath, script);
    const child = spawnSync(process.execPath, ["--import", "tsx", scriptPath, path], {
      cwd: repoRoot,
      encoding: "utf8",
    });
    expect(child.signal, child.stderr).toBe("SIGKILL");
    const store = openSqliteStore(path);
    expect(await store.jobCounts("r1")).toEqual({ pending: 0, leased: 1, done: 1, failed: 0 });
    expect(await store.recoverLeases("r1")).toBe(1);
    const [b] = await store.lease("r1");
    expect(b).toMatchObject({ key: "b", attempts: 2, checkpoint: { cursor: "page-2", itemsSoFar: 20 } });
    expect((await store.getComment("c1"))?.text).toBe("保存了");
    await store.close();
  });

  it("ingests a large batch of comments and streams them back", async () => {
    const store = openSqliteStore(join(dir, "bulk.db"));
    const total = 5000;
    for (let i = 0; i < total; i += 1000) {
      const batch = Array.from({ length: 1000 }, (_, j) => comment(`c${i + j}`, `n${(i + j) % 7}`));
      await store.upsertComments(batch, { runId: "bulk" });
    }
    let seen = 0;
    for await (const c of store.iterateRecords("comments", { runId: "bulk" })) {
      expect(c.id).toBe(`c${seen}`);
      seen += 1;
    }
    expect(seen).toBe(total);
    expect(await store.countComments("n3")).toBe(Math.floor(total / 7) + (total % 7 > 3 ? 1 : 0));
    await store.close();
  });
});
