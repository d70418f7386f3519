/**
 * Live run progress as server-sent events. The store is read every `pollMs` and an event is sent when what
 * the page shows changed, so a crawl in another process on the same database moves the page too; the stream
 * ends after the event that shows the run finished (status no longer "running" and no session here).
 */
import type { Context } from "hono";
import { streamSSE } from "hono/streaming";
import type { JobQueue, Store } from "../store/port.js";
import type { RunControl } from "./control.js";
import { runSummary } from "./runs.js";

export const DEFAULT_POLL_MS = 500;

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
      if (payload !== last) {
        last = payload;
        id += 1;
        await stream.writeSSE({ event: "progress", id: String(id), data: payload });
      }
      if (run.status !== "running" && active === null) return;
      await stream.sleep(deps.pollMs);
    }
  });
}
