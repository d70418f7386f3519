import { describe, expect, it } from "vitest";
import { AllSeriesFailedError, AuthError, PaymentRequiredError } from "../../src/core/errors.js";
import { runCrawl } from "../../src/crawl/engine.js";
import { normalizePlan } from "../../src/crawl/plan/normalize.js";
import type { PlanFile } from "../../src/crawl/plan/schema.js";
import { openSqliteStore, type SqliteStore } from "../../src/store/sqlite/sqlite-store.js";
import { buildWorld, createFakeClient, type FakeClientOptions } from "./fake-client.js";

function plan(file: PlanFile) {
  return normalizePlan(file, "test-plan");
}

async function dump(store: SqliteStore) {
  const out: Record<string, string[]> = {};
  for (const kind of ["notes", "users", "comments", "topics"] as const) {
    const rows: string[] = [];
    for await (const record of store.iterateRecords(kind)) {
      const { fetchedAt: _f, source: _s, ...content } = record as unknown as Record<string, unknown>;
      rows.push(JSON.stringify(content));
    }
    out[kind] = rows.sort();
  }
  return out;
}

async function crawl(file: PlanFile, client: FakeClientOptions = {}, store = openSqliteStore(":memory:")) {
  const fake = createFakeClient(client);
  const result = await runCrawl({ client: fake, store, queue: store }, { plan: plan(file) });
  return { result, store, fake };
}

const BASIC: PlanFile = {
  seeds: {
    keywords: [{ keyword: "露营", limit: 4 }],
    notes: ["bb0000000000000000000002"],
    users: [{ ref: "aa0000000000000000000002", limit: 2 }],
  },
  expand: { comments: { maxPerNote: 10, maxRepliesPerThread: 10 }, authors: true },
};

describe("crawl engine", () => {
  it("crawls seeds and expansions, and follows a note reached from two seeds once", async () => {
    const { result, store, fake } = await crawl(BASIC);
    expect(result.status).toBe("completed");
    // Search hits 1..4; note 2 is also a note seed and an author's note: each note detail fetched once.
    const details = fake.calls.filter((c) => c.capability === "note").map((c) => c.id);
    expect(new Set(details).size).toBe(details.length);
    expect(details).toContain("bb0000000000000000000002");
    const notes = await store.countRecords("notes");
    expect(notes).toBeGreaterThanOrEqual(5);
    // Every followed note has its full body and all its comments (3 top-level × (1 + 2 replies)).
    for (const id of details) {
      expect((await store.getNote(id))?.textTruncated).toBe(false);
      expect(await store.countComments(id)).toBe(9);
    }
    expect(result.report.items.comments?.new).toBe(9 * details.length);
    expect(result.report.calls.calls).toBe(fake.calls.length);
    expect(result.report.calls.billableCalls).toBe(fake.calls.length);
    expect(
      result.report.comments.every((c) => c.fetched === c.reported && !c.capped && c.threadsCut.length === 0),
    ).toBe(true);
    expect(await store.getUser("aa0000000000000000000002")).not.toBeNull();
  });

  it("stops on the budget, saved, and a resume finishes with the same data as an uninterrupted run", async () => {
    const reference = await crawl(BASIC);
    const store = openSqliteStore(":memory:");
    const world = buildWorld();
    let sessions = 0;
    let status = "";
    let calls = 0;
    do {
      const fake = createFakeClient({ world, maxCalls: 7 });
      const result = await runCrawl({ client: fake, store, queue: store }, { plan: plan(BASIC) });
      calls += fake.calls.length;
      status = result.status;
      sessions += 1;
      if (status !== "completed") {
        expect(result.status).toBe("partial");
        expect(result.stopReason).toBe("budget");
        expect(result.resumed).toBe(sessions > 1);
      }
    } while (status !== "completed" && sessions < 30);
    expect(sessions).toBeGreaterThan(3);
    expect(await dump(store)).toEqual(await dump(reference.store));
    // Budget stops lose no paid call: the calls of every session add up to the uninterrupted run's.
    expect(calls).toBe(reference.fake.calls.length);
    const [run] = await store.listRuns();
    expect(run?.status).toBe("completed");
    expect((await store.listRuns()).length).toBe(1);
  });

  it.each([
    ["401", () => new AuthError("bad key", { httpStatus: 401 }), "auth"],
    ["402", () => new PaymentRequiredError("no balance", { httpStatus: 402 }), "payment"],
  ])("stops at once on %s, saved, and resumes after the fix", async (_name, makeError, reason) => {
    const store = openSqliteStore(":memory:");
    const world = buildWorld();
    const broken = createFakeClient({ world, fail: ({ n }) => (n >= 4 ? makeError() : null) });
    const first = await runCrawl({ client: broken, store, queue: store }, { plan: plan(BASIC), concurrency: 1 });
    expect(first.status).toBe("failed");
    expect(first.stopReason).toBe(reason);
    // Stopped at once: the failing call was the last one made.
    expect(broken.calls.length).toBe(4);
    expect(first.report.jobs.pending).toBeGreaterThan(0);
    const fixed = createFakeClient({ world });
    const second = await runCrawl({ client: fixed, store, queue: store }, { plan: plan(BASIC) });
    expect(second.resumed).toBe(true);
    expect(second.status).toBe("completed");
    expect(await dump(store)).toEqual(await dump((await crawl(BASIC)).store));
  });

  it("retries a job that keeps failing a few times later, then reports it failed without stopping the run", async () => {
    const bad = "bb0000000000000000000003";
    const store = openSqliteStore(":memory:");
    const fake = createFakeClient({
      fail: ({ capability, id }) =>
        capability === "note" && id === bad ? new AllSeriesFailedError("every series failed", []) : null,
    });
    const waits: number[] = [];
    const result = await runCrawl(
      { client: fake, store, queue: store, sleep: async (ms) => void waits.push(ms) },
      { plan: plan(BASIC), retryDelayMs: 1000 },
    );
    expect(waits).toEqual([1000, 2000]);
    expect(result.status).toBe("completed");
    expect(fake.calls.filter((c) => c.capability === "note" && c.id === bad)).toHaveLength(3);
    expect(result.report.failedJobs).toEqual([
      { key: `note:${bad}`, errorKind: "all_failed", message: "every series failed" },
    ]);
    expect(result.report.attemptErrors).toEqual({ all_failed: 3 });
    expect(await store.countComments("bb0000000000000000000001")).toBe(9);
  });

  it("a failed job whose lease another worker took meanwhile is left to that worker; this one goes on", async () => {
    const bad = "bb0000000000000000000003";
    const store = openSqliteStore(":memory:");
    const fake = createFakeClient({
      fail: ({ capability, id }) =>
        capability === "note" && id === bad ? new AllSeriesFailedError("every series failed", []) : null,
    });
    let runId = "";
    let stolen = false;
    const result = await runCrawl(
      {
        client: fake,
        store,
        queue: store,
        onRunOpened: (id) => {
          runId = id;
        },
        // While the failed job waits for its retry, its lease runs out; another worker takes it and finishes it.
        sleep: async () => {
          if (stolen) return;
          stolen = true;
          await store.recoverLeases(runId);
          const taken = await store.lease(runId, { owner: "other-worker", limit: 100 });
          for (const job of taken) {
            if (job.key === `note:${bad}`) await store.complete(job);
            else await store.release(job);
          }
        },
      },
      { plan: plan(BASIC), retryDelayMs: 1000 },
    );
    expect(stolen).toBe(true);
    // The lost lease did not end this worker (it threw out of the crawl before): every job was settled.
    expect(result.status).toBe("completed");
    expect(await store.jobCounts(result.runId)).toMatchObject({ pending: 0, leased: 0 });
    expect(await store.countComments("bb0000000000000000000001")).toBe(9);
  });

  it("caps comments per note and replies per thread, and reports what was cut", async () => {
    const { result } = await crawl(
      {
        seeds: { notes: ["bb0000000000000000000001"] },
        expand: { comments: { maxPerNote: 2, maxRepliesPerThread: 1 } },
      },
      { topLevelComments: 5, repliesPerComment: 3 },
    );
    const [completeness] = result.report.comments;
    expect(completeness?.reported).toBe(20);
    expect(completeness?.fetched).toBe(4); // 2 top-level + 1 reply each
    expect(completeness?.capped).toBe(true);
    expect(completeness?.threadsCut).toHaveLength(2);
  });

  it("incremental mode stops paging a time-ordered list at the first note already stored", async () => {
    const store = openSqliteStore(":memory:");
    const world = buildWorld({ notes: 60, users: 1 });
    const user = "aa0000000000000000000001";
    const first = createFakeClient({ world });
    await runCrawl(
      { client: first, store, queue: store },
      { plan: plan({ seeds: { users: [{ ref: user, limit: 8 }] }, expand: { details: false } }) },
    );
    // New notes appear on top; the second, incremental run should stop where it meets the stored ones.
    const newer = buildWorld({ notes: 3, users: 1 }).notes.map((n, i) => ({
      ...n,
      id: `cc${String(i).padStart(22, "0")}`,
      publishedAt: `2026-03-0${i + 2}T00:00:00.000Z`,
    }));
    world.notes.unshift(...newer.reverse());
    const second = createFakeClient({ world });
    const result = await runCrawl(
      { client: second, store, queue: store },
      { plan: plan({ seeds: { users: [{ ref: user, limit: 50 }] }, expand: { details: false }, incremental: true }) },
    );
    expect(result.status).toBe("completed");
    const pages = second.calls.filter((c) => c.capability === "userNotes").length;
    expect(pages).toBe(1); // 3 new notes + 2 known on the first page of 5
    expect(result.report.stoppedEarly).toEqual([{ key: `user_notes:${user}`, reason: "incremental", pages: 1 }]);
    expect(result.report.items.notes?.new).toBe(3);
  });

  it("--since skips older notes and stops a time-ordered list at older items", async () => {
    const { result, store, fake } = await crawl(
      {
        seeds: { users: [{ ref: "aa0000000000000000000001", limit: 100 }] },
        since: "2026-02-20",
        expand: { details: true },
      },
      { notes: 40, users: 1 },
    );
    expect(result.status).toBe("completed");
    const followed = fake.calls.filter((c) => c.capability === "note").length;
    expect(followed).toBe(9); // published 02-28 … 02-20
    expect(fake.calls.filter((c) => c.capability === "userNotes").length).toBe(3);
    expect(result.report.stoppedEarly[0]?.reason).toBe("since");
    // Notes older than --since are neither followed nor stored.
    expect(await store.countRecords("notes")).toBe(9);
  });

  it("splits a keyword seed across sorts and types past the search cap, merged without duplicates", async () => {
    const file: PlanFile = {
      seeds: {
        keywords: [
          { keyword: "露营", limit: 100, split: { sorts: ["general", "most_liked"], types: ["image", "video"] } },
        ],
      },
      expand: { details: false },
    };
    const { result, fake, store } = await crawl(file, { notes: 60, searchPageSize: 5, searchCapPages: 2 });
    const plain = await crawl(
      { ...file, seeds: { keywords: [{ keyword: "露营", limit: 100 }] } },
      { notes: 60, searchPageSize: 5, searchCapPages: 2 },
    );
    expect(plain.result.report.searchCaps).toHaveLength(0); // 2 pages < the cap threshold: not reported as a cap
    const notesFollowed = (await store.listJobs(result.runId, { limit: 1000 })).filter((j) => j.kind === "note");
    const keysFollowed = notesFollowed.map((j) => j.key);
    expect(new Set(keysFollowed).size).toBe(keysFollowed.length);
    expect(keysFollowed.length).toBeGreaterThan(plain.fake.calls.length * 5 - 1);
    expect(fake.calls.filter((c) => c.capability === "searchNotes").length).toBe(2 * 5);
  });

  it("reports the search cap when a slice runs dry at about 11 pages before its limit", async () => {
    const { result } = await crawl(
      { seeds: { keywords: [{ keyword: "露营", limit: 500 }] }, expand: { details: false } },
      { notes: 200, searchPageSize: 5, searchCapPages: 11 },
    );
    expect(result.report.searchCaps).toEqual([
      { keyword: "露营", sort: "general", type: "all", time: "all", pages: 11, items: 55 },
    ]);
  });

  it("an interrupted run (signal) is saved and resumes where it stopped", async () => {
    const store = openSqliteStore(":memory:");
    const world = buildWorld();
    const controller = new AbortController();
    const fake = createFakeClient({
      world,
      fail: ({ n }) => {
        if (n === 6) controller.abort();
        return null;
      },
    });
    const first = await runCrawl(
      { client: fake, store, queue: store, signal: controller.signal },
      { plan: plan(BASIC) },
    );
    expect(first.status).toBe("interrupted");
    expect(first.stopReason).toBe("aborted");
    const second = await runCrawl({ client: createFakeClient({ world }), store, queue: store }, { plan: plan(BASIC) });
    expect(second.status).toBe("completed");
    expect(await dump(store)).toEqual(await dump((await crawl(BASIC)).store));
  });

  it("re-running a completed plan starts a new run", async () => {
    const store = openSqliteStore(":memory:");
    await crawl(BASIC, {}, store);
    const again = await crawl(BASIC, {}, store);
    expect(again.result.resumed).toBe(false);
    expect((await store.listRuns()).length).toBe(2);
    expect(again.result.report.items.notes?.new).toBe(0);
  });

  it("a second session on a running run works alongside it: no job twice, one right report", async () => {
    const reference = await crawl(BASIC);
    const store = openSqliteStore(":memory:");
    const world = buildWorld();
    const a = createFakeClient({ world, latencyMs: 3 });
    const b = createFakeClient({ world, latencyMs: 3 });
    let second: ReturnType<typeof runCrawl> | null = null;
    let joined = 0;
    const first = runCrawl(
      {
        client: a,
        store,
        queue: store,
        // B starts while A holds leases on jobs in flight (the live process of the issue).
        onProgress: () => {
          second ??= runCrawl(
            {
              client: b,
              store,
              queue: store,
              onRunOpened: (_id, _resumed, info) => {
                joined = info.otherWorkers;
              },
            },
            { plan: plan(BASIC), pollMs: 2 },
          );
        },
      },
      { plan: plan(BASIC), pollMs: 2 },
    );
    const ra = await first;
    const rb = await (second as ReturnType<typeof runCrawl> | null);
    expect(rb?.resumed).toBe(true);
    expect(rb?.runId).toBe(ra.runId);
    expect(joined).toBe(1);
    // Every paid call once: together they paid what one crawl pays, and B did part of it.
    expect(a.calls.length + b.calls.length).toBe(reference.fake.calls.length);
    expect(b.calls.length).toBeGreaterThan(0);
    const details = [...a.calls, ...b.calls].filter((c) => c.capability === "note").map((c) => c.id);
    expect(new Set(details).size).toBe(details.length);
    expect([ra.status, rb?.status]).toEqual(["completed", "completed"]);
    // The report of the run (whoever wrote it last) counts both sessions' items and calls.
    for (const report of [ra.report, rb?.report]) {
      expect(report?.items).toEqual(reference.result.report.items);
      expect(report?.calls.calls).toBe(reference.fake.calls.length);
    }
    expect(await dump(store)).toEqual(await dump(reference.store));
  });

  it("renews its leases while a job is slow, so another worker does not take them", async () => {
    let nowMs = Date.parse("2026-03-01T00:00:00.000Z");
    const store = openSqliteStore(":memory:", { clock: { now: () => nowMs } });
    const ticks = new Set<() => void>();
    const seen: { state?: string; taken?: number } = {};
    let runId = "";
    const fake = createFakeClient({
      world: buildWorld(),
      // The note's only call lasts five minutes of the store's clock, with a heartbeat every 20 s; meanwhile
      // another worker of the run asks for jobs.
      during: async () => {
        for (let i = 0; i < 15; i++) {
          nowMs += 20_000;
          for (const tick of ticks) tick();
          await new Promise((resolve) => setImmediate(resolve));
        }
        seen.state = (await store.getJob(runId, "note:bb0000000000000000000002"))?.state;
        const taken = await store.lease(runId, { owner: "thief", limit: 10 });
        seen.taken = taken.length;
        for (const job of taken) await store.complete(job); // (so that a failing test ends)
      },
    });
    const result = await runCrawl(
      {
        client: fake,
        store,
        queue: store,
        every: (ms, tick) => {
          expect(ms).toBe(20_000);
          ticks.add(tick);
          return () => ticks.delete(tick);
        },
        onRunOpened: (id) => {
          runId = id;
        },
      },
      { plan: plan({ seeds: { notes: ["bb0000000000000000000002"] } }), concurrency: 1 },
    );
    expect(seen).toEqual({ state: "leased", taken: 0 });
    expect(result.status).toBe("completed");
    expect(fake.calls).toHaveLength(1);
    expect(ticks.size).toBe(0);
  });
});
