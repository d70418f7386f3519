/** The end of a session: the run's status from why it stopped, the statistics saved, the report built. */
import { systemClock } from "../../core/clock.js";
import type { RunStatus } from "../../store/port.js";
import { buildReport } from "../report.js";
import { loadStats, type StopReason } from "../statistics.js";
import { isPaused } from "./pause.js";
import type { CrawlSession } from "./session.js";
import type { CrawlResult } from "./types.js";

/** How a session may have ended when the run was paused meanwhile: the pause is what the run says. */
const YIELDS_TO_PAUSE = new Set<StopReason | null>([null, "aborted", "budget", "paused"]);

/** A stop by Ctrl-C is an interruption, by the budget a partial run, by an account error a failure. */
export function runStatusAfter(stopReason: StopReason | null, unfinishedJobs: number): RunStatus {
  if (stopReason === "aborted" || stopReason === "paused") return "interrupted";
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
  let stopReason = stoppedNothing ? null : session.stopReason;
  let stopMessage = stoppedNothing ? null : session.stopMessage;
  const unfinished = counts.pending + counts.leased;
  const finishedAt = new Date((clock ?? systemClock).now()).toISOString();
  let status: RunStatus = "running";
  await store.transaction(async () => {
    // Locked: another worker's job commit between this read and the write would be lost (session.ts commit).
    const saved = await store.getRun(runId, { forUpdate: true });
    const stats = loadStats(saved?.stats ?? null);
    session.stats = stats;
    // A pause marked in the store stands, whichever way this session ended (Ctrl-C, budget, the pause itself).
    if (saved !== null && isPaused(saved) && unfinished > 0 && YIELDS_TO_PAUSE.has(stopReason)) {
      stopReason = "paused";
      stopMessage = stats.stopMessage;
    }
    // On a run that workers share, one worker stopping (Ctrl-C, SIGTERM) leaves the run to the others.
    const leftToOthers = session.request.shared === true && stopReason === "aborted" && unfinished > 0;
    status = leftToOthers ? "running" : runStatusAfter(stopReason, unfinished);
    stats.stopReason = stopReason;
    stats.stopMessage = stopMessage;
    await store.updateRun(runId, { status, stats, finishedAt: status === "completed" ? finishedAt : null });
  });
  const report = await buildReport(store, queue, runId);
  await store.updateRun(runId, { report });
  return { runId, status, stopReason, resumed, report };
}
