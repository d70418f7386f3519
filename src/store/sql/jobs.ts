/**
 * The durable crawl queue (`jobs`): idempotent enqueue per (run, key), leases with an owner and an expiry,
 * heartbeats, checkpoints, retries and recovery. A write on a job checks its lease token, so a worker whose lease
 * was taken over cannot apply its result.
 *
 * A lease is one UPDATE of the first free rows (RETURNING them): atomic on SQLite (one writer), and on Postgres the
 * candidate rows are selected `FOR UPDATE SKIP LOCKED` (dialect.ts), so two workers never take the same job.
 */
import { randomUUID } from "node:crypto";
import { sql } from "kysely";
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
import type { SqlContext } from "./context.js";
import type { Db, Row } from "./dialect.js";
import { Slot, slots } from "./prepared.js";
import { chunks, slotRows } from "./records.js";
import { parseJson } from "./rows.js";

const JOB_COLUMNS = [
  "run_id",
  "key",
  "kind",
  "payload",
  "priority",
  "depth",
  "parent_key",
  "state",
  "attempts",
  "created_at",
  "updated_at",
];

export class JobTable {
  private readonly context: SqlContext;

  constructor(context: SqlContext) {
    this.context = context;
  }

  async get(runId: string, key: string): Promise<Job | null> {
    const row = await this.context.run((db) =>
      db.selectFrom("jobs").selectAll().where("run_id", "=", runId).where("key", "=", key).executeTakeFirst(),
    );
    return row === undefined ? null : rowToJob(row);
  }

  /** Adds the jobs whose run does not have their key yet; returns how many were added. */
  private async insert(db: Db, jobs: readonly NewJob[]): Promise<number> {
    const now = this.context.nowIso();
    const rows = jobs.map((job) => {
      if (typeof job.runId !== "string" || job.runId === "") throw new InvalidInputError("A job needs a run id");
      if (typeof job.key !== "string" || job.key === "") throw new InvalidInputError("A job needs a non-empty key");
      if (typeof job.kind !== "string" || job.kind === "") throw new InvalidInputError(`Job ${job.key} needs a kind`);
      return {
        run_id: job.runId,
        key: job.key,
        kind: job.kind,
        payload: job.payload === undefined ? null : JSON.stringify(job.payload),
        priority: Math.trunc(job.priority ?? 0),
        depth: Math.trunc(job.depth ?? 0),
        parent_key: job.parentKey ?? null,
        state: "pending",
        attempts: 0,
        created_at: now,
        updated_at: now,
      };
    });
    let added = 0;
    for (const part of chunks(rows)) {
      const result = await this.context.prepared.run(
        db,
        `enqueue:${part.length}`,
        (q) =>
          q
            .insertInto("jobs")
            .values(slotRows(JOB_COLUMNS, part.length))
            .onConflict((oc) => oc.columns(["run_id", "key"]).doNothing()),
        part.flatMap((row) => JOB_COLUMNS.map((column) => (row as Row)[column])),
      );
      added += Number(result.numAffectedRows ?? 0);
    }
    return added;
  }

  async enqueue(job: NewJob): Promise<{ job: Job; added: boolean }> {
    const added = await this.context.atomic((db) => this.insert(db, [job]));
    return { job: (await this.get(job.runId, job.key))!, added: added > 0 };
  }

  async enqueueMany(jobs: readonly NewJob[]): Promise<number> {
    if (jobs.length === 0) return 0;
    return this.context.atomic((db) => this.insert(db, jobs));
  }

  async lease(runId: string, options: LeaseOptions): Promise<Job[]> {
    const { context } = this;
    const limit = Math.max(1, Math.trunc(options.limit ?? 1));
    const nowMs = context.nowMs();
    const expires = nowMs + ttlOf(options.ttlMs);
    const kinds = options.kinds === undefined ? null : [...options.kinds];
    if (kinds !== null && kinds.length === 0) return [];
    const key = `lease:${kinds === null ? "all" : kinds.length}`;
    const values = [
      runId,
      nowMs,
      limit,
      randomUUID(),
      options.owner ?? null,
      expires,
      new Date(nowMs).toISOString(),
      ...(kinds ?? []),
    ];
    // One statement, atomic by itself: no transaction of its own (it joins the caller's when there is one).
    const { rows } = await context.run((db) =>
      context.prepared.run(db, key, (q) => leaseQuery(q, context, kinds?.length ?? null), values),
    );
    return rows.map(rowToJob).sort(leaseOrder);
  }

  async renewLeases(owner: string, options: { runId?: string; ttlMs?: number }): Promise<number> {
    const expires = this.context.nowMs() + ttlOf(options.ttlMs);
    return this.context.run(async (db) => {
      let query = db
        .updateTable("jobs")
        .set({ lease_expires_ms: expires })
        .where("state", "=", "leased")
        .where("lease_owner", "=", owner);
      if (options.runId !== undefined) query = query.where("run_id", "=", options.runId);
      const result = await query.executeTakeFirst();
      return Number(result.numUpdatedRows);
    });
  }

  /** Applies `set` to the job only while it is still leased under the caller's token. */
  private async onLease(job: JobHandle, set: Row, what: string): Promise<void> {
    const id = Number(job.id);
    const lost = () =>
      new LeaseLostError(job.id, `Cannot ${what} job ${job.id}: it is not leased under this lease any more`);
    if (!Number.isSafeInteger(id) || job.leaseToken === null || job.leaseToken === undefined) throw lost();
    const columns = Object.keys(set);
    const values = [...columns.map((c) => set[c]), id, job.leaseToken];
    const { prepared } = this.context;
    const result = await this.context.run((db) =>
      prepared.run(
        db,
        `onLease:${columns.join(",")}`,
        (q) =>
          q
            .updateTable("jobs")
            .set(Object.fromEntries(columns.map((c, i) => [c, new Slot(i)])))
            .where("id", "=", new Slot(columns.length))
            .where("state", "=", "leased")
            .where("lease_token", "=", new Slot(columns.length + 1)),
        values,
      ),
    );
    if (Number(result.numAffectedRows ?? 0) === 0) throw lost();
  }

  complete(job: JobHandle, checkpoint?: JobCheckpoint): Promise<void> {
    const set: Row = { state: "done", lease_token: null, lease_expires_ms: null, updated_at: this.context.nowIso() };
    if (checkpoint !== undefined) set.checkpoint = JSON.stringify(checkpoint);
    return this.onLease(job, set, "complete");
  }

  fail(job: JobHandle, failure: FailOptions): Promise<void> {
    return this.onLease(
      job,
      {
        state: failure.retry === true ? "pending" : "failed",
        last_error_kind: failure.errorKind,
        last_error_message: this.context.scrub(failure.message),
        lease_token: null,
        lease_expires_ms: null,
        updated_at: this.context.nowIso(),
      },
      "fail",
    );
  }

  checkpoint(job: JobHandle, checkpoint: JobCheckpoint): Promise<void> {
    return this.onLease(
      job,
      { checkpoint: JSON.stringify(checkpoint), updated_at: this.context.nowIso() },
      "checkpoint",
    );
  }

  release(job: JobHandle): Promise<void> {
    return this.onLease(
      job,
      { state: "pending", lease_token: null, lease_expires_ms: null, updated_at: this.context.nowIso() },
      "release",
    );
  }

  recoverLeases(runId: string | undefined, options: { owner?: string }): Promise<number> {
    const now = this.context.nowIso();
    return this.context.run(async (db) => {
      let query = db
        .updateTable("jobs")
        .set({ state: "pending", lease_token: null, lease_expires_ms: null, updated_at: now })
        .where("state", "=", "leased");
      if (runId !== undefined) query = query.where("run_id", "=", runId);
      if (options.owner !== undefined) query = query.where("lease_owner", "=", options.owner);
      return Number((await query.executeTakeFirst()).numUpdatedRows);
    });
  }

  async list(runId: string, filter: { state?: JobState; limit?: number }): Promise<Job[]> {
    const rows = await this.context.run((db) => {
      let query = db.selectFrom("jobs").selectAll().where("run_id", "=", runId).orderBy("id");
      if (filter.state !== undefined) query = query.where("state", "=", filter.state);
      if (filter.limit !== undefined) query = query.limit(filter.limit);
      return query.execute();
    });
    return rows.map(rowToJob);
  }

  async counts(runId: string): Promise<Record<JobState, number>> {
    const counts: Record<JobState, number> = { pending: 0, leased: 0, done: 0, failed: 0 };
    const rows = await this.context.run((db) =>
      db
        .selectFrom("jobs")
        .select((eb) => ["state", eb.fn.countAll().as("n")])
        .where("run_id", "=", runId)
        .groupBy("state")
        .execute(),
    );
    for (const r of rows) counts[r.state as JobState] = Number(r.n);
    return counts;
  }
}

function ttlOf(ttlMs: number | undefined): number {
  const ttl = ttlMs ?? DEFAULT_LEASE_TTL_MS;
  if (!Number.isFinite(ttl) || ttl <= 0)
    throw new InvalidInputError(`A lease lasts a positive number of ms, not ${ttl}`);
  return Math.trunc(ttl);
}

/**
 * The lease, with slots: 0 run id, 1 now (ms), 2 limit, 3 the lease's random part, 4 owner, 5 expiry (ms),
 * 6 now (ISO), then the kinds (when given).
 */
function leaseQuery(db: Db, context: SqlContext, kinds: number | null) {
  const [runId, nowMs, limit, token, owner, expires, now] = slots(7);
  let free = db
    .selectFrom("jobs")
    .select("id")
    .where("run_id", "=", runId)
    .where((eb) =>
      eb.or([
        eb("state", "=", "pending"),
        eb.and([
          eb("state", "=", "leased"),
          eb.or([eb("lease_expires_ms", "is", null), eb("lease_expires_ms", "<=", nowMs)]),
        ]),
      ]),
    )
    .orderBy("priority", "desc")
    .orderBy("depth", "asc")
    .orderBy("id", "asc")
    .limit(limit as unknown as number);
  if (kinds !== null)
    free = free.where(
      "kind",
      "in",
      Array.from({ length: kinds }, (_, i) => new Slot(7 + i)),
    );
  return db
    .updateTable("jobs")
    .set({
      state: "leased",
      attempts: sql`attempts + 1`,
      // One random part per lease call, made unique per job by its id.
      lease_token: sql`CAST(${token} AS TEXT) || ':' || CAST(id AS TEXT)`,
      lease_owner: owner,
      lease_expires_ms: expires,
      updated_at: now,
    })
    .where("id", "in", context.dialect.lockForLease(free))
    .returningAll();
}

/** Priority (high first), then depth (low first), then enqueue order: the order the UPDATE chose them in. */
function leaseOrder(a: Job, b: Job): number {
  return b.priority - a.priority || a.depth - b.depth || Number(a.id) - Number(b.id);
}

function rowToJob(r: Row): Job {
  const expires = r.lease_expires_ms === null || r.lease_expires_ms === undefined ? null : Number(r.lease_expires_ms);
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
    leaseExpiresAt: r.state === "leased" && expires !== null ? new Date(expires).toISOString() : null,
    createdAt: String(r.created_at),
    updatedAt: String(r.updated_at),
  };
}
