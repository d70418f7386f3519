/**
 * The SQL store: `Store` and `JobQueue` written once on Kysely, for SQLite and Postgres alike (what differs is in
 * dialect.ts). One object is both ports, so a crawl step's writes and its queue completion share a transaction.
 *
 * It only composes: each call goes to the part that owns its tables (records.ts, lookups.ts, observations.ts,
 * raw-answers.ts, runs.ts, run-health.ts, ledger.ts, jobs.ts), all sharing one `SqlContext` (handle, clock, scrubbers, the open
 * transaction). Opening is the dialect's: `openSqliteStore` (src/store/sqlite), `openPostgresStore`
 * (src/store/postgres), or `openStore` for either by its target.
 */
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
  RunHealthSnapshot,
  RunPatch,
  RunRecord,
  Store,
  UpsertResult,
  UserObservation,
  WriteOptions,
} from "../port.js";
import type { SqlContext } from "./context.js";
import type { Db, DialectName } from "./dialect.js";
import { JobTable } from "./jobs.js";
import { LedgerTable } from "./ledger.js";
import { RecordLookups } from "./lookups.js";
import { readObservations } from "./observations.js";
import { RawAnswerTable } from "./raw-answers.js";
import { KIND_TABLES } from "./record-kinds.js";
import { RecordTables } from "./records.js";
import { RunHealthTable } from "./run-health.js";
import { RunTable } from "./runs.js";

export interface SqlStoreInfo {
  /** Where the data is, for messages: a file path, or a Postgres URL without its password. */
  target: string;
  keepRawAnswers?: boolean;
}

export class SqlStore implements Store, JobQueue {
  readonly dialect: DialectName;
  /** Where the data is: a file path, or a Postgres URL without its password. */
  readonly target: string;
  readonly keepRawAnswers: boolean;
  protected readonly context: SqlContext;
  private readonly records: RecordTables;
  private readonly lookups: RecordLookups;
  private readonly raw: RawAnswerTable;
  private readonly runs: RunTable;
  private readonly health: RunHealthTable;
  private readonly ledger: LedgerTable;
  private readonly jobs: JobTable;

  constructor(context: SqlContext, info: SqlStoreInfo) {
    this.context = context;
    this.dialect = context.dialect.name;
    this.target = info.target;
    this.keepRawAnswers = info.keepRawAnswers ?? false;
    this.records = new RecordTables(context);
    this.lookups = new RecordLookups(context);
    this.raw = new RawAnswerTable(context, this.keepRawAnswers);
    this.runs = new RunTable(context);
    this.health = new RunHealthTable(context);
    this.ledger = new LedgerTable(context);
    this.jobs = new JobTable(context);
  }

  /**
   * The Kysely handle to query with: the open transaction's inside `transaction(fn)`, else the store's own. For
   * code that keeps tables next to the store's (the pg-boss queue); the store's own tables are written through the ports.
   */
  db(): Db {
    return this.context.db();
  }

  /**
   * Runs SQL text with positional parameters on the same connection, inside the open transaction when called from
   * `transaction(fn)` (pg-boss's `db` option: `{ executeSql(text, values) }`).
   */
  executeSql(text: string, values?: readonly unknown[]): Promise<{ rows: Record<string, unknown>[] }> {
    return this.context.executeSql(text, values);
  }

  /** The schema version of this database. */
  async schemaVersionNow(): Promise<number> {
    const { rows } = await this.executeSql("SELECT MAX(version) AS v FROM schema_migrations");
    return Number(rows[0]?.v ?? 0);
  }

  transaction<T>(fn: () => Promise<T>): Promise<T> {
    return this.context.transaction(fn);
  }

  close(): Promise<void> {
    return this.context.close();
  }

  // ── records ─────────────────────────────────────────────────────────────────────────────────────

  private upsert<K extends RecordKind>(
    kind: K,
    records: readonly RecordOf[K][],
    options?: WriteOptions,
  ): Promise<UpsertResult[]> {
    return this.records.upsert(kind, records, options?.runId ?? null);
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
    return this.records.get("notes", id);
  }
  getUser(id: string): Promise<User | null> {
    return this.records.get("users", id);
  }
  getComment(id: string): Promise<Comment | null> {
    return this.records.get("comments", id);
  }
  getTopic(id: string): Promise<Topic | null> {
    return this.records.get("topics", id);
  }

  iterateRecords<K extends RecordKind>(kind: K, filter?: RecordFilter): AsyncIterable<RecordOf[K]> {
    return this.records.iterate(kind, filter);
  }
  countRecords(kind: RecordKind, filter?: RecordFilter): Promise<number> {
    return this.records.count(kind, filter);
  }

  // ── lookups for incremental crawls ──────────────────────────────────────────────────────────────

  hasNote(id: string): Promise<boolean> {
    return this.lookups.hasNote(id);
  }
  knownNoteIds(ids: readonly string[]): Promise<Set<string>> {
    return this.lookups.knownNoteIds(ids);
  }
  hasFullNote(id: string): Promise<boolean> {
    return this.lookups.hasFullNote(id);
  }
  latestNotePublishedAt(authorId: string): Promise<string | null> {
    return this.lookups.latestNotePublishedAt(authorId);
  }
  knownCommentIds(noteId: string): Promise<Set<string>> {
    return this.lookups.knownCommentIds(noteId);
  }
  countComments(noteId: string, options?: { rootId?: string }): Promise<number> {
    return this.lookups.countComments(noteId, options);
  }

  // ── count time series, raw answers, runs, ledger ────────────────────────────────────────────────

  noteObservations(noteId: string): Promise<NoteObservation[]> {
    return readObservations<NoteObservation>(this.context, KIND_TABLES.notes.observations!, noteId);
  }
  userObservations(userId: string): Promise<UserObservation[]> {
    return readObservations<UserObservation>(this.context, KIND_TABLES.users.observations!, userId);
  }

  saveRawAnswer(answer: RawAnswer): Promise<boolean> {
    return this.raw.save(answer);
  }
  rawAnswers(filter?: { runId?: string; limit?: number }): Promise<RawAnswer[]> {
    return this.raw.list(filter);
  }

  createRun(run: NewRun = {}): Promise<RunRecord> {
    return this.runs.create(run);
  }
  updateRun(id: string, patch: RunPatch): Promise<RunRecord> {
    return this.runs.update(id, patch);
  }
  getRun(id: string, options?: { forUpdate?: boolean }): Promise<RunRecord | null> {
    return this.runs.get(id, options);
  }
  listRuns(filter: RunFilter = {}): Promise<RunRecord[]> {
    return this.runs.list(filter);
  }

  saveRunHealth(snapshot: RunHealthSnapshot): Promise<void> {
    return this.health.save(snapshot);
  }
  runHealth(runId: string): Promise<RunHealthSnapshot[]> {
    return this.health.list(runId);
  }

  appendLedger(runId: string | null, events: readonly AttemptEvent[]): Promise<void> {
    return this.ledger.append(runId, events);
  }
  ledgerTotals(filter?: { runId?: string }): Promise<LedgerTotals> {
    return this.ledger.totals(filter);
  }
  ledgerEntries(filter?: { runId?: string; limit?: number }): Promise<LedgerEntry[]> {
    return this.ledger.entries(filter);
  }

  // ── queue (JobQueue) ────────────────────────────────────────────────────────────────────────────

  enqueue(job: NewJob): Promise<{ job: Job; added: boolean }> {
    return this.jobs.enqueue(job);
  }
  enqueueMany(jobs: readonly NewJob[]): Promise<number> {
    return this.jobs.enqueueMany(jobs);
  }
  lease(runId: string, options: LeaseOptions = {}): Promise<Job[]> {
    return this.jobs.lease(runId, options);
  }
  renewLeases(owner: string, options: { runId?: string; ttlMs?: number } = {}): Promise<number> {
    return this.jobs.renewLeases(owner, options);
  }
  complete(job: JobHandle, checkpoint?: JobCheckpoint): Promise<void> {
    return this.jobs.complete(job, checkpoint);
  }
  fail(job: JobHandle, failure: FailOptions): Promise<void> {
    return this.jobs.fail(job, failure);
  }
  checkpoint(job: JobHandle, checkpoint: JobCheckpoint): Promise<void> {
    return this.jobs.checkpoint(job, checkpoint);
  }
  release(job: JobHandle): Promise<void> {
    return this.jobs.release(job);
  }
  recoverLeases(runId?: string, options: { owner?: string } = {}): Promise<number> {
    return this.jobs.recoverLeases(runId, options);
  }
  getJob(runId: string, key: string): Promise<Job | null> {
    return this.jobs.get(runId, key);
  }
  listJobs(runId: string, filter: { state?: JobState; limit?: number } = {}): Promise<Job[]> {
    return this.jobs.list(runId, filter);
  }
  jobCounts(runId: string): Promise<Record<JobState, number>> {
    return this.jobs.counts(runId);
  }
}
