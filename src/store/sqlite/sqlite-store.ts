/**
 * The SQL store on a SQLite file (the embedded default): `openSqliteStore` checks and opens the file (open.ts),
 * applies the migrations, and runs the store of src/store/sql over it through a driver that keeps its prepared
 * statements (driver.ts).
 */
import type Database from "better-sqlite3";
import { Kysely } from "kysely";
import { SqlContext } from "../sql/context.js";
import { SQLITE_DIALECT, type Tables } from "../sql/dialect.js";
import { SqlStore } from "../sql/sql-store.js";
import { cachedSqliteDialect } from "./driver.js";
import { schemaVersionOf } from "./migrations.js";
import { openDatabase, openError, type SqliteStoreOptions } from "./open.js";

export type { SqliteStoreOptions } from "./open.js";

/** The SQL store on SQLite, with the file's better-sqlite3 handle for tools and tests. */
export class SqliteStore extends SqlStore {
  /** The file path as given (":memory:" for an in-memory store). */
  readonly path: string;
  /** The better-sqlite3 handle, for tools and tests (read-only use, please). */
  readonly database: Database.Database;

  constructor(database: Database.Database, path: string, options: SqliteStoreOptions = {}) {
    const { dialect, execute } = cachedSqliteDialect(database);
    const db = new Kysely<Tables>({ dialect });
    super(new SqlContext(db, SQLITE_DIALECT, options, execute), {
      target: path,
      keepRawAnswers: options.keepRawAnswers,
    });
    this.path = path;
    this.database = database;
  }

  /** The schema version of this database. */
  get schemaVersion(): number {
    return schemaVersionOf(this.database);
  }
}

/**
 * Opens (creating and migrating if needed) a SQLite store. Throws StoreOpenError (exit code 2) on a bad path,
 * and on a database that is not empty and not xhs-kit's, before writing anything to it.
 * With `readOnly`, opens an existing xhs-kit database without writing to it (nor needing write access).
 */
export function openSqliteStore(path: string, options: SqliteStoreOptions = {}): SqliteStore {
  const database = openDatabase(path, options);
  try {
    return new SqliteStore(database, path, options);
  } catch (error) {
    database.close();
    throw openError(error, path);
  }
}
