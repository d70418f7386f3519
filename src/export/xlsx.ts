/**
 * Stored records as an Excel workbook (xlsx), written with exceljs's streaming writer: one sheet per kind,
 * rows committed as they come (no shared-strings table, which would hold every string until the end), so
 * memory stays bounded whatever the table size.
 *
 * Cells are typed (`EXPORT_COLUMNS`): counts are numbers, flags booleans, times dates (UTC) with a
 * date-time format, everything else text. A text cell is a string value (`t="str"`, no `<f>` element):
 * Excel never evaluates it, so `=1+1` stays the text `=1+1` without the `'` the CSV needs. The header row
 * is bold and frozen.
 */
import type { Writable } from "node:stream";
import { setTimeout as sleep } from "node:timers/promises";
import ExcelJS from "exceljs";
import { InvalidInputError } from "../core/errors.js";
import { RECORD_KINDS, type RecordKind, type Store } from "../store/port.js";
import { type ColumnType, type TypedCell, typeCells } from "./columns.js";
import { type BinaryExportOptions, rowsOf } from "./sink.js";
import { type ExportTable, recordTable } from "./tables.js";

/** Excel's limit on the characters of one cell: a longer text is cut there (Excel repairs a file that passes it). */
export const XLSX_MAX_CELL_CHARS = 32_767;

/** The date-time format of time cells (the value is a UTC date; Excel shows it as stored, no time zone shift). */
export const XLSX_TIME_FORMAT = "yyyy-mm-dd hh:mm:ss";

const WIDTH_BY_TYPE: Readonly<Record<ColumnType, number>> = {
  string: 18,
  json: 30,
  count: 10,
  flag: 8,
  time: 20,
  number: 10,
};
/**
 * By column name, where the type's width does not fit. Never 9: exceljs takes 9 for its default and writes
 * no width at all for it (a `source` column of 9 came out unsized).
 */
const WIDTH_BY_NAME: Readonly<Record<string, number>> = {
  id: 26,
  noteId: 26,
  rootId: 26,
  authorId: 26,
  title: 30,
  text: 60,
  bio: 40,
  url: 40,
  avatarUrl: 30,
  authorAvatarUrl: 30,
  type: 8,
  source: 10,
  runId: 24, // 20261203-205512-a1b2c3: 22 characters
  gender: 8,
  sourceUrl: 40,
  sha256: 30,
  path: 30,
};

export interface XlsxExportResult {
  /** Records written, per kind (in sheet order). */
  records: Partial<Record<RecordKind, number>>;
}

/**
 * A text as an xlsx cell keeps it: line ends become LF (XML readers turn a stored CR into LF anyway, so the
 * file says what every reader will see), characters XML cannot hold (C0 controls but tab and LF) are dropped
 * (exceljs drops them too), and a text longer than Excel's cell limit is cut there.
 */
export function xlsxText(text: string): string {
  const clean = text.replace(/\r\n?/g, "\n").replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, "");
  return clean.length > XLSX_MAX_CELL_CHARS ? clean.slice(0, XLSX_MAX_CELL_CHARS) : clean;
}

/**
 * exceljs 4.4's sheet stream: a StreamBuf that never says "wait" (its `write` returns true), holding 64 KiB
 * buffers until archiver pipes it into a PassThrough, which it then writes to without checking either. Left
 * alone, a sheet's whole XML piles up there whenever compression is slower than the rows come (the
 * benchmark saw ~1.6 KB per note). These are the fields that tell how much is waiting (exceljs is pinned;
 * test/export/xlsx.test.ts fails if they move).
 */
interface SheetStreamInternals {
  buffers?: { iRead?: number; iWrite?: number }[];
  pipes?: { _writableState?: { length?: number } }[];
}

/** Bytes of a sheet's XML written by exceljs but not yet taken by the zip: null when the internals are not there. */
export function sheetBacklog(sheet: ExcelJS.Worksheet): number | null {
  const stream = (sheet as unknown as { stream?: SheetStreamInternals }).stream;
  if (!stream || !Array.isArray(stream.buffers) || !Array.isArray(stream.pipes)) return null;
  const unsent = stream.buffers.reduce((sum, buffer) => sum + (buffer.iWrite ?? 0) - (buffer.iRead ?? 0), 0);
  return unsent + stream.pipes.reduce((sum, pipe) => sum + (pipe._writableState?.length ?? 0), 0);
}

/** How much sheet XML may wait for the zip before the rows pause (a few of exceljs's 64 KiB buffers). */
export const XLSX_MAX_BACKLOG = 1 << 20;

/** Waits until the zip has taken the sheet's backlog down to the bound (or the output has failed). */
async function settle(sheet: ExcelJS.Worksheet, out: Writable): Promise<void> {
  for (;;) {
    const backlog = sheetBacklog(sheet);
    if (backlog === null || backlog <= XLSX_MAX_BACKLOG) return;
    if (out.destroyed) throw out.errored ?? new Error("the xlsx output closed before the workbook was complete");
    // Compression runs off the main thread: give it a moment (a poll, as neither stream signals).
    await sleep(2);
  }
}

const fit = (cell: TypedCell): TypedCell => (typeof cell === "string" ? xlsxText(cell) : cell);

/** Checks the kinds before anything is written: known, at least one, none twice. */
export function checkKinds(kinds: readonly string[]): asserts kinds is readonly RecordKind[] {
  if (kinds.length === 0) throw new InvalidInputError(`Nothing to export: name one of ${RECORD_KINDS.join(", ")}`);
  for (const kind of kinds) {
    if (!(RECORD_KINDS as readonly string[]).includes(kind)) {
      throw new InvalidInputError(`Cannot export "${kind}": use one of ${RECORD_KINDS.join(", ")}`);
    }
  }
  const twice = kinds.find((kind, i) => kinds.indexOf(kind) !== i);
  if (twice) throw new InvalidInputError(`"${twice}" is named twice`);
}

/**
 * Writes one sheet per kind (named after the kind, in the order given) with every record matching the
 * filter, then ends `options.out`. Resolves once the last byte is handed to it.
 */
export async function exportXlsx(
  store: Store,
  kinds: readonly RecordKind[],
  options: BinaryExportOptions,
): Promise<XlsxExportResult> {
  checkKinds(kinds);
  const written = await writeXlsx(
    kinds.map((kind) => recordTable(store, kind, options)),
    options,
  );
  return { records: written as Partial<Record<RecordKind, number>> };
}

/**
 * Writes one sheet per table (named after it, in the order given), then ends `options.out`. Returns the rows
 * written per table name. Resolves once the last byte is handed over.
 */
export async function writeXlsx(
  // biome-ignore lint/suspicious/noExplicitAny: tables of different row types share one workbook
  tables: readonly ExportTable<any>[],
  options: Pick<BinaryExportOptions, "out" | "redact" | "signal">,
): Promise<Record<string, number>> {
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({
    stream: options.out,
    useStyles: true,
    useSharedStrings: false,
  });
  const written: Record<string, number> = {};
  for (const table of tables) {
    const columns = table.columns;
    const sheet = workbook.addWorksheet(table.name, { views: [{ state: "frozen", ySplit: 1, xSplit: 0 }] });
    sheet.columns = columns.map((column) => ({
      header: column.name,
      key: column.name,
      width: WIDTH_BY_NAME[column.name] ?? WIDTH_BY_TYPE[column.type],
      ...(column.type === "time" ? { style: { numFmt: XLSX_TIME_FORMAT } } : {}),
    }));
    const header = sheet.getRow(1);
    header.font = { bold: true };
    header.commit();
    let count = 0;
    for await (const row of rowsOf(table.rows(), options.signal)) {
      sheet.addRow(typeCells(columns, table.cells(row), options.redact).map(fit)).commit();
      count += 1;
      // Rows are committed synchronously: let the zip catch up now and then.
      if (count % 200 === 0) await settle(sheet, options.out);
    }
    sheet.commit();
    written[table.name] = count;
  }
  await workbook.commit();
  return written;
}
