/**
 * One session of a run: this process's pass over it, from opening to the report. It holds what the steps
 * share: the statistics as last committed, what the session has spent, and why (if at all) it stops.
 */
import { systemClock, systemSleep } from "../../core/clock.js";
import { AbortedError } from "../../core/errors.js";
import type { AttemptEvent, Sleep } from "../../core/types.js";
import type { LedgerTotals, RunBudget, RunRecord } from "../../store/port.js";
import type { CrawlPlan } from "../plan/types.js";
import { seedJobs } from "../seed-jobs.js";
import { cloneStats, loadStats, type RunStats, type StopReason } from "../statistics.js";
import { budgetLimits, budgetSpent, runBudgetSpent, type SessionSpend } from "./budget.js";
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
  /** The run's stored budget: every process working the run counts toward it. */
  runBudget: RunBudget | null = null;
  /** What the run had spent against `runBudget` when last read, and what this session had spent then. */
  private runSpentAtRead: SessionSpend = { calls: 0, costUsd: 0 };
  private ownSpentAtRead: SessionSpend = { calls: 0, costUsd: 0 };
  /** Aborted by a stop that must end calls already sent (Ctrl-C, a pause, an account error): not by the budget. */
  private readonly stopController = new AbortController();
  /** Aborted by any stop, the budget's included: what waits for new work (an idle poll, a retry delay) ends. */
  private readonly windDownController = new AbortController();
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

  /** Aborted once the session stops for anything but its budget: in-flight calls and waits end. */
  get signal(): AbortSignal {
    return this.stopController.signal;
  }

  /** Aborted once the session stops for any reason: no new job or page is started, waits for them end. */
  get windDown(): AbortSignal {
    return this.windDownController.signal;
  }

  /**
   * Stops the session (the first reason is the one it reports). A budget stop takes no new job or page but lets
   * calls already sent end and be stored: TikHub bills them on arrival, so dropping their answers wastes money.
   * Any other stop (Ctrl-C, a pause, an account error) aborts them too, even after a budget stop.
   */
  stop(reason: StopReason, message: string): void {
    if (this.stopReason === null) {
      this.stopReason = reason;
      this.stopMessage = message;
    }
    if (!this.windDownController.signal.aborted) this.windDownController.abort(new AbortedError(message));
    if (reason !== "budget" && !this.stopController.signal.aborted) {
      this.stopController.abort(new AbortedError(message));
    }
  }

  /** Why the budget stops the session, or null. */
  budgetSpent(): string | null {
    const own = budgetSpent(this.request.budget, this.spent);
    if (own !== null || this.runBudget === null) return own;
    // The run's spend as last read plus this session's since: other processes' newer calls count at the next read.
    return runBudgetSpent(this.runBudget, {
      calls: this.runSpentAtRead.calls + this.spent.calls - this.ownSpentAtRead.calls,
      costUsd: this.runSpentAtRead.costUsd + this.spent.costUsd - this.ownSpentAtRead.costUsd,
    });
  }

  /** Takes the run's ledger totals as read now (the run budget's spend is counted from them). */
  noteRunTotals(totals: Pick<LedgerTotals, "calls" | "costUsd">): void {
    const budget = this.runBudget;
    if (budget === null) return;
    this.runSpentAtRead = {
      calls: totals.calls - budget.callsBefore,
      costUsd: totals.costUsd - budget.costUsdBefore,
    };
    this.ownSpentAtRead = { ...this.spent };
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

  /**
   * Counts the session in the run's statistics and enqueues the plan's seeds (again, on resume: a no-op). The
   * session's budget is stored with the run (none: cleared), except for a worker joining a shared run without one:
   * it keeps the stored budget and counts toward it with every other process. A paused run is re-opened.
   */
  async begin(): Promise<void> {
    const { store, queue } = this.deps;
    await store.transaction(async () => {
      // Read inside the transaction: another process's statistics are added to, never overwritten.
      const saved = await store.getRun(this.runId, { forUpdate: true });
      const stats = loadStats(saved?.stats ?? this.run.stats);
      this.stats = stats;
      stats.sessions += 1;
      stats.stopReason = null;
      stats.stopMessage = null;
      await queue.enqueueMany(seedJobs(this.plan, this.runId));
      // A worker joining a shared run (no budget of its own) works under the run's; any other session's budget,
      // or its lack of one, is the run's from now on.
      const joining = this.request.shared === true && this.request.budget === undefined;
      this.runBudget = joining
        ? (saved?.budget ?? null)
        : await budgetFromNow(store, this.runId, this.request.budget, (this.deps.clock ?? systemClock).now());
      await store.updateRun(this.runId, {
        status: "running",
        stats,
        finishedAt: null,
        ...(joining ? {} : { budget: this.runBudget }),
      });
    });
    if (this.runBudget !== null) this.noteRunTotals(await this.deps.store.ledgerTotals({ runId: this.runId }));
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

/** A run budget given now: its limits, the time, and the run's ledger totals so far (null when it sets no limit). */
export async function budgetFromNow(
  store: CrawlDeps["store"],
  runId: string,
  budget: CrawlRequest["budget"],
  nowMs: number,
): Promise<RunBudget | null> {
  const limits = budgetLimits(budget);
  if (limits === undefined) return null;
  const totals = await store.ledgerTotals({ runId });
  return {
    ...limits,
    setAt: new Date(nowMs).toISOString(),
    callsBefore: totals.calls,
    costUsdBefore: totals.costUsd,
  };
}
