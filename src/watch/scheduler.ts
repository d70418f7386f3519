/**
 * One pass of the scheduler: what is due now, within today's budgets, run through an injected executor
 * (the part that calls TikHub and writes records: `xhs watch` supplies it), each tick committed with its
 * state at once. The loop around it (sleep until `nextWakeAt`, stop on a signal) is the command's.
 */
import { AbortedError } from "../core/errors.js";
import type { DeliveryTarget, WatchPlan } from "../crawl/plan/watch.js";
import { type BudgetLeft, budgetLeft, fitBudget, type SpendEstimate } from "./budget.js";
import { targetKey } from "./deliver.js";
import { completeTick, type DueTask, dueTasks, type TickOutcome } from "./schedule.js";
import { utcDay, type WatchStateStore } from "./state.js";

export type ExecutorOutcome = Omit<TickOutcome, "targets">;

/**
 * How a tick ends: `store` writes what the tick fetched and returns the outcome; the scheduler runs it in one
 * transaction with the tick's commit when the state can (so records and state land together), and commits.
 */
export type FinishTick = (store: () => Promise<ExecutorOutcome>) => Promise<ExecutorOutcome>;

/**
 * Runs one due task: pays its calls (within `left`), stores what it found, evaluates the alert rules. An
 * executor that is given `finish` does its writes through it (the tick is then committed by it); one that
 * ignores it is committed after it returns.
 */
export type TaskExecutor = (due: DueTask, left: BudgetLeft, finish?: FinishTick) => Promise<ExecutorOutcome>;

/** Thrown inside a tick's transaction when its commit was already there: the records written again roll back. */
/** Thrown inside a tick's transaction to roll back its records when its commit was already there (a replay). */
export class ReplayedTickError extends AbortedError {
  constructor() {
    super("the tick was already committed (a replay): its records are rolled back");
  }
}

export interface PassResult {
  /** Tick ids committed by this pass. */
  committed: string[];
  /** Tick ids whose commit was already there (a replay after a crash): nothing written twice. */
  replayed: string[];
  /** Due tasks left for later: over budget. */
  waiting: { tickId: string; reason: string }[];
  /** Due tasks whose executor threw: not committed, so still due (retried on the next pass). */
  failed: { tickId: string; error: unknown }[];
}

export interface PassOptions {
  estimate?: (due: DueTask) => SpendEstimate;
  /** Stops before the next task once aborted (the one in flight is the executor's to abandon). */
  signal?: AbortSignal;
}

/** Every target key a watch's alerts go to. */
export function targetsOf(targets: readonly DeliveryTarget[]): string[] {
  return targets.map(targetKey);
}

/** Runs the ticks due at `now`, each committed alone (one crash loses at most the tick in flight). */
export async function runDuePass(
  plan: WatchPlan,
  state: WatchStateStore,
  now: number,
  execute: TaskExecutor,
  options: PassOptions = {},
): Promise<PassResult> {
  const result: PassResult = { committed: [], replayed: [], waiting: [], failed: [] };
  const day = utcDay(now);
  const due = dueTasks(plan, await state.tasks(), now);
  const { run, wait } = fitBudget(plan, due, await state.spend(day), options.estimate);
  for (const w of wait) result.waiting.push({ tickId: w.due.tickId, reason: w.reason });
  for (const task of run) {
    if (options.signal?.aborted) break;
    const targets = targetsOf(task.watch.deliver);
    let committed: boolean | null = null;
    const commit = async (outcome: ExecutorOutcome) => {
      const tick = completeTick(task, { ...outcome, targets }, await state.trackedNotes(task.watch.name));
      committed = await state.commitTick(tick);
      if (!committed && state.atomically) throw new ReplayedTickError();
    };
    const finish: FinishTick = async (store) => {
      const work = async () => {
        const outcome = await store();
        await commit(outcome);
        return outcome;
      };
      return state.atomically ? state.atomically(work) : work();
    };
    try {
      // What is left is read again per task: the ticks before it spent for real.
      const outcome = await execute(task, budgetLeft(plan, task.watch.name, await state.spend(day)), finish);
      if (committed === null) await commit(outcome);
    } catch (error) {
      if (error instanceof ReplayedTickError) committed = false;
      else {
        result.failed.push({ tickId: task.tickId, error });
        continue;
      }
    }
    if (committed) result.committed.push(task.tickId);
    else result.replayed.push(task.tickId);
  }
  return result;
}
