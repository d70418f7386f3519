/**
 * Exports analysts open directly: xlsx (a sheet per kind) and parquet (a file per kind), streamed from any
 * `Store` with bounded memory. CSV, JSON lines and JSON of records stay in `store/export.ts` (`exportRecords`);
 * other tables (the media table, the count observations) are written by `writeTableText`, `writeXlsx`, `writeParquet`.
 */
export { type ColumnType, EXPORT_COLUMNS, type ExportColumn, type TypedCell, typeCells, typedRow } from "./columns.js";
export { type AtomicFile, type AtomicFolder, openAtomicFile, openAtomicFolder } from "./file.js";
export {
  exportParquet,
  PARQUET_ROW_GROUP,
  type ParquetExportOptions,
  type ParquetExportResult,
  parquetSchema,
  writeParquet,
} from "./parquet.js";
export type { BinaryExportOptions } from "./sink.js";
export {
  type Cell,
  type ExportTable,
  MEDIA_COLUMNS,
  mediaTable,
  OBSERVATION_COLUMNS,
  observationTable,
  recordTable,
} from "./tables.js";
export { writeTableText } from "./text.js";
export {
  checkKinds,
  exportXlsx,
  writeXlsx,
  XLSX_MAX_CELL_CHARS,
  XLSX_TIME_FORMAT,
  type XlsxExportResult,
} from "./xlsx.js";
