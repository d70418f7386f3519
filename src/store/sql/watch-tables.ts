/**
 * The tables of `xhs watch`'s state (issue #14), beside the records so a tick's records and its state commit in
 * one transaction. Only the DDL lives here (the store must not know the watch layer); src/watch/sql-state.ts
 * reads and writes them through the store's Kysely handle.
 *
 * - watch_tasks: what runs on a schedule (`<kind>|<watch>|<target>`), how often it ran, when it is next due.
 * - watch_ticks: the id of every committed tick (`<task key>@<slot ms>`): a second commit of one is a no-op.
 * - watch_tracked: the notes each watch follows, from when (their refresh schedule counts from there).
 * - watch_spend: paid calls and micro-USD per UTC day per watch (the daily budgets).
 * - watch_alerts / watch_deliveries: the outbox, one delivery per alert and target with its state.
 * - watch_lease: which scheduler may run ticks (SQLite; Postgres uses an advisory lock instead).
 */
import type { SqlDialect } from "./dialect.js";

export function watchTablesSql(d: SqlDialect): string {
  return `
CREATE TABLE watch_tasks (
  key TEXT PRIMARY KEY,
  watch TEXT NOT NULL,
  kind TEXT NOT NULL,
  target TEXT NOT NULL,
  runs ${d.int} NOT NULL,
  last_run_ms ${d.int},
  next_due_ms ${d.int}
);
CREATE INDEX watch_tasks_due ON watch_tasks (next_due_ms);

CREATE TABLE watch_ticks (
  tick_id TEXT PRIMARY KEY,
  committed_ms ${d.int} NOT NULL
);

CREATE TABLE watch_tracked (
  watch TEXT NOT NULL,
  note_id TEXT NOT NULL,
  first_seen_ms ${d.int} NOT NULL,
  PRIMARY KEY (watch, note_id)
);

CREATE TABLE watch_spend (
  day TEXT NOT NULL,
  watch TEXT NOT NULL,
  calls ${d.int} NOT NULL,
  usd_micro ${d.int} NOT NULL,
  PRIMARY KEY (day, watch)
);

CREATE TABLE watch_alerts (
  id TEXT PRIMARY KEY,
  watch TEXT NOT NULL,
  kind TEXT NOT NULL,
  subject TEXT NOT NULL,
  raised_ms ${d.int} NOT NULL,
  detail TEXT NOT NULL
);
CREATE INDEX watch_alerts_watch ON watch_alerts (watch, raised_ms);

CREATE TABLE watch_deliveries (
  alert_id TEXT NOT NULL,
  target_key TEXT NOT NULL,
  status TEXT NOT NULL,
  attempts ${d.int} NOT NULL,
  next_attempt_ms ${d.int} NOT NULL,
  last_error TEXT,
  settled_ms ${d.int},
  PRIMARY KEY (alert_id, target_key)
);
CREATE INDEX watch_deliveries_due ON watch_deliveries (status, next_attempt_ms);

CREATE TABLE watch_lease (
  name TEXT PRIMARY KEY,
  owner TEXT NOT NULL,
  expires_ms ${d.int} NOT NULL
);
`;
}
