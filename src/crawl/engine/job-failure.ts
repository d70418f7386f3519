/**
 * What a failed job leads to: a budget or account error stops the session, an abort gives the job back, a
 * transient error retries it later (up to `maxJobFailures`), and anything else records it as failed.
 */
import { isXhsError } from "../../core/errors.js";
import { LeaseLostError } from "../../store/errors.js";
import type { Job } from "../../store/port.js";
import type { StopReason } from "../statistics.js";
import type { CrawlSession } from "./session.js";

/** Error kinds that can never succeed on a retry of the same job. */
const PERMANENT = new Set(["not_found", "invalid_input", "wrong_item"]);
/** Error kinds that stop the whole run at once (saved, resumable once fixed). */
const RUN_FATAL = new Set(["auth", "permission", "payment"]);

export async function settleFailure(session: CrawlSession, job: Job, error: unknown): Promise<void> {
  const { queue, logger } = session.deps;
  if (error instanceof LeaseLostError) {
    logger?.warn("a job's lease was lost; its result was not applied", { job: job.key });
    return;
  }
  const kind = isXhsError(error) ? error.kind : "internal";
  const message = error instanceof Error ? error.message : String(error);
  const giveBack = async () => {
    try {
      await queue.release(job);
    } catch (releaseError) {
      if (!(releaseError instanceof LeaseLostError)) throw releaseError;
    }
  };
  if (kind === "budget") {
    session.stop("budget", message);
    await giveBack();
  } else if (RUN_FATAL.has(kind)) {
    session.stop(kind as StopReason, message);
    await giveBack();
  } else if (kind === "aborted" || session.signal.aborted) {
    await giveBack();
  } else {
    const failures = failureCount(job) + 1;
    const retry = !PERMANENT.has(kind) && failures < (session.request.maxJobFailures ?? 3);
    if (!retry) session.jobsFailed += 1;
    logger?.warn(retry ? "job failed; it will be tried again" : "job failed", { job: job.key, kind, message });
    if (retry) {
      // Later, not at once: the client already retried and failed over; give upstream a moment.
      try {
        await session.sleep((session.request.retryDelayMs ?? 2000) * failures, session.windDown);
      } catch {
        await giveBack();
        return;
      }
    }
    try {
      await session.commit(async () => {
        if (retry) {
          // The latest checkpoint (the handler may have saved pages since the lease), plus the failure count.
          const current = (await queue.getJob(session.runId, job.key)) ?? job;
          await queue.checkpoint(job, withFailures(current, failures));
        }
        await queue.fail(job, { errorKind: kind, message, retry });
      });
    } catch (commitError) {
      // The job went to another worker meanwhile (its lease ran out): its failure is that worker's to settle,
      // and this worker goes on with other jobs instead of ending on it.
      if (!(commitError instanceof LeaseLostError)) throw commitError;
      logger?.warn("a failed job's lease was lost; its failure was not recorded", { job: job.key });
    }
  }
}

/** Transient failures so far, kept in the job's checkpoint data (leases lost to crashes are not failures). */
function failureCount(job: Job): number {
  const data = job.checkpoint?.data as { failures?: number } | undefined;
  return data?.failures ?? 0;
}

function withFailures(job: Job, failures: number) {
  const checkpoint = job.checkpoint ?? { cursor: null, itemsSoFar: 0 };
  const data = (checkpoint.data ?? {}) as Record<string, unknown>;
  return { ...checkpoint, data: { ...data, failures } };
}
