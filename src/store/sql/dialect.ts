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

/** A table as a whole-database copy sees it: its columns, and the key it is read in order of. */
export interface TableShape {
  name: string;
  columns: string[];
  /**
   * Columns to page through the table by, in order: the first-seen order column where the table has one (so a
   * copy keeps first-seen order), else the primary key.
   */
  orderBy: string[];
  /** Whether `orderBy` is the dialect's order column (not a column of the table's own, never copied). */
  orderColumn: boolean;
}

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
  /** The database's tables (its own schema only: not pg-boss's), for `xhs db copy`. */
  tables(db: Db): Promise<TableShape[]>;
  /** After rows were inserted with their own ids: the next auto-numbered id follows the largest one. */
  resyncIds(db: Db, table: string): Promise<void>;
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
  async tables(db) {
    const { rows } = await sql<{ name: string; sql: string }>`
      SELECT name, sql FROM sqlite_master WHERE type = 'table' AND substr(name, 1, 7) <> 'sqlite_' ORDER BY name`.execute(
      db,
    );
    const shapes: TableShape[] = [];
    for (const table of rows) {
      const info = await sql<{
        name: string;
        pk: number;
      }>`SELECT name, pk FROM pragma_table_info(${table.name})`.execute(db);
      const key = info.rows.filter((c) => c.pk > 0).sort((a, b) => a.pk - b.pk);
      const rowid = !/WITHOUT\s+ROWID/i.test(table.sql);
      shapes.push({
        name: table.name,
        columns: info.rows.map((c) => c.name),
        orderBy: rowid ? ["rowid"] : key.map((c) => c.name),
        orderColumn: rowid,
      });
    }
    return shapes;
  },
  // AUTOINCREMENT follows the largest id inserted (sqlite_sequence) by itself.
  async resyncIds() {},
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
  async tables(db) {
    const { rows } = await sql<{ table_name: string; column_name: string; key_position: number | null }>`
      SELECT c.table_name, c.column_name, array_position(i.indkey::int2[], a.attnum) AS key_position
      FROM information_schema.columns c
      JOIN information_schema.tables t
        ON t.table_schema = c.table_schema AND t.table_name = c.table_name AND t.table_type = 'BASE TABLE'
      JOIN pg_attribute a ON a.attrelid = format('%I.%I', c.table_schema, c.table_name)::regclass AND a.attname = c.column_name
      LEFT JOIN pg_index i ON i.indrelid = a.attrelid AND i.indisprimary
      WHERE c.table_schema = current_schema()
      ORDER BY c.table_name, c.ordinal_position`.execute(db);
    const byTable = new Map<string, { columns: string[]; key: [number, string][] }>();
    for (const row of rows) {
      const shape = byTable.get(row.table_name) ?? { columns: [], key: [] };
      byTable.set(row.table_name, shape);
      shape.columns.push(row.column_name);
      if (row.key_position !== null) shape.key.push([Number(row.key_position), row.column_name]);
    }
    return [...byTable].map(([name, { columns, key }]) => {
      const seq = columns.includes("seq");
      return {
        name,
        columns: columns.filter((c) => c !== "seq"),
        orderBy: seq ? ["seq"] : key.sort((a, b) => a[0] - b[0]).map(([, column]) => column),
        orderColumn: seq,
      };
    });
  },
  async resyncIds(db, table) {
    // Every auto-numbered column but the order column (which numbered the copied rows itself).
    const { rows } = await sql<{ column_name: string }>`
      SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema()
        AND table_name = ${table} AND column_default LIKE 'nextval(%' AND column_name <> 'seq'`.execute(db);
    for (const { column_name: column } of rows) {
      await sql`SELECT setval(pg_get_serial_sequence(${table}, ${column}),
          COALESCE((SELECT MAX(${sql.ref(column)}) FROM ${sql.table(table)}), 0) + 1, false)`.execute(db);
    }
  },
};

export function dialectNamed(name: DialectName): SqlDialect {
  return name === "postgres" ? POSTGRES_DIALECT : SQLITE_DIALECT;
}
