/**
 * Calls already sent when a session stops (issue #13, QA: 270 billed by the simulator, 269 in the ledger). A budget
 * stop, the session's own or the run's stored one, takes no new job but lets calls in flight end and be stored:
 * TikHub bills a request on arrival. A pause aborts them, and the ledger then records each as possibly billed
 * (billable at full price, no status), never as unbilled. Against the in-process simulator (it bills on arrival) on
 * a fake clock; each answer is held a set virtual time after it was billed, so several calls are in flight at once.
 */
import { describe, expect, it } from "vitest";
import { createClient } from "../../src/client/create-client.js";
import { createFakeClock, type FakeClock } from "../../src/core/clock.js";
import { AbortedError } from "../../src/core/errors.js";
import { enqueueRun } from "../../src/crawl/engine/enqueue-run.js";
import { markPaused } from "../../src/crawl/engine/pause.js";
import { CrawlSession } from "../../src/crawl/engine/session.js";
import { runCrawl } from "../../src/crawl/engine.js";
import { normalizePlan } from "../../src/crawl/plan/normalize.js";
import { createSimulator, keyId, type Simulator } from "../../src/simulator/index.js";
import { openSqliteStore, type SqliteStore } from "../../src/store/sqlite/sqlite-store.js";
import { runOn } from "../client/sim-helpers.js";

const KEY = "budget-in-flight-key";

/** The n-th request (1-based) is answered `delayMs(n)` virtual ms after the simulator billed it, unless aborted. */
function heldFetch(sim: Simulator, fake: FakeClock, delayMs: (n: number) => number) {
  let n = 0;
  return (async (input: string | URL | Request, init?: RequestInit) => {
    n += 1;
    const answer = await sim.fetch(input, init);
    try {
      await fake.sleep(delayMs(n), init?.signal ?? undefined);
    } catch {
      throw new AbortedError("the caller aborted");
    }
    return answer;
  }) as typeof globalThis.fetch;
}

function rig() {
  const fake = createFakeClock(Date.UTC(2026, 0, 15));
  const sim = createSimulator({ seed: 7, rateLimit: 0, faults: "healthy", clock: fake.clock, sleep: fake.sleep });
  const store: SqliteStore = openSqliteStore(":memory:");
  // Image notes: one call each (no type detection), so a job is one call and one stored note.
  const notes = sim.world
    .notes()
    .filter((note) => note.type === "normal")
    .slice(0, 8)
    .map((note) => note.id);
  const plan = normalizePlan({ seeds: { notes }, expand: { comments: false } }, "in-flight");
  const client = (delayMs: (n: number) => number) =>
    createClient({
      apiKey: KEY,
      fetch: heldFetch(sim, fake, delayMs),
      baseUrl: sim.url,
      clock: fake.clock,
      sleep: fake.sleep,
      qps: 0,
      hedge: false,
      maxRetries: 0,
    });
  const ticks: (() => void)[] = [];
  const watchEvery = (_ms: number, tick: () => void) => {
    ticks.push(tick);
    return () => ticks.splice(ticks.indexOf(tick), 1);
  };
  const deps = { store, queue: store, clock: fake.clock, sleep: fake.sleep, watchEvery, every: () => () => {} };
  const billed = () => sim.ledger.spent(keyId(KEY));
  return { fake, sim, store, plan, client, deps, ticks, billed, run: runOn(fake) };
}

describe("a budget stop with calls in flight", () => {
  it("the session's budget reached while 3 calls are in flight: all 3 answers stored, none aborted, billed = ledger", async () => {
    const r = rig();
    // Three workers send at once; the first answer comes at 1 s (the budget of 1 call is then spent), the others later.
    const result = await r.run(
      runCrawl(
        { ...r.deps, client: r.client((n) => n * 1000) },
        { plan: r.plan, concurrency: 3, budget: { maxCalls: 1 } },
      ),
    );
    expect(result.status).toBe("partial");
    expect(result.stopReason).toBe("budget");
    expect(result.report.stopMessage).toBe("--max-calls 1 reached");
    expect(result.report.jobs).toMatchObject({ done: 3, pending: 5, leased: 0, failed: 0 });
    expect(result.report.items.notes).toMatchObject({ new: 3 });
    const entries = await r.store.ledgerEntries({ runId: result.runId, limit: 100 });
    expect(entries.map((e) => e.outcome)).toEqual(["ok", "ok", "ok"]);
    expect(r.billed().billableCalls).toBe(3);
    expect(result.report.calls).toMatchObject({ calls: 3, billableCalls: 3 });
    expect(result.report.calls.costUsd).toBeCloseTo(r.billed().usd, 9);
    // No call went out after the stop: every job done is one the budget let start.
    expect(r.sim.ledger.snapshot().totals.calls).toBe(3);
    await r.store.close();
  });

  it("the run's stored budget, two sessions on one store: every call sent is stored, billed = ledger", async () => {
    const r = rig();
    const { run } = await enqueueRun({ store: r.store, queue: r.store }, { plan: r.plan, budget: { maxCalls: 3 } });
    // Each session's n-th call answers n × 1 s (A) or n × 1 s + 0.5 s (B) after it was sent.
    const sessionA = runCrawl(
      { ...r.deps, client: r.client((n) => n * 1000) },
      { runId: run.id, shared: true, concurrency: 2 },
    );
    const sessionB = runCrawl(
      { ...r.deps, client: r.client((n) => n * 1000 + 500) },
      { runId: run.id, shared: true, concurrency: 2 },
    );
    // Each second both sessions re-read what the run spent (run-watch.ts), as their watches would.
    let watching = true;
    const watch = (async () => {
      while (watching) {
        await r.fake.sleep(1000);
        for (const tick of [...r.ticks]) tick();
      }
    })();
    const [a, b] = await r.run(Promise.all([sessionA, sessionB]));
    watching = false;
    await r.run(watch);
    for (const result of [a, b]) {
      expect(result.status).toBe("partial");
      expect(result.stopReason).toBe("budget");
    }
    const entries = await r.store.ledgerEntries({ runId: run.id, limit: 100 });
    expect(entries.length).toBeGreaterThanOrEqual(3);
    expect(entries.filter((e) => e.outcome !== "ok")).toEqual([]);
    // Every call the simulator billed is in the ledger, and its note stored by a job done.
    expect(entries.filter((e) => e.billable)).toHaveLength(r.billed().billableCalls);
    const jobs = await r.store.jobCounts(run.id);
    expect(jobs.done).toBe(entries.length);
    expect(jobs.leased).toBe(0);
    expect(jobs.pending).toBe(8 - entries.length);
    await r.store.close();
  });
});

describe("a pause with a call in flight", () => {
  it("aborts it, and the ledger records it as possibly billed: billable at full price, with no status", async () => {
    const r = rig();
    let runId = "";
    const crawling = runCrawl(
      {
        ...r.deps,
        client: r.client(() => 10_000),
        onRunOpened: (id) => {
          runId = id;
        },
      },
      { plan: r.plan, concurrency: 1, shared: true },
    );
    // The first call is sent (and billed by the simulator) and its answer is still 10 s away.
    while (r.billed().billableCalls < 1) await new Promise((resolve) => setTimeout(resolve, 1));
    expect(await markPaused(r.store, runId)).toBe(true);
    for (const tick of [...r.ticks]) tick();
    const result = await r.run(crawling);
    expect(result.stopReason).toBe("paused");
    expect(result.status).toBe("interrupted");
    const entries = await r.store.ledgerEntries({ runId, limit: 100 });
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ outcome: "aborted", httpStatus: null, billable: true });
    expect(entries[0]?.costUsd).toBeCloseTo(r.billed().usd, 9);
    expect(entries[0]?.costUsd).toBeGreaterThan(0);
    expect(result.report.calls).toMatchObject({ calls: 1, billableCalls: r.billed().billableCalls });
    // Its answer was not taken: the job is given back, nothing stored.
    expect(result.report.items.notes?.new ?? 0).toBe(0);
    expect(await r.store.jobCounts(runId)).toMatchObject({ done: 0, leased: 0, pending: 8 });
    await r.store.close();
  });
});

describe("a session's stop signals", () => {
  it("a budget stop ends waits for new work only; a pause after it aborts the calls in flight too", async () => {
    const r = rig();
    const run = await r.store.createRun();
    const session = new CrawlSession({ ...r.deps, client: r.client(() => 0) }, {}, run, r.plan);
    session.stop("budget", "--max-calls 1 reached");
    expect([session.windDown.aborted, session.signal.aborted]).toEqual([true, false]);
    session.stop("paused", "paused from the dashboard");
    expect(session.signal.aborted).toBe(true);
    // The first reason is the one the session reports.
    expect([session.stopReason, session.stopMessage]).toEqual(["budget", "--max-calls 1 reached"]);
    const interrupted = new CrawlSession({ ...r.deps, client: r.client(() => 0) }, {}, run, r.plan);
    interrupted.stop("aborted", "interrupted");
    expect([interrupted.windDown.aborted, interrupted.signal.aborted]).toEqual([true, true]);
    await r.store.close();
  });
});
