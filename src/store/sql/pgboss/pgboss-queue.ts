/**
 * The crawl queue on pg-boss: the store's `jobs` table stays the record of every job (dedupe by (run, key),
 * checkpoint, attempts, last error, state for `jobCounts` and reports); pg-boss delivers them: which worker
 * gets which job (priority, then breadth-first), retries with backoff, and a dead worker's job coming back
 * once its expiry has passed. Each run has a pg-boss queue of its own, so `lease(runId)` is a fetch.
 *
 * A delivery's lease token is `<pg-boss job id>/<random>`: the jobs table checks it on every write as it
 * always did (a worker whose job was taken over cannot apply its result), and the pg-boss job is found
 * from it. Every pg-boss write goes through the store's `executeSql` (pg-boss's `db` option), so inside
 * `store.transaction` a job's page writes, its new jobs (rows and pg-boss sends) and its completion
 * commit together.
 */
import { randomUUID } from "node:crypto";
import type PgBoss from "pg-boss";
import { systemClock } from "../../../core/clock.js";
import type { Clock } from "../../../core/types.js";
import {
  DEFAULT_LEASE_TTL_MS,
  type FailOptions,
  type Job,
  type JobCheckpoint,
  type JobHandle,
  type JobQueue,
  type JobState,
  type LeaseOptions,
  type NewJob,
} from "../../port.js";

/** Runs SQL on the store's connection: inside the store's current transaction when there is one. */
export interface SqlExecutor {
  executeSql(text: string, values?: unknown[]): Promise<{ rows: Record<string, unknown>[] }>;
}

/** What a delivered pg-boss job carries: the job's key in its run (the row is the record). */
interface Delivery {
  runId: string;
  key: string;
}

/** How pg-boss retries and expires the crawl's jobs. */
export interface PgBossQueueOptions {
  /** Seconds before the first retry of a failed or expired job; doubled each retry (pg-boss backoff). */
  retryDelaySeconds?: number;
  /**
   * Deliveries after the first before pg-boss gives up on a job (default 12). The row is then failed with that
   * reason: at its last failure, or, when its worker stopped on the last delivery, once nothing is left to fetch.
   */
  retryLimit?: number;
  /**
   * How long a delivery lasts before its first lease sets it (seconds, default the default lease TTL): a worker
   * killed between pg-boss's fetch and the row's claim leaves the job to others after it.
   */
  deliveryExpirySeconds?: number;
  clock?: Clock;
}

function givenUp(deliveries: number): string {
  return `the job engine gave up after ${deliveries} deliveries`;
}

/** pg-boss queue names allow word characters and hyphens; run ids are made of both. */
export function queueNameOf(runId: string): string {
  return `xhs-run-${runId.replace(/[^\w-]/g, "_")}`;
}

/** pg-boss orders by one integer (high first): the job's priority, then lower depth first (breadth-first). */
export function bossPriority(priority: number, depth: number): number {
  const clampedDepth = Math.min(Math.max(Math.trunc(depth), 0), 999);
  return Math.trunc(priority) * 1000 + (999 - clampedDepth);
}

/** The pg-boss job id a lease token names (null for a token this queue did not make). */
export function bossIdOf(token: string | null): string | null {
  if (token === null) return null;
  const slash = token.indexOf("/");
  return slash > 0 ? token.slice(0, slash) : null;
}

export class PgBossQueue implements JobQueue {
  private readonly knownQueues = new Set<string>();
  private readonly clock: Clock;
  private readonly retryDelaySeconds: number;
  private readonly retryLimit: number;
  private readonly deliveryExpirySeconds: number;

  /**
   * @param boss a started PgBoss (its own pool serves fetches, which must not run inside a transaction).
   * @param records the store's own queue over the jobs table.
   * @param sql the store's transaction-aware executor (pg-boss's `db` for writes; the claim of a row).
   */
  constructor(
    private readonly boss: PgBoss,
    private readonly records: JobQueue,
    private readonly sql: SqlExecutor,
    options: PgBossQueueOptions = {},
  ) {
    this.clock = options.clock ?? systemClock;
    this.retryDelaySeconds = Math.max(1, Math.trunc(options.retryDelaySeconds ?? 1));
    this.retryLimit = Math.max(0, Math.trunc(options.retryLimit ?? 12));
    this.deliveryExpirySeconds = Math.max(1, Math.trunc(options.deliveryExpirySeconds ?? DEFAULT_LEASE_TTL_MS / 1000));
  }

  private get db(): PgBoss.Db {
    return { executeSql: (text, values) => this.sql.executeSql(text, values) as Promise<{ rows: unknown[] }> };
  }

  /** Creates the run's pg-boss queue once per process (createQueue itself is idempotent). */
  private async ensureQueue(runId: string): Promise<string> {
    const name = queueNameOf(runId);
    if (!this.knownQueues.has(name)) {
      await this.boss.createQueue(name, {
        name,
        retryLimit: this.retryLimit,
        retryDelay: this.retryDelaySeconds,
        retryBackoff: true,
        expireInSeconds: this.deliveryExpirySeconds,
      });
      this.knownQueues.add(name);
    }
    return name;
  }

  async enqueue(job: NewJob): Promise<{ job: Job; added: boolean }> {
    const result = await this.records.enqueue(job);
    if (result.added) await this.send([job]);
    return result;
  }

  async enqueueMany(jobs: readonly NewJob[]): Promise<number> {
    // One by one: only the jobs the table did not have yet are sent (a concurrent enqueue of the same key
    // waits for the other transaction and then adds nothing, so a key is delivered once).
    const added: NewJob[] = [];
    for (const job of jobs) {
      if ((await this.records.enqueue(job)).added) added.push(job);
    }
    await this.send(added);
    return added.length;
  }

  private async send(jobs: readonly NewJob[]): Promise<void> {
    const byRun = new Map<string, NewJob[]>();
    for (const job of jobs) byRun.set(job.runId, [...(byRun.get(job.runId) ?? []), job]);
    for (const [runId, list] of byRun) {
      const name = await this.ensureQueue(runId);
      const rows = list.map((job) => ({
        name,
        data: { runId, key: job.key } satisfies Delivery,
        priority: bossPriority(job.priority ?? 0, job.depth ?? 0),
        retryLimit: this.retryLimit,
        retryDelay: this.retryDelaySeconds,
        retryBackoff: true,
        expireInSeconds: this.deliveryExpirySeconds,
      }));
      await this.boss.insert(rows, { db: this.db });
    }
  }

  async lease(runId: string, options: LeaseOptions = {}): Promise<Job[]> {
    const name = await this.ensureQueue(runId);
    const limit = Math.max(1, Math.trunc(options.limit ?? 1));
    const ttlMs = options.ttlMs ?? DEFAULT_LEASE_TTL_MS;
    const leased: Job[] = [];
    // A delivery whose row is finished (or held by a live lease of a duplicate delivery) is dropped and the
    // next one fetched, so a few rounds may be needed to fill `limit`.
    for (let round = 0; round < 4 && leased.length < limit; round += 1) {
      const deliveries = await this.boss.fetch<Delivery>(name, { batchSize: limit - leased.length });
      if (deliveries.length === 0) {
        if (round === 0) await this.failGivenUp(runId, name);
        break;
      }
      const stale: string[] = [];
      for (const delivery of deliveries) {
        const job = await this.claim(runId, delivery.id, delivery.data.key, options.owner ?? null, ttlMs);
        if (job) leased.push(job);
        else stale.push(delivery.id);
      }
      for (const id of stale) await this.boss.complete(name, id, { dropped: true }, { db: this.db });
      if (leased.length > 0)
        await this.setExpiry(
          name,
          leased.map((job) => bossIdOf(job.leaseToken)!),
          ttlMs,
        );
    }
    return leased;
  }

  /**
   * Marks the row of a delivered job leased under a new token: a pending row, or one whose lease is this
   * same pg-boss job's earlier delivery (it expired) or has run out. Null when the row is finished or held.
   */
  private async claim(runId: string, bossId: string, key: string, owner: string | null, ttlMs: number) {
    const nowMs = this.clock.now();
    const { rows } = await this.sql.executeSql(
      `UPDATE jobs SET state = 'leased', attempts = attempts + 1, lease_token = $1, lease_owner = $2,
         lease_expires_ms = $3, updated_at = $4
       WHERE run_id = $5 AND key = $6
         AND (state = 'pending' OR (state = 'leased'
           AND (lease_token LIKE $7 OR lease_expires_ms IS NULL OR lease_expires_ms <= $8)))
       RETURNING id`,
      [
        `${bossId}/${randomUUID()}`,
        owner,
        nowMs + ttlMs,
        new Date(nowMs).toISOString(),
        runId,
        key,
        `${bossId}/%`,
        nowMs,
      ],
    );
    if (rows.length === 0) return null;
    return this.records.getJob(runId, key);
  }

  /**
   * pg-boss 10 has no heartbeat: a lease is renewed by moving the job's documented `expire_in` so that it
   * runs out `ttlMs` from now (only while the job is still active: an expired one is not revived).
   */
  private async setExpiry(name: string, bossIds: readonly string[], ttlMs: number): Promise<void> {
    if (bossIds.length === 0) return;
    await this.sql.executeSql(
      `UPDATE pgboss.job SET expire_in = (now() - started_on) + make_interval(secs => $3::float8)
       WHERE name = $1 AND id = ANY($2::uuid[]) AND state = 'active'`,
      [name, bossIds, Math.max(1, ttlMs / 1000)],
    );
  }

  async renewLeases(owner: string, options: { runId?: string; ttlMs?: number } = {}): Promise<number> {
    const ttlMs = options.ttlMs ?? DEFAULT_LEASE_TTL_MS;
    const renewed = await this.records.renewLeases(owner, options);
    if (renewed > 0 && options.runId !== undefined) {
      const held = await this.records.listJobs(options.runId, { state: "leased" });
      const ids = held.filter((job) => job.leaseOwner === owner).map((job) => bossIdOf(job.leaseToken));
      await this.setExpiry(
        queueNameOf(options.runId),
        ids.filter((id): id is string => id !== null),
        ttlMs,
      );
    }
    return renewed;
  }

  async complete(job: JobHandle, checkpoint?: JobCheckpoint): Promise<void> {
    // The row first: a stale token throws before pg-boss is told anything.
    await this.records.complete(job, checkpoint);
    await this.finishDelivery(job, {});
  }

  async fail(job: JobHandle, failure: FailOptions): Promise<void> {
    const bossId = bossIdOf(job.leaseToken);
    let outcome = failure;
    if (failure.retry === true && bossId !== null) {
      // pg-boss would give up on this delivery instead of retrying it: the row must say failed, not pending
      // (a pending row no delivery will ever hand out keeps its run open for good).
      const deliveries = await this.deliveriesIfLast(bossId);
      if (deliveries !== null) {
        outcome = { ...failure, retry: false, message: `${failure.message} (${givenUp(deliveries)})` };
      }
    }
    await this.records.fail(job, outcome);
    const runId = await this.runOf(job);
    if (bossId === null || runId === null) return;
    const name = queueNameOf(runId);
    if (outcome.retry === true) {
      // pg-boss retries it after its backoff (retry_delay × 2^retries, jittered).
      await this.boss.fail(name, bossId, { errorKind: failure.errorKind }, { db: this.db });
    } else {
      // Failed for good: the row keeps the error; the delivery ends.
      await this.boss.complete(name, bossId, { failed: failure.errorKind }, { db: this.db });
    }
  }

  /** How many times the pg-boss job was delivered, when this delivery is its last (no retry left); else null. */
  private async deliveriesIfLast(bossId: string): Promise<number | null> {
    const { rows } = await this.sql.executeSql(
      "SELECT retry_count, retry_limit FROM pgboss.job WHERE id = $1::uuid AND retry_count >= retry_limit",
      [bossId],
    );
    const row = rows[0];
    return row === undefined ? null : Number(row.retry_count) + 1;
  }

  /**
   * Rows whose delivery pg-boss gave up on after its last expiry (the worker holding it stopped every time: killed,
   * cut off) are failed with that reason: nothing would ever deliver them again. Looked for when nothing is left
   * to fetch, so the run can end.
   */
  private async failGivenUp(runId: string, name: string): Promise<void> {
    const nowMs = this.clock.now();
    await this.sql.executeSql(
      `UPDATE jobs SET state = 'failed', last_error_kind = 'internal',
         last_error_message = 'its worker stopped before finishing it on each of ' || (b.retry_count + 1)
           || ' deliveries; the job engine gave up',
         lease_token = NULL, lease_owner = NULL, lease_expires_ms = NULL, updated_at = $3
       FROM pgboss.job b
       WHERE jobs.run_id = $1 AND jobs.state = 'leased' AND (jobs.lease_expires_ms IS NULL OR jobs.lease_expires_ms <= $4)
         AND b.name = $2 AND b.state = 'failed' AND b.id::text = split_part(jobs.lease_token, '/', 1)`,
      [runId, name, new Date(nowMs).toISOString(), nowMs],
    );
  }

  checkpoint(job: JobHandle, checkpoint: JobCheckpoint): Promise<void> {
    return this.records.checkpoint(job, checkpoint);
  }

  async release(job: JobHandle): Promise<void> {
    const runId = await this.runOf(job);
    await this.records.release(job);
    const bossId = bossIdOf(job.leaseToken);
    if (bossId !== null && runId !== null) await this.redeliverNow(queueNameOf(runId), [bossId]);
  }

  async recoverLeases(runId?: string, options: { owner?: string } = {}): Promise<number> {
    const held =
      runId === undefined
        ? []
        : (await this.records.listJobs(runId, { state: "leased" })).filter(
            (job) => options.owner === undefined || job.leaseOwner === options.owner,
          );
    const recovered = await this.records.recoverLeases(runId, options);
    if (runId !== undefined) {
      const ids = held.map((job) => bossIdOf(job.leaseToken)).filter((id): id is string => id !== null);
      await this.redeliverNow(queueNameOf(runId), ids);
    }
    return recovered;
  }

  /** Back to pg-boss's `created` state at once, through its documented cancel and resume. */
  private async redeliverNow(name: string, bossIds: readonly string[]): Promise<void> {
    if (bossIds.length === 0) return;
    await this.boss.cancel(name, [...bossIds], { db: this.db });
    await this.boss.resume(name, [...bossIds], { db: this.db });
  }

  private async finishDelivery(job: JobHandle, output: object): Promise<void> {
    const bossId = bossIdOf(job.leaseToken);
    const runId = await this.runOf(job);
    if (bossId === null || runId === null) return;
    await this.boss.complete(queueNameOf(runId), bossId, output, { db: this.db });
  }

  /** The run of a job handle (handles carry only id and token). */
  private async runOf(job: JobHandle): Promise<string | null> {
    const full = job as Partial<Job>;
    if (typeof full.runId === "string") return full.runId;
    const { rows } = await this.sql.executeSql("SELECT run_id FROM jobs WHERE id = $1", [Number(job.id)]);
    return (rows[0]?.run_id as string | undefined) ?? null;
  }

  getJob(runId: string, key: string): Promise<Job | null> {
    return this.records.getJob(runId, key);
  }

  listJobs(runId: string, filter?: { state?: JobState; limit?: number }): Promise<Job[]> {
    return this.records.listJobs(runId, filter);
  }

  jobCounts(runId: string): Promise<Record<JobState, number>> {
    return this.records.jobCounts(runId);
  }
}
