/**
 * The worker loop: a few workers lease the run's jobs one at a time and run each kind's handler, until the
 * queue is empty (for this session and every other), the budget is spent or the session stops.
 */
import { setMaxListeners } from "node:events";
import { BudgetExceededError } from "../../core/errors.js";
import type { Job } from "../../store/port.js";
import type { HandlerContext } from "../handlers/context.js";
import { HANDLERS } from "../handlers/registry.js";
import type { JobKind } from "../jobs.js";
import { settleFailure } from "./job-failure.js";
import type { CrawlSession } from "./session.js";

/** Idle workers wait on it; it wakes them all when a job ends (that job may have added jobs). */
class JobEndedWakeUp {
  private waiters: (() => void)[] = [];
  /** Resolves at the next `wakeAll`. */
  wait(): Promise<void> {
    return new Promise((resolve) => this.waiters.push(resolve));
  }
  wakeAll(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }
}

export interface WorkerOptions {
  /** This session's lease owner name. */
  owner: string;
  concurrency: number;
  ttlMs: number;
  pollMs: number;
}

/** At most this many abort listeners one worker's call adds to the session's signal at once (with room to spare). */
const ABORT_LISTENERS_PER_WORKER = 4;

/** Runs `concurrency` workers until none has anything left to do. */
export async function runWorkers(session: CrawlSession, options: WorkerOptions): Promise<void> {
  const { queue } = session.deps;
  // Every in-flight call listens to the session's stop signal (its attempts, hedges, a rate-limit wait, an idle
  // worker's sleep) and stops listening when it ends: a few listeners per worker at once, not a leak, so Node's
  // default warning at 11 (seen with 16 workers) is raised to what this many workers legitimately add.
  setMaxListeners(Math.max(10, options.concurrency * ABORT_LISTENERS_PER_WORKER), session.signal);
  const { runId } = session;
  const jobEnded = new JobEndedWakeUp();
  let inFlight = 0;

  const worker = async (): Promise<void> => {
    while (session.stopReason === null) {
      const spent = session.budgetSpent();
      if (spent) {
        session.stop("budget", spent);
        break;
      }
      const [job] = await queue.lease(runId, { limit: 1, owner: options.owner, ttlMs: options.ttlMs });
      if (!job) {
        if (inFlight > 0) {
          await jobEnded.wait();
          continue;
        }
        // Nothing free and nothing of ours in flight: done, unless another process still holds jobs of the
        // run (they may find more, or expire if it died): look again in a moment.
        const counts = await queue.jobCounts(runId);
        if (counts.leased === 0 && counts.pending === 0) break;
        try {
          await session.sleep(options.pollMs, session.windDown);
        } catch {
          break;
        }
        continue;
      }
      inFlight += 1;
      try {
        await runJob(session, job);
      } finally {
        inFlight -= 1;
        jobEnded.wakeAll();
      }
    }
    jobEnded.wakeAll();
  };

  await Promise.all(Array.from({ length: options.concurrency }, () => worker()));
}

/** Runs one leased job's handler, settles a failure, and reports progress. */
async function runJob(session: CrawlSession, job: Job): Promise<void> {
  const { deps, runId } = session;
  const handler = HANDLERS[job.kind as JobKind];
  const ctx = handlerContext(session, job);
  try {
    if (!handler) throw new Error(`unknown job kind "${job.kind}"`);
    ctx.checkBudget();
    await handler(ctx);
    session.jobsDone += 1;
  } catch (error) {
    await settleFailure(session, job, error);
  }
  if (deps.onProgress) {
    const counts = await deps.queue.jobCounts(runId);
    deps.onProgress({
      runId,
      jobsDone: session.jobsDone,
      jobsFailed: session.jobsFailed,
      runJobsFinished: counts.done + counts.failed,
      runJobsKnown: counts.done + counts.failed + counts.pending + counts.leased,
      calls: session.spent.calls,
      costUsd: session.spent.costUsd,
      lastJob: job.key,
    });
  }
}

function handlerContext(session: CrawlSession, job: Job): HandlerContext {
  const { client, store, queue } = session.deps;
  return {
    client,
    store,
    queue,
    plan: session.plan,
    runId: session.runId,
    job,
    signal: session.signal,
    media: session.deps.media,
    commit: (fn) => session.commit(fn),
    currentStats: () => session.stats,
    checkBudget: () => {
      // Also once stopped by a budget this check does not see (the client's own): no next page either way.
      const spent = session.budgetSpent() ?? (session.stopReason === "budget" ? session.stopMessage : null);
      if (spent) throw new BudgetExceededError(spent);
    },
    knownNotes: async (ids) => {
      const known = await store.knownNoteIds(ids);
      for (const id of session.storedNew) known.delete(id);
      return known;
    },
    sawNew: (ids) => {
      for (const id of ids) session.storedNew.add(id);
    },
  };
}
