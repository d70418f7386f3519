/**
 * A whole database copied into another (`xhs db copy`): SQLite to Postgres, Postgres to SQLite, or either to its
 * own kind. Every table of the source's schema but those below is read in pages by its order key and written a
 * page at a time, so memory stays bounded whatever the size. Rows keep their values, ids included; first-seen
 * order is kept by reading in that order. At the end each table's rows are counted on both sides. The whole copy
 * (a --force's deletes included) is one transaction on the target: a copy that fails, or whose counts differ, is
 * rolled back and the target keeps the rows it had (a long transaction on the target is the price; no half-copied
 * database is left behind to be mistaken for a copy).
 *
 * Not copied, being state rather than data: pg-boss's own tables (schema `pgboss`, outside the current schema the
 * tables are listed from: its deliveries belong to the database they were made in), `schema_migrations` (the
 * target has its own, migrated by opening it) and the shared rate limiter's buckets (`xhs_rate_limit_buckets`,
 * created by the workers on first use in src/transport/shared-limit-postgres.ts; bookings recreate them).
 * The notes' search table and its trigram index (note-search.ts) are rebuilt from the copied notes, not copied (the
 * index differs by dialect). A Postgres target is then vacuumed and analyzed: after a bulk load the planner knows
 * nothing of the new rows and the visibility map is empty, so the sort indexes would go unused until autovacuum
 * (the dashboard's page 2,000 of 100,000 notes: 309 ms before, 29 ms after).
 */
import { type RawBuilder, sql } from "kysely";
import { InvalidInputError, XhsError } from "../../core/errors.js";
import { dialectNamed, type Row, type TableShape } from "./dialect.js";
import { isNoteSearchTable, rebuildNoteSearch } from "./note-search.js";
import type { SqlStore } from "./sql-store.js";

/** Rows read and written at a time (well under both drivers' parameter limits for the widest table). */
export const COPY_BATCH_ROWS = 500;

export interface TableCopy {
  table: string;
  /** Rows in the source when the copy ended. */
  source: number;
  /** Rows this copy wrote. */
  copied: number;
  /** Rows in the target when the copy ended. */
  target: number;
}

export interface CopyOptions {
  batchRows?: number;
  /** Delete every row of the copied tables in the target first (else a non-empty target is refused). */
  replace?: boolean;
  /** Called as each table is done (progress; the copy is not committed yet). */
  onTable?: (copy: TableCopy) => void;
  /** Called once the copy is committed (the Postgres vacuum that follows may still fail). */
  onCommitted?: () => void;
}

/** The target already holds rows: copying into it would mix two databases. */
export class TargetNotEmptyError extends InvalidInputError {
  constructor(readonly rows: Record<string, number>) {
    const list = Object.entries(rows)
      .map(([table, n]) => `${table} ${n}`)
      .join(", ");
    super(`The target database is not empty (${list})`);
  }
}

/** The copy's counts differ: it was rolled back. ("shape": what was written is not what was read.) */
export class CopyCountsDifferError extends XhsError {
  constructor(readonly tables: TableCopy[]) {
    const differ = tables.filter((c) => !countsAgree(c)).map((c) => c.table);
    super("shape", `${differ.length} table(s) differ after the copy: ${differ.join(", ")}`);
  }
}

/** Whether a table's copy is whole: everything read was written and both sides hold as many rows. */
export function countsAgree(c: TableCopy): boolean {
  return c.source === c.target && c.copied === c.source;
}

/** The shared limiter's table (its default name, shared-limit-postgres.ts): rate-limit state, not data. */
const LIMITER_TABLE = "xhs_rate_limit_buckets";
/** Tables that hold state, not data: never copied, never emptied (the demo's fresh start keeps them too). */
export const NOT_DATA_TABLES: ReadonlySet<string> = new Set(["schema_migrations", LIMITER_TABLE]);
const SKIPPED = NOT_DATA_TABLES;

async function countRows(store: SqlStore, table: string): Promise<number> {
  const { rows } = await sql<{ n: number | string }>`SELECT COUNT(*) AS n FROM ${sql.table(table)}`.execute(store.db());
  return Number(rows[0]?.n ?? 0);
}

/** The tables to copy: the source's, each with the columns the target has too. */
async function plannedTables(from: SqlStore, to: SqlStore): Promise<{ shape: TableShape; columns: string[] }[]> {
  const sourceTables = await dialectNamed(from.dialect).tables(from.db());
  const targetTables = new Map((await dialectNamed(to.dialect).tables(to.db())).map((t) => [t.name, t]));
  const planned: { shape: TableShape; columns: string[] }[] = [];
  for (const shape of sourceTables) {
    if (SKIPPED.has(shape.name) || isNoteSearchTable(shape.name)) continue;
    const target = targetTables.get(shape.name);
    if (target === undefined) {
      throw new InvalidInputError(
        `The target database has no table "${shape.name}" (is the source from a newer xhs-kit?)`,
      );
    }
    if (shape.orderBy.length === 0) throw new InvalidInputError(`The table "${shape.name}" has no key to read it by`);
    planned.push({ shape, columns: shape.columns.filter((c) => target.columns.includes(c)) });
  }
  return planned;
}

/**
 * Copies every table of `from` into `to` in one transaction on `to`; returns each table's counts. Throws
 * TargetNotEmptyError (a non-empty target without `replace`) or CopyCountsDifferError, the copy rolled back.
 */
export async function copyDatabase(from: SqlStore, to: SqlStore, options: CopyOptions = {}): Promise<TableCopy[]> {
  const batchRows = Math.max(1, Math.trunc(options.batchRows ?? COPY_BATCH_ROWS));
  const tables = await plannedTables(from, to);
  const report = await to.transaction(async () => {
    const occupied: Record<string, number> = {};
    for (const { shape } of tables) {
      const n = await countRows(to, shape.name);
      if (n > 0) occupied[shape.name] = n;
    }
    if (Object.keys(occupied).length > 0) {
      if (options.replace !== true) throw new TargetNotEmptyError(occupied);
      for (const table of Object.keys(occupied)) await sql`DELETE FROM ${sql.table(table)}`.execute(to.db());
    }
    const copies: TableCopy[] = [];
    for (const { shape, columns } of tables) {
      const copied = await copyTable(from, to, shape, columns, batchRows);
      await dialectNamed(to.dialect).resyncIds(to.db(), shape.name);
      const done = {
        table: shape.name,
        source: await countRows(from, shape.name),
        copied,
        target: await countRows(to, shape.name),
      };
      copies.push(done);
      options.onTable?.(done);
    }
    if (!copies.every(countsAgree)) throw new CopyCountsDifferError(copies);
    await rebuildNoteSearch(to.db(), to.dialect);
    return copies;
  });
  options.onCommitted?.();
  if (to.dialect === "postgres") {
    // Outside any transaction (VACUUM refuses one): each statement on its own pool connection.
    for (const name of [...tables.map((t) => t.shape.name), "note_search"]) {
      await sql`VACUUM (ANALYZE) ${sql.table(name)}`.execute(to.db());
    }
  }
  return report;
}

/** Pages through one table by its order key (keyset: no cursor stays open), inside the caller's transaction. */
async function copyTable(
  from: SqlStore,
  to: SqlStore,
  shape: TableShape,
  columns: readonly string[],
  batchRows: number,
): Promise<number> {
  const keyAliases = shape.orderBy.map((_, i) => `_copy_key_${i}`);
  const keyRefs = sql.join(shape.orderBy.map((c) => sql.ref(c)));
  const selected = sql.join([
    ...columns.map((c) => sql.ref(c)),
    ...shape.orderBy.map((c, i) => sql`${sql.ref(c)} AS ${sql.ref(keyAliases[i]!)}`),
  ]);
  let after: unknown[] | null = null;
  let copied = 0;
  for (;;) {
    const where: RawBuilder<unknown> = after === null ? sql`` : sql`WHERE (${keyRefs}) > (${sql.join(after)})`;
    const { rows }: { rows: Row[] } = await sql<Row>`SELECT ${selected} FROM ${sql.table(shape.name)} ${where}
      ORDER BY ${keyRefs} LIMIT ${batchRows}`.execute(from.db());
    if (rows.length === 0) return copied;
    const values = rows.map((row) => Object.fromEntries(columns.map((c) => [c, row[c] ?? null])));
    await to.db().insertInto(shape.name).values(values).execute();
    copied += rows.length;
    const last: Row = rows[rows.length - 1]!;
    after = keyAliases.map((alias) => last[alias]);
    if (rows.length < batchRows) return copied;
  }
}
