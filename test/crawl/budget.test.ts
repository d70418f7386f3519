/**
 * The crawl's own budget (`xhs crawl --max-calls / --max-cost`, CrawlRequest.budget): checked by the engine
 * before each job and between the pages of a list, against what this session has spent (every attempt
 * counts as a call; only billable ones cost). The client's ledger guards single calls (src/transport/ledger.ts);
 * these tests give the fake client no budget of its own, so what stops the crawl is the engine.
 */
import { describe, expect, it } from "vitest";
import { NotFoundError } from "../../src/core/errors.js";
import type { CrawlBudget } from "../../src/crawl/engine/budget.js";
import { runCrawl } from "../../src/crawl/engine.js";
import { normalizePlan } from "../../src/crawl/plan/normalize.js";
import type { PlanFile } from "../../src/crawl/plan/schema.js";
import { openSqliteStore, type SqliteStore } from "../../src/store/sqlite/sqlite-store.js";
import { buildWorld, createFakeClient, type FakeClientOptions, type FakeWorld } from "./fake-client.js";

/** The fake world's note ids: bb…01, bb…02, … */
const noteId = (n: number): string => `bb${n.toString(16).padStart(22, "0")}`;

/** `count` note seeds and nothing to expand: one job and one call ($0.01 in the fake) per note. */
function notesPlan(count: number): PlanFile {
  return {
    seeds: { notes: Array.from({ length: count }, (_, i) => noteId(i + 1)) },
    expand: { comments: false },
  };
}

interface Session {
  budget?: CrawlBudget;
  concurrency?: number;
  client?: Omit<FakeClientOptions, "world">;
}

/** One store and world, crawled by sessions one after another (a resume each time after the first). */
function rig(file: PlanFile, world: FakeWorld = buildWorld()) {
  const store: SqliteStore = openSqliteStore(":memory:");
  const plan = normalizePlan(file, "budget-test");
  /** Waits before a failed job is retried: a budget stop is no failure, so none is expected. */
  const retryWaits: number[] = [];
  return {
    store,
    retryWaits,
    async session({ budget, concurrency = 1, client = {} }: Session = {}) {
      const fake = createFakeClient({ ...client, world });
      const sleep = async (ms: number) => void retryWaits.push(ms);
      const result = await runCrawl(
        { client: fake, store, queue: store, sleep },
        { plan, concurrency, ...(budget ? { budget } : {}) },
      );
      return { result, fake, fetched: fake.calls.map((c) => c.id) };
    },
  };
}

describe("crawl budget: --max-calls", () => {
  it("stops after exactly the budget's calls, says why, and leaves the rest pending", async () => {
    const { session } = rig(notesPlan(6));
    const { result, fetched } = await session({ budget: { maxCalls: 3 } });
    expect(fetched).toEqual([noteId(1), noteId(2), noteId(3)]);
    expect(result.status).toBe("partial");
    expect(result.stopReason).toBe("budget");
    expect(result.report.stopMessage).toBe("--max-calls 3 reached");
    expect(result.report.jobs).toMatchObject({ done: 3, pending: 3, leased: 0, failed: 0 });
    expect(result.report.calls).toMatchObject({ calls: 3, billableCalls: 3, costUsd: 0.03 });
    expect(result.report.items.notes).toEqual({ new: 3, updated: 0, unchanged: 0 });
  });

  it("one call below what the crawl needs: all but the last job done", async () => {
    const { session } = rig(notesPlan(6));
    const { result, fetched } = await session({ budget: { maxCalls: 5 } });
    expect(fetched).toHaveLength(5);
    expect(result.status).toBe("partial");
    expect(result.report.jobs).toMatchObject({ done: 5, pending: 1 });
  });

  it("a budget of exactly what the crawl needs makes every call and completes the run", async () => {
    const { session } = rig(notesPlan(6));
    const first = await session({ budget: { maxCalls: 6 } });
    expect(first.fetched).toHaveLength(6);
    expect(first.result.report.jobs).toMatchObject({ done: 6, pending: 0, leased: 0 });
    // The budget is looked at before the queue, so the session stops on it with nothing left: that run is
    // complete, not partial (no "resume to go on" for a run with nothing to do).
    expect(first.result.status).toBe("completed");
    expect(first.result.stopReason).toBeNull();
    expect(first.result.report.stopMessage).toBeNull();
    // As after any completed run, the same crawl again is a new run, not a resume.
    const second = await session({ budget: { maxCalls: 6 } });
    expect(second.result.resumed).toBe(false);
    expect(second.result.runId).not.toBe(first.result.runId);
  });

  it("one call more than the crawl needs: completed, not stopped", async () => {
    const { session } = rig(notesPlan(6));
    const { result, fetched } = await session({ budget: { maxCalls: 7 } });
    expect(fetched).toHaveLength(6);
    expect(result.status).toBe("completed");
    expect(result.stopReason).toBeNull();
    expect(result.report.stopMessage).toBeNull();
  });

  it("a zero budget makes no call at all", async () => {
    const { session } = rig(notesPlan(2));
    const { result, fetched } = await session({ budget: { maxCalls: 0 } });
    expect(fetched).toEqual([]);
    expect(result.status).toBe("partial");
    expect(result.report.stopMessage).toBe("--max-calls 0 reached");
    expect(result.report.jobs).toMatchObject({ done: 0, pending: 2 });
  });

  it("no budget (or an empty one) never stops the crawl", async () => {
    for (const budget of [undefined, {}]) {
      const { session } = rig(notesPlan(4));
      const { result, fetched } = await session(budget ? { budget } : {});
      expect(fetched).toHaveLength(4);
      expect(result.status).toBe("completed");
    }
  });

  it("counts failed attempts as calls: they are made, even when not billed", async () => {
    const { session } = rig(notesPlan(6));
    // The first two notes are gone (a final error, no retry): two calls that cost nothing.
    const fail = ({ n }: { n: number }) => (n <= 2 ? new NotFoundError("note gone") : null);
    const { result, fetched } = await session({ budget: { maxCalls: 3 }, client: { fail } });
    expect(fetched).toHaveLength(3);
    expect(result.report.stopMessage).toBe("--max-calls 3 reached");
    expect(result.report.jobs).toMatchObject({ done: 1, failed: 2, pending: 3 });
    expect(result.report.calls).toMatchObject({ calls: 3, billableCalls: 1, costUsd: 0.01 });
  });

  it("is checked between the pages of a list, and the list resumes from its last saved page", async () => {
    const world = buildWorld({ notes: 40, users: 1 });
    // One user's list of 40 notes, 5 a page, not followed: 8 pages, nothing else.
    const user = world.users[0]?.id ?? "";
    const { session } = rig({ seeds: { users: [{ ref: user, limit: 40 }] }, expand: { details: false } }, world);
    const first = await session({ budget: { maxCalls: 4 } });
    // The user's profile, then three pages of the list: the budget stops the list job between two pages.
    expect(first.fake.calls.map((c) => c.capability)).toEqual(["user", "userNotes", "userNotes", "userNotes"]);
    expect(first.result.stopReason).toBe("budget");
    expect(first.result.report.items.notes?.new).toBe(15);
    const second = await session();
    expect(second.result.status).toBe("completed");
    // Pages 4 to 8 only: the three paid pages are not asked for again.
    expect(second.fake.calls.map((c) => c.capability)).toEqual(Array(5).fill("userNotes"));
    expect(second.result.report.items.notes?.new).toBe(40);
  });
});

describe("crawl budget: a stop is not a failure", () => {
  it("a list stopped by the budget session after session is neither retried nor given up", async () => {
    const world = buildWorld({ notes: 40, users: 1 });
    const user = world.users[0]?.id ?? "";
    const { session, retryWaits } = rig(
      { seeds: { users: [{ ref: user, limit: 40 }] }, expand: { details: false } },
      world,
    );
    const pages: number[] = [];
    let last = await session({ budget: { maxCalls: 2 } });
    pages.push(last.fake.calls.filter((c) => c.capability === "userNotes").length);
    // Five sessions of two calls: more budget stops than a job's three failures before it is given up.
    while (last.result.status !== "completed" && pages.length < 10) {
      last = await session({ budget: { maxCalls: 2 } });
      pages.push(last.fake.calls.filter((c) => c.capability === "userNotes").length);
    }
    expect(pages).toEqual([1, 2, 2, 2, 1]);
    expect(last.result.status).toBe("completed");
    expect(last.result.report.failedJobs).toEqual([]);
    expect(last.result.report.attemptErrors).toEqual({});
    expect(last.result.report.items.notes?.new).toBe(40);
    expect(retryWaits).toEqual([]);
  });
});

describe("crawl budget: --max-cost", () => {
  it("stops once the session has spent the budget ($0.01 a call: $0.03 is three calls)", async () => {
    const { session } = rig(notesPlan(6));
    const { result, fetched } = await session({ budget: { maxCostUsd: 0.03 } });
    expect(fetched).toHaveLength(3);
    expect(result.status).toBe("partial");
    expect(result.stopReason).toBe("budget");
    expect(result.report.stopMessage).toBe("--max-cost 0.03 reached");
    expect(result.report.calls.costUsd).toBe(0.03);
  });

  it("takes a sum that floating point leaves a hair short as reached ($0.01 × 10 adds up to 0.0999…)", async () => {
    const { session } = rig(notesPlan(12));
    const { result, fetched } = await session({ budget: { maxCostUsd: 0.1 } });
    expect(fetched).toHaveLength(10);
    expect(result.report.stopMessage).toBe("--max-cost 0.1 reached");
  });

  it("does not stop one call early: a budget just above the spend allows the next call", async () => {
    const { session } = rig(notesPlan(6));
    const { fetched } = await session({ budget: { maxCostUsd: 0.0300001 } });
    // $0.03 spent is below $0.0300001: the engine goes on (the price of a call is the client's to check).
    expect(fetched).toHaveLength(4);
  });

  it("counts cost, not calls: unbilled failures do not spend the money budget", async () => {
    const { session } = rig(notesPlan(6));
    const fail = ({ n }: { n: number }) => (n <= 2 ? new NotFoundError("note gone") : null);
    const { result, fetched } = await session({ budget: { maxCostUsd: 0.03 }, client: { fail } });
    // Two free failures, then three paid notes.
    expect(fetched).toHaveLength(5);
    expect(result.report.jobs).toMatchObject({ done: 3, failed: 2, pending: 1 });
    expect(result.report.calls).toMatchObject({ calls: 5, billableCalls: 3, costUsd: 0.03 });
  });

  it("with both limits, the first one reached stops the crawl and is the one named", async () => {
    const calls = await rig(notesPlan(6)).session({ budget: { maxCalls: 2, maxCostUsd: 0.05 } });
    expect(calls.fetched).toHaveLength(2);
    expect(calls.result.report.stopMessage).toBe("--max-calls 2 reached");
    const cost = await rig(notesPlan(6)).session({ budget: { maxCalls: 5, maxCostUsd: 0.02 } });
    expect(cost.fetched).toHaveLength(2);
    expect(cost.result.report.stopMessage).toBe("--max-cost 0.02 reached");
  });
});

describe("crawl budget: resuming", () => {
  it("gives each session a fresh budget, fetches nothing twice, and adds up the run's calls and cost", async () => {
    const { session } = rig(notesPlan(7));
    const first = await session({ budget: { maxCalls: 3 } });
    const second = await session({ budget: { maxCalls: 3 } });
    const third = await session({ budget: { maxCostUsd: 0.05 } });
    expect(first.fetched).toEqual([noteId(1), noteId(2), noteId(3)]);
    expect(second.fetched).toEqual([noteId(4), noteId(5), noteId(6)]);
    expect(third.fetched).toEqual([noteId(7)]);
    expect([first, second].map((s) => s.result.status)).toEqual(["partial", "partial"]);
    expect(second.result.resumed).toBe(true);
    expect(second.result.runId).toBe(first.result.runId);
    expect(third.result.status).toBe("completed");
    // The report is the run's: every session's calls, cost and items; the last session's (absent) stop reason.
    expect(third.result.report.sessions).toBe(3);
    expect(third.result.report.calls).toMatchObject({ calls: 7, billableCalls: 7, costUsd: 0.07 });
    expect(third.result.report.items.notes?.new).toBe(7);
    expect(third.result.report.stopReason).toBeNull();
    expect(third.result.report.stopMessage).toBeNull();
  });

  it("with several workers, stops within one call per worker of the budget, and resumes without losing a job", async () => {
    const { session } = rig(notesPlan(12));
    const first = await session({ budget: { maxCalls: 5 }, concurrency: 3 });
    // Each worker looks at the budget before its job: up to two calls may already be on their way.
    expect(first.fetched.length).toBeGreaterThanOrEqual(5);
    expect(first.fetched.length).toBeLessThanOrEqual(5 + 2);
    expect(first.result.stopReason).toBe("budget");
    expect(first.result.report.jobs.leased).toBe(0);
    const second = await session({ concurrency: 3 });
    expect(second.result.status).toBe("completed");
    expect([...first.fetched, ...second.fetched].sort()).toEqual(notesPlan(12).seeds?.notes);
  });
});
