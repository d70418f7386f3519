/** `xhs demo`: the main job, offline, end to end (simulator over HTTP, mild faults, SQLite). */
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openSqliteStore } from "../../src/store/sqlite/sqlite-store.js";
import { runCli } from "./helpers.js";

const xhs = (dir: string, args: string[]) => runCli(args, { cwd: dir });

describe("xhs demo", () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "xhs-demo-"));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("crawls the simulator into xhs-demo.db, prints the report and what to do next; a re-run starts fresh", async () => {
    const first = await xhs(dir, ["demo"]);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toMatch(/Run \S+ "xhs demo": completed/);
    expect(first.stdout).toMatch(/Comment completeness/);
    // The mild profile shows retries and (with the default seed) a failover.
    expect(first.stdout).toMatch(/retries: [1-9]\d*/);
    expect(first.stdout).toMatch(/failovers: [1-9]\d*/);
    expect(first.stderr).toMatch(/simulator is serving at http:\/\/127\.0\.0\.1:\d+/);
    expect(first.stderr).toMatch(/xhs export notes --db xhs-demo\.db/);
    expect(first.stderr).toMatch(/sqlite3 xhs-demo\.db/);
    // The dashboard too: it needs no key for a demo database (read-only).
    expect(first.stderr).toMatch(/xhs serve --db xhs-demo\.db +# the web dashboard/);
    expect(first.stderr).toMatch(/TIKHUB_API_KEY/);

    const path = join(dir, "xhs-demo.db");
    expect(existsSync(path)).toBe(true);
    const store = openSqliteStore(path);
    const counts = {
      notes: await store.countRecords("notes"),
      users: await store.countRecords("users"),
      comments: await store.countRecords("comments"),
    };
    const fullNotes = [];
    for await (const note of store.iterateRecords("notes")) if (!note.textTruncated) fullNotes.push(note.id);
    await store.close();
    expect(counts.notes).toBeGreaterThan(6);
    expect(counts.users).toBeGreaterThan(0);
    expect(counts.comments).toBeGreaterThan(0);
    expect(fullNotes.length).toBeGreaterThanOrEqual(6);

    const second = await xhs(dir, ["demo", "--json"]);
    expect(second.code, second.stderr).toBe(0);
    const report = JSON.parse(second.stdout) as { status: string; items: { notes: { new: number } } };
    expect(report.status).toBe("completed");
    expect(report.items.notes.new).toBe(counts.notes); // started from an empty database again
    const again = openSqliteStore(path);
    expect(await again.listRuns()).toHaveLength(1);
    await again.close();
  }, 120_000);

  it("refuses to empty a database that holds more than a demo crawl", async () => {
    const other = join(dir, "mine.db");
    const store = openSqliteStore(other);
    await store.createRun({ plan: { name: "my own crawl" } });
    await store.close();
    const result = await xhs(dir, ["demo", "--db", "mine.db"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/holds more than a demo crawl/);
    expect(existsSync(other)).toBe(true);
  }, 60_000);
});
