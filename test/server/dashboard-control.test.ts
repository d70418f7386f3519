/**
 * Start, pause and resume from the dashboard's endpoints (issue #16), against the in-process simulator: a
 * started run shows as running, a pause saves it interrupted with its jobs given back, a resume finishes it,
 * and the run's jobs end the same as an uninterrupted crawl's would (every job done, none failed). A run crawled by
 * another process (another store handle on the same file) shows the budget it was given and the breakers that
 * process wrote (stale once it is silent), and a pause from here stops that process too.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createClient } from "../../src/client/create-client.js";
import type { ClientStats } from "../../src/core/types.js";
import { runCrawl } from "../../src/crawl/engine.js";
import { normalizePlan } from "../../src/crawl/plan/normalize.js";
import { createDashboard, type Dashboard } from "../../src/dashboard/index.js";
import { createApp } from "../../src/server/app.js";
import { createServerRuntime } from "../../src/service/runtime.js";
import { createSimulator } from "../../src/simulator/index.js";
import { openSqliteStore, type SqliteStore } from "../../src/store/sqlite/sqlite-store.js";
import { createFakeClient } from "../crawl/fake-client.js";

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
    // Named after its keyword, in the runs list too (not one "控制台" for every run).
    const listed = await get<{ runs: { id: string; name: string | null }[] }>("/api/dashboard/runs");
    expect(listed.runs.find((r) => r.id === runId)?.name).toBe("控制台：露营");
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
    // The live stream of the paused run: its progress, then "end"; its last numbers are the detail's.
    const stream = await (await app.request(`http://127.0.0.1:8787/api/dashboard/runs/${runId}/events`)).text();
    const events = [...stream.matchAll(/event: (\w+)\ndata: (.*)\n/g)].map((m) => ({ event: m[1], data: m[2]! }));
    expect(events.map((e) => e.event).at(-1)).toBe("end");
    const lastProgress = JSON.parse(events.filter((e) => e.event === "progress").at(-1)!.data) as {
      status: string;
      jobs: Record<string, number>;
      calls: number;
    };
    const detail = await get<{ summary: { jobs: Record<string, number>; calls: number } }>(
      `/api/dashboard/runs/${runId}`,
    );
    expect(lastProgress.status).toBe("interrupted");
    expect(lastProgress.jobs).toEqual(detail.summary.jobs);
    expect(lastProgress.calls).toBe(detail.summary.calls);
    // Pausing again: the run is not running any more.
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
    // The budget stored with the run: the resume's, counted from the calls made before it.
    const stored = (await store.getRun(runId))?.budget;
    expect(stored?.maxCalls).toBe(500);
    expect(stored?.callsBefore).toBeGreaterThan(0);
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

  it("shows a run another process crawls: its stored budget, its breakers (stale once it is silent); a pause here stops it", async () => {
    const other = openSqliteStore(path.join(dir, "x.db"));
    const noteId = (n: number): string => `bb${n.toString(16).padStart(22, "0")}`;
    const plan = normalizePlan(
      { seeds: { notes: Array.from({ length: 6 }, (_, i) => noteId(i + 1)) }, expand: { comments: false } },
      "other process",
    );
    // The other process's client has one series open; its clock is two minutes behind, so by the time the
    // dashboard reads, its snapshot is older than 60 s.
    const ticks: (() => void)[] = [];
    let release: () => void = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    const fake = createFakeClient({ during: ({ n }) => (n === 3 ? held : Promise.resolve()) });
    const client = {
      ...fake,
      stats: () => ({ bySeries: { app_v2: { breakers: { note: "open" } } } }) as unknown as ClientStats,
    };
    let runId = "";
    const crawling = runCrawl(
      {
        client,
        store: other,
        queue: other,
        clock: { now: () => Date.now() - 120_000 },
        watchEvery: (_ms, tick) => {
          ticks.push(tick);
          return () => ticks.splice(ticks.indexOf(tick), 1);
        },
        onRunOpened: (id) => {
          runId = id;
        },
      },
      { plan, concurrency: 1, budget: { maxCalls: 40, maxCostUsd: 2 } },
    );
    while (fake.calls.length < 3) await new Promise((resolve) => setTimeout(resolve, 2));

    type Detail = {
      summary: { status: string; budget: { maxCalls: number; maxCostUsd: number; callsUsed: number } | null };
      health: { series: string; breaker: { state: string; openedAt: string | null; stale: boolean } | null }[];
      runHealth: { writers: { writer: string; stale: boolean }[] };
    };
    const detail = await get<Detail>(`/api/dashboard/runs/${runId}`);
    expect(detail.summary.status).toBe("running");
    expect(detail.summary.budget).toMatchObject({ maxCalls: 40, maxCostUsd: 2, callsUsed: 2 });
    const appV2 = detail.health.find((h) => h.series === "app_v2");
    expect(appV2?.breaker?.state).toBe("open");
    expect(appV2?.breaker?.stale).toBe(true);
    expect(detail.runHealth.writers).toHaveLength(1);
    const list = await get<{ runs: { id: string; budget: { maxCalls: number } | null }[] }>("/api/dashboard/runs");
    expect(list.runs.find((r) => r.id === runId)?.budget?.maxCalls).toBe(40);

    // Paused from here: the other process stops at its next look at the run, its jobs given back.
    const paused = await post(`/api/dashboard/runs/${runId}/pause`, {});
    expect(paused.status).toBe(200);
    // The page's live stream, opened at once: the run says paused but the other process still holds a job.
    const streamed = Promise.resolve(app.request(`http://127.0.0.1:8787/api/dashboard/runs/${runId}/events`)).then(
      (r: Response) => r.text(),
    );
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect((await store.jobCounts(runId)).leased).toBe(1);
    for (const tick of [...ticks]) tick();
    await new Promise((resolve) => setTimeout(resolve, 20));
    release();
    const result = await crawling;
    // The stream ended only once that process let go: its last numbers are the store's, not the ones at the pause.
    const events = [...(await streamed).matchAll(/event: (\w+)\ndata: (.*)\n/g)].map((m) => ({
      event: m[1],
      data: m[2]!,
    }));
    expect(events.at(-1)?.event).toBe("end");
    const last = JSON.parse(events.filter((e) => e.event === "progress").at(-1)!.data) as {
      jobs: Record<string, number>;
      calls: number;
    };
    expect(last.jobs).toEqual(await store.jobCounts(runId));
    expect(last.jobs.leased).toBe(0);
    expect(last.calls).toBe((await store.ledgerTotals({ runId })).calls);
    expect(result.stopReason).toBe("paused");
    expect(fake.calls).toHaveLength(3);
    const after = await store.getRun(runId);
    expect(after?.status).toBe("interrupted");
    expect((await store.jobCounts(runId)).leased).toBe(0);
    await other.close();
  });
});
