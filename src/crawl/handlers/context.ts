/**
 * What a job handler is given: the client, the store and queue, the plan, its job, and the engine's hooks
 * (commit a page in one transaction, the budget check, what this session stored).
 */
import type { XhsClient } from "../../client/types.js";
import type { DownloadOptions } from "../../media/index.js";
import type { Job, JobQueue, Store } from "../../store/port.js";
import type { CrawlPlan } from "../plan/types.js";
import type { RunStats } from "../statistics.js";

/**
 * How the plan's `expand.media` reaches the CDN: `rewriteUrl` sends media URLs to another server (the simulated
 * CDN of `xhs mock`, found as `xhs media` finds it), `fetch` replaces the global one, `index` where files are
 * recorded (default: the store's media table when the store is the SQL store, else `<dir>/index.jsonl`).
 */
export type CrawlMediaDeps = Pick<DownloadOptions, "rewriteUrl" | "fetch" | "index"> & {
  /** The folder a relative `expand.media.dir` is under (default: the process's working folder). */
  baseDir?: string;
};

export interface HandlerContext {
  readonly client: XhsClient;
  readonly store: Store;
  readonly queue: JobQueue;
  readonly plan: CrawlPlan;
  readonly runId: string;
  readonly job: Job;
  readonly signal: AbortSignal;
  /** For `expand.media` (absent: the URLs as given, with the global fetch). */
  readonly media?: CrawlMediaDeps | undefined;
  /** Runs `fn` in one transaction with a draft of the run's stats, saved in the same transaction. */
  commit(fn: (stats: RunStats) => Promise<void>): Promise<void>;
  /** The run's statistics as last committed (read-only). */
  currentStats(): Readonly<RunStats>;
  /** Throws BudgetExceededError once the engine's budget is spent (checked between pages). */
  checkBudget(): void;
  /** Of these note ids, those the store held before this session stored them (for incremental mode). */
  knownNotes(ids: readonly string[]): Promise<Set<string>>;
  /** Tells the engine which notes this session stored as new (so they do not count as "known" later). */
  sawNew(ids: readonly string[]): void;
}

export type Handler = (ctx: HandlerContext) => Promise<void>;
