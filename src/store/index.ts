/** Persistence: the Store and JobQueue ports, the SQLite backend, and streaming export. */

export {
  CSV_COLUMNS,
  csvRow,
  EXPORT_FORMATS,
  type ExportFormat,
  type ExportOptions,
  type ExportResult,
  exportRecords,
} from "./export.js";
export { mergeComment, mergeNote, mergeTopic, mergeUser } from "./merge.js";
export * from "./port.js";
export { LATEST_SCHEMA_VERSION } from "./sqlite/migrations.js";
export { openSqliteStore, SqliteStore, type SqliteStoreOptions } from "./sqlite/sqlite-store.js";
