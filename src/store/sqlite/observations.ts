/**
 * The count time series (`note_observations`, `user_observations`), written and read from the kind table's
 * description (record-kinds.ts): one row per fetch that carried at least one count.
 */
import type { Series } from "../../core/vocabulary.js";
import type { SqliteConnection, Statement } from "./connection.js";
import type { ObservationTable, StoredRecord } from "./record-kinds.js";
import { epochMs, type Row } from "./rows.js";

/** The same (id, fetchedAt, source) is stored once, so replaying a write after a crash adds nothing. */
export function observationInsertSql(table: ObservationTable<never>): string {
  const columns = [table.idColumn, "fetched_at", "source", ...table.counts.map((c) => c.column), "approx", "run_id"];
  return `INSERT OR IGNORE INTO ${table.table} (${columns.join(", ")}) VALUES (${columns.map(() => "?").join(", ")})`;
}

/** Appends the record's counts, unless it carries none. */
export function appendObservation<T extends StoredRecord & { approx: readonly string[] }>(
  insert: Statement,
  table: ObservationTable<T>,
  record: T,
  runId: string | null,
): void {
  const values = table.counts.map((count) => count.of(record));
  if (values.every((value) => value === null)) return;
  insert.run(record.id, record.fetchedAt, record.source, ...values, JSON.stringify(record.approx), runId);
}

/** A record's observations, oldest first, shaped as the port's `NoteObservation` / `UserObservation`. */
export function readObservations<O>(connection: SqliteConnection, table: ObservationTable<never>, id: string): O[] {
  const rows = connection.statement(`SELECT * FROM ${table.table} WHERE ${table.idColumn} = ?`).all(id) as Row[];
  return rows
    .map((row) => {
      const observation: Record<string, unknown> = {
        [table.idField]: String(row[table.idColumn]),
        fetchedAt: String(row.fetched_at),
        source: row.source as Series,
      };
      for (const count of table.counts) observation[count.field] = row[count.column] as number | null;
      observation.approx = JSON.parse(String(row.approx)) as string[];
      observation.runId = (row.run_id as string | null) ?? null;
      return observation as O & { fetchedAt: string };
    })
    .sort((a, b) => epochMs(a.fetchedAt) - epochMs(b.fetchedAt));
}
