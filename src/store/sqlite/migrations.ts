/**
 * The SQLite schema as versioned migrations. Applied in order, each in its own transaction, and
 * recorded in `schema_migrations`; opening a database applies what is missing (idempotent).
 * Never edit a released migration: add a new one.
 *
 * Conventions: natural keys are primary keys; arrays and objects are JSON text; counts are INTEGER
 * (null when unknown) with the names of approximate ones in `approx` (JSON array); times are the ISO
 * strings as fetched, plus `*_ms` integer columns (epoch ms) used only for filtering.
 */
import type Database from "better-sqlite3";
import { StoreOpenError } from "../errors.js";

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: "records, observations, raw answers, runs, queue, ledger",
    sql: `
CREATE TABLE notes (
  id TEXT PRIMARY KEY,
  type TEXT NOT NULL,
  title TEXT,
  text TEXT,
  text_truncated INTEGER NOT NULL,
  tags TEXT NOT NULL,
  author_id TEXT,
  author TEXT,
  likes INTEGER,
  collects INTEGER,
  comments INTEGER,
  shares INTEGER,
  approx TEXT NOT NULL,
  images TEXT NOT NULL,
  video TEXT,
  published_at TEXT,
  updated_at TEXT,
  ip_location TEXT,
  xsec_token TEXT,
  url TEXT NOT NULL,
  source TEXT NOT NULL,
  fetched_at TEXT NOT NULL,
  fetched_ms INTEGER NOT NULL,
  first_seen_at TEXT NOT NULL
);
CREATE INDEX notes_author ON notes (author_id, published_at);
CREATE INDEX notes_fetched ON notes (fetched_ms);

CREATE TABLE users (
  id TEXT PRIMARY KEY,
  nickname TEXT,
  red_id TEXT,
  avatar_url TEXT,
  bio TEXT,
  gender TEXT,
  ip_location TEXT,
  followers INTEGER,
  following INTEGER,
  likes_and_collects INTEGER,
  note_count INTEGER,
  approx TEXT NOT NULL,
  xsec_token TEXT,
  url TEXT NOT NULL,
  source TEXT NOT NULL,
  fetched_at TEXT NOT NULL,
  fetched_ms INTEGER NOT NULL,
  first_seen_at TEXT NOT NULL
);
CREATE INDEX users_fetched ON users (fetched_ms);

CREATE TABLE comments (
  id TEXT PRIMARY KEY,
  note_id TEXT NOT NULL,
  root_id TEXT,
  reply_to_user_id TEXT,
  reply_to_user TEXT,
  author_id TEXT,
  author TEXT,
  text TEXT,
  likes INTEGER,
  reply_count INTEGER,
  created_at TEXT,
  ip_location TEXT,
  pictures TEXT NOT NULL,
  approx TEXT NOT NULL,
  source TEXT NOT NULL,
  fetched_at TEXT NOT NULL,
  fetched_ms INTEGER NOT NULL,
  first_seen_at TEXT NOT NULL
);
CREATE INDEX comments_note ON comments (note_id, root_id);
CREATE INDEX comments_fetched ON comments (fetched_ms);

CREATE TABLE topics (
  id TEXT PRIMARY KEY,
  name TEXT,
  views INTEGER,
  discussions INTEGER,
  approx TEXT NOT NULL,
  source TEXT NOT NULL,
  fetched_at TEXT NOT NULL,
  fetched_ms INTEGER NOT NULL,
  first_seen_at TEXT NOT NULL
);

CREATE TABLE note_observations (
  note_id TEXT NOT NULL,
  fetched_at TEXT NOT NULL,
  source TEXT NOT NULL,
  likes INTEGER,
  collects INTEGER,
  comments INTEGER,
  shares INTEGER,
  approx TEXT NOT NULL,
  run_id TEXT,
  PRIMARY KEY (note_id, fetched_at, source)
) WITHOUT ROWID;

CREATE TABLE user_observations (
  user_id TEXT NOT NULL,
  fetched_at TEXT NOT NULL,
  source TEXT NOT NULL,
  followers INTEGER,
  following INTEGER,
  likes_and_collects INTEGER,
  note_count INTEGER,
  approx TEXT NOT NULL,
  run_id TEXT,
  PRIMARY KEY (user_id, fetched_at, source)
) WITHOUT ROWID;

CREATE TABLE raw_answers (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  run_id TEXT,
  endpoint TEXT NOT NULL,
  series TEXT NOT NULL,
  params TEXT NOT NULL,
  http_status INTEGER,
  request_id TEXT,
  fetched_at TEXT NOT NULL,
  body TEXT NOT NULL
);
CREATE INDEX raw_answers_run ON raw_answers (run_id);

CREATE TABLE runs (
  id TEXT PRIMARY KEY,
  status TEXT NOT NULL,
  plan_key TEXT,
  plan TEXT,
  stats TEXT,
  report TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  finished_at TEXT
);
CREATE INDEX runs_plan ON runs (plan_key, created_at);

-- Which records each run fetched (for export --run and run reports).
CREATE TABLE run_items (
  run_id TEXT NOT NULL,
  kind TEXT NOT NULL,
  item_id TEXT NOT NULL,
  outcome TEXT NOT NULL,
  PRIMARY KEY (run_id, kind, item_id)
) WITHOUT ROWID;

CREATE TABLE jobs (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  run_id TEXT NOT NULL,
  key TEXT NOT NULL,
  kind TEXT NOT NULL,
  payload TEXT,
  priority INTEGER NOT NULL,
  depth INTEGER NOT NULL,
  parent_key TEXT,
  state TEXT NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  checkpoint TEXT,
  last_error_kind TEXT,
  last_error_message TEXT,
  lease_token TEXT,
  lease_owner TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  UNIQUE (run_id, key)
);
CREATE INDEX jobs_next ON jobs (run_id, state, priority DESC, depth, id);

CREATE TABLE ledger (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  run_id TEXT,
  at TEXT NOT NULL,
  capability TEXT NOT NULL,
  endpoint TEXT NOT NULL,
  series TEXT NOT NULL,
  http_status INTEGER,
  outcome TEXT NOT NULL,
  latency_ms INTEGER NOT NULL,
  billable INTEGER NOT NULL,
  cost_micro_usd INTEGER NOT NULL,
  retry INTEGER NOT NULL,
  failover INTEGER NOT NULL,
  reason TEXT,
  request_id TEXT
);
CREATE INDEX ledger_run ON ledger (run_id);
`,
  },
  {
    version: 2,
    name: "job leases carry an expiry",
    // Epoch ms (the store's clock) after which a leased job may be taken by another worker; NULL on a row
    // leased before this migration counts as expired (such a lease was never renewed).
    sql: "ALTER TABLE jobs ADD COLUMN lease_expires_ms INTEGER;",
  },
  {
    version: 3,
    name: "comments carry pinned and by-note-author flags",
    // 1/0, NULL when the series' answer could not say (rows stored before this migration stay NULL).
    sql: "ALTER TABLE comments ADD COLUMN pinned INTEGER;\nALTER TABLE comments ADD COLUMN by_note_author INTEGER;",
  },
  {
    version: 4,
    name: "ledger rows carry hedge marks",
    // 1/0: started as a hedge; lost a hedge race (its `billable` says whether it was paid anyway). Rows stored
    // before this migration read 0 (hedging did not exist when they were written).
    sql: "ALTER TABLE ledger ADD COLUMN hedge INTEGER NOT NULL DEFAULT 0;\nALTER TABLE ledger ADD COLUMN hedge_lost INTEGER NOT NULL DEFAULT 0;",
  },
];

export const LATEST_SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1]?.version ?? 0;

/**
 * What a database file holds before anything is written to it: nothing (a new or empty file), an
 * xhs-kit database, or someone else's tables. Reads only.
 */
export function databaseOwner(db: Database.Database): "empty" | "ours" | "foreign" {
  const tables = db
    .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
    .pluck()
    .all() as string[];
  if (tables.length === 0) return "empty";
  if (!tables.includes("schema_migrations")) return "foreign";
  const columns = new Set(
    (db.prepare("SELECT name FROM pragma_table_info('schema_migrations')").pluck().all() as string[]).map(String),
  );
  if (!["version", "name", "applied_at"].every((c) => columns.has(c))) return "foreign";
  const rows = db.prepare("SELECT version, name FROM schema_migrations").all() as { version: unknown; name: unknown }[];
  // Our migrations' names are ours; a version we do not know yet is a newer xhs-kit (refused later as such).
  for (const row of rows) {
    const known = MIGRATIONS.find((m) => m.version === row.version);
    if (known && known.name !== row.name) return "foreign";
    if (!known && !(typeof row.version === "number" && row.version > LATEST_SCHEMA_VERSION)) return "foreign";
  }
  // A bare schema_migrations (a first open that died before migration 1) is ours only if nothing else is there.
  if (rows.length === 0 && tables.length > 1) return "foreign";
  return "ours";
}

/** The highest schema version recorded (0 when none). */
export function schemaVersionOf(db: Database.Database): number {
  return Number(db.prepare("SELECT MAX(version) FROM schema_migrations").pluck().get() ?? 0);
}

/** Applies the missing migrations. Returns the versions applied. Throws when the database is newer. */
export function migrate(db: Database.Database, now: () => string): number[] {
  db.exec(
    "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)",
  );
  const applied = new Set(
    (db.prepare("SELECT version FROM schema_migrations").all() as { version: number }[]).map((r) => r.version),
  );
  const newest = Math.max(0, ...applied);
  if (newest > LATEST_SCHEMA_VERSION) {
    throw new SchemaTooNewError(newest, LATEST_SCHEMA_VERSION, db.name);
  }
  const done: number[] = [];
  const record = db.prepare("INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)");
  for (const migration of MIGRATIONS) {
    if (applied.has(migration.version)) continue;
    // IMMEDIATE: two processes opening a fresh file at once do not both apply it.
    db.transaction(() => {
      const again = db.prepare("SELECT 1 FROM schema_migrations WHERE version = ?").get(migration.version);
      if (again) return;
      db.exec(migration.sql);
      record.run(migration.version, migration.name, now());
      done.push(migration.version);
    }).immediate();
  }
  return done;
}

export class SchemaTooNewError extends StoreOpenError {
  constructor(
    readonly found: number,
    readonly known: number,
    path: string,
  ) {
    super(`the database has schema version ${found}, newer than this xhs-kit knows (${known}): upgrade xhs-kit`, path);
  }
}
