/**
 * Exports analysts open directly: xlsx (a sheet per kind) and parquet (a file per kind), streamed from any
 * `Store` with bounded memory. CSV, JSON lines and JSON stay in `store/export.ts` (`exportRecords`).
 */
export { type ColumnType, EXPORT_COLUMNS, type ExportColumn, type TypedCell, typedRow } from "./columns.js";
export { type AtomicFile, type AtomicFolder, openAtomicFile, openAtomicFolder } from "./file.js";
export {
  exportParquet,
  PARQUET_ROW_GROUP,
  type ParquetExportOptions,
  type ParquetExportResult,
  parquetSchema,
} from "./parquet.js";
export type { BinaryExportOptions } from "./sink.js";
export { checkKinds, exportXlsx, XLSX_MAX_CELL_CHARS, XLSX_TIME_FORMAT, type XlsxExportResult } from "./xlsx.js";
