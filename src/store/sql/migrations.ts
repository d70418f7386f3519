/**
 * The schema as versioned migrations, one text for both dialects (dialect.ts fills in the types that differ).
 * Applied in order, each in its own transaction, and recorded in `schema_migrations (version, name, applied_at)`;
 * opening a database applies what is missing. Never edit a released migration: add a new one (a SQLite file made
 * by an earlier xhs-kit has run the SQLite text of versions 1–4 as they read here).
 *
 * Conventions: natural keys are primary keys; arrays and objects are JSON text; counts are integers (null when
 * unknown) with the names of approximate ones in `approx` (JSON array); times are the ISO strings as fetched, plus
 * `*_ms` integer columns (epoch ms) used only for filtering; flags are integers 1/0.
 */
import { StoreOpenError } from "../errors.js";
import type { SqlDialect } from "./dialect.js";
import { mediaTableSql } from "./media.js";
import { noteSearchTableSql } from "./note-search.js";
import { watchTablesSql } from "./watch-tables.js";

export interface Migration {
  version: number;
  name: string;
  sql(d: SqlDialect): string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: "records, observations, raw answers, runs, queue, ledger",
    sql: (d) => `
CREATE TABLE notes (
  id TEXT PRIMARY KEY,
  type TEXT NOT NULL,
  title TEXT,
  text TEXT,
  text_truncated ${d.int} NOT NULL,
  tags TEXT NOT NULL,
  author_id TEXT,
  author TEXT,
  likes ${d.int},
  collects ${d.int},
  comments ${d.int},
  shares ${d.int},
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
  fetched_ms ${d.int} NOT NULL,
  first_seen_at TEXT NOT NULL${d.orderColumnDdl}
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
  followers ${d.int},
  following ${d.int},
  likes_and_collects ${d.int},
  note_count ${d.int},
  approx TEXT NOT NULL,
  xsec_token TEXT,
  url TEXT NOT NULL,
  source TEXT NOT NULL,
  fetched_at TEXT NOT NULL,
  fetched_ms ${d.int} NOT NULL,
  first_seen_at TEXT NOT NULL${d.orderColumnDdl}
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
  likes ${d.int},
  reply_count ${d.int},
  created_at TEXT,
  ip_location TEXT,
  pictures TEXT NOT NULL,
  approx TEXT NOT NULL,
  source TEXT NOT NULL,
  fetched_at TEXT NOT NULL,
  fetched_ms ${d.int} NOT NULL,
  first_seen_at TEXT NOT NULL${d.orderColumnDdl}
);
CREATE INDEX comments_note ON comments (note_id, root_id);
CREATE INDEX comments_fetched ON comments (fetched_ms);

CREATE TABLE topics (
  id TEXT PRIMARY KEY,
  name TEXT,
  views ${d.int},
  discussions ${d.int},
  approx TEXT NOT NULL,
  source TEXT NOT NULL,
  fetched_at TEXT NOT NULL,
  fetched_ms ${d.int} NOT NULL,
  first_seen_at TEXT NOT NULL${d.orderColumnDdl}
);

CREATE TABLE note_observations (
  note_id TEXT NOT NULL,
  fetched_at TEXT NOT NULL,
  source TEXT NOT NULL,
  likes ${d.int},
  collects ${d.int},
  comments ${d.int},
  shares ${d.int},
  approx TEXT NOT NULL,
  run_id TEXT,
  PRIMARY KEY (note_id, fetched_at, source)
)${d.keyOnlyTable};

CREATE TABLE user_observations (
  user_id TEXT NOT NULL,
  fetched_at TEXT NOT NULL,
  source TEXT NOT NULL,
  followers ${d.int},
  following ${d.int},
  likes_and_collects ${d.int},
  note_count ${d.int},
  approx TEXT NOT NULL,
  run_id TEXT,
  PRIMARY KEY (user_id, fetched_at, source)
)${d.keyOnlyTable};

CREATE TABLE raw_answers (
  id ${d.autoId},
  run_id TEXT,
  endpoint TEXT NOT NULL,
  series TEXT NOT NULL,
  params TEXT NOT NULL,
  http_status ${d.int},
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
  finished_at TEXT${d.orderColumnDdl}
);
CREATE INDEX runs_plan ON runs (plan_key, created_at);

-- Which records each run fetched (for export --run and run reports).
CREATE TABLE run_items (
  run_id TEXT NOT NULL,
  kind TEXT NOT NULL,
  item_id TEXT NOT NULL,
  outcome TEXT NOT NULL,
  PRIMARY KEY (run_id, kind, item_id)
)${d.keyOnlyTable};

CREATE TABLE jobs (
  id ${d.autoId},
  run_id TEXT NOT NULL,
  key TEXT NOT NULL,
  kind TEXT NOT NULL,
  payload TEXT,
  priority ${d.int} NOT NULL,
  depth ${d.int} NOT NULL,
  parent_key TEXT,
  state TEXT NOT NULL,
  attempts ${d.int} NOT NULL DEFAULT 0,
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
  id ${d.autoId},
  run_id TEXT,
  at TEXT NOT NULL,
  capability TEXT NOT NULL,
  endpoint TEXT NOT NULL,
  series TEXT NOT NULL,
  http_status ${d.int},
  outcome TEXT NOT NULL,
  latency_ms ${d.int} NOT NULL,
  billable ${d.int} NOT NULL,
  cost_micro_usd ${d.int} NOT NULL,
  retry ${d.int} NOT NULL,
  failover ${d.int} NOT NULL,
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
    sql: (d) => `ALTER TABLE jobs ADD COLUMN lease_expires_ms ${d.int};`,
  },
  {
    version: 3,
    name: "comments carry pinned and by-note-author flags",
    // 1/0, NULL when the series' answer could not say (rows stored before this migration stay NULL).
    sql: (d) =>
      `ALTER TABLE comments ADD COLUMN pinned ${d.int};\nALTER TABLE comments ADD COLUMN by_note_author ${d.int};`,
  },
  {
    version: 4,
    name: "ledger rows carry hedge marks",
    // 1/0: started as a hedge; lost a hedge race (its `billable` says whether it was paid anyway). Rows stored
    // before this migration read 0 (hedging did not exist when they were written).
    sql: (d) =>
      `ALTER TABLE ledger ADD COLUMN hedge ${d.int} NOT NULL DEFAULT 0;\nALTER TABLE ledger ADD COLUMN hedge_lost ${d.int} NOT NULL DEFAULT 0;`,
  },
  {
    version: 5,
    name: "ledger rows name the key that paid",
    // The key pool's short fingerprint of the key (never the key); NULL for rows written before key pools.
    sql: () => "ALTER TABLE ledger ADD COLUMN key_fingerprint TEXT;",
  },
  {
    version: 6,
    name: "media table",
    // Downloaded note media (issue #15); the text is media.ts's, which also reads and writes the table.
    sql: (d) => mediaTableSql(d),
  },
  {
    version: 7,
    name: "watch state",
    // `xhs watch`'s tasks, committed ticks, tracked notes, daily spend, alert outbox and lease (issue #14).
    sql: (d) => watchTablesSql(d),
  },
  {
    version: 8,
    name: "run budgets and series-health snapshots",
    // The budget a run was last started or resumed with (JSON, NULL when none was given), so every process and
    // the dashboard see it; and one row per crawling process and run with its breakers (JSON, key fingerprints
    // only), rewritten every few seconds and on change: the freshest per series is the run's health.
    sql: (d) => `ALTER TABLE runs ADD COLUMN budget TEXT;
CREATE TABLE run_health (
  run_id TEXT NOT NULL,
  writer TEXT NOT NULL,
  written_at TEXT NOT NULL,
  written_ms ${d.int} NOT NULL,
  series TEXT NOT NULL,
  PRIMARY KEY (run_id, writer)
);`,
  },
  {
    version: 9,
    name: "notes table sort indexes",
    // The dashboard's notes table (issue #16) pages by each sortable column then id, both directions, from the
    // index alone; type and published_at ride along so its type and date filters need no row lookups, and the
    // date index carries every sort column, so a date range is sorted without reading its rows.
    sql: () =>
      [
        ...["likes", "collects", "comments", "shares", "fetched_ms"].map(
          (c) => `CREATE INDEX notes_by_${c} ON notes (${c}, id, type, published_at);`,
        ),
        "CREATE INDEX notes_by_published_at ON notes (published_at, id, type, likes, collects, comments, shares, fetched_ms);",
      ].join("\n"),
  },
  {
    version: 10,
    name: "note search table",
    // The notes' title, text and tags, narrow and lower-cased, for the dashboard's text search (issue #16), with a
    // trigram index (FTS5 on SQLite, pg_trgm on Postgres where it can be had); the text is note-search.ts's, which
    // also keeps it in step. Backfilled from the stored notes.
    sql: (d) => noteSearchTableSql(d.name),
  },
  {
    version: 11,
    name: "users table sort indexes",
    // The dashboard's users table (issue #16) pages by each sortable count, largest first, then id, from the index.
    sql: () =>
      ["followers", "following", "likes_and_collects", "note_count", "fetched_ms"]
        .map((c) => `CREATE INDEX users_by_${c} ON users (${c} DESC, id);`)
        .join("\n"),
  },
];

export const LATEST_SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1]?.version ?? 0;

export const SCHEMA_MIGRATIONS_DDL =
  "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)";

/** The tables migration 1 creates (besides schema_migrations). */
export const STORE_TABLES = [
  "comments",
  "jobs",
  "ledger",
  "note_observations",
  "notes",
  "raw_answers",
  "run_items",
  "runs",
  "topics",
  "user_observations",
  "users",
] as const;

/**
 * Whether recorded migrations are ours: each known version under its own name, or a version newer than this
 * code (a newer xhs-kit, refused as such later). A Rails-style `schema_migrations` or an app's own is foreign.
 */
export function migrationRowsAreOurs(rows: readonly { version: unknown; name: unknown }[]): boolean {
  for (const row of rows) {
    const version = Number(row.version);
    const known = MIGRATIONS.find((m) => m.version === version);
    if (known && known.name !== row.name) return false;
    if (!known && !(Number.isInteger(version) && version > LATEST_SCHEMA_VERSION)) return false;
  }
  return true;
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
