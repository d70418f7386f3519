/**
 * The watches page: what `xhs watch` keeps in the store's watch tables (issue #14), read-only. A database
 * without those tables, or with no task in them, answers `configured: false` and the page says watches are
 * not configured. Read with plain queries (the watch layer's state module is its writer; the dashboard only
 * looks), so the page keeps working while that module changes.
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
}

const iso = (ms: unknown): string | null =>
  ms === null || ms === undefined ? null : new Date(Number(ms)).toISOString();

export async function readWatches(store: ReadableStore): Promise<WatchesView> {
  const db = store.db();
  let taskRows: Record<string, unknown>[];
  try {
    taskRows = await db.selectFrom("watch_tasks").selectAll().orderBy("watch").orderBy("key").limit(500).execute();
  } catch {
    return { configured: false, tasks: [], alerts: [] };
  }
  if (taskRows.length === 0) return { configured: false, tasks: [], alerts: [] };
  const alertRows = await db.selectFrom("watch_alerts").selectAll().orderBy("raised_ms", "desc").limit(200).execute();
  const subjects = alertRows.map((r) => String(r.subject));
  const stored = new Set<string>();
  if (subjects.length > 0) {
    const rows = await db
      .selectFrom("notes")
      .select("id")
      .where(sql.ref("id"), "in", [...new Set(subjects)])
      .execute();
    for (const row of rows) stored.add(String(row.id));
  }
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
    alerts: alertRows.map((r) => ({
      id: String(r.id),
      watch: String(r.watch),
      kind: String(r.kind),
      subject: String(r.subject),
      raisedAt: iso(r.raised_ms) ?? "",
      detail: typeof r.detail === "string" ? (JSON.parse(r.detail) as Record<string, unknown>) : {},
      noteStored: stored.has(String(r.subject)),
    })),
  };
}
