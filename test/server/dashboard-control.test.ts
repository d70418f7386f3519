/**
 * Start, pause and resume from the dashboard's endpoints (issue #16), against the in-process simulator: a
 * started run shows as running, a pause saves it interrupted with its jobs given back, a resume finishes it,
 * and the run's jobs end the same as an uninterrupted crawl's would (every job done, none failed).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createClient } from "../../src/client/create-client.js";
import { createDashboard, type Dashboard } from "../../src/dashboard/index.js";
import { createApp } from "../../src/server/app.js";
import { createServerRuntime } from "../../src/service/runtime.js";
import { createSimulator } from "../../src/simulator/index.js";
import { openSqliteStore, type SqliteStore } from "../../src/store/sqlite/sqlite-store.js";

const WRITE = "control-token-0123456789abcdef";
let dir = "";
let store: SqliteStore;
let dashboard: Dashboard;
let app: ReturnType<typeof createApp>;

beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), "xhs-dash-control-"));
  store = openSqliteStore(path.join(dir, "x.db"));
  const sim = createSimulator({ seed: 3, rateLimit: 0 });
  // Each call waits a little, so a pause lands while jobs are still queued.
  const fetch: typeof globalThis.fetch = async (input, init) => {
    await new Promise((resolve) => setTimeout(resolve, 30));
    return sim.fetch(input, init);
  };
  const client = createClient({ apiKey: "sk-control-0123456789", fetch, baseUrl: sim.url, qps: 0 });
  dashboard = createDashboard({ store, client, assetsDir: path.join(dir, "none") });
  app = createApp({
    runtime: createServerRuntime({ client }),
    rateLimit: false,
    mcp: false,
    dashboard: { app: dashboard.app, writeToken: WRITE },
  });
});

afterEach(async () => {
  await dashboard.close();
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

const post = (p: string, body: unknown) =>
  app.request(`http://127.0.0.1:8787${p}`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${WRITE}` },
    body: JSON.stringify(body),
  });
const get = async <T>(p: string): Promise<T> => (await app.request(`http://127.0.0.1:8787${p}`)).json() as Promise<T>;

describe("run control", () => {
  it("starts a run, pauses it (interrupted, jobs given back), resumes it to the end", async () => {
    const started = await post("/api/dashboard/runs", { keyword: "露营", limit: 6, comments: 5, maxCalls: 500 });
    expect(started.status).toBe(202);
    const { runId } = (await started.json()) as { runId: string };
    expect((await store.getRun(runId))?.status).toBe("running");
    // A second start while one runs is refused: one dashboard run at a time.
    expect((await post("/api/dashboard/runs", { keyword: "美食", maxCalls: 10 })).status).toBe(409);

    // Pause as soon as the first job is done (a fixed wait let a quick machine finish the whole run first).
    for (let i = 0; i < 400 && ((await store.jobCounts(runId)).done ?? 0) < 1; i += 1) {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    const paused = await post(`/api/dashboard/runs/${runId}/pause`, {});
    expect(paused.status).toBe(200);
    const afterPause = await store.getRun(runId);
    expect(afterPause?.status).toBe("interrupted");
    const jobs = await store.jobCounts(runId);
    expect(jobs.leased).toBe(0);
    expect(jobs.pending).toBeGreaterThan(0);
    // Pausing again: this server crawls nothing now.
    expect((await post(`/api/dashboard/runs/${runId}/pause`, {})).status).toBe(409);

    const resumed = await post(`/api/dashboard/runs/${runId}/resume`, { maxCalls: 500 });
    expect(resumed.status).toBe(202);
    for (let i = 0; i < 400 && (await store.getRun(runId))?.status === "running"; i += 1) {
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    const end = await get<{ summary: { status: string; jobs: Record<string, number> }; budget: { maxCalls: number } }>(
      `/api/dashboard/runs/${runId}`,
    );
    expect(end.summary.status).toBe("completed");
    expect(end.summary.jobs.pending).toBe(0);
    expect(end.summary.jobs.failed).toBe(0);
    expect(end.budget.maxCalls).toBe(500);
    expect((await post(`/api/dashboard/runs/${runId}/resume`, { maxCalls: 5 })).status).toBe(409);
  }, 30_000);

  it("refuses a start without a call limit or with a bad keyword before any call", async () => {
    const noBudget = await post("/api/dashboard/runs", { keyword: "露营" });
    expect(noBudget.status).toBe(400);
    expect(((await noBudget.json()) as { detail: string }).detail).toContain("maxCalls");
    const badKeyword = await post("/api/dashboard/runs", { keyword: "   ", maxCalls: 5 });
    expect(badKeyword.status).toBe(400);
    expect(await store.listRuns()).toEqual([]);
    expect((await store.ledgerTotals()).calls).toBe(0);
    expect((await post("/api/dashboard/runs/nope-run/resume", { maxCalls: 5 })).status).toBe(404);
  });
});
