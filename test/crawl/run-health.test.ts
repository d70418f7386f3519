/**
 * What a crawling session leaves in the store for other processes to read: its series health (breakers per
 * series with when they opened and closed, keys by fingerprint), written on change and on a heartbeat on the
 * injected clock; the run's budget, counted over every process working the run; and the pause that every
 * process obeys. All on a fake clock and a fake `every`, so each tick is the test's to give.
 */
import { describe, expect, it } from "vitest";
import { createFakeClock } from "../../src/core/clock.js";
import type { AttemptEvent, ClientStats } from "../../src/core/types.js";
import { enqueueRun } from "../../src/crawl/engine/enqueue-run.js";
import { markPaused } from "../../src/crawl/engine/pause.js";
import {
  type BreakerState,
  HEALTH_HEARTBEAT_MS,
  mergeRunHealth,
  RunHealthWriter,
  readRunHealth,
  STALE_AFTER_MS,
} from "../../src/crawl/engine/run-health.js";
import { runCrawl } from "../../src/crawl/engine.js";
import { normalizePlan } from "../../src/crawl/plan/normalize.js";
import { openSqliteStore } from "../../src/store/sqlite/sqlite-store.js";
import { attemptEvent } from "../support/attempt-event.js";
import { createFakeClient } from "./fake-client.js";

const T0 = Date.parse("2026-03-01T10:00:00.000Z");
const noteId = (n: number): string => `bb${n.toString(16).padStart(22, "0")}`;
const notesPlan = (count: number) =>
  normalizePlan(
    { seeds: { notes: Array.from({ length: count }, (_, i) => noteId(i + 1)) }, expand: { comments: false } },
    "health-test",
  );

const attempt = (over: Partial<AttemptEvent>): AttemptEvent =>
  attemptEvent({
    at: new Date(T0).toISOString(),
    capability: "note",
    endpoint: "app_v2/get_image_note_detail",
    ...over,
  });

/** A manual `every`: the test runs the ticks. */
function manualTicks() {
  const ticks: (() => void)[] = [];
  return {
    every: (_ms: number, tick: () => void) => {
      ticks.push(tick);
      return () => {
        const i = ticks.indexOf(tick);
        if (i >= 0) ticks.splice(i, 1);
      };
    },
    runAll: () => {
      for (const tick of [...ticks]) tick();
    },
  };
}

describe("the health writer", () => {
  it("notes when a series opens and closes, takes a key out on 401/402, and writes only on change or heartbeat", async () => {
    const fake = createFakeClock(T0);
    const store = openSqliteStore(":memory:");
    const run = await store.createRun();
    let breakers: Record<string, Record<string, BreakerState>> = { app_v2: { note: "closed" }, web_v3: {} };
    const writes: string[] = [];
    const saving = store.saveRunHealth.bind(store);
    store.saveRunHealth = async (snapshot) => {
      writes.push(snapshot.writtenAt);
      await saving(snapshot);
    };
    const writer = new RunHealthWriter({ store, clock: fake.clock, breakers: () => breakers }, run.id, "h:1:aaaaaaaa");

    await writer.flush();
    expect(writes).toHaveLength(1);
    await writer.tick(); // nothing changed, heartbeat not due
    expect(writes).toHaveLength(1);

    await fake.advance(1_000);
    breakers = { app_v2: { note: "open" }, web_v3: {} };
    writer.observe(attempt({ keyFingerprint: "k1fp0001" }));
    writer.observe(attempt({ keyFingerprint: "k2fp0002", outcome: "payment", at: "2026-03-01T10:00:01.000Z" }));
    await writer.tick();
    expect(writes).toHaveLength(2);
    let [row] = await store.runHealth(run.id);
    expect(row?.writer).toBe("h:1:aaaaaaaa");
    expect(row?.health).toEqual({
      series: {
        app_v2: {
          state: "open",
          capabilities: { note: "open" },
          openedAt: "2026-03-01T10:00:01.000Z",
          closedAt: null,
        },
      },
      keys: {
        k1fp0001: { state: "in", reason: null, outSince: null, calls: 1, failed: 0 },
        k2fp0002: { state: "out", reason: "payment", outSince: "2026-03-01T10:00:01.000Z", calls: 1, failed: 1 },
      },
    });

    // Counters alone are no change; the heartbeat writes them.
    writer.observe(attempt({ keyFingerprint: "k1fp0001" }));
    await fake.advance(1_000);
    await writer.tick();
    expect(writes).toHaveLength(2);
    await fake.advance(HEALTH_HEARTBEAT_MS);
    await writer.tick();
    expect(writes).toHaveLength(3);

    await fake.advance(2_000);
    breakers = { app_v2: { note: "closed" }, web_v3: {} };
    await writer.tick();
    expect(writes).toHaveLength(4);
    [row] = await store.runHealth(run.id);
    const app = (row!.health as { series: Record<string, { state: string; openedAt: string; closedAt: string }> })
      .series.app_v2;
    expect(app).toMatchObject({
      state: "closed",
      openedAt: "2026-03-01T10:00:01.000Z",
      closedAt: "2026-03-01T10:00:09.000Z",
    });
    await store.close();
  });

  it("readers take the freshest writer per series and mark a writer silent for over 60 s stale", () => {
    const view = (state: string, keyState = "in") => ({
      series: { app_v2: { state, capabilities: {}, openedAt: null, closedAt: null } },
      keys: {
        k1: { state: keyState, reason: keyState === "out" ? "auth" : null, outSince: null, calls: 1, failed: 0 },
      },
    });
    const at = (ms: number) => new Date(T0 + ms).toISOString();
    const reading = mergeRunHealth(
      [
        { runId: "r", writer: "old", writtenAt: at(0), health: view("open", "out") },
        { runId: "r", writer: "new", writtenAt: at(50_000), health: view("closed") },
      ],
      T0 + 50_000 + STALE_AFTER_MS - 1,
    );
    expect(reading.series.app_v2).toMatchObject({ state: "closed", writer: "new", stale: false });
    // The old writer is stale: its "out" does not override the fresh writer's view of the key.
    expect(reading.keys.k1).toMatchObject({ state: "in", writer: "new" });
    expect(reading.writers).toEqual([
      { writer: "new", writtenAt: at(50_000), stale: false },
      { writer: "old", writtenAt: at(0), stale: true },
    ]);
    const later = mergeRunHealth(
      [{ runId: "r", writer: "new", writtenAt: at(50_000), health: view("closed") }],
      T0 + 50_000 + STALE_AFTER_MS + 1,
    );
    expect(later.series.app_v2?.stale).toBe(true);
  });
});

describe("a crawl session", () => {
  it("writes its health as its own lease owner, first and last, with the client's breakers", async () => {
    const store = openSqliteStore(":memory:");
    const fake = createFakeClient();
    const client = {
      ...fake,
      stats: () =>
        ({
          bySeries: { app_v2: { breakers: { note: "half_open" } }, web_v3: { breakers: {} } },
        }) as unknown as ClientStats,
    };
    const ticks = manualTicks();
    const result = await runCrawl({ client, store, queue: store, watchEvery: ticks.every }, { plan: notesPlan(3) });
    expect(result.status).toBe("completed");
    const rows = await store.runHealth(result.runId);
    expect(rows).toHaveLength(1);
    expect(rows[0]?.writer).toMatch(/^.+:\d+:[0-9a-f]{8}$/);
    const reading = await readRunHealth(store, result.runId, Date.parse(rows[0]!.writtenAt));
    expect(Object.keys(reading.series)).toEqual(["app_v2"]);
    expect(reading.series.app_v2?.state).toBe("half_open");
    await store.close();
  });

  it("stores the budget it was given; a worker given none counts toward it with every other process", async () => {
    const store = openSqliteStore(":memory:");
    const plan = notesPlan(8);
    // `xhs crawl --enqueue-only --max-calls 5`: the budget is the run's.
    const { run } = await enqueueRun({ store, queue: store }, { plan, budget: { maxCalls: 5 } });
    expect((await store.getRun(run.id))?.budget).toMatchObject({ maxCalls: 5, callsBefore: 0, costUsdBefore: 0 });
    // Another process already spent 3 of them on the run.
    await store.appendLedger(run.id, [attempt({}), attempt({}), attempt({})]);
    const ticks = manualTicks();
    const fake = createFakeClient();
    const result = await runCrawl(
      { client: fake, store, queue: store, watchEvery: ticks.every },
      { runId: run.id, shared: true, concurrency: 1 },
    );
    expect(fake.calls).toHaveLength(2);
    expect(result.stopReason).toBe("budget");
    expect(result.status).toBe("partial");
    // The worker left the stored budget as it was.
    expect((await store.getRun(run.id))?.budget).toMatchObject({ maxCalls: 5, callsBefore: 0 });
    await store.close();
  });

  it("a session given a budget without limits, or a session alone given none, clears the stored one", async () => {
    const store = openSqliteStore(":memory:");
    const { run } = await enqueueRun({ store, queue: store }, { plan: notesPlan(2), budget: { maxCostUsd: 1 } });
    expect((await store.getRun(run.id))?.budget?.maxCostUsd).toBe(1);
    await runCrawl({ client: createFakeClient(), store, queue: store }, { runId: run.id, shared: true, budget: {} });
    expect((await store.getRun(run.id))?.budget).toBeNull();
    const again = await enqueueRun({ store, queue: store }, { plan: notesPlan(3), budget: { maxCalls: 1 } });
    const alone = await runCrawl({ client: createFakeClient(), store, queue: store }, { runId: again.run.id });
    expect(alone.status).toBe("completed");
    expect((await store.getRun(again.run.id))?.budget).toBeNull();
    await store.close();
  });

  it("stops at its next tick once the run is paused through the store, leaves it paused, and a resume re-opens it", async () => {
    const store = openSqliteStore(":memory:");
    const ticks = manualTicks();
    let release: () => void = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    let runId = "";
    const fake = createFakeClient({ during: ({ n }) => (n === 2 ? held : Promise.resolve()) });
    const crawling = runCrawl(
      {
        client: fake,
        store,
        queue: store,
        watchEvery: ticks.every,
        onRunOpened: (id) => {
          runId = id;
        },
      },
      { plan: notesPlan(6), concurrency: 1, shared: true },
    );
    while (fake.calls.length < 2) await new Promise((resolve) => setTimeout(resolve, 1));
    expect(await markPaused(store, runId)).toBe(true);
    ticks.runAll();
    await new Promise((resolve) => setTimeout(resolve, 20));
    release();
    const result = await crawling;
    expect(result.stopReason).toBe("paused");
    expect(result.status).toBe("interrupted");
    expect(fake.calls).toHaveLength(2);
    expect((await store.getRun(runId))?.status).toBe("interrupted");
    const jobs = await store.jobCounts(runId);
    expect(jobs.leased).toBe(0);
    expect(jobs.pending).toBe(4);
    // A paused run is not paused twice, and a session on it (a resume) re-opens it and finishes.
    expect(await markPaused(store, runId)).toBe(false);
    const resumed = await runCrawl({ client: createFakeClient(), store, queue: store }, { runId });
    expect(resumed.status).toBe("completed");
    await store.close();
  });
});
