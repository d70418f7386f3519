/**
 * The record tables (notes, users, comments, topics): upsert with the merge rules, read back, stream and
 * count for export. One code path for every kind, driven by record-kinds.ts; each upsert also appends to
 * the kind's count time series and links the record to its run (`run_items`).
 */
import { InvalidInputError } from "../../core/errors.js";
import {
  RECORD_KINDS,
  type RecordFilter,
  type RecordKind,
  type RecordOf,
  type UpsertOutcome,
  type UpsertResult,
} from "../port.js";
import type { SqliteConnection, Statement } from "./connection.js";
import { appendObservation, observationInsertSql } from "./observations.js";
import { KIND_TABLES, type KindTable, kindTable, type StoredRecord } from "./record-kinds.js";
import { epochMs, insertSql, type Row, updateSql } from "./rows.js";

/** Rows per page when streaming records (bounded memory whatever the table size). */
const PAGE_ROWS = 500;

interface KindStatements {
  select: Statement;
  insert: Statement;
  update: Statement;
  touch: Statement;
  observe: Statement | null;
}

export class RecordTables {
  private readonly connection: SqliteConnection;
  private readonly statements: Record<RecordKind, KindStatements>;
  private readonly linkToRun: Statement;

  constructor(connection: SqliteConnection) {
    this.connection = connection;
    const db = connection.database;
    const prepare = (table: KindTable<StoredRecord>): KindStatements => ({
      select: db.prepare(`SELECT * FROM ${table.kind} WHERE id = ?`),
      insert: db.prepare(insertSql(table.kind, table.columns)),
      update: db.prepare(updateSql(table.kind, table.columns)),
      touch: db.prepare(
        `UPDATE ${table.kind} SET fetched_at = @fetched_at, fetched_ms = @fetched_ms, source = @source WHERE id = @id`,
      ),
      observe: table.observations === undefined ? null : db.prepare(observationInsertSql(table.observations)),
    });
    this.statements = Object.fromEntries(
      RECORD_KINDS.map((kind) => [kind, prepare(KIND_TABLES[kind] as KindTable<StoredRecord>)]),
    ) as Record<RecordKind, KindStatements>;
    // A run's link keeps the strongest outcome it saw: new > updated > unchanged.
    this.linkToRun = db.prepare(
      `INSERT INTO run_items (run_id, kind, item_id, outcome) VALUES (?, ?, ?, ?)
       ON CONFLICT (run_id, kind, item_id) DO UPDATE SET outcome = CASE
         WHEN run_items.outcome = 'new' OR excluded.outcome = 'unchanged' THEN run_items.outcome
         ELSE excluded.outcome END`,
    );
  }

  /** Validates every record first (nothing is written when one is invalid), then merges them in one transaction. */
  upsert<K extends RecordKind>(kind: K, records: readonly RecordOf[K][], runId: string | null): UpsertResult[] {
    const table = KIND_TABLES[kind] as KindTable<RecordOf[K]>;
    const statements = this.statements[kind];
    const valid = records.map((record) => validated(table, record));
    const firstSeen = this.connection.nowIso();
    const write = this.connection.database.transaction(() => {
      const results: UpsertResult[] = [];
      for (const record of valid) {
        const outcome = this.mergeOne(table, statements, record, firstSeen);
        if (statements.observe !== null && table.observations !== undefined) {
          appendObservation(statements.observe, table.observations, record, runId);
        }
        if (runId !== null) this.linkToRun.run(runId, kind, record.id, outcome);
        results.push({ id: record.id, outcome });
      }
      return results;
    });
    return write();
  }

  private mergeOne<T extends StoredRecord>(
    table: KindTable<T>,
    statements: KindStatements,
    record: T,
    firstSeen: string,
  ): UpsertOutcome {
    const row = statements.select.get(record.id) as Row | undefined;
    if (row === undefined) {
      statements.insert.run({ ...table.toRow(record), first_seen_at: firstSeen });
      return "new";
    }
    const stored = table.fromRow(row);
    const { merged, changed } = table.merge(stored, record);
    if (changed) {
      statements.update.run(table.toRow(merged));
      return "updated";
    }
    // Seen again, nothing new learnt: only the time and series of the latest fetch move.
    if (merged.fetchedAt !== stored.fetchedAt || merged.source !== stored.source) {
      statements.touch.run({
        id: record.id,
        fetched_at: merged.fetchedAt,
        fetched_ms: epochMs(merged.fetchedAt),
        source: merged.source,
      });
    }
    return "unchanged";
  }

  get<K extends RecordKind>(kind: K, id: string): RecordOf[K] | null {
    const row = this.statements[kind].select.get(id) as Row | undefined;
    return row === undefined ? null : (KIND_TABLES[kind] as KindTable<RecordOf[K]>).fromRow(row);
  }

  /**
   * Streams records in first-seen order. Keyset pages by rowid: no cursor stays open across awaits (each page
   * is one call through the connection's gate), memory stays bounded.
   */
  async *iterate<K extends RecordKind>(kind: K, filter?: RecordFilter): AsyncIterable<RecordOf[K]> {
    const table = kindTable(kind);
    const { where, params } = recordWhere(kind, filter);
    const page = this.connection.statement(
      `SELECT t.rowid AS _rowid, t.* FROM ${kind} t WHERE t.rowid > @after${where} ORDER BY t.rowid LIMIT ${PAGE_ROWS}`,
    );
    let after = 0;
    for (;;) {
      const rows = await this.connection.run(() => page.all({ ...params, after }) as Row[]);
      if (rows.length === 0) return;
      for (const row of rows) yield table.fromRow(row);
      after = Number(rows[rows.length - 1]?._rowid);
      if (rows.length < PAGE_ROWS) return;
    }
  }

  count(kind: RecordKind, filter?: RecordFilter): number {
    kindTable(kind);
    const { where, params } = recordWhere(kind, filter);
    return Number(this.connection.statement(`SELECT COUNT(*) FROM ${kind} t WHERE 1 = 1${where}`).pluck().get(params));
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

function recordWhere(kind: RecordKind, filter: RecordFilter | undefined): { where: string; params: Row } {
  const clauses: string[] = [];
  const params: Row = {};
  if (filter?.runId !== undefined) {
    clauses.push("EXISTS (SELECT 1 FROM run_items r WHERE r.run_id = @runId AND r.kind = @kind AND r.item_id = t.id)");
    params.runId = filter.runId;
    params.kind = kind;
  }
  if (filter?.since !== undefined) {
    const ms = Date.parse(filter.since);
    if (Number.isNaN(ms))
      throw new InvalidInputError(`Not a date or time: "${filter.since}" (use ISO 8601, e.g. 2026-01-30)`);
    clauses.push("t.fetched_ms >= @sinceMs");
    params.sinceMs = ms;
  }
  return { where: clauses.length > 0 ? ` AND ${clauses.join(" AND ")}` : "", params };
}
