/**
 * Errors of the store. Opening problems are `invalid_input` (the CLI maps them to exit code 2:
 * a bad path is a usage error and nothing was paid).
 */
import { XhsError } from "../core/errors.js";

/** The database cannot be opened or created: missing or unwritable folder, not a database, newer schema. */
export class StoreOpenError extends XhsError {
  readonly path: string;
  constructor(message: string, path: string, cause?: unknown) {
    super("invalid_input", message, { cause });
    this.path = path;
  }
}

/**
 * complete/fail/checkpoint/release on a job whose lease is gone (recovered and leased again, or never
 * leased): the caller's result must not be applied. A bug or a lost worker, never an upstream problem.
 */
export class LeaseLostError extends XhsError {
  readonly jobId: string;
  constructor(jobId: string, message: string) {
    // "aborted": the job's result is abandoned, not failed (crawl/engine/job-failure.ts checks this class first).
    super("aborted", message);
    this.jobId = jobId;
  }
}
