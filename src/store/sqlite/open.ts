/**
 * Opening the database file of a SQLite store: path checks, refusing a database that is not xhs-kit's
 * before writing to it, WAL and sync settings, migrations, and the read-only mode (even on a read-only folder).
 */
import { existsSync, readFileSync, statSync } from "node:fs";
import { dirname, resolve } from "node:path";
import Database from "better-sqlite3";
import { systemClock } from "../../core/clock.js";
import { StoreOpenError } from "../errors.js";
import type { StoreOptions } from "../port.js";
import { databaseOwner, LATEST_SCHEMA_VERSION, migrate, SchemaTooNewError, schemaVersionOf } from "./migrations.js";

export interface SqliteStoreOptions extends StoreOptions {
  /**
   * PRAGMA synchronous (default "NORMAL"). In WAL mode NORMAL loses nothing on a process crash
   * (kill -9); only a power loss or OS crash can drop the last commits. "FULL" survives those too, slower.
   */
  synchronous?: "NORMAL" | "FULL";
  /** How long a write waits for another process's lock, in ms (default 5000). */
  busyTimeoutMs?: number;
  /**
   * Open an existing xhs-kit database for reading only (export, reports): no migration, no write, no
   * write access needed. Every write method then fails with SQLITE_READONLY.
   */
  readOnly?: boolean;
}

/**
 * Opens (creating and migrating if needed) the database of a SQLite store. Throws StoreOpenError (exit code 2) on a bad path,
 * and on a database that is not empty and not xhs-kit's, before writing anything to it.
 * With `readOnly`, opens an existing xhs-kit database without writing to it (nor needing write access).
 */
export function openDatabase(path: string, options: SqliteStoreOptions = {}): Database.Database {
  const inMemory = path === ":memory:";
  if (!inMemory) {
    const full = resolve(path);
    const folder = dirname(full);
    if (!existsSync(folder)) {
      throw new StoreOpenError(`Cannot create the database ${path}: the folder ${folder} does not exist`, path);
    }
    if (!statSync(folder).isDirectory()) {
      throw new StoreOpenError(`Cannot create the database ${path}: ${folder} is not a folder`, path);
    }
    if (existsSync(full) && statSync(full).isDirectory()) {
      throw new StoreOpenError(`Cannot open the database ${path}: it is a folder, not a file`, path);
    }
    if (options.readOnly && !existsSync(full)) {
      throw new StoreOpenError(`No database at ${path}`, path);
    }
  }
  if (options.readOnly) return openReadOnly(path, options);
  let db: Database.Database | undefined;
  try {
    db = new Database(path);
    // The first read of the file (a file that is not a database fails here), before any write:
    // someone else's database is refused untouched.
    if (databaseOwner(db) === "foreign") throw foreignError(path);
    const mode = db.pragma("journal_mode = WAL", { simple: true });
    if (!inMemory && String(mode).toLowerCase() !== "wal") {
      throw new Error(`could not switch to WAL mode (got ${String(mode)})`);
    }
    db.pragma(`synchronous = ${options.synchronous ?? "NORMAL"}`);
    db.pragma(`busy_timeout = ${Math.max(0, Math.trunc(options.busyTimeoutMs ?? 5000))}`);
    const clock = options.clock ?? systemClock;
    migrate(db, () => new Date(clock.now()).toISOString());
    return db;
  } catch (error) {
    db?.close();
    throw openError(error, path);
  }
}

function foreignError(path: string): StoreOpenError {
  return new StoreOpenError(
    `Cannot use ${path}: it is a SQLite database with other tables, not an xhs-kit database; give a new path (or an empty file)`,
    path,
  );
}

/**
 * Opens for reading only: nothing is written, not even the WAL's shared-memory file when the folder is
 * read-only (a read-only mount, a CD, a snapshot). A WAL database needs that file to be read in place,
 * so on a read-only folder the database is read into memory instead (when its -wal file holds nothing).
 */
function openReadOnly(path: string, options: SqliteStoreOptions): Database.Database {
  let db: Database.Database | undefined;
  try {
    db = new Database(path, { readonly: true, fileMustExist: true });
    let owner: ReturnType<typeof databaseOwner>;
    try {
      owner = databaseOwner(db);
    } catch (error) {
      const code = String((error as { code?: unknown }).code ?? "");
      if (path === ":memory:" || !/^SQLITE_(READONLY|CANTOPEN)/.test(code)) throw error;
      db.close();
      db = undefined;
      const wal = `${resolve(path)}-wal`;
      if (existsSync(wal) && statSync(wal).size > 0) {
        throw new StoreOpenError(
          `Cannot read ${path} where it is: its folder is read-only and ${path}-wal holds changes not yet merged; copy the database with its -wal file to a writable folder`,
          path,
          error,
        );
      }
      const image = readFileSync(path);
      // Bytes 18–19 say "WAL"; an in-memory copy reads the same pages in rollback mode.
      if (image.length >= 20) image.fill(1, 18, 20);
      db = new Database(image, { readonly: true });
      owner = databaseOwner(db);
    }
    if (owner === "foreign") throw foreignError(path);
    if (owner === "empty") throw new StoreOpenError(`${path} is empty: no xhs-kit data in it yet`, path);
    const version = schemaVersionOf(db);
    if (version > LATEST_SCHEMA_VERSION) throw new SchemaTooNewError(version, LATEST_SCHEMA_VERSION, path);
    if (version < 1) throw new StoreOpenError(`${path} is empty: no xhs-kit data in it yet`, path);
    db.pragma(`busy_timeout = ${Math.max(0, Math.trunc(options.busyTimeoutMs ?? 5000))}`);
    return db;
  } catch (error) {
    db?.close();
    throw openError(error, path);
  }
}

/** The error a failed open becomes: a StoreOpenError whose message says what to do. */
export function openError(error: unknown, path: string): StoreOpenError {
  // Before the StoreOpenError check: a too-new schema is one, but its message gains the path here.
  if (error instanceof SchemaTooNewError)
    return new StoreOpenError(`Cannot open ${path}: ${error.message}`, path, error);
  if (error instanceof StoreOpenError) return error;
  const code = (error as { code?: unknown }).code;
  const detail = error instanceof Error ? error.message : String(error);
  switch (typeof code === "string" && code.startsWith("SQLITE_READONLY") ? "SQLITE_READONLY" : code) {
    case "SQLITE_NOTADB":
      return new StoreOpenError(`Cannot open ${path}: the file is not a SQLite database`, path, error);
    case "SQLITE_CANTOPEN":
      return new StoreOpenError(
        `Cannot open or create the database ${path}: check that its folder exists and is writable`,
        path,
        error,
      );
    case "SQLITE_READONLY":
      return new StoreOpenError(`Cannot write to the database ${path}: it is read-only`, path, error);
    default:
      return new StoreOpenError(`Cannot open the database ${path}: ${detail}`, path, error);
  }
}
