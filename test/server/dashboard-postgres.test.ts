/**
 * The dashboard on a Postgres database (issue #13 × #16): a run it starts goes through pg-boss, as
 * `xhs crawl --db postgres://` does, so an `xhs worker` (its module: workOpenRuns over its own store handle and
 * pg-boss) takes the run's jobs beside the dashboard's own session; together they finish it, and no job is run
 * twice. A pause from the dashboard stops the worker too, which takes none of the run's jobs until the resume.
 * Runs when XHS_TEST_DATABASE_URL is set (CI sets it).
 */
import { describe, expect, it } from "vitest";
import { workOpenRuns } from "../../src/crawl/engine/open-runs.js";
import { createDashboard } from "../../src/dashboard/index.js";
import { createApp } from "../../src/server/app.js";
import { createServerRuntime } from "../../src/service/runtime.js";
import { openPostgresStore } from "../../src/store/postgres/open.js";
import { startPgBossQueue } from "../../src/store/sql/pgboss/start.js";
import { createFakeClient } from "../crawl/fake-client.js";
import { freshPostgresDatabase, hasPostgres } from "../support/services.js";

const WRITE = "pg-control-token-0123456789abcdef";

/**
 * A dashboard over a fresh Postgres database (its own client slow, so a worker has jobs to take), and beside it what
 * an `xhs worker` holds: its own store handle, pg-boss and client. `close` ends all of it and drops the database.
 */
async function dashboardWithWorker(label: string, workerLatencyMs?: number) {
  const database = await freshPostgresDatabase(label);
  const store = await openPostgresStore(database.url);
  const dashboardClient = createFakeClient({ latencyMs: 40 });
  const dashboard = createDashboard({ store, client: dashboardClient, assetsDir: "/nonexistent" });
  const app = createApp({
    runtime: createServerRuntime({ client: dashboardClient }),
    rateLimit: false,
    mcp: false,
    dashboard: { app: dashboard.app, writeToken: WRITE },
  });
  const post = (path: string, body: unknown) =>
    app.request(`http://127.0.0.1:8787${path}`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${WRITE}` },
      body: JSON.stringify(body),
    });
  const workerStore = await openPostgresStore(database.url);
  const boss = await startPgBossQueue(database.url, workerStore, { deliveryExpirySeconds: 30 });
  const workerClient = createFakeClient(workerLatencyMs === undefined ? {} : { latencyMs: workerLatencyMs });
  const close = async () => {
    await dashboard.close();
    await boss.stop();
    await workerStore.close();
    await store.close();
    await database.drop();
  };
  return { store, dashboard, dashboardClient, post, workerStore, boss, workerClient, close };
}

describe.skipIf(!hasPostgres())("dashboard on Postgres", () => {
  it("starts a run through pg-boss that an xhs worker shares to the end, with no job run twice", async () => {
    const { store, dashboard, dashboardClient, post, workerStore, boss, workerClient, close } =
      await dashboardWithWorker("dashpg");
    try {
      const started = await post("/api/dashboard/runs", { keyword: "露营", limit: 12, comments: 4, maxCalls: 1000 });
      expect(started.status).toBe(202);
      const { runId } = (await started.json()) as { runId: string };

      // The start answers once the run exists; its seed jobs follow (a worker started before them finds nothing to do).
      const known = async () => Object.values(await store.jobCounts(runId)).reduce((a, b) => a + b, 0);
      for (let i = 0; i < 400 && (await known()) === 0; i += 1) await new Promise((resolve) => setTimeout(resolve, 10));
      const results = await workOpenRuns(
        { client: workerClient, store: workerStore, queue: boss.queue },
        { concurrency: 3, untilIdle: true, pollMs: 50, leaseTtlMs: 30_000 },
      );
      expect(results.map((r) => r.runId)).toContain(runId);
      for (let i = 0; i < 400 && (await store.getRun(runId))?.status === "running"; i += 1) {
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      for (let i = 0; i < 400 && dashboard.control?.active(runId); i += 1) {
        await new Promise((resolve) => setTimeout(resolve, 25));
      }

      const run = await store.getRun(runId);
      expect(run?.status).toBe("completed");
      const jobs = await store.listJobs(runId, { limit: 10_000 });
      expect(jobs.length).toBeGreaterThan(12);
      expect(jobs.filter((j) => j.state !== "done")).toEqual([]);
      // Each job was leased once: neither process ran one the other had.
      expect(jobs.filter((j) => j.attempts !== 1).map((j) => j.key)).toEqual([]);
      // Both worked on it, and no note's detail was fetched by both.
      expect(workerClient.calls.length).toBeGreaterThan(0);
      expect(dashboardClient.calls.length).toBeGreaterThan(0);
      const details = [...workerClient.calls, ...dashboardClient.calls].filter((c) => c.capability === "note");
      expect(details).toHaveLength(12);
      expect(new Set(details.map((c) => c.id)).size).toBe(12);
      // The budget the dashboard gave is the run's, for the worker too.
      expect(run?.budget?.maxCalls).toBe(1000);
    } finally {
      await close();
    }
  }, 60_000);

  it("pauses the worker with the run, and the worker takes the run up again after the resume", async () => {
    const { store, dashboard, post, workerStore, boss, workerClient, close } = await dashboardWithWorker(
      "dashpause",
      20,
    );
    const stopWorker = new AbortController();
    const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
    let working: Promise<unknown> = Promise.resolve();
    const left: string[] = [];
    try {
      const started = await post("/api/dashboard/runs", { keyword: "露营", limit: 12, comments: 4, maxCalls: 1000 });
      const { runId } = (await started.json()) as { runId: string };
      working = workOpenRuns(
        { client: workerClient, store: workerStore, queue: boss.queue, signal: stopWorker.signal },
        {
          concurrency: 2,
          pollMs: 50,
          leaseTtlMs: 30_000,
          onResult: (result) => left.push(`${result.status}/${result.stopReason ?? "-"}`),
        },
      );
      for (let i = 0; i < 400 && workerClient.calls.length < 3; i += 1) await wait(10);
      expect(workerClient.calls.length).toBeGreaterThanOrEqual(3);

      expect((await post(`/api/dashboard/runs/${runId}/pause`, {})).status).toBe(200);
      // The worker's session sees the pause at its next look at the run (once a second) and leaves the run.
      for (let i = 0; i < 400 && left.length === 0; i += 1) await wait(25);
      expect(left).toEqual(["interrupted/paused"]);
      // The dashboard crawls the run too: its own session sees the pause at its own next look and gives its jobs back.
      for (let i = 0; i < 400 && dashboard.control?.active(runId); i += 1) await wait(25);
      expect((await store.jobCounts(runId)).leased).toBe(0);
      expect((await store.getRun(runId))?.status).toBe("interrupted");
      const pending = (await store.jobCounts(runId)).pending;
      expect(pending).toBeGreaterThan(0);
      const callsAtPause = workerClient.calls.length;
      await wait(1_500);
      expect(workerClient.calls.length).toBe(callsAtPause);
      expect((await store.jobCounts(runId)).pending).toBe(pending);

      expect((await post(`/api/dashboard/runs/${runId}/resume`, { maxCalls: 1000 })).status).toBe(202);
      for (let i = 0; i < 600 && (await store.getRun(runId))?.status !== "completed"; i += 1) await wait(50);
      expect((await store.getRun(runId))?.status).toBe("completed");
      expect(workerClient.calls.length).toBeGreaterThan(callsAtPause);
      const jobs = await store.jobCounts(runId);
      expect(jobs).toEqual({ pending: 0, leased: 0, done: jobs.done, failed: 0 });
      // Every note's detail was fetched and stored in full, across the pause.
      const details = (await store.listJobs(runId, { limit: 10_000 })).filter((j) => j.key.startsWith("note:"));
      expect(details.map((j) => j.state)).toEqual(Array(12).fill("done"));
      for (const job of details) expect((await store.getNote(job.key.slice(5)))?.textTruncated).toBe(false);
    } finally {
      stopWorker.abort();
      await working;
      await close();
    }
  }, 90_000);
});
