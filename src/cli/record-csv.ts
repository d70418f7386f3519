/**
 * Records as CSV: the same columns `xhs export` writes (documented in the README, "Export"), a UTF-8 BOM,
 * and formula escaping (a cell starting with = + - @ is quoted so a spreadsheet does not run it).
 */
import { stringify } from "csv-stringify/sync";
import type { ResolvedLink } from "../model/types.js";
import { csvRow, CSV_COLUMNS as STORE_CSV_COLUMNS } from "../store/export.js";
import type { Cell, RecordKind, RecordOfKind } from "./record-kinds.js";

type Column<T> = readonly [header: string, get: (record: T) => Cell];

/** The store's kind name for a record kind (CSV columns are shared with `xhs export`). */
const STORE_KIND = { note: "notes", user: "users", comment: "comments", topic: "topics" } as const;

const LINK_COLUMNS: readonly Column<ResolvedLink>[] = [
  ["kind", (l) => l.kind],
  ["id", (l) => l.id],
  ["xsecToken", (l) => l.xsecToken],
  ["url", (l) => l.url],
];

/** The CSV header of a kind: the same columns `xhs export` writes (documented in the README, "Export"). */
export function csvHeaders(kind: RecordKind): readonly string[] {
  return kind === "link" ? LINK_COLUMNS.map(([h]) => h) : STORE_CSV_COLUMNS[STORE_KIND[kind]];
}

/** One record as a flat row of CSV cells, in `csvHeaders(kind)` order. */
export function flattenRecord<K extends RecordKind>(kind: K, record: RecordOfKind[K]): Cell[] {
  if (kind === "link") return LINK_COLUMNS.map(([, get]) => get(record as ResolvedLink));
  return csvRow(STORE_KIND[kind as Exclude<RecordKind, "link">], record as never);
}

/** CSV text for rows: a UTF-8 BOM and the header first; cells starting with = + - @ are escaped with a quote. */
export function csvChunk(headers: readonly string[] | null, rows: readonly Cell[][]): string {
  const body = stringify(
    rows.map((r) => r.map((c) => (c === null ? "" : c))),
    {
      escape_formulas: true,
      cast: { boolean: (b) => (b ? "true" : "false") },
    },
  );
  if (!headers) return body;
  return `\uFEFF${stringify([[...headers]])}${body}`;
}
