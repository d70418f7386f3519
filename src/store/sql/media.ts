/**
 * The media table: one row per downloaded note item (issue #15). `SqlMediaIndex` is the media layer's
 * `MediaIndex` port over a SQL store, so `xhs media --db` can record there what it downloaded.
 *
 * The table is created on first use (`CREATE TABLE IF NOT EXISTS`), not by a numbered migration, while the
 * SQLite store moves onto the shared migrations (issue #13): a migration then is one entry with this DDL.
 * Queries are raw `sql` (the table is not in the records' Kysely types), bound the same way on both dialects;
 * BIGINT is INTEGER affinity in SQLite and a string from pg (read back through `num`).
 */
import { sql } from "kysely";
import type { MediaFile, MediaKind } from "../../model/media-file.js";
import type { Db } from "./dialect.js";

export type MediaFileKind = MediaKind;
/** A row of the media table: the model's `MediaFile` (src/media records the same shape). */
export type MediaFileRow = MediaFile;

/** BIGINT comes back from pg as a string. */
function num(value: unknown): number | null {
  return value === null || value === undefined ? null : Number(value);
}

function fromRow(r: Record<string, unknown>): MediaFileRow {
  const durationMs = num(r.duration_ms);
  return {
    noteId: String(r.note_id),
    kind: String(r.kind) as MediaFileKind,
    index: Number(r.item_index),
    sourceUrl: String(r.source_url),
    rule: String(r.rule),
    sha256: String(r.sha256),
    bytes: Number(r.bytes),
    format: String(r.format),
    path: String(r.path),
    width: num(r.width),
    height: num(r.height),
    durationSec: durationMs === null ? null : durationMs / 1000,
    watermarked: Number(r.watermarked) === 1,
    fetchedAt: String(r.fetched_at),
  };
}

export const MEDIA_TABLE_DDL = `CREATE TABLE IF NOT EXISTS media (
  note_id TEXT NOT NULL,
  kind TEXT NOT NULL,
  item_index BIGINT NOT NULL,
  source_url TEXT NOT NULL,
  rule TEXT NOT NULL,
  sha256 TEXT NOT NULL,
  bytes BIGINT NOT NULL,
  format TEXT NOT NULL,
  path TEXT NOT NULL,
  width BIGINT,
  height BIGINT,
  duration_ms BIGINT,
  watermarked BIGINT NOT NULL,
  fetched_at TEXT NOT NULL,
  PRIMARY KEY (note_id, kind, item_index)
)`;

/** Creates the table and its hash index when missing (safe to call on every open). */
export async function ensureMediaTable(db: Db): Promise<void> {
  await sql.raw(MEDIA_TABLE_DDL).execute(db);
  await sql.raw("CREATE INDEX IF NOT EXISTS media_sha256 ON media (sha256)").execute(db);
}

export async function putMediaFile(db: Db, row: MediaFileRow): Promise<void> {
  const durationMs = row.durationSec === null ? null : Math.round(row.durationSec * 1000);
  await sql`
    INSERT INTO media (note_id, kind, item_index, source_url, rule, sha256, bytes, format, path, width, height,
      duration_ms, watermarked, fetched_at)
    VALUES (${row.noteId}, ${row.kind}, ${row.index}, ${row.sourceUrl}, ${row.rule}, ${row.sha256}, ${row.bytes},
      ${row.format}, ${row.path}, ${row.width}, ${row.height}, ${durationMs}, ${row.watermarked ? 1 : 0}, ${row.fetchedAt})
    ON CONFLICT (note_id, kind, item_index) DO UPDATE SET source_url = excluded.source_url, rule = excluded.rule,
      sha256 = excluded.sha256, bytes = excluded.bytes, format = excluded.format, path = excluded.path,
      width = excluded.width, height = excluded.height, duration_ms = excluded.duration_ms,
      watermarked = excluded.watermarked, fetched_at = excluded.fetched_at`.execute(db);
}

export async function getMediaFile(
  db: Db,
  noteId: string,
  kind: MediaFileKind,
  index: number,
): Promise<MediaFileRow | undefined> {
  const { rows } = await sql<Record<string, unknown>>`
    SELECT * FROM media WHERE note_id = ${noteId} AND kind = ${kind} AND item_index = ${index}`.execute(db);
  return rows[0] ? fromRow(rows[0]) : undefined;
}

/** Every row, by note then kind then index (what `xhs export media` would write). */
export async function listMediaFiles(db: Db, filter: { noteId?: string } = {}): Promise<MediaFileRow[]> {
  const where = filter.noteId === undefined ? sql`` : sql`WHERE note_id = ${filter.noteId}`;
  const { rows } = await sql<Record<string, unknown>>`
    SELECT * FROM media ${where} ORDER BY note_id, kind, item_index`.execute(db);
  return rows.map(fromRow);
}

/** The media layer's index over a store that hands out its Kysely handle (`SqlStore.db()`). */
export class SqlMediaIndex {
  readonly #store: { db(): Db };
  #ready: Promise<void> | undefined;
  constructor(store: { db(): Db }) {
    this.#store = store;
  }
  async #db(): Promise<Db> {
    this.#ready ??= ensureMediaTable(this.#store.db());
    await this.#ready;
    return this.#store.db();
  }
  async get(noteId: string, kind: MediaFileKind, index: number) {
    return getMediaFile(await this.#db(), noteId, kind, index);
  }
  async put(row: MediaFileRow) {
    return putMediaFile(await this.#db(), row);
  }
  async all() {
    return listMediaFiles(await this.#db());
  }
}
