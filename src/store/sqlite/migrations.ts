/**
 * The migrations (src/store/sql/migrations.ts) applied to a SQLite file: synchronously, each in its own IMMEDIATE
 * transaction (two processes opening a fresh file at once do not both apply one), recorded in `schema_migrations`.
 * Also what a file holds before anything is written to it: nothing, an xhs-kit database, or someone else's tables.
 */
import type Database from "better-sqlite3";
import { SQLITE_DIALECT } from "../sql/dialect.js";
import {
  LATEST_SCHEMA_VERSION,
  MIGRATIONS,
  migrationRowsAreOurs,
  SCHEMA_MIGRATIONS_DDL,
  SchemaTooNewError,
} from "../sql/migrations.js";

export { LATEST_SCHEMA_VERSION, MIGRATIONS, SchemaTooNewError };

/**
 * What a database file holds before anything is written to it: nothing (a new or empty file), an
 * xhs-kit database, or someone else's tables. Reads only.
 */
export function databaseOwner(db: Database.Database): "empty" | "ours" | "foreign" {
  const tables = db
    .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
    .pluck()
    .all() as string[];
  if (tables.length === 0) return "empty";
  if (!tables.includes("schema_migrations")) return "foreign";
  const columns = new Set(
    (db.prepare("SELECT name FROM pragma_table_info('schema_migrations')").pluck().all() as string[]).map(String),
  );
  if (!["version", "name", "applied_at"].every((c) => columns.has(c))) return "foreign";
  const rows = db.prepare("SELECT version, name FROM schema_migrations").all() as { version: unknown; name: unknown }[];
  if (!rows.every((row) => typeof row.version === "number") || !migrationRowsAreOurs(rows)) return "foreign";
  // A bare schema_migrations (a first open that died before migration 1) is ours only if nothing else is there.
  if (rows.length === 0 && tables.length > 1) return "foreign";
  return "ours";
}

/** The highest schema version recorded (0 when none). */
export function schemaVersionOf(db: Database.Database): number {
  return Number(db.prepare("SELECT MAX(version) FROM schema_migrations").pluck().get() ?? 0);
}

/** Applies the missing migrations. Returns the versions applied. Throws when the database is newer. */
export function migrate(db: Database.Database, now: () => string): number[] {
  db.exec(SCHEMA_MIGRATIONS_DDL);
  const applied = new Set(
    (db.prepare("SELECT version FROM schema_migrations").all() as { version: number }[]).map((r) => r.version),
  );
  const newest = Math.max(0, ...applied);
  if (newest > LATEST_SCHEMA_VERSION) {
    throw new SchemaTooNewError(newest, LATEST_SCHEMA_VERSION, db.name);
  }
  const done: number[] = [];
  const record = db.prepare("INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)");
  for (const migration of MIGRATIONS) {
    if (applied.has(migration.version)) continue;
    db.transaction(() => {
      const again = db.prepare("SELECT 1 FROM schema_migrations WHERE version = ?").get(migration.version);
      if (again) return;
      db.exec(migration.sql(SQLITE_DIALECT));
      record.run(migration.version, migration.name, now());
      done.push(migration.version);
    }).immediate();
  }
  return done;
}
