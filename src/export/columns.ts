/**
 * Typed columns for the binary exports (xlsx, parquet): the CSV columns of `xhs export`, in the same order
 * and with the same cells (`csvRow`: author and counts flattened, arrays and objects as JSON text), each
 * with a type, so a spreadsheet gets numbers and dates and a parquet file gets INT64, BOOLEAN, TIMESTAMP.
 * One flattening rule for CSV, xlsx and parquet: a column added to the CSV must get a type here
 * (test/export/columns.test.ts fails until it does).
 */
import { CSV_COLUMNS, csvRow } from "../store/export.js";
import type { RecordKind, RecordOf } from "../store/port.js";

/**
 * - `string`: text as stored;
 * - `json`: an array or object as JSON text (tags, approx, images, video, pictures);
 * - `count`: an integer count (null when the answer did not say; see `approx` for the abbreviated ones);
 * - `flag`: true/false, null when unknown;
 * - `time`: an ISO 8601 UTC time, written as a date-time;
 * - `number`: a measure that may have a fraction (a video's duration in seconds).
 */
export type ColumnType = "string" | "json" | "count" | "flag" | "time" | "number";

export interface ExportColumn {
  name: string;
  type: ColumnType;
}

/** A typed cell: a time is a `Date` (UTC), a count a number, a flag a boolean. */
export type TypedCell = string | number | boolean | Date | null;

/** The type of every CSV column that is not plain text, by header (the same header means the same thing in every kind). */
const TYPE_OF: Readonly<Record<string, ColumnType>> = {
  tags: "json",
  approx: "json",
  images: "json",
  video: "json",
  pictures: "json",
  likes: "count",
  collects: "count",
  comments: "count",
  shares: "count",
  followers: "count",
  following: "count",
  likesAndCollects: "count",
  noteCount: "count",
  replyCount: "count",
  views: "count",
  discussions: "count",
  textTruncated: "flag",
  pinned: "flag",
  byNoteAuthor: "flag",
  publishedAt: "time",
  updatedAt: "time",
  createdAt: "time",
  fetchedAt: "time",
};

/** The headers that are text on purpose (a CSV column in neither list is a mistake the tests catch). */
export const TEXT_COLUMNS: ReadonlySet<string> = new Set([
  "id",
  "type",
  "title",
  "text",
  "authorId",
  "authorNickname",
  "authorRedId",
  "authorAvatarUrl",
  "ipLocation",
  "xsecToken",
  "url",
  "source",
  "nickname",
  "redId",
  "avatarUrl",
  "bio",
  "gender",
  "noteId",
  "rootId",
  "replyToUserId",
  "replyToUserNickname",
  "name",
]);

const columnsOf = (kind: RecordKind): readonly ExportColumn[] =>
  CSV_COLUMNS[kind].map((name) => ({ name, type: TYPE_OF[name] ?? "string" }));

/** The typed columns of each kind, in CSV order. */
export const EXPORT_COLUMNS: { readonly [K in RecordKind]: readonly ExportColumn[] } = {
  notes: columnsOf("notes"),
  users: columnsOf("users"),
  comments: columnsOf("comments"),
  topics: columnsOf("topics"),
};

/** An ISO time as a Date; null when absent or unreadable (the model promises ISO 8601, so never in practice). */
function toDate(value: string | number | boolean | null): Date | null {
  if (typeof value !== "string") return null;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? null : new Date(ms);
}

/**
 * One record as typed cells in `EXPORT_COLUMNS[kind]` order. Text (JSON text included) goes through
 * `redact`, so a secret that slipped into a record never reaches a file (the CLI passes its data redactor).
 */
export function typedRow<K extends RecordKind>(
  kind: K,
  record: RecordOf[K],
  redact: (text: string) => string = (text) => text,
): TypedCell[] {
  return typeCells(EXPORT_COLUMNS[kind], csvRow(kind, record), redact);
}

/** CSV cells (in `columns` order) as typed cells; text goes through `redact`. */
export function typeCells(
  columns: readonly ExportColumn[],
  cells: readonly (string | number | boolean | null)[],
  redact: (text: string) => string = (text) => text,
): TypedCell[] {
  return cells.map((cell, i) => {
    switch (columns[i]?.type) {
      case "time":
        return toDate(cell);
      case "count":
      case "number":
        return typeof cell === "number" ? cell : null;
      case "flag":
        return typeof cell === "boolean" ? cell : null;
      default:
        return typeof cell === "string" ? redact(cell) : cell;
    }
  });
}
