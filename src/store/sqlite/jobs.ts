/**
 * The durable crawl queue (`jobs`): idempotent enqueue per (run, key), leases with an owner and an expiry,
 * heartbeats, checkpoints, retries and recovery. A write on a job checks its lease token, so a worker whose
 * lease was taken over cannot apply its result.
 */
import { randomUUID } from "node:crypto";
import { InvalidInputError } from "../../core/errors.js";
import { LeaseLostError } from "../errors.js";
import {
  DEFAULT_LEASE_TTL_MS,
  type FailOptions,
  type Job,
  type JobCheckpoint,
  type JobHandle,
  type JobState,
  type LeaseOptions,
  type NewJob,
} from "../port.js";
import type { SqliteConnection } from "./connection.js";
import { parseJson, type Row } from "./rows.js";

export class JobTable {
  private readonly connection: SqliteConnection;

  constructor(connection: SqliteConnection) {
    this.connection = connection;
  }

  get(runId: string, key: string): Job | null {
    const r = this.connection.statement("SELECT * FROM jobs WHERE run_id = ? AND key = ?").get(runId, key) as
      | Row
      | undefined;
    return r === undefined ? null : rowToJob(r);
  }

  /** Adds the job unless its run already has its key; returns whether it was added. */
  private insert(job: NewJob, now: string): boolean {
    if (typeof job.runId !== "string" || job.runId === "") throw new InvalidInputError("A job needs a run id");
    if (typeof job.key !== "string" || job.key === "") throw new InvalidInputError("A job needs a non-empty key");
    if (typeof job.kind !== "string" || job.kind === "") throw new InvalidInputError(`Job ${job.key} needs a kind`);
    const info = this.connection
      .statement(
        `INSERT INTO jobs (run_id, key, kind, payload, priority, depth, parent_key, state, attempts, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, 'pending', 0, ?, ?) ON CONFLICT (run_id, key) DO NOTHING`,
      )
      .run(
        job.runId,
        job.key,
        job.kind,
        job.payload === undefined ? null : JSON.stringify(job.payload),
        Math.trunc(job.priority ?? 0),
        Math.trunc(job.depth ?? 0),
        job.parentKey ?? null,
        now,
        now,
      );
    return info.changes > 0;
  }

  enqueue(job: NewJob): { job: Job; added: boolean } {
    const added = this.insert(job, this.connection.nowIso());
    return { job: this.get(job.runId, job.key)!, added };
  }

  enqueueMany(jobs: readonly NewJob[]): number {
    const now = this.connection.nowIso();
    return this.connection.database.transaction(() =>
      jobs.reduce((n, job) => n + (this.insert(job, now) ? 1 : 0), 0),
    )();
  }

  lease(runId: string, options: LeaseOptions): Job[] {
    const { connection } = this;
    const limit = Math.max(1, Math.trunc(options.limit ?? 1));
    const kinds = options.kinds === undefined ? null : JSON.stringify(options.kinds);
    const nowMs = connection.nowMs();
    const now = new Date(nowMs).toISOString();
    const expires = nowMs + ttlOf(options.ttlMs);
    // IMMEDIATE: another process's lease between our SELECT and UPDATE cannot take the same job.
    return connection.database
      .transaction(() => {
        const ids = connection
          .statement(
            `SELECT id FROM jobs WHERE run_id = @runId
             AND (state = 'pending' OR (state = 'leased' AND (lease_expires_ms IS NULL OR lease_expires_ms <= @nowMs)))
             AND (@kinds IS NULL OR kind IN (SELECT value FROM json_each(@kinds)))
           ORDER BY priority DESC, depth ASC, id ASC LIMIT @limit`,
          )
          .pluck()
          .all({ runId, kinds, limit, nowMs }) as number[];
        const take = connection.statement(
          `UPDATE jobs SET state = 'leased', attempts = attempts + 1, lease_token = ?, lease_owner = ?,
           lease_expires_ms = ?, updated_at = ? WHERE id = ? RETURNING *`,
        );
        return ids.map((id) => rowToJob(take.get(randomUUID(), options.owner ?? null, expires, now, id) as Row));
      })
      .immediate();
  }

  renewLeases(owner: string, options: { runId?: string; ttlMs?: number }): number {
    const nowMs = this.connection.nowMs();
    return this.connection
      .statement(
        `UPDATE jobs SET lease_expires_ms = @expires
         WHERE state = 'leased' AND lease_owner = @owner AND (@runId IS NULL OR run_id = @runId)`,
      )
      .run({ owner, runId: options.runId ?? null, expires: nowMs + ttlOf(options.ttlMs) }).changes;
  }

  /** Applies `sql` (an UPDATE … SET …) to the job only while it is still leased under the caller's token. */
  private onLease(job: JobHandle, sql: string, params: unknown[], what: string): void {
    const info = this.connection
      .statement(`${sql} WHERE id = ? AND state = 'leased' AND lease_token IS ?`)
      .run(...params, Number(job.id), job.leaseToken);
    if (info.changes === 0) {
      throw new LeaseLostError(job.id, `Cannot ${what} job ${job.id}: it is not leased under this lease any more`);
    }
  }

  complete(job: JobHandle, checkpoint?: JobCheckpoint): void {
    this.onLease(
      job,
      "UPDATE jobs SET state = 'done', checkpoint = COALESCE(?, checkpoint), lease_token = NULL, lease_expires_ms = NULL, updated_at = ?",
      [checkpoint === undefined ? null : JSON.stringify(checkpoint), this.connection.nowIso()],
      "complete",
    );
  }

  fail(job: JobHandle, failure: FailOptions): void {
    this.onLease(
      job,
      "UPDATE jobs SET state = ?, last_error_kind = ?, last_error_message = ?, lease_token = NULL, lease_expires_ms = NULL, updated_at = ?",
      [
        failure.retry === true ? "pending" : "failed",
        failure.errorKind,
        this.connection.scrub(failure.message),
        this.connection.nowIso(),
      ],
      "fail",
    );
  }

  checkpoint(job: JobHandle, checkpoint: JobCheckpoint): void {
    this.onLease(
      job,
      "UPDATE jobs SET checkpoint = ?, updated_at = ?",
      [JSON.stringify(checkpoint), this.connection.nowIso()],
      "checkpoint",
    );
  }

  release(job: JobHandle): void {
    this.onLease(
      job,
      "UPDATE jobs SET state = 'pending', lease_token = NULL, lease_expires_ms = NULL, updated_at = ?",
      [this.connection.nowIso()],
      "release",
    );
  }

  recoverLeases(runId: string | undefined, options: { owner?: string }): number {
    return this.connection
      .statement(
        `UPDATE jobs SET state = 'pending', lease_token = NULL, lease_expires_ms = NULL, updated_at = @now
         WHERE state = 'leased' AND (@runId IS NULL OR run_id = @runId) AND (@owner IS NULL OR lease_owner = @owner)`,
      )
      .run({ runId: runId ?? null, owner: options.owner ?? null, now: this.connection.nowIso() }).changes;
  }

  list(runId: string, filter: { state?: JobState; limit?: number }): Job[] {
    const rows = this.connection
      .statement(
        "SELECT * FROM jobs WHERE run_id = @runId AND (@state IS NULL OR state = @state) ORDER BY id LIMIT @limit",
      )
      .all({ runId, state: filter.state ?? null, limit: filter.limit ?? -1 }) as Row[];
    return rows.map(rowToJob);
  }

  counts(runId: string): Record<JobState, number> {
    const counts: Record<JobState, number> = { pending: 0, leased: 0, done: 0, failed: 0 };
    const rows = this.connection
      .statement("SELECT state, COUNT(*) AS n FROM jobs WHERE run_id = ? GROUP BY state")
      .all(runId) as { state: JobState; n: number }[];
    for (const r of rows) counts[r.state] = r.n;
    return counts;
  }
}

function ttlOf(ttlMs: number | undefined): number {
  const ttl = ttlMs ?? DEFAULT_LEASE_TTL_MS;
  if (!Number.isFinite(ttl) || ttl <= 0)
    throw new InvalidInputError(`A lease lasts a positive number of ms, not ${ttl}`);
  return Math.trunc(ttl);
}

function rowToJob(r: Row): Job {
  return {
    id: String(r.id),
    runId: String(r.run_id),
    key: String(r.key),
    kind: String(r.kind),
    payload: parseJson(r.payload),
    priority: Number(r.priority),
    depth: Number(r.depth),
    parentKey: (r.parent_key as string | null) ?? null,
    state: r.state as JobState,
    attempts: Number(r.attempts),
    checkpoint: parseJson(r.checkpoint) as JobCheckpoint | null,
    lastErrorKind: (r.last_error_kind as string | null) ?? null,
    lastErrorMessage: (r.last_error_message as string | null) ?? null,
    leaseToken: (r.lease_token as string | null) ?? null,
    leaseOwner: (r.lease_owner as string | null) ?? null,
    leaseExpiresAt:
      r.state === "leased" && typeof r.lease_expires_ms === "number"
        ? new Date(r.lease_expires_ms).toISOString()
        : null,
    createdAt: String(r.created_at),
    updatedAt: String(r.updated_at),
  };
}
