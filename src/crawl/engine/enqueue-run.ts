/**
 * `xhs crawl --enqueue-only`: the run, its seed jobs and its budget, committed together, and nothing else; the
 * workers (`xhs worker`) take it from there.
 */
import { systemClock } from "../../core/clock.js";
import type { Clock } from "../../core/types.js";
import type { JobQueue, RunRecord, Store } from "../../store/port.js";
import { seedJobs } from "../seed-jobs.js";
import { openRun } from "./open-run.js";
import { budgetFromNow } from "./session.js";
import type { CrawlRequest } from "./types.js";

export interface EnqueuedRun {
  run: RunRecord;
  resumed: boolean;
  /** Seed jobs added now (0 when the run had them all already). */
  seeded: number;
}

export async function enqueueRun(
  deps: { store: Store; queue: JobQueue; clock?: Clock },
  request: Pick<CrawlRequest, "plan" | "runId" | "fresh" | "budget">,
): Promise<EnqueuedRun> {
  const { store, queue } = deps;
  const { run, plan, resumed } = await openRun(store, request, deps.clock);
  const seeded = await store.transaction(async () => {
    const added = await queue.enqueueMany(seedJobs(plan, run.id));
    // A budget given here is the run's: the workers count toward it (none given: the stored one stays).
    const budget =
      request.budget === undefined
        ? undefined
        : await budgetFromNow(store, run.id, request.budget, (deps.clock ?? systemClock).now());
    await store.updateRun(run.id, { status: "running", finishedAt: null, ...(budget !== undefined ? { budget } : {}) });
    return added;
  });
  return { run: (await store.getRun(run.id)) ?? run, resumed, seeded };
}
