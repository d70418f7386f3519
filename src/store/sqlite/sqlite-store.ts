/**
 * The SQLite backend: one database file holds the records, the count time series, runs, the crawl
 * queue and the ledger, so a crawl step's writes and its queue completion commit atomically.
 *
 * `SqliteStore` is both ports (`Store` and `JobQueue`) over one connection. It only composes: each call
 * goes through the connection's gate (connection.ts) to the part that owns its tables: records.ts,
 * lookups.ts, observations.ts, raw-answers.ts, runs.ts, ledger.ts, jobs.ts. Opening is open.ts.
 */
import type Database from "better-sqlite3";
import type { AttemptEvent } from "../../core/types.js";
import type { Comment, Note, Topic, User } from "../../model/types.js";
import type {
  FailOptions,
  Job,
  JobCheckpoint,
  JobHandle,
  JobQueue,
  JobState,
  LeaseOptions,
  LedgerEntry,
  LedgerTotals,
  NewJob,
  NewRun,
  NoteObservation,
  RawAnswer,
  RecordFilter,
  RecordKind,
  RecordOf,
  RunFilter,
  RunPatch,
  RunRecord,
  Store,
  StoreOptions,
  UpsertResult,
  UserObservation,
  WriteOptions,
} from "../port.js";
import { SqliteConnection } from "./connection.js";
import { JobTable } from "./jobs.js";
import { LedgerTable } from "./ledger.js";
import { RecordLookups } from "./lookups.js";
import { readObservations } from "./observations.js";
import { openDatabase, openError, type SqliteStoreOptions } from "./open.js";
import { RawAnswerTable } from "./raw-answers.js";
import { KIND_TABLES } from "./record-kinds.js";
import { RecordTables } from "./records.js";
import { RunTable } from "./runs.js";

export type { SqliteStoreOptions } from "./open.js";

/**
 * Opens (creating and migrating if needed) a SQLite store. Throws StoreOpenError (exit code 2) on a bad path,
 * and on a database that is not empty and not xhs-kit's, before writing anything to it.
 * With `readOnly`, opens an existing xhs-kit database without writing to it (nor needing write access).
 */
export function openSqliteStore(path: string, options: SqliteStoreOptions = {}): SqliteStore {
  const db = openDatabase(path, options);
  try {
    return new SqliteStore(db, path, options);
  } catch (error) {
    db.close();
    throw openError(error, path);
  }
}

export class SqliteStore implements Store, JobQueue {
  /** The file path as given (":memory:" for an in-memory store). */
  readonly path: string;
  /** The better-sqlite3 handle, for tools and tests (read-only use, please). */
  readonly database: Database.Database;
  readonly keepRawAnswers: boolean;
  private readonly connection: SqliteConnection;
  private readonly records: RecordTables;
  private readonly lookups: RecordLookups;
  private readonly raw: RawAnswerTable;
  private readonly runs: RunTable;
  private readonly ledger: LedgerTable;
  private readonly jobs: JobTable;

  constructor(db: Database.Database, path: string, options: StoreOptions = {}) {
    this.database = db;
    this.path = path;
    this.keepRawAnswers = options.keepRawAnswers ?? false;
    const connection = new SqliteConnection(db, options);
    this.connection = connection;
    this.records = new RecordTables(connection);
    this.lookups = new RecordLookups(connection);
    this.raw = new RawAnswerTable(connection, this.keepRawAnswers);
    this.runs = new RunTable(connection);
    this.ledger = new LedgerTable(connection);
    this.jobs = new JobTable(connection);
  }

  /** The schema version of this database. */
  get schemaVersion(): number {
    const row = this.database.prepare("SELECT MAX(version) AS v FROM schema_migrations").get() as { v: number | null };
    return row.v ?? 0;
  }

  transaction<T>(fn: () => Promise<T>): Promise<T> {
    return this.connection.transaction(fn);
  }

  close(): Promise<void> {
    return this.connection.close();
  }

  /** Every port call: once no other caller's transaction is open (connection.ts). */
  private call<T>(work: () => T): Promise<T> {
    return this.connection.run(work);
  }

  // ── records ─────────────────────────────────────────────────────────────────────────────────────

  private upsert<K extends RecordKind>(
    kind: K,
    records: readonly RecordOf[K][],
    options?: WriteOptions,
  ): Promise<UpsertResult[]> {
    return this.call(() => this.records.upsert(kind, records, options?.runId ?? null));
  }
  upsertNotes(notes: readonly Note[], options?: WriteOptions): Promise<UpsertResult[]> {
    return this.upsert("notes", notes, options);
  }
  upsertUsers(users: readonly User[], options?: WriteOptions): Promise<UpsertResult[]> {
    return this.upsert("users", users, options);
  }
  upsertComments(comments: readonly Comment[], options?: WriteOptions): Promise<UpsertResult[]> {
    return this.upsert("comments", comments, options);
  }
  upsertTopics(topics: readonly Topic[], options?: WriteOptions): Promise<UpsertResult[]> {
    return this.upsert("topics", topics, options);
  }

  getNote(id: string): Promise<Note | null> {
    return this.call(() => this.records.get("notes", id));
  }
  getUser(id: string): Promise<User | null> {
    return this.call(() => this.records.get("users", id));
  }
  getComment(id: string): Promise<Comment | null> {
    return this.call(() => this.records.get("comments", id));
  }
  getTopic(id: string): Promise<Topic | null> {
    return this.call(() => this.records.get("topics", id));
  }

  iterateRecords<K extends RecordKind>(kind: K, filter?: RecordFilter): AsyncIterable<RecordOf[K]> {
    return this.records.iterate(kind, filter);
  }

  countRecords(kind: RecordKind, filter?: RecordFilter): Promise<number> {
    return this.call(() => this.records.count(kind, filter));
  }

  // ── lookups for incremental crawls ──────────────────────────────────────────────────────────────

  hasNote(id: string): Promise<boolean> {
    return this.call(() => this.lookups.hasNote(id));
  }
  knownNoteIds(ids: readonly string[]): Promise<Set<string>> {
    return this.call(() => this.lookups.knownNoteIds(ids));
  }
  hasFullNote(id: string): Promise<boolean> {
    return this.call(() => this.lookups.hasFullNote(id));
  }
  latestNotePublishedAt(authorId: string): Promise<string | null> {
    return this.call(() => this.lookups.latestNotePublishedAt(authorId));
  }
  knownCommentIds(noteId: string): Promise<Set<string>> {
    return this.call(() => this.lookups.knownCommentIds(noteId));
  }
  countComments(noteId: string, options?: { rootId?: string }): Promise<number> {
    return this.call(() => this.lookups.countComments(noteId, options));
  }

  // ── count time series, raw answers, runs, ledger ────────────────────────────────────────────────

  noteObservations(noteId: string): Promise<NoteObservation[]> {
    return this.call(() => readObservations<NoteObservation>(this.connection, KIND_TABLES.notes.observations!, noteId));
  }
  userObservations(userId: string): Promise<UserObservation[]> {
    return this.call(() => readObservations<UserObservation>(this.connection, KIND_TABLES.users.observations!, userId));
  }

  saveRawAnswer(answer: RawAnswer): Promise<boolean> {
    return this.call(() => this.raw.save(answer));
  }
  rawAnswers(filter?: { runId?: string; limit?: number }): Promise<RawAnswer[]> {
    return this.call(() => this.raw.list(filter));
  }

  createRun(run: NewRun = {}): Promise<RunRecord> {
    return this.call(() => this.runs.create(run));
  }
  updateRun(id: string, patch: RunPatch): Promise<RunRecord> {
    return this.call(() => this.runs.update(id, patch));
  }
  getRun(id: string): Promise<RunRecord | null> {
    return this.call(() => this.runs.get(id));
  }
  listRuns(filter: RunFilter = {}): Promise<RunRecord[]> {
    return this.call(() => this.runs.list(filter));
  }

  appendLedger(runId: string | null, events: readonly AttemptEvent[]): Promise<void> {
    return this.call(() => this.ledger.append(runId, events));
  }
  ledgerTotals(filter?: { runId?: string }): Promise<LedgerTotals> {
    return this.call(() => this.ledger.totals(filter));
  }
  ledgerEntries(filter?: { runId?: string; limit?: number }): Promise<LedgerEntry[]> {
    return this.call(() => this.ledger.entries(filter));
  }

  // ── queue (JobQueue) ────────────────────────────────────────────────────────────────────────────

  enqueue(job: NewJob): Promise<{ job: Job; added: boolean }> {
    return this.call(() => this.jobs.enqueue(job));
  }
  enqueueMany(jobs: readonly NewJob[]): Promise<number> {
    return this.call(() => this.jobs.enqueueMany(jobs));
  }
  lease(runId: string, options: LeaseOptions = {}): Promise<Job[]> {
    return this.call(() => this.jobs.lease(runId, options));
  }
  renewLeases(owner: string, options: { runId?: string; ttlMs?: number } = {}): Promise<number> {
    return this.call(() => this.jobs.renewLeases(owner, options));
  }
  complete(job: JobHandle, checkpoint?: JobCheckpoint): Promise<void> {
    return this.call(() => this.jobs.complete(job, checkpoint));
  }
  fail(job: JobHandle, failure: FailOptions): Promise<void> {
    return this.call(() => this.jobs.fail(job, failure));
  }
  checkpoint(job: JobHandle, checkpoint: JobCheckpoint): Promise<void> {
    return this.call(() => this.jobs.checkpoint(job, checkpoint));
  }
  release(job: JobHandle): Promise<void> {
    return this.call(() => this.jobs.release(job));
  }
  recoverLeases(runId?: string, options: { owner?: string } = {}): Promise<number> {
    return this.call(() => this.jobs.recoverLeases(runId, options));
  }
  getJob(runId: string, key: string): Promise<Job | null> {
    return this.call(() => this.jobs.get(runId, key));
  }
  listJobs(runId: string, filter: { state?: JobState; limit?: number } = {}): Promise<Job[]> {
    return this.call(() => this.jobs.list(runId, filter));
  }
  jobCounts(runId: string): Promise<Record<JobState, number>> {
    return this.call(() => this.jobs.counts(runId));
  }
}
