import { copyFileSync, mkdtempSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { downloadMedia, type MediaIndex } from "../../src/media/index.js";
import type { MediaFile } from "../../src/model/media-file.js";
import { openPostgresStore } from "../../src/store/postgres/open.js";
import { listMediaFiles, SqlMediaIndex } from "../../src/store/sql/media.js";
import { LATEST_SCHEMA_VERSION } from "../../src/store/sql/migrations.js";
import type { SqlStore } from "../../src/store/sql/sql-store.js";
import { openSqliteStore } from "../../src/store/sqlite/sqlite-store.js";
import { type FreshDatabase, freshPostgresDatabase, hasPostgres } from "../support/services.js";
import { worldNotes } from "./world-helpers.js";

const row = (noteId: string, index: number, fetchedAt = "2026-12-01T10:00:00.000Z"): MediaFile => ({
  noteId,
  kind: "image",
  index,
  sourceUrl: `https://ci.xiaohongshu.com/tok-${noteId}-${index}`,
  rule: "ci-original",
  sha256: "a".repeat(64),
  bytes: 1234,
  format: "jpeg",
  path: `${noteId}/${index + 1}.jpg`,
  width: 1080,
  height: 1440,
  durationSec: null,
  watermarked: false,
  fetchedAt,
});

/** The same behaviour on both dialects: what the media layer downloads is recorded once and skipped next time. */
function mediaTableCases(open: () => Promise<SqlStore>) {
  it("records what downloadMedia fetched, one row per item, and skips it on the next run", async () => {
    const store = await open();
    try {
      const w = await worldNotes(1, 8);
      const index: MediaIndex = new SqlMediaIndex(store);
      const dir = mkdtempSync(join(tmpdir(), "xhs-media-store-"));
      const first = await downloadMedia(w.notes, { dir, fetch: w.cdnFetch, index, requestsPerSecond: 0 });
      expect(first.failed).toEqual([]);
      expect(first.downloaded).toBeGreaterThan(8);
      const rows = await listMediaFiles(store);
      expect(rows).toHaveLength(first.downloaded);
      expect(rows.some((r) => r.kind === "video" && r.durationSec !== null)).toBe(true);
      for (const r of first.rows) {
        expect(rows.find((x) => x.noteId === r.noteId && x.kind === r.kind && x.index === r.index)).toEqual(r);
      }
      const served = w.cdn.stats.bytesServed;
      const again = await downloadMedia(w.notes, { dir, fetch: w.cdnFetch, index, requestsPerSecond: 0 });
      expect(again.downloaded).toBe(0);
      expect(again.skipped).toBe(first.downloaded);
      expect(w.cdn.stats.bytesServed).toBe(served);
      expect(await listMediaFiles(store)).toHaveLength(first.downloaded);
    } finally {
      await store.close();
    }
  });

  it("a file shared by two notes is stored once and listed twice (two rows, one sha256, one object)", async () => {
    const store = await open();
    try {
      const w = await worldNotes(1, 8);
      const picture = w.notes.find((n) => n.type === "image" && n.images.length > 0)!;
      const a = { ...picture, images: [{ ...picture.images[0]!, livePhotoUrl: null }] };
      const b = { ...a, id: "bbbb0000000000000000bbbb" };
      const dir = mkdtempSync(join(tmpdir(), "xhs-media-store-"));
      const report = await downloadMedia([a, b], {
        dir,
        fetch: w.cdnFetch,
        index: new SqlMediaIndex(store),
        requestsPerSecond: 0,
      });
      expect(report.deduped).toBe(1);
      const rows = await listMediaFiles(store, { noteIds: [a.id, b.id] });
      expect(rows.map((r) => r.noteId).sort()).toEqual([a.id, b.id].sort());
      expect(new Set(rows.map((r) => r.sha256)).size).toBe(1);
      const objects = readdirSync(join(dir, ".objects"), { recursive: true }).filter((p) => String(p).includes("."));
      expect(objects).toHaveLength(1);
    } finally {
      await store.close();
    }
  });

  it("filters rows by note, by time and by the notes a run fetched", async () => {
    const store = await open();
    try {
      const index = new SqlMediaIndex(store);
      await index.put(row("n1", 0, "2026-11-01T00:00:00.000Z"));
      await index.put(row("n1", 1));
      await index.put(row("n2", 0));
      await index.put({ ...row("n2", 0), bytes: 99 }); // the same item again: replaced, not added
      expect((await listMediaFiles(store)).map((r) => `${r.noteId}/${r.index}/${r.bytes}`)).toEqual([
        "n1/0/1234",
        "n1/1/1234",
        "n2/0/99",
      ]);
      expect(await listMediaFiles(store, { noteIds: ["n2"] })).toHaveLength(1);
      expect(await listMediaFiles(store, { noteIds: [] })).toEqual([]);
      expect(await listMediaFiles(store, { since: "2026-11-15" })).toHaveLength(2);
      await store.createRun({ id: "r1", plan: {} });
      await store.upsertNotes([{ ...(await worldNotes(1, 1)).notes[0]!, id: "n1" }], { runId: "r1" });
      expect((await listMediaFiles(store, { runId: "r1" })).map((r) => r.noteId)).toEqual(["n1", "n1"]);
      await expect(listMediaFiles(store, { since: "yesterday" })).rejects.toThrow(/Not a date/);
    } finally {
      await store.close();
    }
  });

  it("a write inside the store's transaction rolls back with it", async () => {
    const store = await open();
    try {
      const index = new SqlMediaIndex(store);
      await expect(
        store.transaction(async () => {
          await index.put(row("tx", 0));
          throw new Error("boom");
        }),
      ).rejects.toThrow("boom");
      expect(await index.get("tx", "image", 0)).toBeUndefined();
    } finally {
      await store.close();
    }
  });
}

describe("the store's media table (SQLite)", () => {
  const dir = mkdtempSync(join(tmpdir(), "xhs-media-sqlite-"));
  let n = 0;
  mediaTableCases(async () => openSqliteStore(join(dir, `s${n++}.db`)));

  it("comes from migration 6: a file made before it (schema 4) opens, migrates and takes media rows", async () => {
    const path = join(dir, "old.db");
    copyFileSync(join(import.meta.dirname, "..", "store", "fixtures", "schema-v4.db"), path);
    const store = openSqliteStore(path);
    expect(store.schemaVersion).toBe(LATEST_SCHEMA_VERSION);
    expect(LATEST_SCHEMA_VERSION).toBeGreaterThanOrEqual(6);
    await new SqlMediaIndex(store).put(row("n1", 0));
    expect(await listMediaFiles(store)).toHaveLength(1);
    expect(await store.getNote("n1")).toMatchObject({ stats: { likes: 130 } });
    await store.close();
  });

  it("a file from before migration 6 opened read-only lists no media rows (no table, no error)", async () => {
    const path = join(dir, "old-readonly.db");
    copyFileSync(join(import.meta.dirname, "..", "store", "fixtures", "schema-v4.db"), path);
    const reader = openSqliteStore(path, { readOnly: true });
    expect(await listMediaFiles(reader)).toEqual([]);
    await reader.close();
  });

  it("takes over a media table created on first use (before the migration existed), rows kept", async () => {
    const path = join(dir, "first-use.db");
    const store = openSqliteStore(path);
    await new SqlMediaIndex(store).put(row("kept", 0));
    store.database.prepare("DELETE FROM schema_migrations WHERE version = 6").run();
    await store.close();
    const again = openSqliteStore(path);
    expect(again.database.prepare("SELECT MAX(version) FROM schema_migrations").pluck().get()).toBe(
      LATEST_SCHEMA_VERSION,
    );
    expect((await listMediaFiles(again)).map((r) => r.noteId)).toEqual(["kept"]);
    await again.close();
  });
});

describe.skipIf(!hasPostgres())("the store's media table (Postgres)", () => {
  let database: FreshDatabase;
  beforeAll(async () => {
    database = await freshPostgresDatabase("media");
  });
  afterAll(async () => {
    await database?.drop();
  });
  mediaTableCases(async () => {
    const store = await openPostgresStore(database.url);
    await store.executeSql("DELETE FROM media");
    return store;
  });

  it("a database from before migration 6 opens and migrates (the table created, the version recorded)", async () => {
    const store = await openPostgresStore(database.url);
    await store.executeSql("DROP TABLE media");
    await store.executeSql("DELETE FROM schema_migrations WHERE version = 6");
    await store.close();
    const again = await openPostgresStore(database.url);
    expect(await again.schemaVersionNow()).toBe(LATEST_SCHEMA_VERSION);
    await new SqlMediaIndex(again).put(row("pg", 0));
    expect(await listMediaFiles(again)).toHaveLength(1);
    await again.close();
  });
});
