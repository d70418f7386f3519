/**
 * Workers on shared runs, in-process (engine/open-runs.ts, the shared mode of engine/finish.ts): a worker
 * works every open run with work left, oldest first, and stops when none has any (`untilIdle`); a worker
 * stopped by its signal leaves an unfinished shared run running for the others instead of "interrupted".
 */
import { describe, expect, it } from "vitest";
import { enqueueRun } from "../../src/crawl/engine/enqueue-run.js";
import { workOpenRuns } from "../../src/crawl/engine/open-runs.js";
import { runCrawl } from "../../src/crawl/engine.js";
import { normalizePlan } from "../../src/crawl/plan/normalize.js";
import { openSqliteStore } from "../../src/store/sqlite/sqlite-store.js";
import { buildWorld, createFakeClient } from "./fake-client.js";

const noteId = (n: number) => `bb${String(n).padStart(22, "0")}`;
const planOf = (name: string, notes: number[]) =>
  normalizePlan({ name, seeds: { notes: notes.map(noteId) }, expand: { comments: false } }, name);

describe("workOpenRuns", () => {
  it("works every queued run to completion, oldest first, then stops when idle", async () => {
    const store = openSqliteStore(":memory:");
    const client = createFakeClient({ world: buildWorld() });
    const first = await enqueueRun({ store, queue: store }, { plan: planOf("first", [1, 2]) });
    const second = await enqueueRun({ store, queue: store }, { plan: planOf("second", [3]) });
    expect(first.seeded).toBe(2);
    const order: string[] = [];
    const results = await workOpenRuns(
      { client, store, queue: store },
      { concurrency: 2, untilIdle: true, onRun: (run) => order.push(run.id) },
    );
    expect(order).toEqual([first.run.id, second.run.id]);
    expect(results.map((r) => r.status)).toEqual(["completed", "completed"]);
    expect(await store.jobCounts(second.run.id)).toMatchObject({ done: 1, pending: 0, leased: 0 });
    // Nothing left: an idle worker returns without a run.
    expect(await workOpenRuns({ client, store, queue: store }, { concurrency: 1, untilIdle: true })).toEqual([]);
    await store.close();
  });

  it("leaves a shared run running when its worker is stopped, and marks a lone crawl interrupted", async () => {
    const store = openSqliteStore(":memory:");
    const client = createFakeClient({ world: buildWorld() });
    const stopped = new AbortController();
    stopped.abort();
    const { run } = await enqueueRun({ store, queue: store }, { plan: planOf("shared", [1]) });
    const shared = await runCrawl(
      { client, store, queue: store, signal: stopped.signal },
      { runId: run.id, shared: true },
    );
    expect(shared.status).toBe("running");
    expect((await store.getRun(run.id))?.status).toBe("running");
    const lone = await runCrawl({ client, store, queue: store, signal: stopped.signal }, { runId: run.id });
    expect(lone.status).toBe("interrupted");
    await store.close();
  });
});
