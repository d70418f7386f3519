/**
 * `npm run bench`: builds, then runs every measurement and writes bench/results.md and bench/results.json.
 *
 *   node --expose-gc .bench-dist/bench/run.js [--quick] [--out DIR] [--requests N] [--seed N]
 *        [--profiles a,b] [--strategies a,b] [--only compare,crawl,parse,stream,simulator,server,media,scale,export,store,watch,dashboard]
 *        [--scale X]   (run the comparison in real time × X instead of on the virtual clock)
 *   node .bench-dist/bench/run.js --seeds N|a,b,c [--requests N] [--profiles a,b] [--strategies a,b] [--out DIR]
 *        (the comparison only, once per world seed (N: seeds 1..N); writes results-seeds.md and
 *        results-seeds.json: sums per strategy and profile, and every wrong answer with its seed and request)
 *   node .bench-dist/bench/run.js --render [--out DIR]   (rewrite results.md from results.json and ANALYSIS.md,
 *        after editing the analysis: no measurement is run)
 *
 * --quick: small sizes (a minute or two), written to a temporary folder unless --out is given.
 * The hand-written analysis in bench/ANALYSIS.md (why a target is missed) is copied into results.md.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { cpus, loadavg, platform, release, tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { type CellResult, compareStrategies } from "./compare.js";
import { type CrawlRateResult, measureCrawlRate } from "./crawl-rate.js";
import { measureDashboardNotes } from "./dashboard-notes.js";
import { measureExportMemory } from "./export-memory.js";
import { measureMediaDownloads } from "./media-download.js";
import { measureParseCost, type ParseCostResult } from "./parse-cost.js";
import { BENCH_PROFILES } from "./profiles.js";
import { type BenchResults, evaluateTargets, writeResults } from "./report.js";
import { measureScale } from "./scale.js";
import { createScaledTime, createVirtualTime } from "./scaled-time.js";
import { compareSeeds, parseSeeds, writeSeedsResults } from "./seeds.js";
import { measureSimulatorThroughput } from "./simulator-throughput.js";
import { measureStoreWrites, postgresBackend, sqliteBackend } from "./store-write.js";
import { STRATEGY_NAMES, type StrategyName } from "./strategies/types.js";
import { type CommentStreamResult, measureCommentStream } from "./stream-comments.js";
import { measureWatchCost } from "./watch.js";

const PARTS = [
  "compare",
  "crawl",
  "parse",
  "stream",
  "simulator",
  "server",
  "media",
  "scale",
  "export",
  "store",
  "watch",
  "dashboard",
] as const;
type Part = (typeof PARTS)[number];

export interface BenchRunOptions {
  quick: boolean;
  out: string;
  requests: number;
  seed: number;
  profiles: string[];
  strategies: StrategyName[];
  only: Part[];
  /** Real-time scale for the comparison; null = virtual clock. */
  scale: number | null;
  /** Only re-render results.md from the folder's results.json (and ANALYSIS.md). */
  render: boolean;
  /** The comparison once per seed (results-seeds.*) instead of the full run; null = the full run. */
  seeds: number[] | null;
  log: (line: string) => void;
}

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");

function version(): string {
  try {
    return (JSON.parse(readFileSync(join(repoRoot, "package.json"), "utf8")) as { version: string }).version;
  } catch {
    return "unknown";
  }
}

function commit(): string | null {
  try {
    return execFileSync("git", ["rev-parse", "--short", "HEAD"], { cwd: repoRoot, encoding: "utf8" }).trim();
  } catch {
    return null;
  }
}

/** Runs the optional HTTP API load measurement when its module exists (owned by the server's engineer). */
async function serverLoad(log: (line: string) => void, quick: boolean): Promise<unknown> {
  const here = dirname(fileURLToPath(import.meta.url));
  const file = ["server-load.js", "server-load.ts"].map((f) => join(here, f)).find((f) => existsSync(f));
  if (!file) return null;
  const mod = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
  const fn = Object.entries(mod).find(([name, v]) => typeof v === "function" && /^measure/i.test(name))?.[1];
  if (typeof fn !== "function") return null;
  log("server load …");
  return (fn as (o: unknown) => Promise<unknown>)(quick ? { durationMs: 2_000 } : {});
}

export async function runBench(options: BenchRunOptions): Promise<BenchResults> {
  const { log } = options;
  const started = new Date();
  const loadStart = loadavg().map((x) => Math.round(x * 10) / 10);
  const want = (p: Part) => options.only.includes(p);
  const profiles = BENCH_PROFILES.filter((p) => options.profiles.includes(p.name));

  let comparison: CellResult[] = [];
  const comparisonTime = options.scale === null ? createVirtualTime() : createScaledTime(options.scale);
  if (want("compare")) {
    comparison = await compareStrategies({
      seed: options.seed,
      requests: options.requests,
      concurrency: 4,
      time: comparisonTime,
      profiles,
      strategies: options.strategies,
      onCell: (c) => {
        if ("starting" in c) log(`compare ${c.profile} / ${c.strategy} …`);
        else
          log(
            `  ${c.correct}/${c.requests} correct, ${c.wrong} wrong, p99 ${c.p99Ms} ms, ${c.billablePerCorrect} billable/correct (${c.wallSeconds} s)`,
          );
      },
    });
  }

  const crawlTime = createVirtualTime();
  let crawl: CrawlRateResult | null = null;
  if (want("crawl")) {
    log("crawl against the rate limit …");
    crawl = await measureCrawlRate({ seed: options.seed, notes: options.quick ? 60 : 500, qps: 10, time: crawlTime });
    log(`  ${crawl.calls} calls, ${crawl.rateShare} of the limit, ${crawl.http429} × 429 (${crawl.realSeconds} s)`);
  }

  let parse: ParseCostResult | null = null;
  if (want("parse")) {
    log("parse cost …");
    parse = measureParseCost({
      seed: options.seed,
      iterations: options.quick ? 30 : 300,
      rounds: options.quick ? 3 : 9,
    });
    log(`  worst ratio ${parse.worstRatio}`);
  }

  let stream: CommentStreamResult | null = null;
  if (want("stream")) {
    log("streaming a huge note's comments into SQLite (separate processes) …");
    stream = await measureCommentStream(
      options.quick ? { seed: options.seed, size: "default", limit: 3_000 } : { seed: options.seed, size: "large" },
    );
    log(`  ${stream.rows} rows, ${stream.rowsPerSecond} rows/s, peak RSS ${stream.peakRssMb} MB`);
  }

  if (want("export")) {
    // Its own file (export-memory.json): peak RSS and heap of csv, xlsx and parquet exports (src/bench/export-memory.ts).
    log("export memory: csv, xlsx and parquet, each in a process of its own …");
    const exportMemory = await measureExportMemory({
      ...(options.quick ? { notes: 8_000, comments: 4_000 } : {}),
      log,
    });
    mkdirSync(options.out, { recursive: true });
    writeFileSync(join(options.out, "export-memory.json"), `${JSON.stringify(exportMemory, null, 2)}\n`);
    log(`  peak RSS vs csv ${JSON.stringify(exportMemory.peakVsCsv)}`);
  }

  let simulator: BenchResults["simulator"] = null;
  if (want("simulator")) {
    log("simulator throughput …");
    const t = await measureSimulatorThroughput({ durationMs: options.quick ? 1_500 : 8_000, seed: options.seed });
    simulator = {
      requestsPerSecond: t.requestsPerSecond,
      requests: t.requests,
      errors: t.errors,
      mix: t.mix,
      p99Ms: t.p99Ms,
    };
    log(`  ${t.requestsPerSecond} requests/s`);
  }

  // Another engineer's module: a failure there is recorded, never the end of the run.
  const serverResult = want("server")
    ? await serverLoad(log, options.quick).catch((error: unknown) => ({ error: String(error) }))
    : null;

  // Media downloads (issue #15): written beside results.json, outside the report's targets.
  if (want("media")) {
    const media = await measureMediaDownloads({ seed: options.seed, quick: options.quick, log });
    mkdirSync(options.out, { recursive: true });
    writeFileSync(join(options.out, "media.json"), `${JSON.stringify(media, null, 2)}\n`);
  }

  // What a watch costs per keyword and day, and what one key sustains (issue #14): watch.json.
  if (want("watch")) {
    log("watch cost: keywords at the default schedule on the simulator's moving world …");
    const watch = await measureWatchCost({ seed: options.seed, ...(options.quick ? { days: 10 } : {}), log });
    mkdirSync(options.out, { recursive: true });
    writeFileSync(join(options.out, "watch.json"), `${JSON.stringify(watch, null, 2)}\n`);
  }

  // The dashboard's notes table on 100,000 notes (issue #16): p50/p95 per query kind and the bound; dashboard-notes.json.
  if (want("dashboard")) {
    log("dashboard notes table: 100,000 notes, every query kind …");
    const notes = await measureDashboardNotes({ ...(options.quick ? { notes: 10_000, rounds: 5 } : {}), log });
    mkdirSync(options.out, { recursive: true });
    writeFileSync(join(options.out, "dashboard-notes.json"), `${JSON.stringify(notes, null, 2)}\n`);
    log(`  ${notes.met ? "met" : "NOT MET"}: every p95 <= ${notes.boundMs} ms; deep / first ${notes.deepOverFirst}`);
  }

  // Store write throughput (issue #13): SQLite always, Postgres beside it when a server is given; store-write.json.
  if (want("store")) {
    const storeUrl = process.env.XHS_BENCH_DATABASE_URL ?? process.env.XHS_TEST_DATABASE_URL;
    log(`store writes: sqlite${storeUrl ? " and postgres" : ""} …`);
    const writes = await measureStoreWrites([sqliteBackend(), ...(storeUrl ? [postgresBackend(storeUrl)] : [])], {
      ...(options.quick ? { pages: 20, rounds: 1 } : {}),
      log,
    });
    writeFileSync(join(options.out, "store-write.json"), `${JSON.stringify(writes, null, 2)}\n`);
  }
  // Workers on one Postgres (issue #13): needs a server (XHS_BENCH_DATABASE_URL or XHS_TEST_DATABASE_URL); scale.json.
  const scalePostgres = process.env.XHS_BENCH_DATABASE_URL ?? process.env.XHS_TEST_DATABASE_URL;
  if (want("scale") && scalePostgres) {
    const scale = await measureScale({
      postgresUrl: scalePostgres,
      seed: options.seed,
      ...(options.quick ? { workers: [1, 2], keys: [1, 2], notesPerKey: 20 } : {}),
      log,
    });
    mkdirSync(options.out, { recursive: true });
    writeFileSync(join(options.out, "scale.json"), `${JSON.stringify(scale, null, 2)}\n`);
  } else if (want("scale")) log("scale: skipped (set XHS_BENCH_DATABASE_URL to a Postgres server)");

  const finished = new Date();
  const base: Omit<BenchResults, "targets"> = {
    run: {
      startedAt: started.toISOString(),
      finishedAt: finished.toISOString(),
      realSeconds: Math.round((finished.getTime() - started.getTime()) / 1000),
      seed: options.seed,
      worldSize: "default",
      requestsPerCell: options.requests,
      concurrency: 4,
      comparisonTime: comparisonTime.label,
      crawlTime: crawlTime.label,
      quick: options.quick,
      versions: {
        xhsKit: version(),
        node: process.versions.node,
        commit: commit(),
        platform: `${platform()} ${release()}`,
        cpus: cpus().length,
      },
      loadAverage: { start: loadStart, end: loadavg().map((x) => Math.round(x * 10) / 10) },
    },
    profiles,
    comparison,
    crawl,
    parse,
    stream,
    simulator,
    serverLoad: serverResult,
  };
  return { ...base, targets: evaluateTargets(base) };
}

function parseCli(argv: string[]): BenchRunOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      quick: { type: "boolean", default: false },
      out: { type: "string" },
      requests: { type: "string" },
      seed: { type: "string", default: "1" },
      profiles: { type: "string" },
      strategies: { type: "string" },
      only: { type: "string" },
      scale: { type: "string" },
      render: { type: "boolean", default: false },
      seeds: { type: "string" },
      help: { type: "boolean", default: false },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(`${readFileSync(fileURLToPath(import.meta.url), "utf8").split("*/")[0]}*/\n`);
    process.exit(0);
  }
  const list = (text: string | undefined, all: readonly string[], what: string): string[] => {
    if (!text) return [...all];
    const items = text
      .split(",")
      .map((s) => s.trim())
      .filter(Boolean);
    const unknown = items.filter((i) => !all.includes(i));
    if (unknown.length > 0) throw new Error(`unknown ${what}: ${unknown.join(", ")} (known: ${all.join(", ")})`);
    return items;
  };
  const integer = (text: string | undefined, fallback: number, what: string): number => {
    if (text === undefined) return fallback;
    const n = Number(text);
    if (!Number.isInteger(n) || n < 1) throw new Error(`${what} must be a positive integer, got ${text}`);
    return n;
  };
  const quick = values.quick ?? false;
  const scale = values.scale === undefined ? null : Number(values.scale);
  if (scale !== null && !(scale > 0 && scale <= 1)) throw new Error(`--scale must be in (0, 1], got ${values.scale}`);
  return {
    quick,
    out: values.out ?? (quick ? mkdtempSync(join(tmpdir(), "xhs-bench-quick-")) : join(repoRoot, "bench")),
    requests: integer(values.requests, quick ? 150 : 1000, "--requests"),
    seed: integer(values.seed, 1, "--seed"),
    profiles: list(
      values.profiles,
      BENCH_PROFILES.map((p) => p.name),
      "profile",
    ),
    strategies: list(values.strategies, STRATEGY_NAMES, "strategy") as StrategyName[],
    only: list(values.only, PARTS, "part") as Part[],
    scale,
    render: values.render ?? false,
    seeds: values.seeds === undefined ? null : parseSeeds(values.seeds),
    log: (line) => process.stderr.write(`${line}\n`),
  };
}

async function main(): Promise<void> {
  let options: BenchRunOptions;
  try {
    options = parseCli(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`bench: ${(error as Error).message}\n`);
    process.exit(2);
  }
  if (options.seeds) {
    if (options.render || options.scale !== null) {
      process.stderr.write("bench: --seeds runs the comparison on the virtual clock; not with --render or --scale\n");
      process.exit(2);
    }
    const seedResults = await compareSeeds(
      {
        seeds: options.seeds,
        requests: options.requests,
        concurrency: 4,
        profiles: BENCH_PROFILES.filter((p) => options.profiles.includes(p.name)),
        strategies: options.strategies,
        log: options.log,
      },
      commit(),
    );
    mkdirSync(options.out, { recursive: true });
    writeSeedsResults(options.out, seedResults);
    for (const s of seedResults.sums) {
      options.log(
        `${s.strategy} / ${s.profile}: ${s.correct}/${s.requests} correct, ${s.wrong} wrong, ${s.failedUnservable} failed (unservable), ${s.failedOtherwise} failed otherwise, ${s.billablePerCorrect} billable/correct`,
      );
    }
    options.log(`results: ${join(options.out, "results-seeds.md")}`);
    return;
  }
  const results = options.render
    ? (JSON.parse(readFileSync(join(options.out, "results.json"), "utf8")) as BenchResults)
    : await runBench(options);
  mkdirSync(options.out, { recursive: true });
  const analysis = join(repoRoot, "bench", "ANALYSIS.md");
  const notes = existsSync(analysis) && !results.run.quick ? [readFileSync(analysis, "utf8").trim()] : [];
  writeResults(options.out, results, notes);
  for (const t of results.targets) {
    options.log(`${t.met === null ? "–" : t.met ? "met" : "NOT MET"}  ${t.name}: ${t.figure}`);
  }
  options.log(`results: ${join(options.out, "results.md")}`);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((error: unknown) => {
    process.stderr.write(`bench failed: ${(error as Error).stack ?? String(error)}\n`);
    process.exit(1);
  });
}
