/**
 * The persistence ports: `Store` (records, observations, runs, the ledger of paid calls) and `JobQueue`
 * (the durable crawl queue with checkpoints).
 *
 * These are backend-neutral contracts: SQLite implements them now (`openSqliteStore`), a Postgres store
 * and a distributed queue must be able to implement them later. Every method is async for that reason,
 * even where SQLite answers synchronously. `test/store/conformance.ts` checks any backend against the
 * rules written here; a new backend passes it before it is used.
 */
import type { AttemptEvent, Clock } from "../core/types.js";
import type { Series } from "../core/vocabulary.js";
import type { Comment, Note, Topic, User } from "../model/types.js";

/** The record kinds the store keeps (also the names used by `xhs export`). */
export const RECORD_KINDS = ["notes", "users", "comments", "topics"] as const;
export type RecordKind = (typeof RECORD_KINDS)[number];

/** The model type of each record kind. */
export interface RecordOf {
  notes: Note;
  users: User;
  comments: Comment;
  topics: Topic;
}

/**
 * What an upsert did to one record:
 * - `new`: the store did not have it;
 * - `updated`: a content field changed (counts included);
 * - `unchanged`: only `fetchedAt`/`source` moved (the record was seen again, nothing new was learnt).
 */
export type UpsertOutcome = "new" | "updated" | "unchanged";

export interface UpsertResult {
  id: string;
  outcome: UpsertOutcome;
}

/** Options every write of records takes. */
export interface WriteOptions {
  /**
   * The crawl run that fetched these records. Links each record to the run (whatever the outcome),
   * so `xhs export --run ID` gives exactly what that run fetched.
   */
  runId?: string | null;
}

/**
 * The count time series: one row per fetch of a note's or a user's counts.
 * Appended by every upsert that carries at least one non-null count; the same
 * (id, fetchedAt, source) is stored once, so replaying a write after a crash adds nothing.
 */
export interface NoteObservation {
  noteId: string;
  fetchedAt: string;
  source: Series;
  likes: number | null;
  collects: number | null;
  comments: number | null;
  shares: number | null;
  approx: string[];
  runId: string | null;
}

export interface UserObservation {
  userId: string;
  fetchedAt: string;
  source: Series;
  followers: number | null;
  following: number | null;
  likesAndCollects: number | null;
  noteCount: number | null;
  approx: string[];
  runId: string | null;
}

/** A raw TikHub answer, kept only when the store was opened with raw-answer storage on. */
export interface RawAnswer {
  runId: string | null;
  endpoint: string;
  series: Series;
  /** The request's parameters (never the API key: it travels in a header). */
  params: Record<string, string | number>;
  httpStatus: number | null;
  requestId: string | null;
  fetchedAt: string;
  body: unknown;
}

export type RunStatus = "running" | "completed" | "partial" | "interrupted" | "failed";

export interface RunRecord {
  id: string;
  status: RunStatus;
  /**
   * A stable key of the plan (e.g. a hash of its normalized JSON), so re-running the same plan can
   * find its unfinished run and resume it. Null when the caller does not care.
   */
  planKey: string | null;
  /** The plan as given (JSON). */
  plan: unknown;
  /** Running statistics (JSON), updated as the run goes. */
  stats: unknown;
  /** The final report (JSON). */
  report: unknown;
  createdAt: string;
  updatedAt: string;
  finishedAt: string | null;
  /** The budget the run was last started or resumed with (null: none was given, or the run predates budgets). */
  budget: RunBudget | null;
}

/**
 * A run's budget, kept with the run so every process working it and the dashboard see it. It bounds what is
 * spent from `setAt` on: the run's ledger totals at that moment are kept beside it.
 */
export interface RunBudget {
  maxCalls?: number;
  maxCostUsd?: number;
  /** When the budget was given (ISO 8601 UTC). */
  setAt: string;
  /** The run's ledger calls and cost when it was given. */
  callsBefore: number;
  costUsdBefore: number;
}

/**
 * One crawling process's view of a run's health (its circuit breakers per series, its keys by fingerprint),
 * rewritten every few seconds and on change; one per (run, writer).
 */
export interface RunHealthSnapshot {
  runId: string;
  /** The process that wrote it (`host:pid:random`, its lease owner name). */
  writer: string;
  /** ISO 8601 UTC, the writer's clock. */
  writtenAt: string;
  /** JSON shaped by the writer (src/crawl/engine/run-health.ts); key fingerprints only, never a key. */
  health: unknown;
}

export interface NewRun {
  /** Default: a fresh unique id. */
  id?: string;
  planKey?: string | null;
  plan?: unknown;
  status?: RunStatus;
}

export interface RunPatch {
  status?: RunStatus;
  stats?: unknown;
  report?: unknown;
  /** ISO time; default: now when the status becomes anything but "running". */
  finishedAt?: string | null;
  budget?: RunBudget | null;
}

export interface RunFilter {
  planKey?: string;
  status?: RunStatus | RunStatus[];
  /** Most recent first; default 50. */
  limit?: number;
}

/** Sums over the ledger of paid calls. Costs are summed exactly (stored in micro-USD). */
export interface LedgerTotals {
  calls: number;
  billableCalls: number;
  costUsd: number;
  byEndpoint: Record<string, { calls: number; billableCalls: number; costUsd: number }>;
  bySeries: Record<string, { calls: number; billableCalls: number; costUsd: number }>;
  byOutcome: Record<string, number>;
  /** Per key of the pool, by its fingerprint (calls that name no key are left out). */
  byKey?: Record<string, { calls: number; billableCalls: number; costUsd: number }>;
}

/** One stored attempt: the event's own fields, hedging's marks (`hedge`, `hedgeLost`) included. */
export interface LedgerEntry extends AttemptEvent {
  runId: string | null;
}

export interface RecordFilter {
  /** Only records this run fetched. */
  runId?: string;
  /** Only records whose latest `fetchedAt` is at or after this ISO time. */
  since?: string;
}

/**
 * The store of normalized records and of everything a crawl must remember.
 *
 * Upsert rules (every backend):
 * 1. Records are keyed by their natural id (`Note.id`, `User.id`, `Comment.id`, `Topic.id`).
 * 2. A known value is never replaced by `null`, and a non-empty array never by an empty one.
 * 3. A full note body is never replaced by a truncated one: when the stored note has
 *    `textTruncated: false` and the incoming one `true`, title, text, tags, images, video, the author
 *    and `textTruncated` stay as stored (a search hit must not degrade a stored detail).
 * 4. Otherwise the most recently fetched value wins (by `fetchedAt`; on a tie, a fixed order of the two
 *    records' contents, so the result does not depend on which was written first).
 * 5. Each count keeps its own `approx` flag: a count taken from the incoming record is approximate
 *    if the incoming record says so, a count kept from the stored one keeps the stored flag.
 * 6. `fetchedAt` and `source` are those of the most recent fetch.
 * 7. Records read back are the model types, exactly as merged (round trip).
 */
export interface Store {
  upsertNotes(notes: readonly Note[], options?: WriteOptions): Promise<UpsertResult[]>;
  upsertUsers(users: readonly User[], options?: WriteOptions): Promise<UpsertResult[]>;
  upsertComments(comments: readonly Comment[], options?: WriteOptions): Promise<UpsertResult[]>;
  upsertTopics(topics: readonly Topic[], options?: WriteOptions): Promise<UpsertResult[]>;

  getNote(id: string): Promise<Note | null>;
  getUser(id: string): Promise<User | null>;
  getComment(id: string): Promise<Comment | null>;
  getTopic(id: string): Promise<Topic | null>;

  /** Lookups for incremental crawls. */
  hasNote(id: string): Promise<boolean>;
  /** Which of these note ids the store already holds. */
  knownNoteIds(ids: readonly string[]): Promise<Set<string>>;
  /** True when the stored note has its full body (`textTruncated: false`): no need to fetch its detail again. */
  hasFullNote(id: string): Promise<boolean>;
  /** The latest `publishedAt` among the stored notes of this author (null when none is known). */
  latestNotePublishedAt(authorId: string): Promise<string | null>;
  /** The ids of the stored comments of a note (top-level and replies). */
  knownCommentIds(noteId: string): Promise<Set<string>>;
  /** How many comments of a note are stored; with `rootId`, how many replies of that thread. */
  countComments(noteId: string, options?: { rootId?: string }): Promise<number>;

  /** The count time series, oldest first. */
  noteObservations(noteId: string): Promise<NoteObservation[]>;
  userObservations(userId: string): Promise<UserObservation[]>;

  /** Streams records in first-seen order (bounded memory; for export). */
  iterateRecords<K extends RecordKind>(kind: K, filter?: RecordFilter): AsyncIterable<RecordOf[K]>;
  countRecords(kind: RecordKind, filter?: RecordFilter): Promise<number>;

  /** Keeps a raw answer when raw-answer storage is on (off by default); returns whether it was kept. */
  saveRawAnswer(answer: RawAnswer): Promise<boolean>;
  /** The raw answers kept for a run (oldest first). */
  rawAnswers(filter?: { runId?: string; limit?: number }): Promise<RawAnswer[]>;

  createRun(run?: NewRun): Promise<RunRecord>;
  updateRun(id: string, patch: RunPatch): Promise<RunRecord>;
  /**
   * `forUpdate` (inside `transaction`): the run stays locked until the transaction ends, so another process's
   * read-modify-write of its stats waits for this one instead of overwriting it.
   */
  getRun(id: string, options?: { forUpdate?: boolean }): Promise<RunRecord | null>;
  listRuns(filter?: RunFilter): Promise<RunRecord[]>;

  /** Replaces the writer's snapshot of the run's health (the same (run, writer) is kept once). */
  saveRunHealth(snapshot: RunHealthSnapshot): Promise<void>;
  /** Every writer's latest snapshot of the run, freshest first. */
  runHealth(runId: string): Promise<RunHealthSnapshot[]>;

  /** Appends attempts to the ledger of paid calls (only the event's own fields are stored). */
  appendLedger(runId: string | null, events: readonly AttemptEvent[]): Promise<void>;
  ledgerTotals(filter?: { runId?: string }): Promise<LedgerTotals>;
  ledgerEntries(filter?: { runId?: string; limit?: number }): Promise<LedgerEntry[]>;

  /**
   * Runs `fn` atomically: every write `fn` makes through this store, and through the queue of the same
   * backend, commits together or not at all (a throw rolls everything back and rethrows). Other
   * callers' writes wait until it ends. Do not nest.
   */
  transaction<T>(fn: () => Promise<T>): Promise<T>;

  close(): Promise<void>;
}

/**
 * pending ─lease→ leased ─complete→ done
 *                   │ ─fail(retry)→ pending
 *                   │ ─fail→ failed
 *                   │ ─release / recoverLeases→ pending
 *                   │ ─(expiry passed) lease by another worker→ leased (new token and owner)
 */
export type JobState = "pending" | "leased" | "done" | "failed";
export const JOB_STATES: readonly JobState[] = ["pending", "leased", "done", "failed"];

/** A long job's progress, so a resumed run continues a list mid-way. */
export interface JobCheckpoint {
  /** The list's resume cursor (a `Paginator.cursor`), null before the first page. */
  cursor: string | null;
  /** Items the job has handled so far. */
  itemsSoFar: number;
  /** Anything else the handler needs to resume (JSON). */
  data?: unknown;
}

export interface NewJob {
  runId: string;
  /**
   * The natural dedupe key, unique per run: e.g. `note:<id>`, `comments:<noteId>`, `user:<id>`,
   * `search:<keyword>|<sort>|<type>|<time>`. Enqueueing a key the run already has does nothing.
   */
  key: string;
  /** What the job does (the crawl engine's handler name), e.g. "note_detail". */
  kind: string;
  /** The handler's input (JSON). */
  payload?: unknown;
  /** Higher runs first (default 0). Suggested: details 20, lists 10, expansions 0. */
  priority?: number;
  /** Distance from the seed (default 0); within a priority, lower depth runs first (breadth-first). */
  depth?: number;
  /** The key of the job that found this one (for reports). */
  parentKey?: string | null;
}

export interface Job {
  /** Backend-assigned, opaque. */
  id: string;
  runId: string;
  key: string;
  kind: string;
  payload: unknown;
  priority: number;
  depth: number;
  parentKey: string | null;
  state: JobState;
  /** Leases taken so far (a lease lost to a crash counts). */
  attempts: number;
  checkpoint: JobCheckpoint | null;
  lastErrorKind: string | null;
  lastErrorMessage: string | null;
  /** Identifies the current lease; complete/fail/checkpoint with a stale token are refused. */
  leaseToken: string | null;
  leaseOwner: string | null;
  /**
   * When the current lease runs out (ISO time, the store's clock) unless its owner renews it: after it,
   * another worker may take the job. Null when not leased (or leased by a store that knew no expiry).
   */
  leaseExpiresAt: string | null;
  createdAt: string;
  updatedAt: string;
}

/** What complete/fail/checkpoint/release need: the leased job as `lease` returned it. */
export type JobHandle = Pick<Job, "id" | "leaseToken">;

/** How long a lease lasts unless renewed (ms): a worker renews its leases every third of it. */
export const DEFAULT_LEASE_TTL_MS = 60_000;

export interface LeaseOptions {
  /** At most this many jobs (default 1). */
  limit?: number;
  /** Who takes the lease (process/worker id): `renewLeases` renews by it. */
  owner?: string;
  /** How long the lease lasts unless renewed, in ms (default DEFAULT_LEASE_TTL_MS). */
  ttlMs?: number;
  /** Only jobs of these kinds. */
  kinds?: readonly string[];
}

export interface FailOptions {
  /** An `ErrorKind` or any short tag. */
  errorKind: string;
  message: string;
  /** True: back to pending to be tried again; false (default): failed for good. */
  retry?: boolean;
}

/**
 * The durable crawl queue. Jobs belong to a run; `enqueue` is idempotent per (run, key), so an item
 * reached from two seeds is fetched once. Leasing order: priority (high first), then depth (low first:
 * breadth-first), then enqueue order.
 */
export interface JobQueue {
  /** Adds the job unless the run already has its key; returns the stored job and whether it was added. */
  enqueue(job: NewJob): Promise<{ job: Job; added: boolean }>;
  /** Same as `enqueue` for many; returns how many were added. */
  enqueueMany(jobs: readonly NewJob[]): Promise<number>;
  /**
   * Takes the next jobs of a run that are free (pending, or leased with an expiry that has passed: their
   * worker stopped renewing) and marks them leased by `owner` until now + ttl. A live lease is never taken.
   */
  lease(runId: string, options?: LeaseOptions): Promise<Job[]>;
  /**
   * Heartbeat: pushes the expiry of every job `owner` holds (in this run, or in all runs) to now + ttl.
   * Returns how many leases were renewed (a lease another worker took after it expired is not).
   */
  renewLeases(owner: string, options?: { runId?: string; ttlMs?: number }): Promise<number>;
  /** Marks a leased job done, with its final checkpoint if given. Throws LeaseLostError on a stale lease. */
  complete(job: JobHandle, checkpoint?: JobCheckpoint): Promise<void>;
  /** Records a failure: back to pending (retry) or failed. Throws LeaseLostError on a stale lease. */
  fail(job: JobHandle, failure: FailOptions): Promise<void>;
  /** Saves a leased job's progress. Throws LeaseLostError on a stale lease. */
  checkpoint(job: JobHandle, checkpoint: JobCheckpoint): Promise<void>;
  /** Gives a leased job back (pending, checkpoint kept): a budget stop or an interruption. */
  release(job: JobHandle): Promise<void>;
  /**
   * Every leased job of the run (or of all runs), or only those of `owner`, goes back to pending at once,
   * checkpoint kept, whatever its expiry. Only for leases known to be dead (a worker that is known to have
   * exited); otherwise let them expire. Returns how many.
   */
  recoverLeases(runId?: string, options?: { owner?: string }): Promise<number>;
  getJob(runId: string, key: string): Promise<Job | null>;
  listJobs(runId: string, filter?: { state?: JobState; limit?: number }): Promise<Job[]>;
  /** Jobs of a run by state (every state present, 0 when none). */
  jobCounts(runId: string): Promise<Record<JobState, number>>;
}

/** Options of every backend's opener. */
export interface StoreOptions {
  /** Keep raw answers (`saveRawAnswer`); default false. */
  keepRawAnswers?: boolean;
  /**
   * Strings that must never be stored (the API key): scrubbed from raw answers, ledger reasons,
   * job errors and run stats/reports before they are written.
   */
  secrets?: readonly string[];
  clock?: Clock;
}

export { LeaseLostError, StoreOpenError } from "./errors.js";
