/**
 * Live run progress as server-sent events. The store is read every `pollMs` and an event is sent when what
 * the page shows changed, so a crawl in another process on the same database moves the page too. The stream ends
 * with an "end" event once the run has settled: not "running", no session here, no job leased and the numbers
 * unchanged for one poll (a paused run's other processes give their in-flight jobs back and write their last
 * calls within a second or so), or `SETTLE_POLLS` polls after it stopped if a job stays leased (a dead worker's
 * lease). The page reads the run's detail again on "end", so what it shows last is what the store holds.
 */
import type { Context } from "hono";
import { streamSSE } from "hono/streaming";
import type { JobQueue, Store } from "../store/port.js";
import type { RunControl } from "./control.js";
import { runSummary } from "./runs.js";

export const DEFAULT_POLL_MS = 500;
/** Polls a stopped run is watched for at most while a job stays leased (about 10 s at the default poll). */
export const SETTLE_POLLS = 20;

export function runEvents(
  c: Context,
  deps: { store: Store; queue: JobQueue; control: RunControl | null; pollMs: number },
  runId: string,
): Response {
  return streamSSE(c, async (stream) => {
    let closed = false;
    stream.onAbort(() => {
      closed = true;
    });
    let last = "";
    let id = 0;
    let stoppedPolls = 0;
    while (!closed) {
      const run = await deps.store.getRun(runId);
      if (!run) {
        await stream.writeSSE({ event: "gone", data: JSON.stringify({ runId }) });
        return;
      }
      const active = deps.control?.active(runId) ?? null;
      const summary = await runSummary(deps.store, deps.queue, run);
      const payload = JSON.stringify({
        ...summary,
        active: active !== null,
        // The stored budget with what the run spent against it (every process); else what this server gave.
        budget: summary.budget ?? deps.control?.budgetOf(runId) ?? null,
        runJobsKnown: active?.progress?.runJobsKnown ?? null,
      });
      const changed = payload !== last;
      if (changed) {
        last = payload;
        id += 1;
        await stream.writeSSE({ event: "progress", id: String(id), data: payload });
      }
      if (run.status !== "running" && active === null) {
        stoppedPolls += 1;
        const settled = !changed && summary.jobs.leased === 0;
        if (settled || stoppedPolls > SETTLE_POLLS) {
          await stream.writeSSE({ event: "end", data: JSON.stringify({ runId, status: run.status }) });
          return;
        }
      } else {
        stoppedPolls = 0;
      }
      await stream.sleep(deps.pollMs);
    }
  });
}
