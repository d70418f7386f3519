/**
 * What an export writes, whatever the format: a named table with typed columns, its rows (streamed), each
 * row's cells (the CSV's, in column order) and its JSON form. The record kinds are tables (their cells are the
 * CSV's `csvRow`); so are the media table and the observations (issue #15, #14), which are not records.
 */
import type { MediaFile } from "../model/media-file.js";
import { csvRow } from "../store/export.js";
import type { RecordFilter, RecordKind, RecordOf, Store } from "../store/port.js";
import { iterateMediaFiles, type MediaFilter, type MediaStoreHandle } from "../store/sql/media.js";
import { iterateObservations, type ObservationFilter, type ObservationRow } from "../store/sql/observation-rows.js";
import { EXPORT_COLUMNS, type ExportColumn } from "./columns.js";

export type Cell = string | number | boolean | null;

export interface ExportTable<T = unknown> {
  /** The sheet's name in xlsx, the file's in a parquet folder, the word in "Exported 3 media". */
  name: string;
  columns: readonly ExportColumn[];
  rows(): AsyncIterable<T>;
  /** The row's cells in `columns` order, before typing (what the CSV writes). */
  cells(row: T): Cell[];
  /** The row in JSON and JSON lines. */
  json(row: T): unknown;
}

/** Stored records of one kind as a table (the CSV columns, the model record as JSON). */
export function recordTable<K extends RecordKind>(
  store: Store,
  kind: K,
  filter: RecordFilter = {},
): ExportTable<RecordOf[K]> {
  const only: RecordFilter = {};
  if (filter.runId !== undefined) only.runId = filter.runId;
  if (filter.since !== undefined) only.since = filter.since;
  return {
    name: kind,
    columns: EXPORT_COLUMNS[kind],
    rows: () => store.iterateRecords(kind, only),
    cells: (record) => csvRow(kind, record),
    json: (record) => record,
  };
}

/**
 * The media table's columns: the model's `MediaFile`, field for field, but `index` counts from 1 as the file
 * names do (`<noteId>/1.jpg` is index 1, `cover-2.jpg` index 2) and as `xhs media` names a failed item: what a
 * person reads beside `path` agrees with it. The store and the library keep the 0-based position in the note's
 * arrays (`note.images[index]`), which the media table's key and the dashboard use.
 */
export const MEDIA_COLUMNS: readonly ExportColumn[] = [
  { name: "noteId", type: "string" },
  { name: "kind", type: "string" },
  { name: "index", type: "count" },
  { name: "sourceUrl", type: "string" },
  { name: "rule", type: "string" },
  { name: "sha256", type: "string" },
  { name: "bytes", type: "count" },
  { name: "format", type: "string" },
  { name: "path", type: "string" },
  { name: "width", type: "count" },
  { name: "height", type: "count" },
  { name: "durationSec", type: "number" },
  { name: "watermarked", type: "flag" },
  { name: "fetchedAt", type: "time" },
];

/** A stored media row as exported: its index counted from 1, like its file name. */
export const exportedMediaFile = (row: MediaFile): MediaFile => ({ ...row, index: row.index + 1 });

/** Downloaded media files (`xhs media --db`, a crawl's `expand.media`), by note, kind and index. */
export function mediaTable(store: MediaStoreHandle, filter: MediaFilter = {}): ExportTable<MediaFile> {
  return {
    name: "media",
    columns: MEDIA_COLUMNS,
    rows: () => iterateMediaFiles(store, filter),
    cells: (row) => {
      const shown = exportedMediaFile(row);
      return MEDIA_COLUMNS.map((column) => shown[column.name as keyof MediaFile] ?? null);
    },
    json: exportedMediaFile,
  };
}

/**
 * One row per observation of counts: `kind` (note or user) and `id` say whose; a note's row fills likes,
 * collects, comments, shares, a user's followers, following, likesAndCollects, noteCount (the other kind's
 * columns stay empty). JSON keeps the store's own shape (`noteId` or `userId`, only that kind's counts).
 */
export const OBSERVATION_COLUMNS: readonly ExportColumn[] = [
  { name: "kind", type: "string" },
  { name: "id", type: "string" },
  { name: "fetchedAt", type: "time" },
  { name: "source", type: "string" },
  { name: "runId", type: "string" },
  { name: "likes", type: "count" },
  { name: "collects", type: "count" },
  { name: "comments", type: "count" },
  { name: "shares", type: "count" },
  { name: "followers", type: "count" },
  { name: "following", type: "count" },
  { name: "likesAndCollects", type: "count" },
  { name: "noteCount", type: "count" },
  { name: "approx", type: "json" },
];

function observationCells(row: ObservationRow): Cell[] {
  const flat: Record<string, Cell> = {
    ...row,
    id: row.kind === "note" ? row.noteId : row.userId,
    approx: JSON.stringify(row.approx),
  } as Record<string, Cell>;
  return OBSERVATION_COLUMNS.map((column) => flat[column.name] ?? null);
}

/** The engagement series of notes and users (what `xhs trend` draws), one row per observation. */
export function observationTable(store: MediaStoreHandle, filter: ObservationFilter = {}): ExportTable<ObservationRow> {
  return {
    name: "observations",
    columns: OBSERVATION_COLUMNS,
    rows: () => iterateObservations(store, filter),
    cells: observationCells,
    json: (row) => row,
  };
}
