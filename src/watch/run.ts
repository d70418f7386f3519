/**
 * The scheduler's loop (`xhs watch`): a pass over what is due, the deliveries that are due, then a sleep until
 * the next task or delivery is due, until the signal aborts (SIGINT/SIGTERM) or, with `once`, after one pass.
 * Everything it knows between passes is in the state store, so a restart carries on where the last one was.
 *
 * Stopping: the signal also aborts the client's calls, so the tick in flight fails before its commit (nothing
 * of it is written; it runs again after a restart) and no further task starts.
 */
import { AbortedError } from "../core/errors.js";
import type { Clock, Sleep } from "../core/types.js";
import type { WatchPlan } from "../crawl/plan/watch.js";
import type { DeliveryWorker } from "./deliver.js";
import type { SchedulerLock } from "./lock.js";
import { nextWakeAt } from "./schedule.js";
import { type PassOptions, type PassResult, runDuePass, type TaskExecutor } from "./scheduler.js";
import type { WatchStateStore } from "./state.js";

/** A failed tick (TikHub down, a timeout) is tried again this long after, not at once. */
export const RETRY_FAILED_MS = 5 * 60_000;

export interface WatchLoopDeps {
  plan: WatchPlan;
  state: WatchStateStore;
  execute: TaskExecutor;
  deliveries: DeliveryWorker;
  clock: Clock;
  sleep: Sleep;
  signal?: AbortSignal;
  /** Run what is due once, deliver what is due once, and return. */
  once?: boolean;
  lock?: SchedulerLock;
  estimate?: PassOptions["estimate"];
  /** Told after every pass (the CLI logs it). */
  onPass?: (pass: PassResult, at: number, nextAt: number | null) => void | Promise<void>;
}

export type WatchStop = "once" | "signal" | "done";

export class LostLockError extends AbortedError {
  constructor() {
    super("another scheduler took over this database's watch lease (this one stalled past its expiry): stopping");
  }
}

export async function runWatchLoop(deps: WatchLoopDeps): Promise<{ passes: number; stop: WatchStop }> {
  const { plan, state, clock, signal } = deps;
  let passes = 0;
  for (;;) {
    if (signal?.aborted) return { passes, stop: "signal" };
    if (deps.lock && !(await deps.lock.renew())) throw new LostLockError();
    const now = clock.now();
    const pass = await runDuePass(plan, state, now, deps.execute, {
      ...(deps.estimate ? { estimate: deps.estimate } : {}),
      ...(signal ? { signal } : {}),
    });
    passes++;
    if (!signal?.aborted) await deps.deliveries.runDue();
    const nextAt = deps.once ? null : await nextWake(deps, pass, clock.now());
    await deps.onPass?.(pass, now, nextAt);
    if (deps.once) return { passes, stop: "once" };
    if (signal?.aborted) return { passes, stop: "signal" };
    if (nextAt === null) return { passes, stop: "done" };
    // Sleep in slices short enough to keep a lease alive.
    const slice = Math.min(Math.max(0, nextAt - clock.now()), deps.lock?.renewEveryMs ?? Number.POSITIVE_INFINITY);
    try {
      await deps.sleep(slice, signal);
    } catch (error) {
      if (signal?.aborted) return { passes, stop: "signal" };
      throw error;
    }
  }
}

/** When anything is next due: a task (those over budget: the next UTC day; failed ones: a bit later) or a delivery. */
async function nextWake(deps: WatchLoopDeps, pass: PassResult, now: number): Promise<number | null> {
  const keyOf = (tickId: string) => tickId.slice(0, tickId.lastIndexOf("@"));
  const held = new Set([...pass.waiting.map((w) => keyOf(w.tickId)), ...pass.failed.map((f) => keyOf(f.tickId))]);
  const tasks = (await deps.state.tasks()).filter((t) => !held.has(t.key));
  const candidates: number[] = [];
  // (Planned tasks never stored count as due at the end of time there: a held first run waits for its reason.)
  const task = nextWakeAt(deps.plan, tasks, now);
  if (task !== null && task < Number.MAX_SAFE_INTEGER) candidates.push(task);
  if (pass.waiting.length > 0) candidates.push(Date.UTC(...utcDateParts(now)) + 24 * 3_600_000);
  if (pass.failed.length > 0) candidates.push(now + RETRY_FAILED_MS);
  const delivery = await deps.deliveries.nextAttemptAt();
  if (delivery !== null) candidates.push(delivery);
  return candidates.length === 0 ? null : Math.max(now, Math.min(...candidates));
}

function utcDateParts(ms: number): [number, number, number] {
  const d = new Date(ms);
  return [d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()];
}
