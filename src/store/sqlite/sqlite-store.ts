/**
 * The SQLite backend: one database file holds the records, the count time series, runs, the crawl
 * queue and the ledger, so a crawl step's writes and its queue completion commit atomically.
 *
 * better-sqlite3 is synchronous; the ports are async (for backends that are not). Every call waits
 * while another caller's `transaction()` is open, so concurrent crawl handlers never write into
 * someone else's transaction; calls made inside the transaction (same async context) go straight in.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import { randomBytes, randomUUID } from "node:crypto";
import { existsSync, readFileSync, statSync } from "node:fs";
import { dirname, resolve } from "node:path";
import Database from "better-sqlite3";
import type { z } from "zod";
import { InvalidInputError, NotFoundError } from "../../core/errors.js";
import type { AttemptEvent } from "../../core/types.js";
import type { Series } from "../../core/vocabulary.js";
import {
  type Comment,
  CommentSchema,
  type Note,
  NoteSchema,
  type Topic,
  TopicSchema,
  type User,
  UserSchema,
} from "../../model/types.js";
import { LeaseLostError, StoreOpenError } from "../errors.js";
import { type MergeResult, mergeComment, mergeNote, mergeTopic, mergeUser } from "../merge.js";
import {
  DEFAULT_LEASE_TTL_MS,
  type FailOptions,
  type Job,
  type JobCheckpoint,
  type JobHandle,
  type JobQueue,
  type JobState,
  type LeaseOptions,
  type LedgerEntry,
  type LedgerTotals,
  type NewJob,
  type NewRun,
  type NoteObservation,
  type RawAnswer,
  type RecordFilter,
  type RecordKind,
  type RecordOf,
  type RunFilter,
  type RunPatch,
  type RunRecord,
  type RunStatus,
  type Store,
  type StoreOptions,
  type UpsertOutcome,
  type UpsertResult,
  type UserObservation,
  type WriteOptions,
} from "../port.js";
import { makeScrubber, type Scrubber, scrubbedJson } from "../redact.js";
import { databaseOwner, LATEST_SCHEMA_VERSION, migrate, SchemaTooNewError, schemaVersionOf } from "./migrations.js";
import {
  COMMENT_COLUMNS,
  commentToRow,
  epochMs,
  insertSql,
  NOTE_COLUMNS,
  noteToRow,
  rowToComment,
  rowToNote,
  rowToTopic,
  rowToUser,
  TOPIC_COLUMNS,
  topicToRow,
  USER_COLUMNS,
  updateSql,
  userToRow,
} from "./rows.js";

type Row = Record<string, unknown>;
type Statement = Database.Statement;

export interface SqliteStoreOptions extends StoreOptions {
  /**
   * PRAGMA synchronous (default "NORMAL"). In WAL mode NORMAL loses nothing on a process crash
   * (kill -9); only a power loss or OS crash can drop the last commits. "FULL" survives those too, slower.
   */
  synchronous?: "NORMAL" | "FULL";
  /** How long a write waits for another process's lock, in ms (default 5000). */
  busyTimeoutMs?: number;
  /**
   * Open an existing xhs-kit database for reading only (export, reports): no migration, no write, no
   * write access needed. Every write method then fails with SQLITE_READONLY.
   */
  readOnly?: boolean;
}

/** Rows per page when streaming records (bounded memory whatever the table size). */
const PAGE_ROWS = 500;
/** Ids per `IN (…)` lookup. */
const LOOKUP_CHUNK = 500;

interface KindSpec<T extends { id: string; fetchedAt: string; source: Series }> {
  kind: RecordKind;
  table: string;
  schema: z.ZodType<T>;
  toRow(record: T): Row;
  fromRow(row: Row): T;
  merge(stored: T, incoming: T): MergeResult<T>;
  select: Statement;
  insert: Statement;
  update: Statement;
  touch: Statement;
  observe?: (record: T, runId: string | null) => void;
}

/**
 * Opens (creating and migrating if needed) a SQLite store. Throws StoreOpenError (exit code 2) on a bad path,
 * and on a database that is not empty and not xhs-kit's, before writing anything to it.
 * With `readOnly`, opens an existing xhs-kit database without writing to it (nor needing write access).
 */
export function openSqliteStore(path: string, options: SqliteStoreOptions = {}): SqliteStore {
  const inMemory = path === ":memory:";
  if (!inMemory) {
    const full = resolve(path);
    const folder = dirname(full);
    if (!existsSync(folder)) {
      throw new StoreOpenError(`Cannot create the database ${path}: the folder ${folder} does not exist`, path);
    }
    if (!statSync(folder).isDirectory()) {
      throw new StoreOpenError(`Cannot create the database ${path}: ${folder} is not a folder`, path);
    }
    if (existsSync(full) && statSync(full).isDirectory()) {
      throw new StoreOpenError(`Cannot open the database ${path}: it is a folder, not a file`, path);
    }
    if (options.readOnly && !existsSync(full)) {
      throw new StoreOpenError(`No database at ${path}`, path);
    }
  }
  if (options.readOnly) return openReadOnly(path, options);
  let db: Database.Database | undefined;
  try {
    db = new Database(path);
    // The first read of the file (a file that is not a database fails here), before any write:
    // someone else's database is refused untouched.
    if (databaseOwner(db) === "foreign") throw foreignError(path);
    const mode = db.pragma("journal_mode = WAL", { simple: true });
    if (!inMemory && String(mode).toLowerCase() !== "wal") {
      throw new Error(`could not switch to WAL mode (got ${String(mode)})`);
    }
    db.pragma(`synchronous = ${options.synchronous ?? "NORMAL"}`);
    db.pragma(`busy_timeout = ${Math.max(0, Math.trunc(options.busyTimeoutMs ?? 5000))}`);
    const clock = options.clock ?? { now: () => Date.now() };
    migrate(db, () => new Date(clock.now()).toISOString());
    return new SqliteStore(db, path, options);
  } catch (error) {
    db?.close();
    throw openError(error, path);
  }
}

function foreignError(path: string): StoreOpenError {
  return new StoreOpenError(
    `Cannot use ${path}: it is a SQLite database with other tables, not an xhs-kit database; give a new path (or an empty file)`,
    path,
  );
}

/**
 * Opens for reading only: nothing is written, not even the WAL's shared-memory file when the folder is
 * read-only (a read-only mount, a CD, a snapshot). A WAL database needs that file to be read in place,
 * so on a read-only folder the database is read into memory instead (when its -wal file holds nothing).
 */
function openReadOnly(path: string, options: SqliteStoreOptions): SqliteStore {
  let db: Database.Database | undefined;
  try {
    db = new Database(path, { readonly: true, fileMustExist: true });
    let owner: ReturnType<typeof databaseOwner>;
    try {
      owner = databaseOwner(db);
    } catch (error) {
      const code = String((error as { code?: unknown }).code ?? "");
      if (path === ":memory:" || !/^SQLITE_(READONLY|CANTOPEN)/.test(code)) throw error;
      db.close();
      db = undefined;
      const wal = `${resolve(path)}-wal`;
      if (existsSync(wal) && statSync(wal).size > 0) {
        throw new StoreOpenError(
          `Cannot read ${path} where it is: its folder is read-only and ${path}-wal holds changes not yet merged; copy the database with its -wal file to a writable folder`,
          path,
          error,
        );
      }
      const image = readFileSync(path);
      // Bytes 18–19 say "WAL"; an in-memory copy reads the same pages in rollback mode.
      if (image.length >= 20) image.fill(1, 18, 20);
      db = new Database(image, { readonly: true });
      owner = databaseOwner(db);
    }
    if (owner === "foreign") throw foreignError(path);
    if (owner === "empty") throw new StoreOpenError(`${path} is empty: no xhs-kit data in it yet`, path);
    const version = schemaVersionOf(db);
    if (version > LATEST_SCHEMA_VERSION) throw new SchemaTooNewError(version, LATEST_SCHEMA_VERSION);
    if (version < 1) throw new StoreOpenError(`${path} is empty: no xhs-kit data in it yet`, path);
    db.pragma(`busy_timeout = ${Math.max(0, Math.trunc(options.busyTimeoutMs ?? 5000))}`);
    return new SqliteStore(db, path, options);
  } catch (error) {
    db?.close();
    throw openError(error, path);
  }
}

function openError(error: unknown, path: string): StoreOpenError {
  if (error instanceof StoreOpenError) return error;
  if (error instanceof SchemaTooNewError)
    return new StoreOpenError(`Cannot open ${path}: ${error.message}`, path, error);
  const code = (error as { code?: unknown }).code;
  const detail = error instanceof Error ? error.message : String(error);
  switch (typeof code === "string" && code.startsWith("SQLITE_READONLY") ? "SQLITE_READONLY" : code) {
    case "SQLITE_NOTADB":
      return new StoreOpenError(`Cannot open ${path}: the file is not a SQLite database`, path, error);
    case "SQLITE_CANTOPEN":
      return new StoreOpenError(
        `Cannot open or create the database ${path}: check that its folder exists and is writable`,
        path,
        error,
      );
    case "SQLITE_READONLY":
      return new StoreOpenError(`Cannot write to the database ${path}: it is read-only`, path, error);
    default:
      return new StoreOpenError(`Cannot open the database ${path}: ${detail}`, path, error);
  }
}

export class SqliteStore implements Store, JobQueue {
  /** The file path as given (":memory:" for an in-memory store). */
  readonly path: string;
  /** The better-sqlite3 handle, for tools and tests (read-only use, please). */
  readonly database: Database.Database;
  readonly keepRawAnswers: boolean;
  private readonly scrub: Scrubber;
  private readonly nowMs: () => number;
  private readonly txScope = new AsyncLocalStorage<symbol>();
  private txToken: symbol | null = null;
  private txDone: Promise<void> | null = null;
  private closed = false;
  private readonly statements = new Map<string, Statement>();
  private readonly notes: KindSpec<Note>;
  private readonly users: KindSpec<User>;
  private readonly comments: KindSpec<Comment>;
  private readonly topics: KindSpec<Topic>;
  private readonly runItem: Statement;

  constructor(db: Database.Database, path: string, options: StoreOptions = {}) {
    this.database = db;
    this.path = path;
    this.keepRawAnswers = options.keepRawAnswers ?? false;
    this.scrub = makeScrubber(options.secrets);
    const clock = options.clock ?? { now: () => Date.now() };
    this.nowMs = () => clock.now();

    const touch = (table: string) =>
      db.prepare(
        `UPDATE ${table} SET fetched_at = @fetched_at, fetched_ms = @fetched_ms, source = @source WHERE id = @id`,
      );
    const select = (table: string) => db.prepare(`SELECT * FROM ${table} WHERE id = ?`);

    const noteObservation = db.prepare(
      `INSERT OR IGNORE INTO note_observations (note_id, fetched_at, source, likes, collects, comments, shares, approx, run_id)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    const userObservation = db.prepare(
      `INSERT OR IGNORE INTO user_observations (user_id, fetched_at, source, followers, following, likes_and_collects, note_count, approx, run_id)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );

    this.notes = {
      kind: "notes",
      table: "notes",
      schema: NoteSchema,
      toRow: noteToRow,
      fromRow: rowToNote,
      merge: mergeNote,
      select: select("notes"),
      insert: db.prepare(insertSql("notes", NOTE_COLUMNS)),
      update: db.prepare(updateSql("notes", NOTE_COLUMNS)),
      touch: touch("notes"),
      observe: (n, runId) => {
        const s = n.stats;
        if (s.likes === null && s.collects === null && s.comments === null && s.shares === null) return;
        noteObservation.run(
          n.id,
          n.fetchedAt,
          n.source,
          s.likes,
          s.collects,
          s.comments,
          s.shares,
          JSON.stringify(n.approx),
          runId,
        );
      },
    };
    this.users = {
      kind: "users",
      table: "users",
      schema: UserSchema,
      toRow: userToRow,
      fromRow: rowToUser,
      merge: mergeUser,
      select: select("users"),
      insert: db.prepare(insertSql("users", USER_COLUMNS)),
      update: db.prepare(updateSql("users", USER_COLUMNS)),
      touch: touch("users"),
      observe: (u, runId) => {
        if (u.followers === null && u.following === null && u.likesAndCollects === null && u.noteCount === null) return;
        userObservation.run(
          u.id,
          u.fetchedAt,
          u.source,
          u.followers,
          u.following,
          u.likesAndCollects,
          u.noteCount,
          JSON.stringify(u.approx),
          runId,
        );
      },
    };
    this.comments = {
      kind: "comments",
      table: "comments",
      schema: CommentSchema,
      toRow: commentToRow,
      fromRow: rowToComment,
      merge: mergeComment,
      select: select("comments"),
      insert: db.prepare(insertSql("comments", COMMENT_COLUMNS)),
      update: db.prepare(updateSql("comments", COMMENT_COLUMNS)),
      touch: touch("comments"),
    };
    this.topics = {
      kind: "topics",
      table: "topics",
      schema: TopicSchema,
      toRow: topicToRow,
      fromRow: rowToTopic,
      merge: mergeTopic,
      select: select("topics"),
      insert: db.prepare(insertSql("topics", TOPIC_COLUMNS)),
      update: db.prepare(updateSql("topics", TOPIC_COLUMNS)),
      touch: touch("topics"),
    };
    // A run's link keeps the strongest outcome it saw: new > updated > unchanged.
    this.runItem = db.prepare(
      `INSERT INTO run_items (run_id, kind, item_id, outcome) VALUES (?, ?, ?, ?)
       ON CONFLICT (run_id, kind, item_id) DO UPDATE SET outcome = CASE
         WHEN run_items.outcome = 'new' OR excluded.outcome = 'unchanged' THEN run_items.outcome
         ELSE excluded.outcome END`,
    );
  }

  /** The schema version of this database. */
  get schemaVersion(): number {
    const row = this.database.prepare("SELECT MAX(version) AS v FROM schema_migrations").get() as { v: number | null };
    return row.v ?? 0;
  }

  // ── plumbing ────────────────────────────────────────────────────────────────────────────────────

  private nowIso(): string {
    return new Date(this.nowMs()).toISOString();
  }

  private stmt(sql: string): Statement {
    let s = this.statements.get(sql);
    if (!s) {
      s = this.database.prepare(sql);
      this.statements.set(sql, s);
    }
    return s;
  }

  /** Runs synchronous work once no other caller's transaction is open (check and run in one tick). */
  private async op<T>(work: () => T): Promise<T> {
    while (this.txDone !== null && this.txScope.getStore() !== this.txToken) await this.txDone;
    if (this.closed) throw new Error("The store is closed");
    return work();
  }

  async transaction<T>(fn: () => Promise<T>): Promise<T> {
    if (this.txToken !== null && this.txScope.getStore() === this.txToken) {
      throw new Error("Store transactions do not nest: call the store directly inside transaction()");
    }
    while (this.txDone !== null) await this.txDone;
    if (this.closed) throw new Error("The store is closed");
    const token = Symbol("transaction");
    let release = () => {};
    this.txDone = new Promise<void>((done) => {
      release = done;
    });
    this.txToken = token;
    try {
      this.database.exec("BEGIN IMMEDIATE");
      const result = await this.txScope.run(token, fn);
      this.database.exec("COMMIT");
      return result;
    } catch (error) {
      if (this.database.inTransaction) this.database.exec("ROLLBACK");
      throw error;
    } finally {
      this.txToken = null;
      this.txDone = null;
      release();
    }
  }

  async close(): Promise<void> {
    while (this.txDone !== null) await this.txDone;
    if (this.closed) return;
    this.closed = true;
    this.database.close();
  }

  // ── records ─────────────────────────────────────────────────────────────────────────────────────

  private upsertBatch<T extends { id: string; fetchedAt: string; source: Series }>(
    spec: KindSpec<T>,
    records: readonly T[],
    options: WriteOptions | undefined,
  ): UpsertResult[] {
    const runId = options?.runId ?? null;
    const valid = records.map((record) => {
      const parsed = spec.schema.safeParse(record);
      if (!parsed.success) {
        const id = (record as { id?: unknown } | null)?.id;
        const issue = parsed.error.issues[0];
        throw new InvalidInputError(
          `Not a valid ${spec.kind.slice(0, -1)} record${typeof id === "string" ? ` (${id})` : ""}: ${issue ? `${issue.path.join(".") || "(root)"}: ${issue.message}` : "invalid"}`,
        );
      }
      return parsed.data;
    });
    const firstSeen = this.nowIso();
    const write = this.database.transaction(() => {
      const results: UpsertResult[] = [];
      for (const record of valid) {
        const row = spec.select.get(record.id) as Row | undefined;
        let outcome: UpsertOutcome;
        if (row === undefined) {
          spec.insert.run({ ...spec.toRow(record), first_seen_at: firstSeen });
          outcome = "new";
        } else {
          const stored = spec.fromRow(row);
          const { merged, changed } = spec.merge(stored, record);
          if (changed) {
            spec.update.run(spec.toRow(merged));
            outcome = "updated";
          } else {
            if (merged.fetchedAt !== stored.fetchedAt || merged.source !== stored.source) {
              spec.touch.run({
                id: record.id,
                fetched_at: merged.fetchedAt,
                fetched_ms: epochMs(merged.fetchedAt),
                source: merged.source,
              });
            }
            outcome = "unchanged";
          }
        }
        spec.observe?.(record, runId);
        if (runId !== null) this.runItem.run(runId, spec.kind, record.id, outcome);
        results.push({ id: record.id, outcome });
      }
      return results;
    });
    return write();
  }

  upsertNotes(notes: readonly Note[], options?: WriteOptions): Promise<UpsertResult[]> {
    return this.op(() => this.upsertBatch(this.notes, notes, options));
  }
  upsertUsers(users: readonly User[], options?: WriteOptions): Promise<UpsertResult[]> {
    return this.op(() => this.upsertBatch(this.users, users, options));
  }
  upsertComments(comments: readonly Comment[], options?: WriteOptions): Promise<UpsertResult[]> {
    return this.op(() => this.upsertBatch(this.comments, comments, options));
  }
  upsertTopics(topics: readonly Topic[], options?: WriteOptions): Promise<UpsertResult[]> {
    return this.op(() => this.upsertBatch(this.topics, topics, options));
  }

  private getOne<T extends { id: string; fetchedAt: string; source: Series }>(
    spec: KindSpec<T>,
    id: string,
  ): Promise<T | null> {
    return this.op(() => {
      const row = spec.select.get(id) as Row | undefined;
      return row === undefined ? null : spec.fromRow(row);
    });
  }
  getNote(id: string): Promise<Note | null> {
    return this.getOne(this.notes, id);
  }
  getUser(id: string): Promise<User | null> {
    return this.getOne(this.users, id);
  }
  getComment(id: string): Promise<Comment | null> {
    return this.getOne(this.comments, id);
  }
  getTopic(id: string): Promise<Topic | null> {
    return this.getOne(this.topics, id);
  }

  hasNote(id: string): Promise<boolean> {
    return this.op(() => this.stmt("SELECT 1 FROM notes WHERE id = ?").get(id) !== undefined);
  }

  knownNoteIds(ids: readonly string[]): Promise<Set<string>> {
    return this.op(() => {
      const known = new Set<string>();
      const lookup = this.stmt("SELECT id FROM notes WHERE id IN (SELECT value FROM json_each(?))").pluck();
      for (let i = 0; i < ids.length; i += LOOKUP_CHUNK) {
        for (const id of lookup.all(JSON.stringify(ids.slice(i, i + LOOKUP_CHUNK)))) known.add(String(id));
      }
      return known;
    });
  }

  hasFullNote(id: string): Promise<boolean> {
    return this.op(() => this.stmt("SELECT 1 FROM notes WHERE id = ? AND text_truncated = 0").get(id) !== undefined);
  }

  latestNotePublishedAt(authorId: string): Promise<string | null> {
    return this.op(() => {
      // Compared as instants, not as strings: ISO strings of different precision do not sort as text.
      const times = this.stmt("SELECT published_at FROM notes WHERE author_id = ? AND published_at IS NOT NULL")
        .pluck()
        .all(authorId) as string[];
      let best: string | null = null;
      let bestMs = Number.NEGATIVE_INFINITY;
      for (const time of times) {
        const ms = Date.parse(time);
        if (!Number.isNaN(ms) && ms > bestMs) {
          best = time;
          bestMs = ms;
        }
      }
      return best;
    });
  }

  knownCommentIds(noteId: string): Promise<Set<string>> {
    return this.op(
      () =>
        new Set((this.stmt("SELECT id FROM comments WHERE note_id = ?").pluck().all(noteId) as unknown[]).map(String)),
    );
  }

  countComments(noteId: string, options?: { rootId?: string }): Promise<number> {
    return this.op(() => {
      const n =
        options?.rootId === undefined
          ? this.stmt("SELECT COUNT(*) FROM comments WHERE note_id = ?").pluck().get(noteId)
          : this.stmt("SELECT COUNT(*) FROM comments WHERE note_id = ? AND root_id = ?")
              .pluck()
              .get(noteId, options.rootId);
      return Number(n);
    });
  }

  noteObservations(noteId: string): Promise<NoteObservation[]> {
    return this.op(() =>
      (this.stmt("SELECT * FROM note_observations WHERE note_id = ?").all(noteId) as Row[])
        .map(
          (r): NoteObservation => ({
            noteId: String(r.note_id),
            fetchedAt: String(r.fetched_at),
            source: r.source as Series,
            likes: r.likes as number | null,
            collects: r.collects as number | null,
            comments: r.comments as number | null,
            shares: r.shares as number | null,
            approx: JSON.parse(String(r.approx)) as string[],
            runId: (r.run_id as string | null) ?? null,
          }),
        )
        .sort((a, b) => epochMs(a.fetchedAt) - epochMs(b.fetchedAt)),
    );
  }

  userObservations(userId: string): Promise<UserObservation[]> {
    return this.op(() =>
      (this.stmt("SELECT * FROM user_observations WHERE user_id = ?").all(userId) as Row[])
        .map(
          (r): UserObservation => ({
            userId: String(r.user_id),
            fetchedAt: String(r.fetched_at),
            source: r.source as Series,
            followers: r.followers as number | null,
            following: r.following as number | null,
            likesAndCollects: r.likes_and_collects as number | null,
            noteCount: r.note_count as number | null,
            approx: JSON.parse(String(r.approx)) as string[],
            runId: (r.run_id as string | null) ?? null,
          }),
        )
        .sort((a, b) => epochMs(a.fetchedAt) - epochMs(b.fetchedAt)),
    );
  }

  private spec(kind: RecordKind): KindSpec<Note> | KindSpec<User> | KindSpec<Comment> | KindSpec<Topic> {
    switch (kind) {
      case "notes":
        return this.notes;
      case "users":
        return this.users;
      case "comments":
        return this.comments;
      case "topics":
        return this.topics;
      default:
        throw new InvalidInputError(`Unknown record kind "${String(kind)}": use notes, users, comments or topics`);
    }
  }

  private recordWhere(kind: RecordKind, filter: RecordFilter | undefined): { where: string; params: Row } {
    const clauses: string[] = [];
    const params: Row = {};
    if (filter?.runId !== undefined) {
      clauses.push(
        "EXISTS (SELECT 1 FROM run_items r WHERE r.run_id = @runId AND r.kind = @kind AND r.item_id = t.id)",
      );
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

  async *iterateRecords<K extends RecordKind>(kind: K, filter?: RecordFilter): AsyncIterable<RecordOf[K]> {
    const spec = this.spec(kind);
    const { where, params } = this.recordWhere(kind, filter);
    // Keyset pages by rowid (first-seen order): no cursor stays open across awaits, memory stays bounded.
    const page = this.stmt(
      `SELECT t.rowid AS _rowid, t.* FROM ${spec.table} t WHERE t.rowid > @after${where} ORDER BY t.rowid LIMIT ${PAGE_ROWS}`,
    );
    let after = 0;
    for (;;) {
      const rows = await this.op(() => page.all({ ...params, after }) as Row[]);
      if (rows.length === 0) return;
      for (const row of rows) yield spec.fromRow(row) as RecordOf[K];
      after = Number(rows[rows.length - 1]?._rowid);
      if (rows.length < PAGE_ROWS) return;
    }
  }

  async countRecords(kind: RecordKind, filter?: RecordFilter): Promise<number> {
    const spec = this.spec(kind);
    const { where, params } = this.recordWhere(kind, filter);
    return this.op(() =>
      Number(this.stmt(`SELECT COUNT(*) FROM ${spec.table} t WHERE 1 = 1${where}`).pluck().get(params)),
    );
  }

  // ── raw answers ─────────────────────────────────────────────────────────────────────────────────

  saveRawAnswer(answer: RawAnswer): Promise<boolean> {
    return this.op(() => {
      if (!this.keepRawAnswers) return false;
      this.stmt(
        `INSERT INTO raw_answers (run_id, endpoint, series, params, http_status, request_id, fetched_at, body)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      ).run(
        answer.runId,
        answer.endpoint,
        answer.series,
        scrubbedJson(answer.params, this.scrub),
        answer.httpStatus,
        answer.requestId,
        answer.fetchedAt,
        scrubbedJson(answer.body, this.scrub),
      );
      return true;
    });
  }

  rawAnswers(filter?: { runId?: string; limit?: number }): Promise<RawAnswer[]> {
    return this.op(() => {
      const rows = this.stmt(
        "SELECT * FROM raw_answers WHERE (@runId IS NULL OR run_id = @runId) ORDER BY id LIMIT @limit",
      ).all({ runId: filter?.runId ?? null, limit: filter?.limit ?? -1 }) as Row[];
      return rows.map((r) => ({
        runId: (r.run_id as string | null) ?? null,
        endpoint: String(r.endpoint),
        series: r.series as Series,
        params: JSON.parse(String(r.params)) as Record<string, string | number>,
        httpStatus: (r.http_status as number | null) ?? null,
        requestId: (r.request_id as string | null) ?? null,
        fetchedAt: String(r.fetched_at),
        body: JSON.parse(String(r.body)) as unknown,
      }));
    });
  }

  // ── runs ────────────────────────────────────────────────────────────────────────────────────────

  private runById(id: string): RunRecord | null {
    const r = this.stmt("SELECT * FROM runs WHERE id = ?").get(id) as Row | undefined;
    return r === undefined ? null : rowToRun(r);
  }

  createRun(run: NewRun = {}): Promise<RunRecord> {
    return this.op(() => {
      const now = this.nowIso();
      const id = run.id ?? newRunId(this.nowMs());
      if (id.trim() === "") throw new InvalidInputError("A run id cannot be empty");
      if (this.runById(id) !== null) throw new InvalidInputError(`A run with id ${id} already exists`);
      const status = run.status ?? "running";
      this.stmt(
        `INSERT INTO runs (id, status, plan_key, plan, stats, report, created_at, updated_at, finished_at)
         VALUES (?, ?, ?, ?, NULL, NULL, ?, ?, ?)`,
      ).run(
        id,
        status,
        run.planKey ?? null,
        run.plan === undefined ? null : scrubbedJson(run.plan, this.scrub),
        now,
        now,
        status === "running" ? null : now,
      );
      return this.runById(id)!;
    });
  }

  updateRun(id: string, patch: RunPatch): Promise<RunRecord> {
    return this.op(() => {
      const run = this.runById(id);
      if (run === null) throw new NotFoundError(`No crawl run with id ${id}`);
      const now = this.nowIso();
      const status = patch.status ?? run.status;
      let finishedAt = run.finishedAt;
      if (patch.finishedAt !== undefined) finishedAt = patch.finishedAt;
      else if (patch.status === "running") finishedAt = null;
      else if (patch.status !== undefined && finishedAt === null) finishedAt = now;
      this.stmt(
        `UPDATE runs SET status = ?, stats = COALESCE(?, stats), report = COALESCE(?, report), updated_at = ?, finished_at = ?
         WHERE id = ?`,
      ).run(
        status,
        patch.stats === undefined ? null : scrubbedJson(patch.stats, this.scrub),
        patch.report === undefined ? null : scrubbedJson(patch.report, this.scrub),
        now,
        finishedAt,
        id,
      );
      return this.runById(id)!;
    });
  }

  getRun(id: string): Promise<RunRecord | null> {
    return this.op(() => this.runById(id));
  }

  listRuns(filter: RunFilter = {}): Promise<RunRecord[]> {
    return this.op(() => {
      const statuses =
        filter.status === undefined
          ? null
          : JSON.stringify(Array.isArray(filter.status) ? filter.status : [filter.status]);
      const rows = this.stmt(
        `SELECT * FROM runs
         WHERE (@planKey IS NULL OR plan_key = @planKey)
           AND (@statuses IS NULL OR status IN (SELECT value FROM json_each(@statuses)))
         ORDER BY created_at DESC, rowid DESC LIMIT @limit`,
      ).all({ planKey: filter.planKey ?? null, statuses, limit: filter.limit ?? 50 }) as Row[];
      return rows.map(rowToRun);
    });
  }

  // ── ledger ──────────────────────────────────────────────────────────────────────────────────────

  appendLedger(runId: string | null, events: readonly AttemptEvent[]): Promise<void> {
    return this.op(() => {
      const insert = this.stmt(
        `INSERT INTO ledger (run_id, at, capability, endpoint, series, http_status, outcome, latency_ms, billable,
           cost_micro_usd, retry, failover, reason, request_id)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      );
      this.database.transaction(() => {
        for (const e of events) {
          insert.run(
            runId,
            e.at,
            e.capability,
            e.endpoint,
            e.series,
            e.httpStatus,
            e.outcome,
            Math.round(e.latencyMs),
            e.billable ? 1 : 0,
            Math.round(e.costUsd * 1_000_000),
            e.retry,
            e.failover ? 1 : 0,
            e.reason === undefined ? null : this.scrub(e.reason),
            e.requestId ?? null,
          );
        }
      })();
    });
  }

  ledgerTotals(filter?: { runId?: string }): Promise<LedgerTotals> {
    return this.op(() => {
      const rows = this.stmt(
        `SELECT endpoint, series, outcome, COUNT(*) AS calls, SUM(billable) AS billable, SUM(cost_micro_usd) AS micro
         FROM ledger WHERE (@runId IS NULL OR run_id = @runId) GROUP BY endpoint, series, outcome`,
      ).all({ runId: filter?.runId ?? null }) as {
        endpoint: string;
        series: string;
        outcome: string;
        calls: number;
        billable: number;
        micro: number;
      }[];
      const totals: LedgerTotals = {
        calls: 0,
        billableCalls: 0,
        costUsd: 0,
        byEndpoint: {},
        bySeries: {},
        byOutcome: {},
      };
      let micro = 0;
      const micros = { endpoint: new Map<string, number>(), series: new Map<string, number>() };
      for (const r of rows) {
        totals.calls += r.calls;
        totals.billableCalls += r.billable;
        micro += r.micro;
        totals.byOutcome[r.outcome] = (totals.byOutcome[r.outcome] ?? 0) + r.calls;
        for (const [group, key] of [
          ["endpoint", r.endpoint],
          ["series", r.series],
        ] as const) {
          const bucket = group === "endpoint" ? totals.byEndpoint : totals.bySeries;
          const b = bucket[key] ?? { calls: 0, billableCalls: 0, costUsd: 0 };
          bucket[key] = b;
          b.calls += r.calls;
          b.billableCalls += r.billable;
          const m = (micros[group].get(key) ?? 0) + r.micro;
          micros[group].set(key, m);
          b.costUsd = m / 1_000_000;
        }
      }
      totals.costUsd = micro / 1_000_000;
      return totals;
    });
  }

  ledgerEntries(filter?: { runId?: string; limit?: number }): Promise<LedgerEntry[]> {
    return this.op(() => {
      const rows = this.stmt(
        "SELECT * FROM ledger WHERE (@runId IS NULL OR run_id = @runId) ORDER BY id LIMIT @limit",
      ).all({ runId: filter?.runId ?? null, limit: filter?.limit ?? -1 }) as Row[];
      return rows.map((r) => {
        const entry: LedgerEntry = {
          runId: (r.run_id as string | null) ?? null,
          at: String(r.at),
          capability: r.capability as LedgerEntry["capability"],
          endpoint: String(r.endpoint),
          series: r.series as Series,
          httpStatus: (r.http_status as number | null) ?? null,
          outcome: r.outcome as LedgerEntry["outcome"],
          latencyMs: Number(r.latency_ms),
          billable: r.billable === 1,
          costUsd: Number(r.cost_micro_usd) / 1_000_000,
          retry: Number(r.retry),
          failover: r.failover === 1,
        };
        if (r.reason !== null) entry.reason = String(r.reason);
        if (r.request_id !== null) entry.requestId = String(r.request_id);
        return entry;
      });
    });
  }

  // ── queue ───────────────────────────────────────────────────────────────────────────────────────

  private jobByKey(runId: string, key: string): Job | null {
    const r = this.stmt("SELECT * FROM jobs WHERE run_id = ? AND key = ?").get(runId, key) as Row | undefined;
    return r === undefined ? null : rowToJob(r);
  }

  private insertJob(job: NewJob, now: string): boolean {
    if (typeof job.runId !== "string" || job.runId === "") throw new InvalidInputError("A job needs a run id");
    if (typeof job.key !== "string" || job.key === "") throw new InvalidInputError("A job needs a non-empty key");
    if (typeof job.kind !== "string" || job.kind === "") throw new InvalidInputError(`Job ${job.key} needs a kind`);
    const info = this.stmt(
      `INSERT INTO jobs (run_id, key, kind, payload, priority, depth, parent_key, state, attempts, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, 'pending', 0, ?, ?) ON CONFLICT (run_id, key) DO NOTHING`,
    ).run(
      job.runId,
      job.key,
      job.kind,
      job.payload === undefined ? null : JSON.stringify(job.payload),
      Math.trunc(job.priority ?? 0),
      Math.trunc(job.depth ?? 0),
      job.parentKey ?? null,
      now,
      now,
    );
    return info.changes > 0;
  }

  enqueue(job: NewJob): Promise<{ job: Job; added: boolean }> {
    return this.op(() => {
      const added = this.insertJob(job, this.nowIso());
      return { job: this.jobByKey(job.runId, job.key)!, added };
    });
  }

  enqueueMany(jobs: readonly NewJob[]): Promise<number> {
    return this.op(() => {
      const now = this.nowIso();
      return this.database.transaction(() => jobs.reduce((n, job) => n + (this.insertJob(job, now) ? 1 : 0), 0))();
    });
  }

  lease(runId: string, options: LeaseOptions = {}): Promise<Job[]> {
    return this.op(() => {
      const limit = Math.max(1, Math.trunc(options.limit ?? 1));
      const kinds = options.kinds === undefined ? null : JSON.stringify(options.kinds);
      const nowMs = this.nowMs();
      const now = new Date(nowMs).toISOString();
      const expires = nowMs + ttlOf(options.ttlMs);
      // IMMEDIATE: another process's lease between our SELECT and UPDATE cannot take the same job.
      return this.database
        .transaction(() => {
          const ids = this.stmt(
            `SELECT id FROM jobs WHERE run_id = @runId
             AND (state = 'pending' OR (state = 'leased' AND (lease_expires_ms IS NULL OR lease_expires_ms <= @nowMs)))
             AND (@kinds IS NULL OR kind IN (SELECT value FROM json_each(@kinds)))
           ORDER BY priority DESC, depth ASC, id ASC LIMIT @limit`,
          )
            .pluck()
            .all({ runId, kinds, limit, nowMs }) as number[];
          const take = this.stmt(
            `UPDATE jobs SET state = 'leased', attempts = attempts + 1, lease_token = ?, lease_owner = ?,
             lease_expires_ms = ?, updated_at = ? WHERE id = ? RETURNING *`,
          );
          return ids.map((id) => rowToJob(take.get(randomUUID(), options.owner ?? null, expires, now, id) as Row));
        })
        .immediate();
    });
  }

  renewLeases(owner: string, options: { runId?: string; ttlMs?: number } = {}): Promise<number> {
    return this.op(() => {
      const nowMs = this.nowMs();
      return this.stmt(
        `UPDATE jobs SET lease_expires_ms = @expires
         WHERE state = 'leased' AND lease_owner = @owner AND (@runId IS NULL OR run_id = @runId)`,
      ).run({ owner, runId: options.runId ?? null, expires: nowMs + ttlOf(options.ttlMs) }).changes;
    });
  }

  private onLease(job: JobHandle, sql: string, params: unknown[], what: string): void {
    const info = this.stmt(`${sql} WHERE id = ? AND state = 'leased' AND lease_token IS ?`).run(
      ...params,
      Number(job.id),
      job.leaseToken,
    );
    if (info.changes === 0) {
      throw new LeaseLostError(job.id, `Cannot ${what} job ${job.id}: it is not leased under this lease any more`);
    }
  }

  complete(job: JobHandle, checkpoint?: JobCheckpoint): Promise<void> {
    return this.op(() =>
      this.onLease(
        job,
        "UPDATE jobs SET state = 'done', checkpoint = COALESCE(?, checkpoint), lease_token = NULL, lease_expires_ms = NULL, updated_at = ?",
        [checkpoint === undefined ? null : JSON.stringify(checkpoint), this.nowIso()],
        "complete",
      ),
    );
  }

  fail(job: JobHandle, failure: FailOptions): Promise<void> {
    return this.op(() =>
      this.onLease(
        job,
        "UPDATE jobs SET state = ?, last_error_kind = ?, last_error_message = ?, lease_token = NULL, lease_expires_ms = NULL, updated_at = ?",
        [failure.retry === true ? "pending" : "failed", failure.errorKind, this.scrub(failure.message), this.nowIso()],
        "fail",
      ),
    );
  }

  checkpoint(job: JobHandle, checkpoint: JobCheckpoint): Promise<void> {
    return this.op(() =>
      this.onLease(
        job,
        "UPDATE jobs SET checkpoint = ?, updated_at = ?",
        [JSON.stringify(checkpoint), this.nowIso()],
        "checkpoint",
      ),
    );
  }

  release(job: JobHandle): Promise<void> {
    return this.op(() =>
      this.onLease(
        job,
        "UPDATE jobs SET state = 'pending', lease_token = NULL, lease_expires_ms = NULL, updated_at = ?",
        [this.nowIso()],
        "release",
      ),
    );
  }

  recoverLeases(runId?: string, options: { owner?: string } = {}): Promise<number> {
    return this.op(
      () =>
        this.stmt(
          `UPDATE jobs SET state = 'pending', lease_token = NULL, lease_expires_ms = NULL, updated_at = @now
           WHERE state = 'leased' AND (@runId IS NULL OR run_id = @runId) AND (@owner IS NULL OR lease_owner = @owner)`,
        ).run({ runId: runId ?? null, owner: options.owner ?? null, now: this.nowIso() }).changes,
    );
  }

  getJob(runId: string, key: string): Promise<Job | null> {
    return this.op(() => this.jobByKey(runId, key));
  }

  listJobs(runId: string, filter: { state?: JobState; limit?: number } = {}): Promise<Job[]> {
    return this.op(() =>
      (
        this.stmt(
          "SELECT * FROM jobs WHERE run_id = @runId AND (@state IS NULL OR state = @state) ORDER BY id LIMIT @limit",
        ).all({ runId, state: filter.state ?? null, limit: filter.limit ?? -1 }) as Row[]
      ).map(rowToJob),
    );
  }

  jobCounts(runId: string): Promise<Record<JobState, number>> {
    return this.op(() => {
      const counts: Record<JobState, number> = { pending: 0, leased: 0, done: 0, failed: 0 };
      const rows = this.stmt("SELECT state, COUNT(*) AS n FROM jobs WHERE run_id = ? GROUP BY state").all(runId) as {
        state: JobState;
        n: number;
      }[];
      for (const r of rows) counts[r.state] = r.n;
      return counts;
    });
  }
}

function ttlOf(ttlMs: number | undefined): number {
  const ttl = ttlMs ?? DEFAULT_LEASE_TTL_MS;
  if (!Number.isFinite(ttl) || ttl <= 0)
    throw new InvalidInputError(`A lease lasts a positive number of ms, not ${ttl}`);
  return Math.trunc(ttl);
}

function parseJson(value: unknown): unknown {
  return typeof value === "string" ? (JSON.parse(value) as unknown) : null;
}

function rowToRun(r: Row): RunRecord {
  return {
    id: String(r.id),
    status: r.status as RunStatus,
    planKey: (r.plan_key as string | null) ?? null,
    plan: parseJson(r.plan),
    stats: parseJson(r.stats),
    report: parseJson(r.report),
    createdAt: String(r.created_at),
    updatedAt: String(r.updated_at),
    finishedAt: (r.finished_at as string | null) ?? null,
  };
}

function rowToJob(r: Row): Job {
  return {
    id: String(r.id),
    runId: String(r.run_id),
    key: String(r.key),
    kind: String(r.kind),
    payload: parseJson(r.payload),
    priority: Number(r.priority),
    depth: Number(r.depth),
    parentKey: (r.parent_key as string | null) ?? null,
    state: r.state as JobState,
    attempts: Number(r.attempts),
    checkpoint: parseJson(r.checkpoint) as JobCheckpoint | null,
    lastErrorKind: (r.last_error_kind as string | null) ?? null,
    lastErrorMessage: (r.last_error_message as string | null) ?? null,
    leaseToken: (r.lease_token as string | null) ?? null,
    leaseOwner: (r.lease_owner as string | null) ?? null,
    leaseExpiresAt:
      r.state === "leased" && typeof r.lease_expires_ms === "number"
        ? new Date(r.lease_expires_ms).toISOString()
        : null,
    createdAt: String(r.created_at),
    updatedAt: String(r.updated_at),
  };
}

/** e.g. "20260130-012345-7f3a": sortable by time, short enough to type. */
function newRunId(nowMs: number): string {
  const stamp = new Date(nowMs).toISOString().replace(/[-:]/g, "").replace("T", "-").slice(0, 15);
  return `${stamp}-${randomBytes(2).toString("hex")}`;
}
