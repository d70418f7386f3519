/** What `runCrawl` is given and gives back. */
import type { XhsClient } from "../../client/types.js";
import type { Clock, Logger, Sleep } from "../../core/types.js";
import type { JobQueue, RunStatus, Store } from "../../store/port.js";
import type { CrawlMediaDeps } from "../handlers/context.js";
import type { CrawlPlan } from "../plan/types.js";
import type { RunReport } from "../report.js";
import type { StopReason } from "../statistics.js";
import type { CrawlBudget } from "./budget.js";

export interface CrawlProgress {
  runId: string;
  /** Jobs this session finished (done) and gave up on (failed). */
  jobsDone: number;
  jobsFailed: number;
  /** Jobs of the whole run that are finished (done or failed), every session and worker included. */
  runJobsFinished: number;
  /** Jobs the run knows so far (it grows as lists find notes): `runJobsFinished` reaches it when the run completes. */
  runJobsKnown: number;
  calls: number;
  costUsd: number;
  lastJob: string;
}

export interface CrawlDeps {
  client: XhsClient;
  store: Store;
  queue: JobQueue;
  clock?: Clock;
  /** Waits before a failed job goes back to the queue (default: a real timer that the stop signal ends). */
  sleep?: Sleep;
  logger?: Logger;
  /** Ctrl-C: in-flight jobs are given back, the run is saved as interrupted. */
  signal?: AbortSignal;
  onProgress?: (progress: CrawlProgress) => void;
  /** Where the plan's `expand.media` downloads from and records to (e.g. `xhs mock`'s simulated CDN). */
  media?: CrawlMediaDeps;
  /**
   * Told the run id once the run is opened, before the first call (e.g. to tag raw answers), and how many
   * other workers (processes) hold jobs of the run at that moment: this session works alongside them.
   */
  onRunOpened?: (runId: string, resumed: boolean, info: { otherWorkers: number }) => void;
  /**
   * Runs `tick` every `everyMs` until the returned function is called: the lease heartbeat. Default: an
   * unref'd setInterval. Tests with a fake clock pass their own.
   */
  every?: (everyMs: number, tick: () => void) => () => void;
  /**
   * The same for the session's look at the run once a second (its health snapshot, a pause, the run's budget:
   * engine/run-watch.ts). Default: an unref'd setInterval.
   */
  watchEvery?: (everyMs: number, tick: () => void) => () => void;
}

export interface CrawlRequest {
  /** The plan to run (required unless `runId` names a run whose plan was saved). */
  plan?: CrawlPlan;
  /** Resume this run; without it the plan's unfinished run is resumed, or a new run starts. */
  runId?: string;
  /** Always start a new run, even when the same plan has an unfinished one. */
  fresh?: boolean;
  budget?: CrawlBudget;
  /** Jobs at once (default: the plan's concurrency). */
  concurrency?: number;
  /** Failures of a job before it is recorded as failed (default 3; transient errors only). */
  maxJobFailures?: number;
  /** A failed job waits this long × its failures before it goes back to the queue (ms, default 2000). */
  retryDelayMs?: number;
  /**
   * How long this session's job leases last unless renewed (ms, default 60 s); they are renewed every
   * third of it, so another process on the same run takes them only once this one has stopped.
   */
  leaseTtlMs?: number;
  /**
   * Other processes (`xhs worker`) work on this run too: a stop of this session by an interruption leaves
   * the run running for them, and only the session that finds no job left marks it completed.
   */
  shared?: boolean;
  /** How often an idle session looks again while another process holds the run's last jobs (ms, default 1000). */
  pollMs?: number;
}

export interface CrawlResult {
  runId: string;
  status: RunStatus;
  stopReason: StopReason | null;
  resumed: boolean;
  report: RunReport;
}
