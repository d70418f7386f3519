/**
 * The pg-boss queue over the Postgres store's jobs table, against a real server (XHS_TEST_DATABASE_URL): the
 * table keeps the record (dedupe, checkpoint, state), pg-boss decides who gets what and when a dead worker's
 * job comes back. Expiry is pg-boss's own (started_on + expire_in < now(), checked by its maintenance), so the
 * tests that need it run the maintenance step themselves (`boss.expire()`) instead of waiting for its timer.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LeaseLostError } from "../../src/store/errors.js";
import type { NewJob } from "../../src/store/port.js";
import { openPostgresStore } from "../../src/store/postgres/open.js";
import { bossIdOf, bossPriority, queueNameOf } from "../../src/store/sql/pgboss/pgboss-queue.js";
import { type StartedPgBossQueue, startPgBossQueue } from "../../src/store/sql/pgboss/start.js";
import type { SqlStore } from "../../src/store/sql/sql-store.js";
import { type FreshDatabase, freshPostgresDatabase, hasPostgres } from "../support/services.js";

describe("pg-boss priorities and tokens", () => {
  it("orders by priority first, then the shallower job first", () => {
    expect(bossPriority(30, 5)).toBeGreaterThan(bossPriority(25, 0));
    expect(bossPriority(10, 0)).toBeGreaterThan(bossPriority(10, 1));
    expect(bossPriority(10, 5000)).toBe(bossPriority(10, 999));
  });
  it("names the pg-boss job in the lease token, and only in tokens it made", () => {
    expect(bossIdOf("6f1c2a6e-0000-4000-8000-000000000000/abc")).toBe("6f1c2a6e-0000-4000-8000-000000000000");
    expect(bossIdOf("opaque:12")).toBeNull();
    expect(bossIdOf(null)).toBeNull();
    expect(queueNameOf("20260101-000000-abc.def")).toBe("xhs-run-20260101-000000-abc_def");
  });
});

describe.skipIf(!hasPostgres())("pg-boss queue on Postgres", () => {
  let database: FreshDatabase;
  let store: SqlStore;
  let started: StartedPgBossQueue;
  let runCounter = 0;

  beforeAll(async () => {
    database = await freshPostgresDatabase("pgboss_queue");
    store = await openPostgresStore(database.url);
    started = await startPgBossQueue(database.url, store, { superviseIntervalSeconds: 600, retryDelaySeconds: 1 });
  });
  afterAll(async () => {
    await started?.stop();
    await store?.close();
    await database?.drop();
  });

  async function newRun(): Promise<string> {
    runCounter += 1;
    const run = await store.createRun({ id: `run-${runCounter}`, status: "running" });
    return run.id;
  }
  const job = (runId: string, key: string, priority = 0, depth = 0): NewJob => ({
    runId,
    key,
    kind: "note",
    payload: { key },
    priority,
    depth,
  });

  it("delivers each key once, by priority then depth, and the table counts it", async () => {
    const runId = await newRun();
    const { queue } = started;
    expect(await queue.enqueueMany([job(runId, "low", 5), job(runId, "deep", 20, 2), job(runId, "top", 20, 0)])).toBe(
      3,
    );
    expect((await queue.enqueue(job(runId, "top", 20, 0))).added).toBe(false);
    const order: string[] = [];
    for (;;) {
      const [next] = await queue.lease(runId, { owner: "w1", ttlMs: 30_000 });
      if (!next) break;
      order.push(next.key);
      await queue.complete(next);
    }
    expect(order).toEqual(["top", "deep", "low"]);
    expect(await queue.jobCounts(runId)).toEqual({ pending: 0, leased: 0, done: 3, failed: 0 });
  });

  it("gives a released job back at once, checkpoint kept, and refuses the old lease", async () => {
    const runId = await newRun();
    const { queue } = started;
    await queue.enqueue(job(runId, "list"));
    const [first] = await queue.lease(runId, { owner: "w1", ttlMs: 30_000 });
    expect(first?.state).toBe("leased");
    await queue.checkpoint(first!, { cursor: "page-2", itemsSoFar: 20 });
    await queue.release(first!);
    const [again] = await queue.lease(runId, { owner: "w2", ttlMs: 30_000 });
    expect(again?.key).toBe("list");
    expect(again?.checkpoint).toEqual({ cursor: "page-2", itemsSoFar: 20 });
    expect(again?.attempts).toBe(2);
    await expect(queue.complete(first!)).rejects.toBeInstanceOf(LeaseLostError);
    await queue.complete(again!);
    expect((await queue.getJob(runId, "list"))?.state).toBe("done");
  });

  it("hands a job whose worker stopped renewing to another once pg-boss expires it", async () => {
    const runId = await newRun();
    const { queue, boss } = started;
    await queue.enqueue(job(runId, "stuck"));
    const [held] = await queue.lease(runId, { owner: "dead-worker", ttlMs: 1_000 });
    expect(held).toBeDefined();
    // A live lease is never taken: nothing to fetch while it runs.
    expect(await queue.lease(runId, { owner: "w2" })).toEqual([]);
    // pg-boss's clock is the database's: wait until its expiry has passed, run its maintenance step, and the
    // job comes back after the first retry delay (bounded loop, no timed assertion).
    let taken: Awaited<ReturnType<typeof queue.lease>> = [];
    for (let i = 0; i < 100 && taken.length === 0; i += 1) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      await boss.expire();
      taken = await queue.lease(runId, { owner: "w2", ttlMs: 30_000 });
    }
    expect(taken.map((j) => j.key)).toEqual(["stuck"]);
    expect(taken[0]?.leaseOwner).toBe("w2");
    await expect(queue.complete(held!)).rejects.toBeInstanceOf(LeaseLostError);
    await queue.complete(taken[0]!);
    expect(await queue.jobCounts(runId)).toMatchObject({ done: 1, leased: 0, pending: 0 });
  });

  it("keeps a renewed lease past its first expiry", async () => {
    const runId = await newRun();
    const { queue, boss } = started;
    await queue.enqueue(job(runId, "long"));
    const [held] = await queue.lease(runId, { owner: "alive", ttlMs: 1_000 });
    expect(await queue.renewLeases("alive", { runId, ttlMs: 60_000 })).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    await boss.expire();
    expect(await queue.lease(runId, { owner: "other" })).toEqual([]);
    await queue.complete(held!);
  });

  it("retries a failed job after pg-boss's backoff and keeps a permanent failure with its error", async () => {
    const runId = await newRun();
    const { queue } = started;
    await queue.enqueueMany([job(runId, "flaky"), job(runId, "gone")]);
    const leased = await queue.lease(runId, { owner: "w1", limit: 2, ttlMs: 30_000 });
    const flaky = leased.find((j) => j.key === "flaky")!;
    const gone = leased.find((j) => j.key === "gone")!;
    await queue.fail(gone, { errorKind: "not_found", message: "deleted", retry: false });
    await queue.fail(flaky, { errorKind: "upstream", message: "502", retry: true });
    // Not at once: pg-boss holds it for its retry delay.
    expect(await queue.lease(runId, { owner: "w1" })).toEqual([]);
    let again: Awaited<ReturnType<typeof queue.lease>> = [];
    for (let i = 0; i < 100 && again.length === 0; i += 1) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      again = await queue.lease(runId, { owner: "w1", ttlMs: 30_000 });
    }
    expect(again.map((j) => j.key)).toEqual(["flaky"]);
    expect(again[0]?.lastErrorKind).toBe("upstream");
    await queue.complete(again[0]!);
    const failed = await queue.getJob(runId, "gone");
    expect(failed).toMatchObject({ state: "failed", lastErrorKind: "not_found", lastErrorMessage: "deleted" });
  });

  it("commits a job's new jobs with the transaction, or not at all", async () => {
    const runId = await newRun();
    const { queue } = started;
    await expect(
      store.transaction(async () => {
        await queue.enqueue(job(runId, "rolled-back"));
        throw new Error("the page's writes failed");
      }),
    ).rejects.toThrow("the page's writes failed");
    expect(await queue.getJob(runId, "rolled-back")).toBeNull();
    expect(await queue.lease(runId, { owner: "w1" })).toEqual([]);
    await store.transaction(async () => {
      await queue.enqueue(job(runId, "kept"));
    });
    const [kept] = await queue.lease(runId, { owner: "w1" });
    expect(kept?.key).toBe("kept");
    await store.transaction(async () => {
      await queue.complete(kept!);
    });
    expect(await queue.jobCounts(runId)).toMatchObject({ done: 1, pending: 0, leased: 0 });
  });

  describe("when pg-boss gives up on a job (its retry limit)", () => {
    let strict: StartedPgBossQueue;
    beforeAll(async () => {
      strict = await startPgBossQueue(database.url, store, {
        superviseIntervalSeconds: 600,
        retryDelaySeconds: 1,
        retryLimit: 1,
      });
    });
    afterAll(async () => {
      await strict?.stop();
    });

    it("keeps a job that failed on its last delivery failed, with its error and why, not pending for ever", async () => {
      const runId = await newRun();
      const { queue } = strict;
      await queue.enqueue(job(runId, "flaky-always"));
      let deliveries = 0;
      for (let i = 0; i < 100 && (await queue.getJob(runId, "flaky-always"))?.state !== "failed"; i += 1) {
        const [held] = await queue.lease(runId, { owner: "w1", ttlMs: 30_000 });
        if (!held) {
          await new Promise((resolve) => setTimeout(resolve, 200));
          continue;
        }
        deliveries += 1;
        await queue.fail(held, { errorKind: "upstream", message: "502", retry: true });
      }
      // The first delivery and its one retry (retryLimit 1).
      expect(deliveries).toBe(2);
      expect(await queue.getJob(runId, "flaky-always")).toMatchObject({
        state: "failed",
        lastErrorKind: "upstream",
        lastErrorMessage: "502 (the job engine gave up after 2 deliveries)",
      });
      expect(await queue.jobCounts(runId)).toEqual({ pending: 0, leased: 0, done: 0, failed: 1 });
      expect(await queue.lease(runId, { owner: "w1" })).toEqual([]);
    });

    it("fails a job whose worker stopped on its last delivery once nothing is left to fetch, so the run can end", async () => {
      const runId = await newRun();
      const { queue, boss } = strict;
      await queue.enqueue(job(runId, "kills-its-worker"));
      // Two deliveries, each held by a worker that then stops renewing: pg-boss expires both.
      let deliveries = 0;
      for (let i = 0; i < 150 && deliveries < 3; i += 1) {
        const [held] = await queue.lease(runId, { owner: `dead-${deliveries}`, ttlMs: 1_000 });
        if (held) deliveries += 1;
        await new Promise((resolve) => setTimeout(resolve, 200));
        await boss.expire();
        if ((await queue.getJob(runId, "kills-its-worker"))?.state === "failed") break;
      }
      expect(deliveries).toBe(2);
      expect(await queue.getJob(runId, "kills-its-worker")).toMatchObject({
        state: "failed",
        lastErrorKind: "internal",
        lastErrorMessage: "its worker stopped before finishing it on each of 2 deliveries; the job engine gave up",
        leaseOwner: null,
      });
      expect(await queue.jobCounts(runId)).toEqual({ pending: 0, leased: 0, done: 0, failed: 1 });
    });
  });

  it("recovers a dead owner's leases at once", async () => {
    const runId = await newRun();
    const { queue } = started;
    await queue.enqueueMany([job(runId, "a"), job(runId, "b")]);
    await queue.lease(runId, { owner: "gone", limit: 2, ttlMs: 60_000 });
    expect(await queue.recoverLeases(runId, { owner: "gone" })).toBe(2);
    const again = await queue.lease(runId, { owner: "w2", limit: 2, ttlMs: 60_000 });
    expect(again.map((j) => j.key).sort()).toEqual(["a", "b"]);
  });
});
