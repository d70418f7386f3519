/**
 * `xhs worker`: one process of many taking the jobs of every open run of a shared database until stopped.
 * It joins the oldest run that still has jobs to do (pending, or leased by a worker that may have died: its
 * jobs come back to whoever is fetching), works it with the ordinary engine in shared mode, then looks again.
 */
import { systemSleep } from "../../core/clock.js";
import type { RunRecord } from "../../store/port.js";
import { runCrawl } from "../engine.js";
import type { CrawlDeps, CrawlRequest, CrawlResult } from "./types.js";

export interface WorkOptions {
  /** Jobs at once in this process. */
  concurrency: number;
  /** How long this worker's leases last unless renewed (ms). */
  leaseTtlMs?: number;
  /** How long an idle worker waits before it looks for open runs again (ms, default 1000). */
  pollMs?: number;
  /** Stop once no open run has a job left (default false: wait for new runs until stopped). */
  untilIdle?: boolean;
  /** A failed job's own wait before it is retried (ms); the job engine already backs off (default 0). */
  retryDelayMs?: number;
  onRun?: (run: RunRecord) => void;
  onResult?: (result: CrawlResult) => void;
}

/** Works open runs until `deps.signal` aborts (or, with `untilIdle`, until none has work). */
export async function workOpenRuns(deps: CrawlDeps, options: WorkOptions): Promise<CrawlResult[]> {
  const { signal } = deps;
  const results: CrawlResult[] = [];
  const sleep = deps.sleep ?? systemSleep;
  while (!signal?.aborted) {
    const run = await nextRunWithWork(deps);
    if (run) {
      options.onRun?.(run);
      const request: CrawlRequest = {
        runId: run.id,
        shared: true,
        concurrency: options.concurrency,
        retryDelayMs: options.retryDelayMs ?? 0,
        ...(options.leaseTtlMs !== undefined ? { leaseTtlMs: options.leaseTtlMs } : {}),
        ...(options.pollMs !== undefined ? { pollMs: options.pollMs } : {}),
      };
      const result = await runCrawl(deps, request);
      results.push(result);
      options.onResult?.(result);
      continue;
    }
    if (options.untilIdle) break;
    try {
      await sleep(options.pollMs ?? 1000, signal);
    } catch {
      break;
    }
  }
  return results;

  async function nextRunWithWork(d: CrawlDeps): Promise<RunRecord | null> {
    const open = await d.store.listRuns({ status: "running", limit: 100 });
    // Oldest first: runs are listed most recent first.
    for (const candidate of open.reverse()) {
      const counts = await d.queue.jobCounts(candidate.id);
      if (counts.pending + counts.leased > 0) return candidate;
    }
    return null;
  }
}
