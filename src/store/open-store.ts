/**
 * One opener for every backend, chosen by the target: `postgres://…` or `postgresql://…` opens a Postgres store,
 * `file:PATH` or a plain path a SQLite file. Any other URL scheme is refused (a typo must not become a file named
 * "mysql:/…"). Every failure is a StoreOpenError (exit code 2), before anything is paid.
 */
import { fileURLToPath } from "node:url";
import { StoreOpenError } from "./errors.js";
import { isPostgresTarget, openPostgresStore, type PostgresStoreOptions } from "./postgres/open.js";
import type { SqlStore } from "./sql/sql-store.js";
import { openSqliteStore, type SqliteStoreOptions } from "./sqlite/sqlite-store.js";

export type OpenStoreOptions = SqliteStoreOptions & PostgresStoreOptions;

/** The SQLite path a target names, or null when it names Postgres. Throws StoreOpenError on another scheme. */
export function sqlitePathOf(target: string): string | null {
  const trimmed = target.trim();
  if (isPostgresTarget(trimmed)) return null;
  if (/^file:/i.test(trimmed)) {
    try {
      return trimmed.startsWith("file://") ? fileURLToPath(trimmed) : decodeURIComponent(trimmed.slice(5));
    } catch {
      throw new StoreOpenError(`Not a valid file URL: ${trimmed}`, trimmed);
    }
  }
  const scheme = /^([a-z][a-z0-9+.-]+):\/\//i.exec(trimmed);
  if (scheme) {
    throw new StoreOpenError(
      `Unknown database URL scheme "${scheme[1]}:" in ${trimmed.replace(/\/\/[^@/]*@/, "//***@")}: give a SQLite file path, file:PATH or postgres://…`,
      trimmed.replace(/\/\/[^@/]*@/, "//***@"),
    );
  }
  if (trimmed === "") throw new StoreOpenError("No database given (a SQLite file path or postgres://…)", trimmed);
  return target;
}

/** Opens the store `target` names (creating and migrating it unless read-only). */
export async function openStore(target: string, options: OpenStoreOptions = {}): Promise<SqlStore> {
  const path = sqlitePathOf(target);
  return path === null ? openPostgresStore(target, options) : openSqliteStore(path, options);
}
