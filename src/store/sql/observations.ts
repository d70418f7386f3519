/**
 * The count time series (`note_observations`, `user_observations`), written and read from the kind table's
 * description (record-kinds.ts): one row per fetch that carried at least one count. The same
 * (id, fetchedAt, source) is stored once (ON CONFLICT DO NOTHING), so replaying a write after a crash adds nothing.
 */
import type { Series } from "../../core/vocabulary.js";
import type { SqlContext } from "./context.js";
import type { Row } from "./dialect.js";
import type { ObservationTable, StoredRecord } from "./record-kinds.js";
import { epochMs } from "./rows.js";

/** The row a record adds to its time series, or null when it carries no count. */
export function observationRow<T extends StoredRecord>(
  table: ObservationTable<T>,
  record: T,
  runId: string | null,
): Row | null {
  const values = table.counts.map((count) => count.of(record));
  if (values.every((value) => value === null)) return null;
  const row: Row = { [table.idColumn]: record.id, fetched_at: record.fetchedAt, source: record.source };
  table.counts.forEach((count, i) => {
    row[count.column] = values[i];
  });
  row.approx = JSON.stringify((record as T & { approx: readonly string[] }).approx);
  row.run_id = runId;
  return row;
}

/** One stored row as the port's `NoteObservation` / `UserObservation` (id, time, source, counts, approx, run). */
export function observationOf<O>(table: ObservationTable<never>, row: Row): O & { fetchedAt: string } {
  const observation: Record<string, unknown> = {
    [table.idField]: String(row[table.idColumn]),
    fetchedAt: String(row.fetched_at),
    source: row.source as Series,
  };
  for (const count of table.counts) {
    const value = row[count.column];
    observation[count.field] = value === null || value === undefined ? null : Number(value);
  }
  observation.approx = JSON.parse(String(row.approx)) as string[];
  observation.runId = (row.run_id as string | null) ?? null;
  return observation as O & { fetchedAt: string };
}

/** A record's observations, oldest first. */
export async function readObservations<O>(
  context: SqlContext,
  table: ObservationTable<never>,
  id: string,
): Promise<O[]> {
  const rows = await context.run((db) =>
    db.selectFrom(table.table).selectAll().where(table.idColumn, "=", id).execute(),
  );
  return rows.map((row) => observationOf<O>(table, row)).sort((a, b) => epochMs(a.fetchedAt) - epochMs(b.fetchedAt));
}
