/**
 * Crash and resume: `xhs crawl` (a spawned `node --import tsx` process) against a `startSimulator()`
 * URL is killed with SIGKILL at seeded random points (printed) and resumed each time. The final
 * database must hold the same notes, users, comments and topics as an uninterrupted crawl of the same
 * plan (by natural key, on content fields, no duplicates), and its ledger must agree with the
 * simulator's billing ledger to within the calls in flight at each kill.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createClient } from "../../src/client/create-client.js";
import { runCrawl } from "../../src/crawl/engine.js";
import { loadPlanFile } from "../../src/crawl/plan.js";
import { type RunningSimulator, startSimulator } from "../../src/simulator/index.js";
import { openSqliteStore } from "../../src/store/sqlite/sqlite-store.js";

const REPO = resolve(import.meta.dirname, "../..");
const ENTRY = join(REPO, "src/cli/main-entry.ts");
const TSX = join(REPO, "node_modules/tsx/dist/esm/index.mjs");
const KEY = "crash-test-key";
const CONCURRENCY = 3;

const PLAN = `
name: crash test
seeds:
  keywords:
    - keyword: 露营
      limit: 4
expand:
  details: true
  comments: { maxPerNote: 12, replies: true, maxRepliesPerThread: 3 }
  authors: true
  authorNotes: { limit: 6 }
`;

/** mulberry32: a tiny seeded PRNG, so the kill points can be replayed from the printed seed. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function spawnCrawl(sim: RunningSimulator, dir: string, db: string): ChildProcess {
  return spawn(
    process.execPath,
    [
      "--import",
      TSX,
      ENTRY,
      "crawl",
      join(dir, "plan.yaml"),
      "--db",
      join(dir, db),
      "--base-url",
      sim.url,
      "--concurrency",
      String(CONCURRENCY),
    ],
    { cwd: dir, env: { ...process.env, TIKHUB_API_KEY: KEY }, stdio: ["ignore", "pipe", "pipe"] },
  );
}

function exited(child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }> {
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  child.stdout?.resume();
  return new Promise((done) => child.on("exit", (code, signal) => done({ code, signal, stderr })));
}

const calls = (sim: RunningSimulator) => sim.ledger.snapshot().totals.calls;
const billable = (sim: RunningSimulator) => sim.ledger.snapshot().totals.billableCalls;

/** Every record by natural key, on its content fields (fetch time and answering series left out). */
async function contents(path: string): Promise<Record<string, Map<string, string>>> {
  const store = openSqliteStore(path);
  const out: Record<string, Map<string, string>> = {};
  try {
    for (const kind of ["notes", "users", "comments", "topics"] as const) {
      const rows = new Map<string, string>();
      for await (const record of store.iterateRecords(kind)) {
        const { fetchedAt: _f, source: _s, ...content } = record as unknown as Record<string, unknown>;
        expect(rows.has(record.id), `duplicate ${kind} ${record.id}`).toBe(false);
        rows.set(record.id, JSON.stringify(content));
      }
      out[kind] = rows;
    }
  } finally {
    await store.close();
  }
  return out;
}

describe("crash and resume (SIGKILL)", () => {
  let sim: RunningSimulator;
  let dir: string;
  beforeAll(async () => {
    sim = await startSimulator({ port: 0, seed: 5, size: "tiny", faults: "healthy", rateLimit: 0 });
    dir = mkdtempSync(join(tmpdir(), "xhs-crash-"));
    writeFileSync(join(dir, "plan.yaml"), PLAN);
  });
  afterAll(async () => {
    await sim?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("killed at seeded random points five times and resumed, ends with the same data as an uninterrupted crawl", async () => {
    // The uninterrupted reference crawl: the same plan file through the same engine, in this process.
    sim.reset();
    const referenceStore = openSqliteStore(join(dir, "reference.db"));
    const client = createClient({ apiKey: KEY, baseUrl: sim.url, concurrency: CONCURRENCY });
    const reference = await runCrawl(
      { client, store: referenceStore, queue: referenceStore },
      { plan: loadPlanFile(join(dir, "plan.yaml")), concurrency: CONCURRENCY },
    );
    await referenceStore.close();
    expect(reference.status).toBe("completed");
    const referenceCalls = calls(sim);
    expect(referenceCalls).toBeGreaterThan(15);

    // The crawl that is killed again and again.
    sim.reset();
    const seed = Number(process.env["CRASH_SEED"] ?? Date.now() % 100_000);
    const random = prng(seed);
    // Five kill points spread over the crawl, as counts of calls the simulator has answered.
    const points = Array.from({ length: 5 }, () => 2 + Math.floor(random() * referenceCalls * 0.9)).sort(
      (a, b) => a - b,
    );
    const kills: { afterCalls: number; simCalls: number }[] = [];
    let finished = false;
    let runs = 0;
    while (!finished && runs < 20) {
      runs += 1;
      const before = calls(sim);
      // Kill somewhere in the next stretch of calls, while there is still work left (the first five runs).
      const point = points[kills.length];
      const killAt = point === undefined ? Number.POSITIVE_INFINITY : Math.max(point, before + 1);
      const child = spawnCrawl(sim, dir, "crashed.db");
      const done = exited(child);
      const timer = setInterval(() => {
        if (calls(sim) >= killAt && child.exitCode === null) {
          child.kill("SIGKILL");
          clearInterval(timer);
        }
      }, 2);
      const result = await done;
      clearInterval(timer);
      if (result.signal === "SIGKILL") {
        kills.push({ afterCalls: killAt - before, simCalls: calls(sim) });
      } else {
        expect(result.code, result.stderr).toBe(0);
        finished = true;
      }
    }
    console.log(
      `crash test: seed ${seed} (CRASH_SEED=${seed} replays it); uninterrupted crawl ${referenceCalls} calls; ` +
        `kill points ${points.join(", ")}; killed at simulator calls ${kills.map((k) => k.simCalls).join(", ")}; total ${calls(sim)}`,
    );
    expect(finished).toBe(true);
    expect(kills.length).toBeGreaterThanOrEqual(5);

    // Same records, by natural key and content, no duplicates.
    const expected = await contents(join(dir, "reference.db"));
    const actual = await contents(join(dir, "crashed.db"));
    for (const kind of ["notes", "users", "comments", "topics"] as const) {
      expect([...(actual[kind]?.keys() ?? [])].sort(), kind).toEqual([...(expected[kind]?.keys() ?? [])].sort());
      for (const [id, content] of expected[kind] ?? []) expect(actual[kind]?.get(id), `${kind} ${id}`).toBe(content);
    }

    // The ledger: every billed call the process saw is recorded; only calls in flight at a kill may be missing.
    const store = openSqliteStore(join(dir, "crashed.db"));
    try {
      const runsInDb = await store.listRuns();
      expect(runsInDb).toHaveLength(1);
      expect(runsInDb[0]?.status).toBe("completed");
      const ours = await store.ledgerTotals({ runId: runsInDb[0]?.id as string });
      const missing = billable(sim) - ours.billableCalls;
      expect(missing).toBeGreaterThanOrEqual(0);
      expect(missing).toBeLessThanOrEqual(kills.length * CONCURRENCY);
      // Repeated calls were paid twice: the crashed crawl paid at least what the uninterrupted one did.
      expect(billable(sim)).toBeGreaterThanOrEqual(referenceCalls);
    } finally {
      await store.close();
    }
  }, 120_000);
});
