/**
 * One pass of the scheduler: what is due now, within today's budgets, run through an injected executor
 * (the part that calls TikHub and writes records: `xhs watch` supplies it), each tick committed with its
 * state at once. The loop around it (sleep until `nextWakeAt`, stop on a signal) is the command's.
 */
import type { DeliveryTarget, WatchPlan } from "../crawl/plan/watch.js";
import { type BudgetLeft, budgetLeft, fitBudget, type SpendEstimate } from "./budget.js";
import { targetKey } from "./deliver.js";
import { completeTick, type DueTask, dueTasks, type TickOutcome } from "./schedule.js";
import { utcDay, type WatchStateStore } from "./state.js";

/** Runs one due task: pays its calls (within `left`), stores what it found, evaluates the alert rules. */
export type TaskExecutor = (due: DueTask, left: BudgetLeft) => Promise<Omit<TickOutcome, "targets">>;

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
    let outcome: Omit<TickOutcome, "targets">;
    try {
      // What is left is read again per task: the ticks before it spent for real.
      outcome = await execute(task, budgetLeft(plan, task.watch.name, await state.spend(day)));
    } catch (error) {
      result.failed.push({ tickId: task.tickId, error });
      continue;
    }
    const commit = completeTick(
      task,
      { ...outcome, targets: targetsOf(task.watch.deliver) },
      await state.trackedNotes(task.watch.name),
    );
    if (await state.commitTick(commit)) result.committed.push(task.tickId);
    else result.replayed.push(task.tickId);
  }
  return result;
}
