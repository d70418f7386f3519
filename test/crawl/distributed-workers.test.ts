/**
 * Workers on shared runs, in-process (engine/open-runs.ts, the shared mode of engine/finish.ts): a worker
 * works every open run with work left, oldest first, and stops when none has any (`untilIdle`); a worker
 * stopped by its signal leaves an unfinished shared run running for the others instead of "interrupted".
 */
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { EXIT } from "../../src/cli/exit-codes.js";
import { enqueueRun } from "../../src/crawl/engine/enqueue-run.js";
import { workOpenRuns } from "../../src/crawl/engine/open-runs.js";
import { runCrawl } from "../../src/crawl/engine.js";
import { normalizePlan } from "../../src/crawl/plan/normalize.js";
import { openSqliteStore } from "../../src/store/sqlite/sqlite-store.js";
import { runCli } from "../cli/helpers.js";
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

describe("xhs worker and --enqueue-only: bad input is exit 2 before anything is opened or paid", () => {
  async function xhs(args: string[]) {
    const dir = mkdtempSync(join(tmpdir(), "xhs-worker-cli-"));
    let paid = 0;
    const { code, stderr } = await runCli(args, {
      env: { TIKHUB_API_KEY: "worker-test-key" },
      fetch: async () => {
        paid += 1;
        throw new Error("no call expected");
      },
      cwd: dir,
    });
    const files = readdirSync(dir);
    rmSync(dir, { recursive: true, force: true });
    return { code, stderr, paid, files };
  }

  it("refuses a worker without a Postgres --db, and --enqueue-only on a SQLite file", async () => {
    const none = await xhs(["worker"]);
    expect(none.code).toBe(EXIT.usage);
    expect(none.stderr).toMatch(/needs a Postgres database/);
    const sqlite = await xhs(["worker", "--db", "x.db"]);
    expect(sqlite.code).toBe(EXIT.usage);
    expect(sqlite.stderr).toMatch(/postgres:\/\//);
    const enqueue = await xhs(["crawl", "--note", noteId(1), "--db", "x.db", "--enqueue-only"]);
    expect(enqueue.code).toBe(EXIT.usage);
    expect(enqueue.stderr).toMatch(/--enqueue-only needs a Postgres --db/);
    for (const result of [none, sqlite, enqueue]) {
      expect(result.paid).toBe(0);
      expect(result.files).toEqual([]);
    }
  });

  it("refuses an unreachable Postgres with exit 2 before any call", async () => {
    const result = await xhs(["worker", "--db", "postgres://nobody@127.0.0.1:1/none", "--until-idle"]);
    expect(result.code).toBe(EXIT.usage);
    expect(result.paid).toBe(0);
  });
});
