/**
 * The crawl engine: runs a plan's jobs from the durable queue with a few workers, over the client (which
 * owns the rate limit, retries and failover), into the store. Its parts stay apart: the queue (`JobQueue`
 * port), the rate (the client's limiter), the handlers (handlers/, one per job kind), the store (`Store` port) and the
 * statistics (statistics.ts, saved with each job's writes).
 *
 * Resuming: a run is keyed by its plan's hash. Starting the same plan again (or `--resume`) finds the
 * unfinished run, gives back the leases a dead process held, and goes on from each list's checkpoint.
 */
import { randomUUID } from "node:crypto";
import { hostname } from "node:os";
import type { XhsClient } from "../client/types.js";
import { systemSleep } from "../core/clock.js";
import { AbortedError, BudgetExceededError, isXhsError } from "../core/errors.js";
import type { AttemptEvent, Clock, Logger, Sleep } from "../core/types.js";
import { LeaseLostError } from "../store/errors.js";
import {
  DEFAULT_LEASE_TTL_MS,
  type Job,
  type JobQueue,
  type RunRecord,
  type RunStatus,
  type Store,
} from "../store/port.js";
import type { HandlerContext } from "./handlers/context.js";
import { HANDLERS } from "./handlers/registry.js";
import type { JobKind } from "./jobs.js";
import { planHash } from "./plan/hash.js";
import type { CrawlPlan } from "./plan/types.js";
import { buildReport, type RunReport } from "./report.js";
import { seedJobs } from "./seed-jobs.js";
import { cloneStats, loadStats, type RunStats, type StopReason } from "./statistics.js";

export interface CrawlBudget {
  /** Calls this session may make (attempts, billable or not). */
  maxCalls?: number;
  /** USD this session may spend (estimated from the price table). */
  maxCostUsd?: number;
}

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

/** A run that cannot start: no plan, unknown run id, or the run's plan is gone. */
export class CrawlSetupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "CrawlSetupError";
  }
}

const UNFINISHED: RunStatus[] = ["running", "partial", "interrupted", "failed"];
/** Error kinds that can never succeed on a retry of the same job. */
const PERMANENT = new Set(["not_found", "invalid_input", "wrong_item"]);
/** Error kinds that stop the whole run at once (saved, resumable once fixed). */
const RUN_FATAL = new Set(["auth", "permission", "payment"]);

/** Finds or creates the run for a request. */
async function openRun(
  store: Store,
  request: CrawlRequest,
): Promise<{ run: RunRecord; plan: CrawlPlan; resumed: boolean }> {
  if (request.runId) {
    const run = await store.getRun(request.runId);
    if (!run) throw new CrawlSetupError(`no run "${request.runId}" in this database (see \`xhs runs list\`)`);
    const plan = (request.plan ?? run.plan) as CrawlPlan | null;
    if (!plan) throw new CrawlSetupError(`run "${request.runId}" has no saved plan`);
    if (request.plan && run.planKey && planHash(request.plan) !== run.planKey) {
      throw new CrawlSetupError(
        `run "${request.runId}" was started with another plan; resume it without a plan, or start a new run`,
      );
    }
    return { run, plan, resumed: true };
  }
  if (!request.plan) throw new CrawlSetupError("no plan: give a plan file or seeds, or --resume a run");
  const plan = request.plan;
  const planKey = planHash(plan);
  // One transaction: two processes starting the same plan at once find (or make) one run, not two.
  return store.transaction(async () => {
    if (!request.fresh) {
      const [unfinished] = await store.listRuns({ planKey, status: UNFINISHED, limit: 1 });
      if (unfinished) return { run: unfinished, plan, resumed: true };
    }
    const run = await store.createRun({ id: newRunId(), planKey, plan, status: "running" });
    return { run, plan, resumed: false };
  });
}

/** Lease owners of this process whose session is running (a session of this pid not in it has ended). */
const LIVE_OWNERS = new Set<string>();

/** `host:pid:random`: whoever finds the leases of a dead process on the same host can free them at once. */
function newOwner(): string {
  return `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
}

/** True when the owner is a process of this host that no longer runs (or an ended session of this one). */
export function ownerIsDead(owner: string): boolean {
  const match = /^(.*):(\d+):[0-9a-f]{8}$/.exec(owner);
  if (!match || match[1] !== hostname()) return false;
  const pid = Number(match[2]);
  if (pid === process.pid) return !LIVE_OWNERS.has(owner);
  try {
    process.kill(pid, 0);
    return false;
  } catch (error) {
    // EPERM: it runs, as another user. ESRCH: it is gone.
    return (error as NodeJS.ErrnoException).code === "ESRCH";
  }
}

function newRunId(): string {
  const now = new Date();
  const stamp = now.toISOString().replace(/[-:]/g, "").replace(/\..*$/, "").replace("T", "-");
  return `${stamp}-${randomUUID().slice(0, 6)}`;
}

/** Wakes idle workers when a job ends (it may have added jobs). */
class Signal {
  private waiters: (() => void)[] = [];
  wait(): Promise<void> {
    return new Promise((resolve) => this.waiters.push(resolve));
  }
  notifyAll(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }
}

/** Runs (or resumes) a crawl to the end, a budget stop, a fatal error or an interruption. */
export async function runCrawl(deps: CrawlDeps, request: CrawlRequest): Promise<CrawlResult> {
  const { client, store, queue } = deps;
  const { run, plan, resumed } = await openRun(store, request);
  const runId = run.id;
  const owner = newOwner();
  const maxFailures = request.maxJobFailures ?? 3;
  const sleep: Sleep = deps.sleep ?? systemSleep;
  const concurrency = Math.max(1, request.concurrency ?? plan.concurrency);
  const ttlMs = request.leaseTtlMs ?? DEFAULT_LEASE_TTL_MS;
  const pollMs = request.pollMs ?? 1000;

  // Another process may be working on this run right now: its leases stay its own. Leases of a process
  // of this host that has died (kill -9, crash) go back to pending at once, checkpoints kept; those of
  // another host's dead process are taken when they expire.
  const owners = new Set((await queue.listJobs(runId, { state: "leased" })).map((job) => job.leaseOwner));
  let otherWorkers = 0;
  for (const other of owners) {
    if (other !== null && ownerIsDead(other)) await queue.recoverLeases(runId, { owner: other });
    else otherWorkers += 1;
  }
  deps.onRunOpened?.(runId, resumed, { otherWorkers });

  let stats = loadStats(run.stats);
  await store.transaction(async () => {
    // Read inside the transaction: another process's statistics are added to, never overwritten.
    stats = loadStats((await store.getRun(runId))?.stats ?? run.stats);
    stats.sessions += 1;
    stats.stopReason = null;
    stats.stopMessage = null;
    await queue.enqueueMany(seedJobs(plan, runId));
    await store.updateRun(runId, { status: "running", stats, finishedAt: null });
  });

  // Every attempt goes to the ledger with the run id, as it ends (paid calls are paid whatever happens next).
  let sessionCalls = 0;
  let sessionCost = 0;
  const ledgerWrites = new Set<Promise<void>>();
  const unsubscribe = client.subscribe((event: AttemptEvent) => {
    sessionCalls += 1;
    sessionCost += event.costUsd;
    const write = store.appendLedger(runId, [event]).catch((error: unknown) => {
      deps.logger?.error("could not write the ledger", { error: String(error) });
    });
    ledgerWrites.add(write);
    void write.finally(() => ledgerWrites.delete(write));
  });

  const stopController = new AbortController();
  const onOuterAbort = () => stop("aborted", "interrupted");
  deps.signal?.addEventListener("abort", onOuterAbort, { once: true });
  if (deps.signal?.aborted) onOuterAbort();
  let stopReason: StopReason | null = null;
  let stopMessage: string | null = null;
  function stop(reason: StopReason, message: string): void {
    if (stopReason !== null) return;
    stopReason = reason;
    stopMessage = message;
    stopController.abort(new AbortedError(message));
  }

  const budgetSpent = (): string | null => {
    const b = request.budget;
    if (b?.maxCalls !== undefined && sessionCalls >= b.maxCalls) return `--max-calls ${b.maxCalls} reached`;
    if (b?.maxCostUsd !== undefined && sessionCost >= b.maxCostUsd - 1e-9) return `--max-cost ${b.maxCostUsd} reached`;
    return null;
  };

  const sessionNew = new Set<string>();
  let jobsDone = 0;
  let jobsFailed = 0;
  const wake = new Signal();
  let inFlight = 0;

  const commit = async (fn: (draft: RunStats) => Promise<void>): Promise<void> => {
    try {
      await store.transaction(async () => {
        // The saved statistics, not this session's copy: another process on the run may have added to them.
        const saved = await store.getRun(runId);
        const draft = saved ? loadStats(saved.stats) : cloneStats(stats);
        await fn(draft);
        await store.updateRun(runId, { stats: draft });
        stats = draft;
      });
    } catch (error) {
      // Rolled back: the saved stats are the truth again.
      const saved = await store.getRun(runId);
      if (saved) stats = loadStats(saved.stats);
      throw error;
    }
  };

  const handle = async (job: Job): Promise<void> => {
    const handler = HANDLERS[job.kind as JobKind];
    const ctx: HandlerContext = {
      client,
      store,
      queue,
      plan,
      runId,
      job,
      signal: stopController.signal,
      commit,
      currentStats: () => stats,
      checkBudget: () => {
        const spent = budgetSpent();
        if (spent) throw new BudgetExceededError(spent);
      },
      knownNotes: async (ids) => {
        const known = await store.knownNoteIds(ids);
        for (const id of sessionNew) known.delete(id);
        return known;
      },
      sawNew: (ids) => {
        for (const id of ids) sessionNew.add(id);
      },
    };
    try {
      if (!handler) throw new Error(`unknown job kind "${job.kind}"`);
      ctx.checkBudget();
      await handler(ctx);
      jobsDone += 1;
    } catch (error) {
      await settleFailure(job, error);
    }
    if (deps.onProgress) {
      const counts = await queue.jobCounts(runId);
      deps.onProgress({
        runId,
        jobsDone,
        jobsFailed,
        runJobsFinished: counts.done + counts.failed,
        runJobsKnown: counts.done + counts.failed + counts.pending + counts.leased,
        calls: sessionCalls,
        costUsd: sessionCost,
        lastJob: job.key,
      });
    }
  };

  const settleFailure = async (job: Job, error: unknown): Promise<void> => {
    if (error instanceof LeaseLostError) {
      deps.logger?.warn("a job's lease was lost; its result was not applied", { job: job.key });
      return;
    }
    const kind = isXhsError(error) ? error.kind : "internal";
    const message = error instanceof Error ? error.message : String(error);
    const giveBack = async () => {
      try {
        await queue.release(job);
      } catch (releaseError) {
        if (!(releaseError instanceof LeaseLostError)) throw releaseError;
      }
    };
    if (kind === "budget") {
      stop("budget", message);
      await giveBack();
    } else if (RUN_FATAL.has(kind)) {
      stop(kind as StopReason, message);
      await giveBack();
    } else if (kind === "aborted" || stopController.signal.aborted) {
      await giveBack();
    } else {
      const failures = failureCount(job) + 1;
      const retry = !PERMANENT.has(kind) && failures < maxFailures;
      if (!retry) jobsFailed += 1;
      deps.logger?.warn(retry ? "job failed; it will be tried again" : "job failed", { job: job.key, kind, message });
      if (retry) {
        // Later, not at once: the client already retried and failed over; give upstream a moment.
        try {
          await sleep((request.retryDelayMs ?? 2000) * failures, stopController.signal);
        } catch {
          await giveBack();
          return;
        }
      }
      await commit(async () => {
        if (retry) {
          // The latest checkpoint (the handler may have saved pages since the lease), plus the failure count.
          const current = (await queue.getJob(runId, job.key)) ?? job;
          await queue.checkpoint(job, withFailures(current, failures));
        }
        await queue.fail(job, { errorKind: kind, message, retry });
      });
    }
  };

  const worker = async (): Promise<void> => {
    while (stopReason === null) {
      const spent = budgetSpent();
      if (spent) {
        stop("budget", spent);
        break;
      }
      const [job] = await queue.lease(runId, { limit: 1, owner, ttlMs });
      if (!job) {
        if (inFlight > 0) {
          await wake.wait();
          continue;
        }
        // Nothing free and nothing of ours in flight: done, unless another process still holds jobs of the
        // run (they may find more, or expire if it died): look again in a moment.
        const counts = await queue.jobCounts(runId);
        if (counts.leased === 0 && counts.pending === 0) break;
        try {
          await sleep(pollMs, stopController.signal);
        } catch {
          break;
        }
        continue;
      }
      inFlight += 1;
      try {
        await handle(job);
      } finally {
        inFlight -= 1;
        wake.notifyAll();
      }
    }
    wake.notifyAll();
  };

  // Heartbeat: this session's leases are renewed every third of their life while it works.
  LIVE_OWNERS.add(owner);
  const every =
    deps.every ??
    ((ms: number, tick: () => void) => {
      const timer = setInterval(tick, ms);
      timer.unref();
      return () => clearInterval(timer);
    });
  const stopHeartbeat = every(Math.max(1, Math.floor(ttlMs / 3)), () => {
    queue.renewLeases(owner, { runId, ttlMs }).catch((error: unknown) => {
      deps.logger?.warn("could not renew the job leases", { error: String(error) });
    });
  });
  try {
    await Promise.all(Array.from({ length: concurrency }, () => worker()));
  } finally {
    stopHeartbeat();
    LIVE_OWNERS.delete(owner);
    unsubscribe();
    deps.signal?.removeEventListener("abort", onOuterAbort);
    await Promise.all([...ledgerWrites]);
  }

  const counts = await queue.jobCounts(runId);
  const unfinished = counts.pending + counts.leased;
  const finalReason = stopReason as StopReason | null;
  let status: RunStatus;
  if (finalReason === "aborted") status = "interrupted";
  else if (finalReason === "budget") status = "partial";
  else if (finalReason !== null) status = "failed";
  else status = unfinished > 0 ? "partial" : "completed";
  const finishedAt = new Date(deps.clock?.now() ?? Date.now()).toISOString();
  await store.transaction(async () => {
    stats = loadStats((await store.getRun(runId))?.stats ?? null);
    stats.stopReason = finalReason;
    stats.stopMessage = stopMessage;
    await store.updateRun(runId, { status, stats, finishedAt: status === "completed" ? finishedAt : null });
  });
  const report = await buildReport(store, queue, runId);
  await store.updateRun(runId, { report });
  return { runId, status, stopReason: finalReason, resumed, report };
}

/** Transient failures so far, kept in the job's checkpoint data (leases lost to crashes are not failures). */
function failureCount(job: Job): number {
  const data = job.checkpoint?.data as { failures?: number } | undefined;
  return data?.failures ?? 0;
}

function withFailures(job: Job, failures: number) {
  const checkpoint = job.checkpoint ?? { cursor: null, itemsSoFar: 0 };
  const data = (checkpoint.data ?? {}) as Record<string, unknown>;
  return { ...checkpoint, data: { ...data, failures } };
}
