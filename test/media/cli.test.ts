import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createClient } from "../../src/client/create-client.js";
import { createCdnFetch, SimulatedCdn } from "../../src/simulator/cdn/index.js";
import { createSimulator } from "../../src/simulator/index.js";
import { openPostgresStore } from "../../src/store/postgres/open.js";
import { listMediaFiles } from "../../src/store/sql/media.js";
import type { SqlStore } from "../../src/store/sql/sql-store.js";
import { openSqliteStore } from "../../src/store/sqlite/sqlite-store.js";
import { runCli, TEST_KEY } from "../cli/helpers.js";
import { type FreshDatabase, freshPostgresDatabase, hasPostgres } from "../support/services.js";
import { worldNotes } from "./world-helpers.js";

const CDN_HOST = /(?:^|\.)(?:xhscdn\.com|xiaohongshu\.com)$/;

/** TikHub calls go to the simulator, media URLs to its CDN; both counted. */
function rig() {
  const sim = createSimulator({ seed: 1, rateLimit: 0 });
  const cdn = new SimulatedCdn(sim.world);
  const cdnFetch = createCdnFetch(cdn);
  let apiCalls = 0;
  const fetch: typeof globalThis.fetch = (input, init) => {
    const url = new URL(String(input instanceof Request ? input.url : input));
    if (CDN_HOST.test(url.hostname)) return cdnFetch(input, init);
    if (!url.pathname.startsWith("/__cdn")) apiCalls++; // the free simulated-CDN discovery is no API call
    return sim.fetch(input, init);
  };
  const env = { TIKHUB_API_KEY: TEST_KEY, TIKHUB_BASE_URL: sim.url };
  return { sim, cdn, fetch, env, apiCalls: () => apiCalls };
}

describe("xhs media", () => {
  it("downloads a note by id into <dir>/<noteId>/, one paid detail call, no key to the CDN", async () => {
    const r = rig();
    const note = r.sim.world.notes().find((n) => n.type === "normal" && !n.deleted && n.images.length > 1)!;
    const cwd = mkdtempSync(join(tmpdir(), "xhs-media-cli-"));
    const out = await runCli(["media", note.id, "--dir", "pics"], { env: r.env, fetch: r.fetch, cwd });
    expect(out.stderr).toContain(
      `Downloaded ${note.images.length + note.images.filter((i) => i.livePhoto).length} files`,
    );
    expect(out.code).toBe(0);
    expect(r.apiCalls()).toBe(1);
    expect(r.cdn.stats.requestsWithCredentials).toBe(0);
    const files = readdirSync(join(cwd, "pics", note.id));
    expect(files).toContain(files.find((f) => f.startsWith("1.")));
    const index = readFileSync(join(cwd, "pics", "index.jsonl"), "utf8")
      .trim()
      .split("\n");
    expect(index).toHaveLength(files.length);
    expect(out.stderr).not.toContain(TEST_KEY);

    const again = await runCli(["media", note.id, "--dir", "pics"], { env: r.env, fetch: r.fetch, cwd });
    expect(again.stderr).toContain("Downloaded 0 files");
    expect(again.stderr).toContain(`${files.length} already there`);
  });

  it("says so for a note without media and for an unknown id (exit 5)", async () => {
    const r = rig();
    const cwd = mkdtempSync(join(tmpdir(), "xhs-media-cli-"));
    const unknown = await runCli(["media", "0000000000000000000000ff"], { env: r.env, fetch: r.fetch, cwd });
    expect(unknown.code).toBe(5);
    expect(readdirSync(join(cwd, "media")).filter((f) => !f.startsWith("."))).toEqual([]);
  });

  it("refuses bad input before any paid call (exit 2)", async () => {
    const r = rig();
    const cwd = mkdtempSync(join(tmpdir(), "xhs-media-cli-"));
    writeFileSync(join(cwd, "a-file"), "x");
    const note = r.sim.world.notes().find((n) => !n.deleted)!;
    const unwritable = await runCli(["media", note.id, "--dir", "a-file/media"], { env: r.env, fetch: r.fetch, cwd });
    expect(unwritable.code).toBe(2);
    expect(unwritable.stderr).toContain("cannot write to the media folder");
    const nothing = await runCli(["media"], { env: r.env, fetch: r.fetch, cwd });
    expect(nothing.code).toBe(2);
    const badRef = await runCli(["media", "not a note"], { env: r.env, fetch: r.fetch, cwd });
    expect(badRef.code).toBe(2);
    expect(r.apiCalls()).toBe(0);
  });
});

/** A crawl database holding some world notes as `xhs crawl` would have stored them (run "r1"). */
async function storedNotes(store: SqlStore, r: ReturnType<typeof rig>, count: number) {
  const client = createClient({ apiKey: TEST_KEY, fetch: r.sim.fetch, baseUrl: r.sim.url });
  const picked = r.sim.world
    .notes()
    .filter((n) => !n.deleted)
    .slice(0, count);
  const notes = [];
  for (const n of picked) notes.push(await client.notes.get(n.id, { type: n.type === "video" ? "video" : "image" }));
  await store.createRun({ id: "r1", plan: {} });
  await store.upsertNotes(notes, { runId: "r1" });
  return notes;
}

function mediaDbCases(target: () => Promise<{ db: string; open: () => Promise<SqlStore> }>) {
  it("--db records each file in the store's media table; a second run downloads nothing and adds no row", async () => {
    const r = rig();
    const { db, open } = await target();
    const seeded = await open();
    const notes = await storedNotes(seeded, r, 5);
    await seeded.close();
    const cwd = mkdtempSync(join(tmpdir(), "xhs-media-db-"));
    const first = await runCli(["media", "--db", db, "--run", "r1", "--dir", "pics"], {
      env: r.env,
      fetch: r.fetch,
      cwd,
    });
    expect(first.code).toBe(0);
    expect(first.stderr).toContain("media table");
    expect(r.apiCalls()).toBe(0);
    const store = await open();
    const rows = await listMediaFiles(store);
    await store.close();
    expect(new Set(rows.map((row) => row.noteId))).toEqual(new Set(notes.map((n) => n.id)));
    for (const row of rows) {
      expect(row.sha256).toMatch(/^[0-9a-f]{64}$/);
      expect(row.bytes).toBeGreaterThan(0);
      expect(row.sourceUrl).toMatch(/^https?:\/\//);
      expect(row.fetchedAt).toMatch(/Z$/);
      expect(readFileSync(join(cwd, "pics", row.path)).length).toBe(row.bytes);
    }
    // The store is the one record: no index.jsonl next to the files.
    expect(readdirSync(join(cwd, "pics"))).not.toContain("index.jsonl");
    const served = r.cdn.stats.bytesServed;
    const again = await runCli(["media", "--db", db, "--run", "r1", "--dir", "pics"], {
      env: r.env,
      fetch: r.fetch,
      cwd,
    });
    expect(again.code).toBe(0);
    expect(again.stderr).toContain("Downloaded 0 files");
    expect(r.cdn.stats.bytesServed).toBe(served);
    const after = await open();
    expect(await listMediaFiles(after)).toEqual(rows);
    await after.close();
    const badRun = await runCli(["media", "--db", db, "--run", "nope", "--dir", "pics"], {
      env: r.env,
      fetch: r.fetch,
      cwd,
    });
    expect(badRun.code).toBe(2);
  });
}

describe("xhs media --db on a database of another world (QA: seed 3's demo against seed 1's mock)", () => {
  it("pays the refetches that find the notes gone once: a second run makes 0 TikHub calls and says why", async () => {
    const r = rig();
    // Two of seed 3's image notes that seed 1's world does not have (its CDN refuses their signed URLs: 403).
    const notes = (await worldNotes(3, 30)).notes
      .filter((n) => n.type === "image" && n.images.length > 0 && !r.sim.world.note(n.id))
      .slice(0, 2);
    expect(notes).toHaveLength(2);
    const cwd = mkdtempSync(join(tmpdir(), "xhs-media-cli-"));
    const store = openSqliteStore(join(cwd, "x.db"));
    await store.upsertNotes(notes);
    await store.close();
    const first = await runCli(["media", "--db", "x.db", "--dir", "m"], { env: r.env, fetch: r.fetch, cwd });
    expect(first.code).toBe(6);
    expect(first.stderr).toContain("Fetched 2 note detail(s) again");
    const paid = r.apiCalls();
    expect(paid).toBeGreaterThan(0);
    const second = await runCli(["media", "--db", "x.db", "--dir", "m"], { env: r.env, fetch: r.fetch, cwd });
    expect(second.code).toBe(6);
    expect(r.apiCalls() - paid).toBe(0);
    expect(second.stderr).not.toContain("Fetched");
    expect(second.stderr).toContain("2 note(s) not fetched again: an earlier refetch found them gone or changed");
  });
});

describe("xhs media --db (SQLite)", () => {
  mediaDbCases(async () => {
    const db = join(mkdtempSync(join(tmpdir(), "xhs-media-sqlite-")), "crawl.db");
    return { db, open: async () => openSqliteStore(db) };
  });

  it("refuses a database path that does not exist, creating nothing (exit 2)", async () => {
    const r = rig();
    const cwd = mkdtempSync(join(tmpdir(), "xhs-media-db-"));
    const out = await runCli(["media", "--db", "missing.db"], { env: r.env, fetch: r.fetch, cwd });
    expect(out.code).toBe(2);
    expect(readdirSync(cwd)).not.toContain("missing.db");
  });
});

describe.skipIf(!hasPostgres())("xhs media --db (Postgres)", () => {
  let database: FreshDatabase;
  beforeAll(async () => {
    database = await freshPostgresDatabase("media_cli");
  });
  afterAll(async () => {
    await database?.drop();
  });
  mediaDbCases(async () => ({ db: database.url, open: () => openPostgresStore(database.url) }));
});
