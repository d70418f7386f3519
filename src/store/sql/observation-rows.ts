/**
 * Every stored observation of counts (the engagement series of notes and users), one row per fetch, for
 * `xhs export observations`. The store's `noteObservations(id)` reads one record's series (`xhs trend`); this
 * reads many, filtered, a page at a time, so memory stays flat whatever the table size.
 */
import { type RawBuilder, sql } from "kysely";
import type { NoteObservation, UserObservation } from "../port.js";
import { isoSince, type MediaStoreHandle } from "./media.js";
import { observationOf } from "./observations.js";
import { KIND_TABLES, type ObservationTable } from "./record-kinds.js";

export type ObservationRow = ({ kind: "note" } & NoteObservation) | ({ kind: "user" } & UserObservation);

export interface ObservationFilter {
  /** Only these notes' series. With `userIds` and without this: no note rows. */
  noteIds?: readonly string[];
  /** Only these users' series. With `noteIds` and without this: no user rows. */
  userIds?: readonly string[];
  /** Only observations fetched at or after this time (ISO 8601). */
  since?: string;
  /** Only observations written by this crawl run. */
  runId?: string;
}

const PAGE = 1000;

const NOTES = KIND_TABLES.notes.observations as ObservationTable<never>;
const USERS = KIND_TABLES.users.observations as ObservationTable<never>;

/** A row read the way the store reads one record's series (`noteObservations`), with its kind in front. */
const noteRow = (r: Record<string, unknown>): ObservationRow => ({
  kind: "note",
  ...observationOf<NoteObservation>(NOTES, r),
});
const userRow = (r: Record<string, unknown>): ObservationRow => ({
  kind: "user",
  ...observationOf<UserObservation>(USERS, r),
});

function whereOf(idColumn: string, ids: readonly string[] | undefined, filter: ObservationFilter): RawBuilder<unknown> {
  const parts: RawBuilder<unknown>[] = [];
  if (ids !== undefined) {
    parts.push(ids.length === 0 ? sql`1 = 0` : sql`${sql.ref(idColumn)} IN (${sql.join(ids.map((id) => sql`${id}`))})`);
  }
  if (filter.since !== undefined) parts.push(sql`fetched_at >= ${isoSince(filter.since)}`);
  if (filter.runId !== undefined) parts.push(sql`run_id = ${filter.runId}`);
  return parts.length === 0 ? sql`` : sql`WHERE ${sql.join(parts, sql` AND `)}`;
}

/** Notes' observations (by note, then time), then users' (by user, then time). */
export async function* iterateObservations(
  store: MediaStoreHandle,
  filter: ObservationFilter = {},
): AsyncGenerator<ObservationRow> {
  const some = filter.noteIds !== undefined || filter.userIds !== undefined;
  const tables = [
    { table: NOTES.table, id: NOTES.idColumn, ids: filter.noteIds, read: noteRow },
    { table: USERS.table, id: USERS.idColumn, ids: filter.userIds, read: userRow },
  ].filter((t) => !some || t.ids !== undefined);
  for (const t of tables) {
    const where = whereOf(t.id, t.ids, filter);
    for (let offset = 0; ; offset += PAGE) {
      const compiled = sql`SELECT * FROM ${sql.table(t.table)} ${where}
        ORDER BY ${sql.ref(t.id)}, fetched_at, source LIMIT ${PAGE} OFFSET ${offset}`.compile(store.db());
      const { rows } = await store.executeSql(compiled.sql, compiled.parameters);
      for (const row of rows) yield t.read(row);
      if (rows.length < PAGE) break;
    }
  }
}
