/**
 * Every stored observation of counts (the engagement series of notes and users), one row per fetch, for
 * `xhs export observations`. The store's `noteObservations(id)` reads one record's series (`xhs trend`); this
 * reads many, filtered, a page at a time, so memory stays flat whatever the table size.
 */
import { type RawBuilder, sql } from "kysely";
import type { Series } from "../../core/vocabulary.js";
import type { NoteObservation, UserObservation } from "../port.js";
import { isoSince, type MediaStoreHandle } from "./media.js";

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

const num = (value: unknown): number | null => (value === null || value === undefined ? null : Number(value));

function noteRow(r: Record<string, unknown>): ObservationRow {
  return {
    kind: "note",
    noteId: String(r.note_id),
    fetchedAt: String(r.fetched_at),
    source: r.source as Series,
    likes: num(r.likes),
    collects: num(r.collects),
    comments: num(r.comments),
    shares: num(r.shares),
    approx: JSON.parse(String(r.approx)) as string[],
    runId: (r.run_id as string | null) ?? null,
  };
}

function userRow(r: Record<string, unknown>): ObservationRow {
  return {
    kind: "user",
    userId: String(r.user_id),
    fetchedAt: String(r.fetched_at),
    source: r.source as Series,
    followers: num(r.followers),
    following: num(r.following),
    likesAndCollects: num(r.likes_and_collects),
    noteCount: num(r.note_count),
    approx: JSON.parse(String(r.approx)) as string[],
    runId: (r.run_id as string | null) ?? null,
  };
}

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
    { table: "note_observations", id: "note_id", ids: filter.noteIds, read: noteRow },
    { table: "user_observations", id: "user_id", ids: filter.userIds, read: userRow },
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
