/**
 * Benchmark "scale" (issue #13): `xhs worker` processes on one Postgres (pg-boss delivering the jobs, each
 * key's limits shared through the database) against an HTTP simulator that enforces 10 req/s per key and
 * Web V3 note detail 1 req/s per key. For 1, 2, 4 workers × 1, 2, 4 keys: the aggregate rate of useful calls
 * (HTTP 200) over keys × 10 req/s, the 429s, and lost or duplicate records. Then what Postgres itself does
 * on this machine (record upserts/s, job lease+complete cycles/s), from which the README sizes one Postgres.
 *
 * Real time (the workers are separate processes). Needs a Postgres server: `--pg URL` or XHS_TEST_DATABASE_URL.
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { loadavg } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { enqueueRun } from "../crawl/engine/enqueue-run.js";
import { normalizePlan } from "../crawl/plan/normalize.js";
import type { Comment, Note } from "../model/types.js";
import { startSimulator } from "../simulator/index.js";
import { openPostgresStore } from "../store/postgres/open.js";
import { startPgBossQueue } from "../store/sql/pgboss/start.js";
import { round } from "./stats.js";

export interface ScaleOptions {
  /** A Postgres server URL; each cell gets a database of its own there (dropped after). */
  postgresUrl: string;
  seed: number;
  workers?: readonly number[];
  keys?: readonly number[];
  /** Notes per keyword (four keywords per key; each note: detail + comment pages); default 15. */
  notesPerKey?: number;
  /** Seconds of Postgres measurement each (upserts, leases); default 5. */
  postgresSeconds?: number;
  log?: (line: string) => void;
}

export interface ScaleCell {
  workers: number;
  keys: number;
  calls: number;
  usefulCalls: number;
  http429: number;
  /** Useful calls/s over the steady part of the run (10 %..90 % of its calls). */
  usefulPerSecond: number;
  /** usefulPerSecond / (keys × 10). */
  shareOfLimit: number;
  /** Seeded notes missing from the store at the end, plus failed jobs. */
  lost: number;
  /** Jobs that ran more than once (a record fetched twice). */
  duplicates: number;
  status: string;
  realSeconds: number;
}

export interface ScaleResult {
  seed: number;
  notesPerKey: number;
  /** When it ran (ISO 8601 UTC) and the 1-minute load average before and after: a busy machine starves workers. */
  measuredAt: string;
  loadAverage: { start: number; end: number };
  /** The commit measured (written by --append). */
  commit?: string;
  cells: ScaleCell[];
  postgres: { upsertsPerSecond: number; leasesPerSecond: number; connections: number };
}

const PER_KEY = 10;
const NOTES_PER_KEYWORD = 15;
/** Keywords of the simulator's tiny world, four per key (each a search, its notes' details and comments). */
const KEYWORDS = [
  "美食推荐",
  "探店",
  "家常菜",
  "甜品",
  "火锅",
  "口红",
  "护肤",
  "粉底液",
  "眼影",
  "旅行攻略",
  "露营",
  "大理",
  "穿搭",
  "健身",
  "瑜伽",
  "猫咪",
];

function entry(): { file: string; args: string[] } {
  const here = dirname(fileURLToPath(import.meta.url));
  const root = join(here, "../..");
  // The package's build (dist/, made by `npm install`), so a worker does not spend its CPU compiling the CLI;
  // without one (.bench-dist holds only the bench's own imports), the CLI's source through tsx.
  const js = join(root, "dist/cli/main-entry.js");
  if (existsSync(js)) return { file: js, args: [] };
  const tsx = join(root, "node_modules/tsx/dist/esm/index.mjs");
  return { file: join(root, "src/cli/main-entry.ts"), args: ["--import", tsx] };
}

async function withDatabase<T>(serverUrl: string, label: string, fn: (url: string) => Promise<T>): Promise<T> {
  const name = `xhs_bench_${label}_${Date.now().toString(36)}_${Math.floor(Math.random() * 1e6)}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  try {
    return await fn(url.toString());
  } finally {
    const drop = new pg.Client({ connectionString: serverUrl });
    await drop.connect();
    await drop.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await drop.end();
  }
}

async function runCell(options: ScaleOptions, workers: number, keyCount: number): Promise<ScaleCell> {
  const keys = Array.from({ length: keyCount }, (_, i) => `scale-key-${i + 1}`);
  const sim = await startSimulator({ port: 0, seed: options.seed, size: "tiny", faults: "healthy", keys });
  try {
    // Keyword seeds (App V2 search, details, comments): note URLs would carry tokens and send details to Web V3,
    // whose 1 req/s per key would bind instead of the 10 req/s this measures.
    const keywords = KEYWORDS.slice(0, 4 * keyCount);
    const plan = normalizePlan(
      {
        name: `scale ${workers}x${keyCount}`,
        seeds: { keywords: keywords.map((keyword) => ({ keyword, limit: options.notesPerKey ?? NOTES_PER_KEYWORD })) },
        expand: { details: true, comments: { maxPerNote: 20, replies: false } },
      },
      "bench",
    );
    return await withDatabase(options.postgresUrl, `scale_${workers}_${keyCount}`, async (url) => {
      const store = await openPostgresStore(url);
      const setup = await startPgBossQueue(url, store);
      const { run } = await enqueueRun({ store, queue: setup.queue }, { plan });
      await setup.stop();
      const started = performance.now();
      const samples: { t: number; calls: number }[] = [];
      const sampler = setInterval(() => {
        samples.push({ t: performance.now(), calls: sim.ledger.snapshot().totals.byStatus["200"] ?? 0 });
      }, 100);
      const { file, args } = entry();
      const children: ChildProcess[] = Array.from({ length: workers }, () =>
        spawn(
          process.execPath,
          [
            ...args,
            file,
            "worker",
            "--db",
            url,
            "--until-idle",
            "--base-url",
            sim.url,
            // Jobs at once per worker: enough that the limit, not latency, binds (workers share the keys).
            "--concurrency",
            String(Math.max(2, Math.ceil((keyCount * 4) / workers))),
            "--poll",
            "200",
            // App V2 only: a hedge to Web V3 on a loaded machine would meet its 1 req/s limit, not the key's.
            "--series",
            "app_v2",
          ],
          {
            env: { ...process.env, TIKHUB_API_KEYS: keys.join(","), TIKHUB_API_KEY: keys[0] },
            stdio: ["ignore", "ignore", "inherit"],
          },
        ),
      );
      await Promise.all(children.map((c) => new Promise((done) => c.on("close", done))));
      clearInterval(sampler);
      const realSeconds = (performance.now() - started) / 1000;
      const totals = sim.ledger.snapshot().totals;
      const useful = totals.byStatus["200"] ?? 0;
      const counts = await store.jobCounts(run.id);
      const jobs = await store.listJobs(run.id);
      // Every note job done must have stored its note.
      const stored = new Set<string>();
      for await (const note of store.iterateRecords("notes")) stored.add((note as Note).id);
      const missing = jobs.filter((j) => j.kind === "note" && !stored.has(j.key.slice("note:".length))).length;
      const finished = await store.getRun(run.id);
      await store.close();
      return {
        workers,
        keys: keyCount,
        calls: totals.calls,
        usefulCalls: useful,
        http429: totals.byStatus["429"] ?? 0,
        usefulPerSecond: round(steadyRate(samples), 2),
        shareOfLimit: round(steadyRate(samples) / (keyCount * PER_KEY), 3),
        lost: missing + counts.failed,
        duplicates: jobs.filter((j) => j.attempts > 1).length,
        status: finished?.status ?? "missing",
        realSeconds: round(realSeconds, 1),
      };
    });
  } finally {
    await sim.close();
  }
}

/** Calls/s between the samples where 10 % and 90 % of the calls had been made (start-up and tail left out). */
export function steadyRate(samples: readonly { t: number; calls: number }[]): number {
  const last = samples.at(-1)?.calls ?? 0;
  const from = samples.find((s) => s.calls >= last * 0.1);
  const to = samples.find((s) => s.calls >= last * 0.9);
  if (!from || !to || to.t <= from.t) return 0;
  return ((to.calls - from.calls) * 1000) / (to.t - from.t);
}

/** Record upserts/s (20-comment batches, one transaction each) and job lease+complete cycles/s, 4 connections. */
async function measurePostgres(options: ScaleOptions): Promise<ScaleResult["postgres"]> {
  const seconds = options.postgresSeconds ?? 5;
  const connections = 4;
  return withDatabase(options.postgresUrl, "scale_pg", async (url) => {
    const stores = await Promise.all(
      Array.from({ length: connections }, () => openPostgresStore(url, { poolSize: 2 })),
    );
    const first = stores[0]!;
    const run = await first.createRun({ status: "running" });
    let upserts = 0;
    const upsertUntil = performance.now() + seconds * 1000;
    await Promise.all(
      stores.map(async (store, s) => {
        for (let batch = 0; performance.now() < upsertUntil; batch += 1) {
          const comments: Comment[] = Array.from({ length: 20 }, (_, i) => ({
            id: `c${s}-${batch}-${i}`,
            noteId: `note-${batch % 50}`,
            rootId: null,
            replyToUser: null,
            author: { id: `u${i}`, nickname: `user ${i}`, avatarUrl: null, redId: null },
            text: `comment ${i}`,
            likes: i,
            replyCount: 0,
            createdAt: "2026-01-01T00:00:00.000Z",
            ipLocation: null,
            pictures: [],
            pinned: false,
            byNoteAuthor: false,
            approx: [],
            source: "app_v2",
            fetchedAt: new Date().toISOString(),
          }));
          await store.transaction(() => store.upsertComments(comments, { runId: run.id }));
          upserts += comments.length;
        }
      }),
    );
    const upsertsPerSecond = upserts / seconds;
    const boss = await startPgBossQueue(url, first);
    const jobs = Array.from({ length: 4000 }, (_, i) => ({ runId: run.id, key: `job-${i}`, kind: "note" }));
    await first.transaction(() => boss.queue.enqueueMany(jobs));
    const queues = [boss, ...(await Promise.all(stores.slice(1).map((store) => startPgBossQueue(url, store))))];
    let leases = 0;
    const leaseUntil = performance.now() + seconds * 1000;
    await Promise.all(
      queues.map(async ({ queue }, w) => {
        while (performance.now() < leaseUntil) {
          const [job] = await queue.lease(run.id, { owner: `bench-${w}`, ttlMs: 60_000 });
          if (!job) break;
          await queue.complete(job);
          leases += 1;
        }
      }),
    );
    const leasesPerSecond = leases / seconds;
    for (const q of queues) await q.stop();
    for (const store of stores) await store.close();
    return { upsertsPerSecond: round(upsertsPerSecond, 0), leasesPerSecond: round(leasesPerSecond, 0), connections };
  });
}

export async function measureScale(options: ScaleOptions): Promise<ScaleResult> {
  const log = options.log ?? (() => {});
  const measuredAt = new Date().toISOString();
  const loadAtStart = loadavg()[0]!;
  const cells: ScaleCell[] = [];
  for (const keys of options.keys ?? [1, 2, 4]) {
    for (const workers of options.workers ?? [1, 2, 4]) {
      log(`scale: ${workers} worker(s) × ${keys} key(s) …`);
      const cell = await runCell(options, workers, keys);
      log(
        `  ${cell.usefulPerSecond} useful calls/s = ${Math.round(cell.shareOfLimit * 100)} % of ${keys * PER_KEY}/s, ` +
          `${cell.http429} × 429, ${cell.lost} lost, ${cell.duplicates} run twice (${cell.realSeconds} s)`,
      );
      cells.push(cell);
    }
  }
  log("scale: Postgres upserts and leases …");
  const postgres = await measurePostgres(options);
  log(`  ${postgres.upsertsPerSecond} upserts/s, ${postgres.leasesPerSecond} lease+complete/s`);
  return {
    seed: options.seed,
    notesPerKey: options.notesPerKey ?? NOTES_PER_KEYWORD,
    measuredAt,
    loadAverage: { start: round(loadAtStart, 1), end: round(loadavg()[0]!, 1) },
    cells,
    postgres,
  };
}

/**
 * `node --import tsx src/bench/scale.ts [--pg URL] [--workers 1,2] [--keys 1,2] [--notes N] [--seed N] [--append FILE]`:
 * the scale benchmark alone; with --append, the result is added as one more pass to FILE (bench/scale.json holds a
 * list of passes, which `npm run bench -- --render` draws as one table).
 */
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const arg = (name: string) => {
    const i = process.argv.indexOf(name);
    return i > 0 ? process.argv[i + 1] : undefined;
  };
  const list = (text: string | undefined) => text?.split(",").map(Number);
  const postgresUrl = arg("--pg") ?? process.env.XHS_TEST_DATABASE_URL;
  if (!postgresUrl) {
    process.stderr.write("scale: give --pg postgres://… (or XHS_TEST_DATABASE_URL)\n");
    process.exit(2);
  }
  const result = await measureScale({
    postgresUrl,
    seed: Number(arg("--seed") ?? 1),
    ...(list(arg("--workers")) ? { workers: list(arg("--workers"))! } : {}),
    ...(list(arg("--keys")) ? { keys: list(arg("--keys"))! } : {}),
    ...(arg("--notes") ? { notesPerKey: Number(arg("--notes")) } : {}),
    log: (line) => process.stderr.write(`${line}\n`),
  });
  const append = arg("--append");
  if (append) {
    const before: unknown = existsSync(append) ? JSON.parse(readFileSync(append, "utf8")) : [];
    const passes = Array.isArray(before) ? before : [before];
    // The commit measured, so a table of passes made at different times says which code each one ran.
    const commit = spawnSync("git", ["rev-parse", "--short", "HEAD"], { encoding: "utf8" }).stdout.trim() || undefined;
    writeFileSync(append, `${JSON.stringify([...passes, { ...result, commit }], null, 2)}\n`);
  }
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
}
