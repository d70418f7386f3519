/**
 * Everything that differs between SQLite and Postgres in the SQL store, in one place: column types, the column
 * that keeps first-seen order, how writers of the same record are serialized, how leasing skips rows another
 * worker is taking, and how the lease token is spelt. Every other file of src/store/sql writes one SQL for both.
 */
import { type Kysely, type SelectQueryBuilder, sql } from "kysely";

export type DialectName = "sqlite" | "postgres";

/** A table row as the drivers read and bind it (column name → value). */
export type Row = Record<string, unknown>;
/** The store's tables, loosely typed: rows are mapped to the model by hand (rows.ts). */
export type Tables = Record<string, Row>;
export type Db = Kysely<Tables>;

export interface SqlDialect {
  name: DialectName;
  /**
   * One connection for everything (SQLite): the store runs its transactions itself on it (BEGIN IMMEDIATE … COMMIT)
   * instead of through Kysely's, whose per-transaction objects cost more than a small SQLite transaction.
   */
  singleConnection: boolean;
  /** A 64-bit integer column (counts, epoch ms, micro-USD). */
  int: string;
  /** An auto-numbered integer primary key. */
  autoId: string;
  /** Appended to a table made only of its key (SQLite stores such tables without a rowid). */
  keyOnlyTable: string;
  /**
   * The column that numbers rows in first-seen order (records, runs): SQLite's implicit rowid; a BIGSERIAL
   * `seq` on Postgres, declared by `orderColumnDdl` (empty on SQLite).
   */
  orderColumn: string;
  orderColumnDdl: string;
  /**
   * Serializes writers of the same records until the transaction ends, so a read-merge-write is never lost.
   * SQLite has one writer at a time (BEGIN IMMEDIATE): nothing to do. Postgres takes transaction-scoped advisory
   * locks on (kind, id) in one sorted order, so two batches sharing ids cannot deadlock on each other.
   */
  lockRecords(db: Db, kind: string, ids: readonly string[]): Promise<void>;
  /** The candidate rows of a lease: Postgres skips rows another transaction is leasing right now. */
  lockForLease<QB extends SelectQueryBuilder<Tables, string, Row>>(query: QB): QB;
  /**
   * Holds the rows read until the transaction ends (a read-modify-write by another process waits). SQLite's
   * BEGIN IMMEDIATE already keeps every other writer out: nothing to add.
   */
  lockForUpdate<QB extends SelectQueryBuilder<Tables, string, Row>>(query: QB): QB;
}

export const SQLITE_DIALECT: SqlDialect = {
  name: "sqlite",
  singleConnection: true,
  int: "INTEGER",
  autoId: "INTEGER PRIMARY KEY AUTOINCREMENT",
  keyOnlyTable: " WITHOUT ROWID",
  orderColumn: "rowid",
  orderColumnDdl: "",
  async lockRecords() {},
  lockForLease: (query) => query,
  lockForUpdate: (query) => query,
};

export const POSTGRES_DIALECT: SqlDialect = {
  name: "postgres",
  singleConnection: false,
  int: "BIGINT",
  autoId: "BIGSERIAL PRIMARY KEY",
  keyOnlyTable: "",
  orderColumn: "seq",
  orderColumnDdl: ",\n  seq BIGSERIAL NOT NULL",
  async lockRecords(db, kind, ids) {
    if (ids.length === 0) return;
    // A volatile function in the select list runs after ORDER BY (Postgres ≥ 9.6): the locks are taken in key order.
    await sql`SELECT pg_advisory_xact_lock(k) FROM (
        SELECT DISTINCT hashtextextended(${kind} || ':' || id, 0) AS k FROM unnest(CAST(${[...ids]} AS text[])) AS id
      ) AS keys ORDER BY k`.execute(db);
  },
  lockForLease: (query) => query.forUpdate().skipLocked() as typeof query,
  lockForUpdate: (query) => query.forUpdate() as typeof query,
};

export function dialectNamed(name: DialectName): SqlDialect {
  return name === "postgres" ? POSTGRES_DIALECT : SQLITE_DIALECT;
}
