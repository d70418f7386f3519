/**
 * The crawl engine: runs a plan's jobs from the durable queue with a few workers, over the client (which
 * owns the rate limit, retries and failover), into the store. Its parts stay apart: the queue (`JobQueue`
 * port), the rate (the client's limiter), the handlers (handlers/, one per job kind), the store (`Store`
 * port) and the statistics (statistics.ts, saved with each job's writes). The steps of a session live in
 * engine/: opening the run, the lease owners and heartbeat, the session's shared state, the worker loop,
 * what a failed job leads to, the budget, and the finish.
 *
 * Resuming: a run is keyed by its plan's hash. Starting the same plan again (or `--resume`) finds the
 * unfinished run, gives back the leases a dead process held, and goes on from each list's checkpoint.
 */
import { DEFAULT_LEASE_TTL_MS } from "../store/port.js";
import { finishSession } from "./engine/finish.js";
import { newOwner, recoverDeadOwnersLeases, startHeartbeat } from "./engine/lease-owners.js";
import { openRun } from "./engine/open-run.js";
import { startRunWatch } from "./engine/run-watch.js";
import { CrawlSession } from "./engine/session.js";
import type { CrawlDeps, CrawlRequest, CrawlResult } from "./engine/types.js";
import { runWorkers } from "./engine/workers.js";

/** Runs (or resumes) a crawl to the end, a budget stop, a fatal error or an interruption. */
export async function runCrawl(deps: CrawlDeps, request: CrawlRequest): Promise<CrawlResult> {
  const { run, plan, resumed } = await openRun(deps.store, request, deps.clock);
  const owner = newOwner();
  const ttlMs = request.leaseTtlMs ?? DEFAULT_LEASE_TTL_MS;
  const otherWorkers = await recoverDeadOwnersLeases(deps.queue, run.id);
  deps.onRunOpened?.(run.id, resumed, { otherWorkers });

  const session = new CrawlSession(deps, request, run, plan);
  await session.begin();
  const stopListening = session.listen();
  const stopHeartbeat = startHeartbeat(deps, owner, run.id, ttlMs);
  const stopWatching = startRunWatch(session, owner);
  try {
    await runWorkers(session, {
      owner,
      concurrency: Math.max(1, request.concurrency ?? plan.concurrency),
      ttlMs,
      pollMs: request.pollMs ?? 1000,
    });
  } finally {
    stopHeartbeat();
    stopListening();
    await session.ledgerWritten();
    await stopWatching();
  }
  return finishSession(session, resumed);
}
