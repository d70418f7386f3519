/**
 * The media table: one row per downloaded note item (issue #15). `SqlMediaIndex` is the media layer's
 * `MediaIndex` port over a SQL store, so `xhs media --db` and the crawl's `expand.media` record there what they
 * downloaded; `iterateMediaFiles` is what `xhs export media` reads.
 *
 * The table comes from migration 6 (`mediaTableSql`, in migrations.ts). Queries are raw `sql` (the table is not
 * in the records' Kysely types), compiled for the store's dialect and run through `executeSql`, so a write made
 * inside the store's `transaction(fn)` joins it and one made outside waits its turn. BIGINT comes back from pg
 * as a string (read back through `num`).
 */
import { type RawBuilder, sql } from "kysely";
import { InvalidInputError } from "../../core/errors.js";
import type { MediaFile, MediaKind } from "../../model/media-file.js";
import type { Db, SqlDialect } from "./dialect.js";

export type MediaFileKind = MediaKind;
/** A row of the media table: the model's `MediaFile` (src/media records the same shape). */
export type MediaFileRow = MediaFile;

/**
 * Migration 6's text. `IF NOT EXISTS`: a database that an xhs-kit of session 5 opened for `xhs media` already
 * has this exact table (it was created on first use then), and the migration takes it over as it is.
 */
export function mediaTableSql(d: Pick<SqlDialect, "int">): string {
  return `CREATE TABLE IF NOT EXISTS media (
  note_id TEXT NOT NULL,
  kind TEXT NOT NULL,
  item_index ${d.int} NOT NULL,
  source_url TEXT NOT NULL,
  rule TEXT NOT NULL,
  sha256 TEXT NOT NULL,
  bytes ${d.int} NOT NULL,
  format TEXT NOT NULL,
  path TEXT NOT NULL,
  width ${d.int},
  height ${d.int},
  duration_ms ${d.int},
  watermarked ${d.int} NOT NULL,
  fetched_at TEXT NOT NULL,
  PRIMARY KEY (note_id, kind, item_index)
);
CREATE INDEX IF NOT EXISTS media_sha256 ON media (sha256);
`;
}

/** What the media table needs of a store: its dialect (to compile) and its gated executor. */
export interface MediaStoreHandle {
  db(): Db;
  executeSql(text: string, values?: readonly unknown[]): Promise<{ rows: Record<string, unknown>[] }>;
}

async function run(store: MediaStoreHandle, query: RawBuilder<unknown>): Promise<Record<string, unknown>[]> {
  const compiled = query.compile(store.db());
  return (await store.executeSql(compiled.sql, compiled.parameters)).rows;
}

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

export async function putMediaFile(store: MediaStoreHandle, row: MediaFileRow): Promise<void> {
  const durationMs = row.durationSec === null ? null : Math.round(row.durationSec * 1000);
  await run(
    store,
    sql`
    INSERT INTO media (note_id, kind, item_index, source_url, rule, sha256, bytes, format, path, width, height,
      duration_ms, watermarked, fetched_at)
    VALUES (${row.noteId}, ${row.kind}, ${row.index}, ${row.sourceUrl}, ${row.rule}, ${row.sha256}, ${row.bytes},
      ${row.format}, ${row.path}, ${row.width}, ${row.height}, ${durationMs}, ${row.watermarked ? 1 : 0}, ${row.fetchedAt})
    ON CONFLICT (note_id, kind, item_index) DO UPDATE SET source_url = excluded.source_url, rule = excluded.rule,
      sha256 = excluded.sha256, bytes = excluded.bytes, format = excluded.format, path = excluded.path,
      width = excluded.width, height = excluded.height, duration_ms = excluded.duration_ms,
      watermarked = excluded.watermarked, fetched_at = excluded.fetched_at`,
  );
}

export async function getMediaFile(
  store: MediaStoreHandle,
  noteId: string,
  kind: MediaFileKind,
  index: number,
): Promise<MediaFileRow | undefined> {
  const rows = await run(
    store,
    sql`SELECT * FROM media WHERE note_id = ${noteId} AND kind = ${kind} AND item_index = ${index}`,
  );
  return rows[0] ? fromRow(rows[0]) : undefined;
}

export interface MediaFilter {
  /** Only these notes' files. */
  noteIds?: readonly string[];
  /** Only the files of notes this crawl run fetched (`run_items`). */
  runId?: string;
  /** Only files fetched at or after this time (ISO 8601). */
  since?: string;
}

/** An ISO time in the form every stored `fetched_at` has (`toISOString`), so text order is time order. */
export function isoSince(since: string): string {
  const ms = Date.parse(since);
  if (Number.isNaN(ms)) throw new InvalidInputError(`Not a date or time: "${since}" (use ISO 8601, e.g. 2026-01-30)`);
  return new Date(ms).toISOString();
}

function whereOf(filter: MediaFilter): RawBuilder<unknown> {
  const parts: RawBuilder<unknown>[] = [];
  if (filter.noteIds !== undefined) {
    parts.push(
      filter.noteIds.length === 0 ? sql`1 = 0` : sql`note_id IN (${sql.join(filter.noteIds.map((id) => sql`${id}`))})`,
    );
  }
  if (filter.runId !== undefined) {
    parts.push(sql`note_id IN (SELECT item_id FROM run_items WHERE run_id = ${filter.runId} AND kind = ${"notes"})`);
  }
  if (filter.since !== undefined) parts.push(sql`fetched_at >= ${isoSince(filter.since)}`);
  return parts.length === 0 ? sql`` : sql`WHERE ${sql.join(parts, sql` AND `)}`;
}

/** SQLite's and Postgres's words for a missing table. */
const NO_MEDIA_TABLE = /no such table: media\b|relation "media" does not exist/;

/** Rows per page read by `iterateMediaFiles`: memory stays at one page whatever the table size. */
const PAGE = 500;

/** Every row matching the filter, by note then kind then index, a page at a time. */
export async function* iterateMediaFiles(
  store: MediaStoreHandle,
  filter: MediaFilter = {},
): AsyncGenerator<MediaFileRow> {
  const where = whereOf(filter);
  for (let offset = 0; ; offset += PAGE) {
    const rows = await run(
      store,
      sql`SELECT * FROM media ${where} ORDER BY note_id, kind, item_index LIMIT ${PAGE} OFFSET ${offset}`,
    ).catch((error: unknown) => {
      // A database opened read-only before migration 6 has no media table: it has no media rows either.
      if (offset === 0 && NO_MEDIA_TABLE.test(String((error as Error)?.message))) return [];
      throw error;
    });
    for (const row of rows) yield fromRow(row);
    if (rows.length < PAGE) return;
  }
}

/** Every row matching the filter (see `iterateMediaFiles` for large tables). */
export async function listMediaFiles(store: MediaStoreHandle, filter: MediaFilter = {}): Promise<MediaFileRow[]> {
  const rows: MediaFileRow[] = [];
  for await (const row of iterateMediaFiles(store, filter)) rows.push(row);
  return rows;
}

/** The media layer's index (`MediaIndex`) over a SQL store's media table. */
export class SqlMediaIndex {
  readonly #store: MediaStoreHandle;
  constructor(store: MediaStoreHandle) {
    this.#store = store;
  }
  get(noteId: string, kind: MediaFileKind, index: number) {
    return getMediaFile(this.#store, noteId, kind, index);
  }
  put(row: MediaFileRow) {
    return putMediaFile(this.#store, row);
  }
  all() {
    return listMediaFiles(this.#store);
  }
}
