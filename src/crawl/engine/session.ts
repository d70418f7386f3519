/**
 * One session of a run: this process's pass over it, from opening to the report. It holds what the steps
 * share: the statistics as last committed, what the session has spent, and why (if at all) it stops.
 */
import { systemSleep } from "../../core/clock.js";
import { AbortedError } from "../../core/errors.js";
import type { AttemptEvent, Sleep } from "../../core/types.js";
import type { RunRecord } from "../../store/port.js";
import type { CrawlPlan } from "../plan/types.js";
import { seedJobs } from "../seed-jobs.js";
import { cloneStats, loadStats, type RunStats, type StopReason } from "../statistics.js";
import { budgetSpent, type SessionSpend } from "./budget.js";
import type { CrawlDeps, CrawlRequest } from "./types.js";

export class CrawlSession {
  readonly runId: string;
  readonly sleep: Sleep;
  /** The run's statistics as last committed (another process on the run may add to them). */
  stats: RunStats;
  readonly spent: SessionSpend = { calls: 0, costUsd: 0 };
  stopReason: StopReason | null = null;
  stopMessage: string | null = null;
  /** Notes this session stored as new: incremental mode must not take them for notes of a previous run. */
  readonly storedNew = new Set<string>();
  jobsDone = 0;
  jobsFailed = 0;
  private readonly stopController = new AbortController();
  private readonly ledgerWrites = new Set<Promise<void>>();

  constructor(
    readonly deps: CrawlDeps,
    readonly request: CrawlRequest,
    readonly run: RunRecord,
    readonly plan: CrawlPlan,
  ) {
    this.runId = run.id;
    this.sleep = deps.sleep ?? systemSleep;
    this.stats = loadStats(run.stats);
  }

  /** Aborted once the session stops: in-flight calls and waits end. */
  get signal(): AbortSignal {
    return this.stopController.signal;
  }

  /** Stops the session (the first reason wins). */
  stop(reason: StopReason, message: string): void {
    if (this.stopReason !== null) return;
    this.stopReason = reason;
    this.stopMessage = message;
    this.stopController.abort(new AbortedError(message));
  }

  /** Why the budget stops the session, or null. */
  budgetSpent(): string | null {
    return budgetSpent(this.request.budget, this.spent);
  }

  /** Runs `fn` in one transaction with a draft of the saved statistics, saved in the same transaction. */
  async commit(fn: (draft: RunStats) => Promise<void>): Promise<void> {
    const { store } = this.deps;
    try {
      await store.transaction(async () => {
        // The saved statistics, not this session's copy: another process on the run may have added to them.
        // Locked first, until commit: two workers' read-modify-writes of the stats would lose one's counts, and
        // every job commit taking this lock first means their record locks can never deadlock.
        const saved = await store.getRun(this.runId, { forUpdate: true });
        const draft = saved ? loadStats(saved.stats) : cloneStats(this.stats);
        await fn(draft);
        await store.updateRun(this.runId, { stats: draft });
        this.stats = draft;
      });
    } catch (error) {
      // Rolled back: the saved stats are the truth again.
      const saved = await store.getRun(this.runId, { forUpdate: true });
      if (saved) this.stats = loadStats(saved.stats);
      throw error;
    }
  }

  /** Counts the session in the run's statistics and enqueues the plan's seeds (again, on resume: a no-op). */
  async begin(): Promise<void> {
    const { store, queue } = this.deps;
    await store.transaction(async () => {
      // Read inside the transaction: another process's statistics are added to, never overwritten.
      const stats = loadStats((await store.getRun(this.runId, { forUpdate: true }))?.stats ?? this.run.stats);
      this.stats = stats;
      stats.sessions += 1;
      stats.stopReason = null;
      stats.stopMessage = null;
      await queue.enqueueMany(seedJobs(this.plan, this.runId));
      await store.updateRun(this.runId, { status: "running", stats, finishedAt: null });
    });
  }

  /**
   * Listens while the workers run: every attempt is counted and goes to the ledger with the run id as it
   * ends (paid calls are paid whatever happens next), and the caller's signal (Ctrl-C) stops the session.
   * Returns what stops listening.
   */
  listen(): () => void {
    const { client, store, logger, signal } = this.deps;
    const unsubscribe = client.subscribe((event: AttemptEvent) => {
      this.spent.calls += 1;
      this.spent.costUsd += event.costUsd;
      const write = store.appendLedger(this.runId, [event]).catch((error: unknown) => {
        logger?.error("could not write the ledger", { error: String(error) });
      });
      this.ledgerWrites.add(write);
      void write.finally(() => this.ledgerWrites.delete(write));
    });
    const onOuterAbort = () => this.stop("aborted", "interrupted");
    signal?.addEventListener("abort", onOuterAbort, { once: true });
    if (signal?.aborted) onOuterAbort();
    return () => {
      unsubscribe();
      signal?.removeEventListener("abort", onOuterAbort);
    };
  }

  /** Resolves once every ledger write started so far has ended. */
  async ledgerWritten(): Promise<void> {
    await Promise.all([...this.ledgerWrites]);
  }
}
