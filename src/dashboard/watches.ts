/**
 * The watches page: what `xhs watch` keeps in the store's watch tables (issue #14), read-only. A database
 * without those tables, or with no task in them, answers `configured: false` and the page says watches are
 * not configured. Read with plain queries (the watch layer's state module is its writer; the dashboard only
 * looks), so the page keeps working while that module changes. The notes the tasks and alerts name are looked up
 * by id in the notes table, in batches, so each shows its stored title (or its id when the note is not stored).
 */
import { sql } from "kysely";
import type { ReadableStore } from "./records.js";

export interface WatchTaskRow {
  watch: string;
  kind: string;
  target: string;
  runs: number;
  lastRunAt: string | null;
  nextDueAt: string | null;
}

export interface WatchAlertRow {
  id: string;
  watch: string;
  kind: string;
  subject: string;
  raisedAt: string;
  detail: Record<string, unknown>;
  /** True when the subject is a note this database holds (the page links to it). */
  noteStored: boolean;
}

export interface WatchesView {
  configured: boolean;
  tasks: WatchTaskRow[];
  alerts: WatchAlertRow[];
  /** Every note a task or alert names that this database holds, by id: its stored title (null: it has none). */
  notes: Record<string, string | null>;
}

/** Task kinds whose target is a note id (src/watch/state.ts). */
const NOTE_TASKS = new Set(["refresh_note", "new_comments"]);

/** Ids per lookup: far under SQLite's 32,766 bound parameters and Postgres' 65,535. */
export const TITLE_BATCH = 500;

/** The stored titles of those notes the database holds, by id, a batch of ids per query. */
export async function noteTitles(store: ReadableStore, ids: Iterable<string>): Promise<Map<string, string | null>> {
  const unique = [...new Set(ids)];
  const titles = new Map<string, string | null>();
  for (let start = 0; start < unique.length; start += TITLE_BATCH) {
    const rows = await store
      .db()
      .selectFrom("notes")
      .select(["id", "title"])
      .where(sql.ref("id"), "in", unique.slice(start, start + TITLE_BATCH))
      .execute();
    for (const row of rows) titles.set(String(row.id), row.title === null ? null : String(row.title));
  }
  return titles;
}

function detailOf(value: unknown): Record<string, unknown> {
  return typeof value === "string" ? (JSON.parse(value) as Record<string, unknown>) : {};
}

const iso = (ms: unknown): string | null =>
  ms === null || ms === undefined ? null : new Date(Number(ms)).toISOString();

export async function readWatches(store: ReadableStore): Promise<WatchesView> {
  const db = store.db();
  let taskRows: Record<string, unknown>[];
  try {
    taskRows = await db.selectFrom("watch_tasks").selectAll().orderBy("watch").orderBy("key").limit(500).execute();
  } catch {
    return { configured: false, tasks: [], alerts: [], notes: {} };
  }
  if (taskRows.length === 0) return { configured: false, tasks: [], alerts: [], notes: {} };
  const alertRows = await db.selectFrom("watch_alerts").selectAll().orderBy("raised_ms", "desc").limit(200).execute();
  const details = alertRows.map((r) => detailOf(r.detail));
  const named = [
    ...taskRows.filter((r) => NOTE_TASKS.has(String(r.kind))).map((r) => String(r.target)),
    ...alertRows.map((r) => String(r.subject)),
    ...details.flatMap((d) => (typeof d["noteId"] === "string" ? [d["noteId"]] : [])),
  ];
  const titles = await noteTitles(store, named);
  return {
    configured: true,
    tasks: taskRows.map((r) => ({
      watch: String(r.watch),
      kind: String(r.kind),
      target: String(r.target),
      runs: Number(r.runs),
      lastRunAt: iso(r.last_run_ms),
      nextDueAt: iso(r.next_due_ms),
    })),
    alerts: alertRows.map((r, i) => ({
      id: String(r.id),
      watch: String(r.watch),
      kind: String(r.kind),
      subject: String(r.subject),
      raisedAt: iso(r.raised_ms) ?? "",
      detail: details[i] ?? {},
      noteStored: titles.has(String(r.subject)),
    })),
    notes: Object.fromEntries(titles),
  };
}
