/** The end of a session: the run's status from why it stopped, the statistics saved, the report built. */
import { systemClock } from "../../core/clock.js";
import type { RunStatus } from "../../store/port.js";
import { buildReport } from "../report.js";
import { loadStats, type StopReason } from "../statistics.js";
import type { CrawlSession } from "./session.js";
import type { CrawlResult } from "./types.js";

/** A stop by Ctrl-C is an interruption, by the budget a partial run, by an account error a failure. */
export function runStatusAfter(stopReason: StopReason | null, unfinishedJobs: number): RunStatus {
  if (stopReason === "aborted") return "interrupted";
  if (stopReason === "budget") return "partial";
  if (stopReason !== null) return "failed";
  return unfinishedJobs > 0 ? "partial" : "completed";
}

export async function finishSession(session: CrawlSession, resumed: boolean): Promise<CrawlResult> {
  const { store, queue, clock } = session.deps;
  const { runId } = session;
  const counts = await queue.jobCounts(runId);
  // A budget reached by the last job stopped nothing: with no job left the run is complete, not partial.
  const stoppedNothing = session.stopReason === "budget" && counts.pending + counts.leased === 0;
  const stopReason = stoppedNothing ? null : session.stopReason;
  const stopMessage = stoppedNothing ? null : session.stopMessage;
  const unfinished = counts.pending + counts.leased;
  // On a run that workers share, one worker stopping (Ctrl-C, SIGTERM) leaves the run to the others.
  const leftToOthers = session.request.shared === true && stopReason === "aborted" && unfinished > 0;
  const status = leftToOthers ? "running" : runStatusAfter(stopReason, unfinished);
  const finishedAt = new Date((clock ?? systemClock).now()).toISOString();
  await store.transaction(async () => {
    // Locked: another worker's job commit between this read and the write would be lost (session.ts commit).
    const stats = loadStats((await store.getRun(runId, { forUpdate: true }))?.stats ?? null);
    session.stats = stats;
    stats.stopReason = stopReason;
    stats.stopMessage = stopMessage;
    await store.updateRun(runId, { status, stats, finishedAt: status === "completed" ? finishedAt : null });
  });
  const report = await buildReport(store, queue, runId);
  await store.updateRun(runId, { report });
  return { runId, status, stopReason, resumed, report };
}
