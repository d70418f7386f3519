/**
 * The record tables (notes, users, comments, topics): upsert with the merge rules, read back, stream and count for
 * export. One code path for every kind, driven by record-kinds.ts.
 *
 * An upsert is one read-merge-write per batch, in one transaction: the writers of the same ids are serialized
 * first (dialect.ts `lockRecords`: nothing on single-writer SQLite, advisory locks on Postgres), the stored rows are
 * read, every incoming record is merged in order (the same id twice in a batch merges twice), then the new rows are
 * inserted, the changed ones updated (a note's search text with it), the counts appended to the kind's time series
 * and the records linked to the run (`run_items`).
 */
import { sql } from "kysely";
import { InvalidInputError } from "../../core/errors.js";
import type { RecordFilter, RecordKind, RecordOf, UpsertOutcome, UpsertResult } from "../port.js";
import type { SqlContext } from "./context.js";
import type { Db, Row } from "./dialect.js";
import { refreshNoteSearch } from "./note-search.js";
import { observationRow } from "./observations.js";
import { Slot, slots } from "./prepared.js";
import { KIND_TABLES, type KindTable, kindTable, type StoredRecord } from "./record-kinds.js";

/** Rows per page when streaming records (bounded memory whatever the table size). */
const PAGE_ROWS = 500;
/** Rows per multi-row INSERT and ids per IN (…) (well under both dialects' parameter limits). */
export const CHUNK = 400;

const STRENGTH: Record<UpsertOutcome, number> = { unchanged: 0, updated: 1, new: 2 };

export function chunks<T>(items: readonly T[], size = CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

export class RecordTables {
  private readonly context: SqlContext;

  constructor(context: SqlContext) {
    this.context = context;
  }

  /** Validates every record first (nothing is written when one is invalid), then merges them in one transaction. */
  async upsert<K extends RecordKind>(
    kind: K,
    records: readonly RecordOf[K][],
    runId: string | null,
  ): Promise<UpsertResult[]> {
    const table = KIND_TABLES[kind] as KindTable<RecordOf[K]>;
    const valid = records.map((record) => validated(table, record));
    if (valid.length === 0) return [];
    const firstSeen = this.context.nowIso();
    return this.context.atomic((db) => this.write(db, table, valid, runId, firstSeen));
  }

  private async write<T extends StoredRecord>(
    db: Db,
    table: KindTable<T>,
    records: readonly T[],
    runId: string | null,
    firstSeen: string,
  ): Promise<UpsertResult[]> {
    const { prepared } = this.context;
    const ids = [...new Set(records.map((r) => r.id))];
    await this.context.dialect.lockRecords(db, table.kind, ids);
    const stored = new Map<string, T>();
    for (const part of chunks(ids)) {
      const { rows } = await prepared.run(
        db,
        `select:${table.kind}:${part.length}`,
        (q) => q.selectFrom(table.kind).selectAll().where("id", "in", slots(part.length)),
        part,
      );
      for (const row of rows) stored.set(String(row.id), table.fromRow(row));
    }
    const current = new Map(stored);
    const written = new Set<string>();
    const links = new Map<string, UpsertOutcome>();
    const observations: Row[] = [];
    const results: UpsertResult[] = [];
    for (const record of records) {
      const before = current.get(record.id);
      let outcome: UpsertOutcome;
      if (before === undefined) {
        outcome = "new";
        current.set(record.id, record);
        written.add(record.id);
      } else {
        const { merged, changed } = table.merge(before, record);
        outcome = changed ? "updated" : "unchanged";
        current.set(record.id, merged);
        // Seen again with nothing new learnt still moves the time and series of the latest fetch.
        if (changed || merged.fetchedAt !== before.fetchedAt || merged.source !== before.source) written.add(record.id);
      }
      if (table.observations !== undefined) {
        const row = observationRow(table.observations, record, runId);
        if (row !== null) observations.push(row);
      }
      const linked = links.get(record.id);
      if (linked === undefined || STRENGTH[outcome] > STRENGTH[linked]) links.set(record.id, outcome);
      results.push({ id: record.id, outcome });
    }
    // New rows and changed ones in one statement each chunk: new ones are inserted in batch order (first-seen
    // order), stored ones updated in place (their first_seen_at and order column kept).
    const columns = [...table.columns, "first_seen_at"];
    for (const part of chunks([...written])) {
      const values = part.flatMap((id) => {
        const row: Row = { ...table.toRow(current.get(id)!), first_seen_at: firstSeen };
        return columns.map((column) => row[column]);
      });
      await prepared.run(
        db,
        `write:${table.kind}:${part.length}`,
        (q) => upsertQuery(q, table.kind, columns, part.length),
        values,
      );
      // The notes' search text follows their rows in the same transaction (note-search.ts).
      if (table.kind === "notes") await refreshNoteSearch(db, this.context.dialect.name, part);
    }
    if (table.observations !== undefined) {
      const observed = table.observations;
      const observedColumns = [
        observed.idColumn,
        "fetched_at",
        "source",
        ...observed.counts.map((c) => c.column),
        "approx",
        "run_id",
      ];
      for (const part of chunks(observations)) {
        await prepared.run(
          db,
          `observe:${observed.table}:${part.length}`,
          (q) =>
            q
              .insertInto(observed.table)
              .values(slotRows(observedColumns, part.length))
              .onConflict((oc) => oc.doNothing()),
          part.flatMap((row) => observedColumns.map((column) => row[column])),
        );
      }
    }
    if (runId !== null) await linkToRun(this.context, db, runId, table.kind, links);
    return results;
  }

  async get<K extends RecordKind>(kind: K, id: string): Promise<RecordOf[K] | null> {
    const row = await this.context.run((db) => db.selectFrom(kind).selectAll().where("id", "=", id).executeTakeFirst());
    return row === undefined ? null : (KIND_TABLES[kind] as KindTable<RecordOf[K]>).fromRow(row);
  }

  /**
   * Streams records in first-seen order. Keyset pages by the dialect's order column: no cursor stays open across
   * awaits (each page is one query), memory stays bounded.
   */
  async *iterate<K extends RecordKind>(kind: K, filter?: RecordFilter): AsyncIterable<RecordOf[K]> {
    const table = kindTable(kind);
    const order = sql.raw(`t.${this.context.dialect.orderColumn}`);
    let after = 0;
    for (;;) {
      const rows = await this.context.run((db) =>
        filteredFrom(db, kind, filter)
          .selectAll()
          .select(order.as("_order"))
          .where(order, ">", after)
          .orderBy(order)
          .limit(PAGE_ROWS)
          .execute(),
      );
      if (rows.length === 0) return;
      for (const row of rows) yield table.fromRow(row);
      after = Number(rows[rows.length - 1]?._order);
      if (rows.length < PAGE_ROWS) return;
    }
  }

  async count(kind: RecordKind, filter?: RecordFilter): Promise<number> {
    kindTable(kind);
    const row = await this.context.run((db) =>
      filteredFrom(db, kind, filter)
        .select((eb) => eb.fn.countAll().as("n"))
        .executeTakeFirst(),
    );
    return Number(row?.n ?? 0);
  }
}

/** Rows of slots, row-major in `columns` order: the values of row r, column c go at r * columns + c. */
export function slotRows(columns: readonly string[], rows: number): Row[] {
  return Array.from({ length: rows }, (_, r) =>
    Object.fromEntries(columns.map((column, c) => [column, new Slot(r * columns.length + c)])),
  );
}

/** INSERT … ON CONFLICT (id) DO UPDATE SET every column but the key and first_seen_at. */
function upsertQuery(db: Db, kind: string, columns: readonly string[], rows: number) {
  const updated = columns.filter((c) => c !== "id" && c !== "first_seen_at");
  return db
    .insertInto(kind)
    .values(slotRows(columns, rows))
    .onConflict((oc) =>
      oc.column("id").doUpdateSet(Object.fromEntries(updated.map((c) => [c, sql.ref(`excluded.${c}`)]))),
    );
}

const LINK_COLUMNS = ["run_id", "kind", "item_id", "outcome"];

/** A run's link keeps the strongest outcome it saw: new > updated > unchanged. */
async function linkToRun(
  context: SqlContext,
  db: Db,
  runId: string,
  kind: string,
  links: Map<string, UpsertOutcome>,
): Promise<void> {
  for (const part of chunks([...links])) {
    await context.prepared.run(
      db,
      `link:${part.length}`,
      (q) =>
        q
          .insertInto("run_items")
          .values(slotRows(LINK_COLUMNS, part.length))
          .onConflict((oc) =>
            oc.columns(["run_id", "kind", "item_id"]).doUpdateSet({
              outcome: sql`CASE WHEN run_items.outcome = 'new' OR excluded.outcome = 'unchanged' THEN run_items.outcome ELSE excluded.outcome END`,
            }),
          ),
      part.flatMap(([id, outcome]) => [runId, kind, id, outcome]),
    );
  }
}

function validated<T extends StoredRecord>(table: KindTable<T>, record: T): T {
  const parsed = table.schema.safeParse(record);
  if (parsed.success) return parsed.data;
  const id = (record as { id?: unknown } | null)?.id;
  const issue = parsed.error.issues[0];
  throw new InvalidInputError(
    `Not a valid ${table.kind.slice(0, -1)} record${typeof id === "string" ? ` (${id})` : ""}: ${issue ? `${issue.path.join(".") || "(root)"}: ${issue.message}` : "invalid"}`,
  );
}

/** The kind's table as `t`, narrowed to a run's records and to those fetched since a time. */
function filteredFrom(db: Db, kind: RecordKind, filter: RecordFilter | undefined) {
  let query = db.selectFrom(`${kind} as t`);
  if (filter?.runId !== undefined) {
    query = query.where(
      sql<boolean>`EXISTS (SELECT 1 FROM run_items r WHERE r.run_id = ${filter.runId} AND r.kind = ${kind} AND r.item_id = t.id)`,
    );
  }
  if (filter?.since !== undefined) {
    const ms = Date.parse(filter.since);
    if (Number.isNaN(ms))
      throw new InvalidInputError(`Not a date or time: "${filter.since}" (use ISO 8601, e.g. 2026-01-30)`);
    query = query.where(sql<boolean>`t.fetched_ms >= ${ms}`);
  }
  return query;
}
