/**
 * Who holds a run's jobs. Each session leases jobs under its own owner name and renews the leases while it
 * works (the heartbeat); the leases of a process of this host that has died go back to pending at once.
 */
import { randomUUID } from "node:crypto";
import { hostname } from "node:os";
import type { JobQueue } from "../../store/port.js";
import type { CrawlDeps } from "./types.js";

/** Lease owners of this process whose session is running (a session of this pid not in it has ended). */
const LIVE_OWNERS = new Set<string>();

/** `host:pid:random`: whoever finds the leases of a dead process on the same host can free them at once. */
export function newOwner(): string {
  return `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
}

/** True when the owner is a process of this host that no longer runs (or an ended session of this one). */
export function ownerIsDead(owner: string): boolean {
  const match = /^(.*):(\d+):[0-9a-f]{8}$/.exec(owner);
  if (!match || match[1] !== hostname()) return false;
  const pid = Number(match[2]);
  if (pid === process.pid) return !LIVE_OWNERS.has(owner);
  try {
    process.kill(pid, 0);
    return false;
  } catch (error) {
    // EPERM: it runs, as another user. ESRCH: it is gone.
    return (error as NodeJS.ErrnoException).code === "ESRCH";
  }
}

/**
 * Another process may be working on this run right now: its leases stay its own. Leases of a process of
 * this host that has died (kill -9, crash) go back to pending at once, checkpoints kept; those of another
 * host's dead process are taken when they expire. Returns how many other workers hold jobs of the run.
 */
export async function recoverDeadOwnersLeases(queue: JobQueue, runId: string): Promise<number> {
  const owners = new Set((await queue.listJobs(runId, { state: "leased" })).map((job) => job.leaseOwner));
  let otherWorkers = 0;
  for (const other of owners) {
    if (other !== null && ownerIsDead(other)) await queue.recoverLeases(runId, { owner: other });
    else otherWorkers += 1;
  }
  return otherWorkers;
}

/** Marks the owner live and renews its leases every third of their life; the returned function ends both. */
export function startHeartbeat(deps: CrawlDeps, owner: string, runId: string, ttlMs: number): () => void {
  LIVE_OWNERS.add(owner);
  const every =
    deps.every ??
    ((ms: number, tick: () => void) => {
      const timer = setInterval(tick, ms);
      timer.unref();
      return () => clearInterval(timer);
    });
  const stopRenewing = every(Math.max(1, Math.floor(ttlMs / 3)), () => {
    deps.queue.renewLeases(owner, { runId, ttlMs }).catch((error: unknown) => {
      deps.logger?.warn("could not renew the job leases", { error: String(error) });
    });
  });
  return () => {
    stopRenewing();
    LIVE_OWNERS.delete(owner);
  };
}
