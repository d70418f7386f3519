/**
 * The distributed crash test (issue #13): one run of ≥ 2,000 jobs in Postgres, 4 `xhs worker` processes
 * (spawned `node --import tsx`) against a `startSimulator()` URL, pg-boss delivering the jobs. At points of
 * the crawl's own progress (calls the simulator has billed, drawn from a fixed seed) a random worker gets
 * SIGKILL and a new one starts in its place, 6 times. The final notes, users and comments (ids and content
 * fields) must equal those of an uninterrupted single-process crawl of the same plan and world seed, and the
 * calls paid must not exceed that crawl's by more than the calls the killed workers had in flight.
 *
 * The simulator runs without rate limits here (the scale benchmark checks those): this test is about what a
 * kill loses, and a 10/s limit would only make it slower. Runs when XHS_TEST_DATABASE_URL is set.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createClient } from "../../src/client/create-client.js";
import type { Series } from "../../src/core/vocabulary.js";
import { enqueueRun } from "../../src/crawl/engine/enqueue-run.js";
import { runCrawl } from "../../src/crawl/engine.js";
import { normalizePlan } from "../../src/crawl/plan/normalize.js";
import type { CrawlPlan } from "../../src/crawl/plan/types.js";
import type { LedgerSnapshot } from "../../src/simulator/billing.js";
import { createSimulator, type RunningSimulator, startSimulator } from "../../src/simulator/index.js";
import { Rng } from "../../src/simulator/world/random.js";
import { RECORD_KINDS, type Store } from "../../src/store/port.js";
import { openPostgresStore } from "../../src/store/postgres/open.js";
import { startPgBossQueue } from "../../src/store/sql/pgboss/start.js";
import { openSqliteStore } from "../../src/store/sqlite/sqlite-store.js";
import { type FreshDatabase, freshPostgresDatabase, hasPostgres } from "../support/services.js";

const REPO = resolve(import.meta.dirname, "../..");
const ENTRY = join(REPO, "src/cli/main-entry.ts");
const TSX = join(REPO, "node_modules/tsx/dist/esm/index.mjs");
const KEYS = ["crash-key-one", "crash-key-two"];
/** Other seeds: XHS_TEST_WORLD_SEED and XHS_TEST_KILL_SEED (the test must pass on any). */
const WORLD_SEED = Number(process.env.XHS_TEST_WORLD_SEED ?? 7);
const KILL_SEED = Number(process.env.XHS_TEST_KILL_SEED ?? 1);
const WORKERS = 4;
const KILLS = 6;
/** Jobs at once per worker: a kill loses at most this many jobs' uncommitted calls. */
const CONCURRENCY = 3;

/** Every keyword of the simulator's tiny world: its ~400 notes, their comments, replies and authors (> 2,000 jobs). */
const KEYWORDS = [
  "美食推荐",
  "美食博主",
  "探店",
  "家常菜",
  "甜品",
  "火锅",
  "口红",
  "口红试色",
  "护肤",
  "粉底液",
  "眼影",
  "旅行攻略",
  "周末去哪儿",
  "露营",
  "大理",
  "穿搭",
  "通勤穿搭",
  "小个子穿搭",
  "健身",
  "减脂餐",
  "瑜伽",
  "家居好物",
  "租房改造",
  "猫咪",
  "萨摩耶",
  "宠物日常",
  "数码",
  "手机摄影",
];
/**
 * One series: which series answers a call must not depend on timing (a hedge or failover on a loaded machine
 * would fetch a list from another series, whose pages differ in size, and so find other reply threads).
 */
const SERIES: Series[] = ["app_v2"];
/**
 * Both simulators on one fixed clock: the world's counts grow with time (engagement curves), and the reference
 * runs minutes before the distributed crawl.
 */
const FIXED_CLOCK = { now: () => Date.UTC(2026, 5, 1, 12) };
const WORLD = { seed: WORLD_SEED, size: "tiny", faults: "healthy", rateLimit: 0, clock: FIXED_CLOCK } as const;

const PLAN: CrawlPlan = normalizePlan(
  {
    name: "distributed crash",
    seeds: { keywords: KEYWORDS.map((keyword) => ({ keyword, limit: 60 })) },
    expand: { details: true, comments: { maxPerNote: 30, replies: true, maxRepliesPerThread: 3 }, authors: true },
  },
  "distributed crash",
);

type Contents = Record<string, Map<string, string>>;

/** Every record by kind and id, without `fetchedAt` and `source` (when and over which series it came). */
async function contents(store: Store): Promise<Contents> {
  const out: Contents = {};
  for (const kind of RECORD_KINDS) {
    const records = new Map<string, string>();
    for await (const record of store.iterateRecords(kind)) {
      const { fetchedAt: _f, source: _s, ...content } = record as unknown as Record<string, unknown>;
      const id = String(content.id);
      expect(records.has(id), `${kind} ${id} stored twice`).toBe(false);
      records.set(id, JSON.stringify(content));
    }
    out[kind] = records;
  }
  return out;
}

/** Which top-level fields differ, with both values, so a failure names its cause. */
function fieldDiff(want: string, got: string): string {
  const a = JSON.parse(want) as Record<string, unknown>;
  const b = JSON.parse(got) as Record<string, unknown>;
  return [...new Set([...Object.keys(a), ...Object.keys(b)])]
    .filter((key) => JSON.stringify(a[key]) !== JSON.stringify(b[key]))
    .map((key) => `${key}: ${JSON.stringify(a[key])?.slice(0, 120)} vs ${JSON.stringify(b[key])?.slice(0, 120)}`)
    .join("; ");
}

function differences(expected: Contents, actual: Contents): string[] {
  const found: string[] = [];
  for (const kind of Object.keys(expected)) {
    const want = expected[kind] ?? new Map();
    const got = actual[kind] ?? new Map();
    for (const [id, content] of want) {
      if (!got.has(id)) found.push(`${kind} ${id} missing`);
      else if (got.get(id) !== content) found.push(`${kind} ${id} differs: ${fieldDiff(content, got.get(id) ?? "{}")}`);
    }
    for (const id of got.keys()) if (!want.has(id)) found.push(`${kind} ${id} extra`);
  }
  return found;
}

/** Calls per endpoint over every key: where a run paid more than another. */
function callsByEndpoint(snapshot: LedgerSnapshot): Map<string, number> {
  const out = new Map<string, number>();
  for (const key of snapshot.keys) {
    for (const [endpoint, usage] of Object.entries(key.endpoints)) {
      out.set(endpoint, (out.get(endpoint) ?? 0) + usage.calls);
    }
  }
  return out;
}

interface Worker {
  child: ChildProcess;
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>;
}

function startWorker(sim: RunningSimulator, url: string): Worker {
  const child = spawn(
    process.execPath,
    [
      "--import",
      TSX,
      ENTRY,
      "worker",
      "--db",
      url,
      "--until-idle",
      "--base-url",
      sim.url,
      "--qps",
      "0",
      "--series",
      SERIES.join(","),
      "--concurrency",
      String(CONCURRENCY),
      "--lease-ttl",
      "5",
      "--supervise-interval",
      "1",
      "--poll",
      "200",
    ],
    {
      cwd: REPO,
      env: { ...process.env, TIKHUB_API_KEY: KEYS[0], TIKHUB_API_KEYS: KEYS.join(",") },
      stdio: ["ignore", "ignore", "pipe"],
    },
  );
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>((done) =>
    child.on("close", (code, signal) => done({ code, signal, stderr })),
  );
  return { child, exit };
}

const until = async (condition: () => boolean, what: string, limitMs = 600_000) => {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > limitMs) throw new Error(`gave up waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
};

/**
 * Runs wherever XHS_TEST_DATABASE_URL is set (CI sets it; XHS_TEST_DISTRIBUTED=0 skips it). Alone on the 2-core machine
 * it took 79–109 s (load 1–7), within CI's 2 minutes; under a load of 33 it took 549 s. Green on world/kill seeds 7/1,
 * 7/2 and 8/3: records equal, 8–15 calls over the reference against a bound of 18. Its earlier failures each have a
 * test that needs no seed: the author's avatar in the merge (test/store/merge.test.ts), seed limits and type hints
 * that depended on job order (order-independence.test.ts), lost run statistics (run-stats-concurrency.test.ts).
 */
const DISTRIBUTED = hasPostgres() && process.env.XHS_TEST_DISTRIBUTED !== "0";

describe.skipIf(!DISTRIBUTED)("distributed crash: 4 workers on pg-boss, SIGKILLed and restarted", () => {
  let dir: string;
  let database: FreshDatabase;
  let sim: RunningSimulator;
  let reference: {
    contents: Contents;
    calls: number;
    jobs: number;
    keys: Set<string>;
    byEndpoint: Map<string, number>;
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "xhs-distributed-"));
    // The uninterrupted single-process crawl of the same plan and world seed (in-process simulator).
    const local = createSimulator(WORLD);
    const store = openSqliteStore(join(dir, "reference.db"));
    const result = await runCrawl(
      {
        client: createClient({ apiKey: KEYS[0], baseUrl: local.url, fetch: local.fetch, qps: 0 }),
        store,
        queue: store,
      },
      { plan: PLAN, concurrency: 4 },
    );
    expect(result.status).toBe("completed");
    const counts = await store.jobCounts(result.runId);
    const keys = (await store.listJobs(result.runId)).map((job) => job.key);
    reference = {
      contents: await contents(store),
      calls: local.ledger.snapshot().totals.calls,
      byEndpoint: callsByEndpoint(local.ledger.snapshot()),
      jobs: counts.done,
      keys: new Set(keys),
    };
    await store.close();
    database = await freshPostgresDatabase("distributed_crash");
    sim = await startSimulator({ port: 0, ...WORLD });
  }, 600_000);

  afterAll(async () => {
    await sim?.close();
    await database?.drop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("ends with the records of an uninterrupted crawl, paying no more than the calls in flight at the kills", async () => {
    expect(reference.jobs).toBeGreaterThanOrEqual(2_000);
    // The run and its seeds, as `xhs crawl --enqueue-only` makes them.
    const store = await openPostgresStore(database.url);
    const setup = await startPgBossQueue(database.url, store, { deliveryExpirySeconds: 5 });
    const { run } = await enqueueRun({ store, queue: setup.queue }, { plan: PLAN });
    await setup.stop();

    const workers: Worker[] = Array.from({ length: WORKERS }, () => startWorker(sim, database.url));
    const random = Rng.from("distributed-crash", KILL_SEED);
    const points = Array.from({ length: KILLS }, () =>
      random.int(Math.floor(reference.calls * 0.05), Math.floor(reference.calls * 0.85)),
    ).sort((a, b) => a - b);
    const billed = () => sim.ledger.snapshot().totals.calls;
    const kills: { at: number; worker: number }[] = [];
    for (const point of points) {
      await until(() => billed() >= point, `call ${point}`);
      const live = workers.map((w, i) => ({ w, i })).filter(({ w }) => w.child.exitCode === null);
      const victim = live[random.int(0, live.length - 1)];
      if (!victim) break;
      kills.push({ at: billed(), worker: victim.i });
      victim.w.child.kill("SIGKILL");
      await victim.w.exit;
      workers[victim.i] = startWorker(sim, database.url);
    }
    const exits = await Promise.all(workers.map((w) => w.exit));
    for (const exit of exits) expect(exit.code, exit.stderr).toBe(0);

    const total = billed();
    const ledger = await store.ledgerTotals({ runId: run.id });
    const finished = await store.getRun(run.id);
    const counts = await store.jobCounts(run.id);
    const got = await contents(store);
    const keys = new Set((await store.listJobs(run.id)).map((job) => job.key));
    // Where the calls over the reference went, and which jobs were delivered more than once (diagnostics).
    const overByEndpoint = [...callsByEndpoint(sim.ledger.snapshot())]
      .map(([endpoint, calls]) => [endpoint, calls - (reference.byEndpoint.get(endpoint) ?? 0)] as const)
      .filter(([, over]) => over !== 0);
    const redelivered = (await store.listJobs(run.id)).filter((job) => job.attempts > 1);
    const redeliveredByKind = new Map<string, number>();
    for (const job of redelivered) redeliveredByKind.set(job.kind, (redeliveredByKind.get(job.kind) ?? 0) + 1);
    const diffs = differences(reference.contents, got);
    const diffTally = new Map<string, number>();
    for (const d of diffs) {
      const [kind, , what] = d.split(" ");
      diffTally.set(`${kind} ${what}`, (diffTally.get(`${kind} ${what}`) ?? 0) + 1);
    }
    console.log(
      `calls over the reference by endpoint: ${JSON.stringify(Object.fromEntries(overByEndpoint))}; ` +
        `jobs leased more than once: ${redelivered.length} ${JSON.stringify(Object.fromEntries(redeliveredByKind))}; ` +
        `record differences: ${JSON.stringify(Object.fromEntries(diffTally))}`,
    );
    await store.close();
    // The calls in flight at a kill: at most one per job the worker held (its concurrency); the job's
    // earlier pages were committed with their checkpoint and are not asked again.
    const inFlightBound = kills.length * CONCURRENCY;
    console.log(
      `distributed crash (world seed ${WORLD_SEED}, kill seed ${KILL_SEED}): ${reference.jobs} jobs; reference ${reference.calls} calls; with ${kills.length} kills ` +
        `(at calls ${kills.map((k) => k.at).join(", ")}) ${total} calls billed, ${ledger.calls} in the run's ledger, ` +
        `${total - reference.calls} over the reference (bound ${inFlightBound})`,
    );
    expect(kills.length).toBeGreaterThanOrEqual(5);
    expect(finished?.status).toBe("completed");
    expect(diffs.slice(0, 20)).toEqual([]);
    expect([...keys].filter((key) => !reference.keys.has(key)).slice(0, 20)).toEqual([]);
    expect(counts).toEqual({ pending: 0, leased: 0, done: reference.jobs, failed: 0 });
    expect(total).toBeLessThanOrEqual(reference.calls + inFlightBound);
    // Every billed call is in the ledger but those whose ledger row a kill cut off.
    expect(ledger.calls).toBeLessThanOrEqual(total);
    expect(ledger.calls).toBeGreaterThanOrEqual(total - inFlightBound);
  }, 900_000);
});
