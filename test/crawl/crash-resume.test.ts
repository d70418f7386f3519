/**
 * Crash and resume: `xhs crawl` (a spawned `node --import tsx` process) against a `startSimulator()`
 * URL is killed with SIGKILL at points of its own progress and resumed each time. The points are drawn
 * from a fixed list of seeds (each test names its seed, so a failure replays with `-t "seed N"`): the
 * crawl is killed right after its k-th call ends, counted over all its processes from their `--verbose`
 * attempt lines (see kill-on-progress.ts). The final database must hold the same notes, users, comments
 * and topics as an uninterrupted crawl of the same plan (by natural key, on content fields, no
 * duplicates), and its ledger must agree with the simulator's billing ledger to within the calls in
 * flight at each kill.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createClient } from "../../src/client/create-client.js";
import { runCrawl } from "../../src/crawl/engine.js";
import { loadPlanFile } from "../../src/crawl/plan/load.js";
import { type RunningSimulator, startSimulator } from "../../src/simulator/index.js";
import { Rng } from "../../src/simulator/world/random.js";
import { openSqliteStore } from "../../src/store/sqlite/sqlite-store.js";
import { spawnXhs } from "../support/xhs-process.js";
import { watchAttempts } from "./kill-on-progress.js";
import { smallCrawlPlan } from "./small-plan.js";

const KEY = "crash-test-key";
const CONCURRENCY = 3;
/**
 * Each seed draws its own kill points; a fixed list, so every run of the suite kills at the same points.
 * Four seeds of two kills: each process start costs seconds of module loading on a loaded machine, and
 * the whole file should stay under a minute there.
 */
const SEEDS = [1, 2, 3, 4] as const;
const KILLS_PER_SEED = 2;

const PLAN = smallCrawlPlan("crash test");

/**
 * Kill points as counts of calls ended over the whole crashed crawl, ascending, within the first 90 % of
 * what an uninterrupted crawl calls (so each is reached before the crawl can finish).
 */
function killPoints(seed: number, referenceCalls: number): number[] {
  const random = Rng.from("crash-resume", seed);
  const last = Math.floor(referenceCalls * 0.9);
  return Array.from({ length: KILLS_PER_SEED }, () => random.int(1, last)).sort((a, b) => a - b);
}

function spawnCrawl(sim: RunningSimulator, dir: string, db: string) {
  return spawnXhs(
    [
      "crawl",
      join(dir, "plan.yaml"),
      "--db",
      join(dir, db),
      "--base-url",
      sim.url,
      "--concurrency",
      String(CONCURRENCY),
      // One stderr line per call ended: the progress the kill points count.
      "--verbose",
    ],
    { cwd: dir, env: { ...process.env, TIKHUB_API_KEY: KEY } },
  );
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

describe("crash and resume (SIGKILL at the crawl's own progress)", () => {
  let sim: RunningSimulator;
  let dir: string;
  let referenceCalls = 0;
  let expected: Record<string, Map<string, string>>;

  beforeAll(async () => {
    sim = await startSimulator({ port: 0, seed: 5, size: "tiny", faults: "healthy", rateLimit: 0 });
    dir = mkdtempSync(join(tmpdir(), "xhs-crash-"));
    writeFileSync(join(dir, "plan.yaml"), PLAN);
    // The uninterrupted reference crawl, once for every seed: the same plan file through the same engine.
    const referenceStore = openSqliteStore(join(dir, "reference.db"));
    const client = createClient({ apiKey: KEY, baseUrl: sim.url, concurrency: CONCURRENCY });
    const reference = await runCrawl(
      { client, store: referenceStore, queue: referenceStore },
      { plan: loadPlanFile(join(dir, "plan.yaml")), concurrency: CONCURRENCY },
    );
    await referenceStore.close();
    expect(reference.status).toBe("completed");
    referenceCalls = calls(sim);
    expect(referenceCalls).toBeGreaterThan(15);
    expected = await contents(join(dir, "reference.db"));
  }, 60_000);
  afterAll(async () => {
    await sim?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it.each(SEEDS)(
    `seed %i: killed ${KILLS_PER_SEED} times at seeded points and resumed, ends with the same data as an uninterrupted crawl`,
    async (seed) => {
      sim.reset();
      const db = `crashed-${seed}.db`;
      const points = killPoints(seed, referenceCalls);
      // Calls ended over all processes so far, as their attempt lines counted them.
      let attemptsSeen = 0;
      const killedAt: number[] = [];
      let finished = false;
      for (let runs = 0; !finished && runs < KILLS_PER_SEED + 3; runs += 1) {
        const point = points[killedAt.length];
        // A point this crawl has passed already (two close points) kills the next process at its first call.
        const killAfter = point === undefined ? undefined : Math.max(point - attemptsSeen, 1);
        const result = await watchAttempts(spawnCrawl(sim, dir, db), killAfter);
        if (result.signal === "SIGKILL") {
          expect(result.killed, `seed ${seed}: killed by someone else`).toBe(true);
          killedAt.push(attemptsSeen + (killAfter ?? 0));
        } else {
          expect(result.code, `seed ${seed}: ${result.stderr}`).toBe(0);
          finished = true;
        }
        attemptsSeen += result.attempts;
      }
      console.log(
        `crash test seed ${seed} (-t "seed ${seed}" replays it): uninterrupted crawl ${referenceCalls} calls; ` +
          `kill points ${points.join(", ")}; killed after calls ${killedAt.join(", ")}; ` +
          `simulator answered ${calls(sim)}, the crawl saw ${attemptsSeen} end`,
      );
      expect(finished, `seed ${seed}: the resumed crawl finishes`).toBe(true);
      // Every point was reached before the crawl could finish.
      expect(killedAt).toHaveLength(points.length);

      // Same records, by natural key and content, no duplicates.
      const actual = await contents(join(dir, db));
      for (const kind of ["notes", "users", "comments", "topics"] as const) {
        expect([...(actual[kind]?.keys() ?? [])].sort(), `seed ${seed}: ${kind}`).toEqual(
          [...(expected[kind]?.keys() ?? [])].sort(),
        );
        for (const [id, content] of expected[kind] ?? [])
          expect(actual[kind]?.get(id), `seed ${seed}: ${kind} ${id}`).toBe(content);
      }

      // The ledger: every billed call the process saw is recorded; only calls in flight at a kill may be missing.
      const store = openSqliteStore(join(dir, db));
      try {
        const runsInDb = await store.listRuns();
        expect(runsInDb).toHaveLength(1);
        expect(runsInDb[0]?.status).toBe("completed");
        const ours = await store.ledgerTotals({ runId: runsInDb[0]?.id as string });
        const missing = billable(sim) - ours.billableCalls;
        expect(missing).toBeGreaterThanOrEqual(0);
        expect(missing).toBeLessThanOrEqual(killedAt.length * CONCURRENCY);
        // Repeated calls were paid twice: the crashed crawl paid at least what the uninterrupted one did.
        expect(billable(sim)).toBeGreaterThanOrEqual(referenceCalls);
      } finally {
        await store.close();
      }
    },
    60_000,
  );
});
