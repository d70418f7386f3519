/**
 * Pausing a run through the store, so it holds for every process working it: the run is saved "interrupted"
 * with the stop reason "paused"; each session sees it within a tick (run-watch.ts) and stops, giving its
 * in-flight jobs back, and `xhs worker` takes no job of a run that is not "running". Resuming (any session's
 * `begin`) re-opens it.
 */
import type { RunRecord, Store } from "../../store/port.js";
import { loadStats } from "../statistics.js";

export const PAUSED_MESSAGE = "paused from the dashboard";

export function isPaused(run: RunRecord): boolean {
  return run.status === "interrupted" && loadStats(run.stats).stopReason === "paused";
}

/** Marks a running run paused; false when there is nothing to pause (no such run, or it is not running). */
export async function markPaused(store: Store, runId: string): Promise<boolean> {
  return store.transaction(async () => {
    const run = await store.getRun(runId, { forUpdate: true });
    if (run?.status !== "running") return false;
    const stats = loadStats(run.stats);
    stats.stopReason = "paused";
    stats.stopMessage = PAUSED_MESSAGE;
    await store.updateRun(runId, { status: "interrupted", stats });
    return true;
  });
}
