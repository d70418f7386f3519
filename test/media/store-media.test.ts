import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { downloadMedia, type MediaIndex } from "../../src/media/index.js";
import { openPostgresStore } from "../../src/store/postgres/open.js";
import { listMediaFiles, SqlMediaIndex } from "../../src/store/sql/media.js";
import type { SqlStore } from "../../src/store/sql/sql-store.js";
import { type FreshDatabase, freshPostgresDatabase, hasPostgres } from "../support/services.js";
import { worldNotes } from "./world-helpers.js";

describe.skipIf(!hasPostgres())("the store's media table (Postgres)", () => {
  let database: FreshDatabase;
  let store: SqlStore;
  beforeAll(async () => {
    database = await freshPostgresDatabase("media");
    store = await openPostgresStore(database.url);
  });
  afterAll(async () => {
    await store?.close();
    await database?.drop();
  });

  it("records what downloadMedia fetched, one row per item, and skips it on the next run", async () => {
    const w = await worldNotes(1, 8);
    const index: MediaIndex = new SqlMediaIndex(store);
    const dir = mkdtempSync(join(tmpdir(), "xhs-media-store-"));
    const first = await downloadMedia(w.notes, { dir, fetch: w.cdnFetch, index, requestsPerSecond: 0 });
    expect(first.failed).toEqual([]);
    const rows = await listMediaFiles(store.db());
    expect(rows).toHaveLength(first.downloaded);
    expect(rows.some((r) => r.kind === "video" && r.durationSec !== null)).toBe(true);
    for (const row of first.rows) {
      expect(rows.find((r) => r.noteId === row.noteId && r.kind === row.kind && r.index === row.index)).toEqual(row);
    }
    const again = await downloadMedia(w.notes, { dir, fetch: w.cdnFetch, index, requestsPerSecond: 0 });
    expect(again.downloaded).toBe(0);
    expect(again.skipped).toBe(first.downloaded);
  });
});
