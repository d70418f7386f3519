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
export { displayUrl, isPostgresTarget, openPostgresStore, type PostgresStoreOptions } from "./postgres/open.js";
export type { Db, DialectName } from "./sql/dialect.js";
export {
  iterateMediaFiles,
  listMediaFiles,
  type MediaFileRow,
  type MediaFilter,
  SqlMediaIndex,
} from "./sql/media.js";
export { LATEST_SCHEMA_VERSION } from "./sql/migrations.js";
export { iterateObservations, type ObservationFilter, type ObservationRow } from "./sql/observation-rows.js";
export { SqlStore } from "./sql/sql-store.js";
export { openSqliteStore, SqliteStore, type SqliteStoreOptions } from "./sqlite/sqlite-store.js";
