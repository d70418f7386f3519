/**
 * The results: `bench/results.json` (every figure, for machines) and `bench/results.md` (tables a
 * person reads, each target stated as met or not with its figure).
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { CellResult } from "./compare.js";
import type { CrawlRateResult } from "./crawl-rate.js";
import type { DashboardNotesResult } from "./dashboard-notes.js";
import { table } from "./markdown.js";
import type { MediaBenchResult } from "./media-download.js";
import type { ParseCostResult } from "./parse-cost.js";
import type { BenchProfile } from "./profiles.js";
import {
  renderDashboardNotes,
  renderScale,
  renderStoreBefore,
  renderStoreWrite,
  renderWatch,
  type StoreBeforeRun,
} from "./report-parts.js";
import type { ScaleResult } from "./scale.js";
import type { StoreWriteResult } from "./store-write.js";
import type { CommentStreamResult } from "./stream-comments.js";
import type { WatchCostResult } from "./watch.js";
import { REQUEST_KINDS } from "./workload.js";

export interface RunInfo {
  startedAt: string;
  finishedAt: string;
  realSeconds: number;
  seed: number;
  worldSize: string;
  requestsPerCell: number;
  concurrency: number;
  comparisonTime: string;
  crawlTime: string;
  quick: boolean;
  versions: { xhsKit: string; node: string; commit: string | null; platform: string; cpus: number };
  /** 1-minute load average when the run started and ended (a busy machine slows real-time parts). */
  loadAverage: { start: number[]; end: number[] };
}

export interface Target {
  name: string;
  met: boolean | null;
  figure: string;
  note?: string;
}

export interface BenchResults {
  run: RunInfo;
  profiles: readonly BenchProfile[];
  comparison: CellResult[];
  crawl: CrawlRateResult | null;
  parse: ParseCostResult | null;
  stream: CommentStreamResult | null;
  simulator: { requestsPerSecond: number; requests: number; errors: number; mix: string; p99Ms: number } | null;
  serverLoad: unknown;
  targets: Target[];
}

const pct = (x: number, digits = 1) => `${(x * 100).toFixed(digits)} %`;

/** Every target of issue #5, as met / not met / not measured, with its figure. */
export function evaluateTargets(r: Omit<BenchResults, "targets">): Target[] {
  const targets: Target[] = [];
  const kit = r.comparison.filter((c) => c.strategy === "xhs-kit");
  const servable = new Set(r.profiles.filter((p) => p.servable).map((p) => p.name));
  if (kit.length > 0) {
    const inServable = kit.filter((c) => servable.has(c.profile));
    const worst = inServable.reduce((a, b) => (b.correctShare < a.correctShare ? b : a), inServable[0]!);
    targets.push({
      name: "xhs-kit ≥ 99.9 % correct in every profile where a series can serve",
      met: inServable.every((c) => c.correct / c.requests >= 0.999),
      figure: `lowest ${pct(worst.correct / worst.requests, 2)} (${worst.profile})`,
    });
    const wrong = kit.reduce((n, c) => n + c.wrong, 0);
    targets.push({
      name: "xhs-kit: 0 wrong answers in every profile",
      met: wrong === 0,
      figure: `${wrong} wrong of ${kit.reduce((n, c) => n + c.requests, 0)}`,
    });
    const healthy = kit.find((c) => c.profile === "healthy");
    const down = kit.find((c) => c.profile === "primary-down");
    if (healthy && down) {
      targets.push({
        name: "primary down: xhs-kit p99 ≤ 2 × its healthy p99",
        met: down.p99Ms <= 2 * healthy.p99Ms,
        figure: `${down.p99Ms} ms vs 2 × ${healthy.p99Ms} ms = ${2 * healthy.p99Ms} ms (${(down.p99Ms / healthy.p99Ms).toFixed(2)} ×)`,
      });
    }
    if (healthy) {
      targets.push({
        name: "healthy: xhs-kit ≤ 1.05 billable calls per correct answer",
        met: healthy.billablePerCorrect !== null && healthy.billablePerCorrect <= 1.05,
        figure: `${healthy.billablePerCorrect}`,
      });
    }
  }
  if (r.crawl) {
    targets.push({
      name: "crawl ≥ 90 % of the QPS limit with zero 429s",
      met: r.crawl.rateShare >= 0.9 && r.crawl.http429 === 0,
      figure: `${pct(r.crawl.rateShare)} of ${r.crawl.qps}/s, ${r.crawl.http429} × 429`,
    });
  }
  if (r.parse) {
    const worstSeries = Object.entries(r.parse.bySeries).reduce((a, b) => (b[1].ratio > a[1].ratio ? b : a));
    targets.push({
      name: "normalize + parse ≤ 2 × JSON.parse (per series shape)",
      met: worstSeries[1].ratio <= 2,
      figure: `worst series ${worstSeries[0]} ${worstSeries[1].ratio} ×; worst single endpoint ${r.parse.worstRatio} ×`,
    });
  }
  if (r.stream) {
    targets.push({
      name: "peak RSS < 300 MB streaming a note's ≥ 100,000 comments",
      met: r.stream.rows >= 100_000 ? r.stream.peakRssMb < 300 : null,
      figure: `${r.stream.peakRssMb} MB for ${r.stream.rows.toLocaleString("en")} comments`,
    });
  }
  if (r.stream && typeof r.stream.missing === "number") {
    targets.push({
      name: "(correctness) every comment of the streamed note reaches the store",
      met: r.stream.missing === 0,
      figure: `${r.stream.missing} of ${r.stream.expected} missing`,
    });
  }
  if (r.simulator) {
    targets.push({
      name: "simulator ≥ 3,000 requests/s",
      met: r.simulator.requestsPerSecond >= 3000,
      figure: `${r.simulator.requestsPerSecond.toLocaleString("en")} requests/s`,
    });
  }
  return targets;
}

/** Parts measured on their own (`--only media` writes media.json beside results.json). */
export interface SeparateParts {
  media?: MediaBenchResult | null;
  watch?: WatchCostResult | null;
  scale?: ScaleResult | ScaleResult[] | null;
  storeWrite?: StoreWriteResult | null;
  storeBefore?: StoreBeforeRun[] | null;
  dashboardNotes?: DashboardNotesResult | null;
  /** Hand-written notes printed under the dashboard table (bench/dashboard-notes.md). */
  dashboardNotesText?: string | null;
}

const mbps = (mb: number, seconds: number) => (seconds > 0 ? Math.round((mb / seconds) * 100) / 100 : 0);

/** The media section: per seed, then all seeds together (total MB over total seconds, per column). */
export function renderMedia(m: MediaBenchResult): string {
  const seeds = m.seeds ?? [m.seed];
  const when =
    m.startedAt && m.finishedAt
      ? ` Measured ${m.startedAt.slice(0, 16).replace("T", " ")}-${m.finishedAt.slice(11, 16)} UTC` +
        (m.loadAverage ? ` at load average ${m.loadAverage.start}-${m.loadAverage.end} (1 min, start-end).` : ".")
      : "";
  const rows: (string | number | null)[][] = m.cases.map((c) => [
    c.name,
    c.seed ?? m.seed,
    c.files,
    c.megabytes,
    c.politeMBps,
    c.unpacedMBps,
    c.sequentialMBps,
    c.sequentialMBps > 0 ? `${(c.unpacedMBps / c.sequentialMBps).toFixed(2)}×` : null,
    c.requestsPerFile,
  ]);
  const names = [...new Set(m.cases.map((c) => c.name))];
  if (seeds.length > 1) {
    for (const name of names) {
      const of = m.cases.filter((c) => c.name === name);
      const mb = of.reduce((n, c) => n + c.megabytes, 0);
      const secs = (col: (c: MediaCaseResult) => number) =>
        of.reduce((n, c) => n + (col(c) > 0 ? c.megabytes / col(c) : 0), 0);
      const unpaced = mbps(
        mb,
        secs((c) => c.unpacedMBps),
      );
      const sequential = mbps(
        mb,
        secs((c) => c.sequentialMBps),
      );
      rows.push([
        `**${name}, all seeds**`,
        seeds.join(", "),
        of.reduce((n, c) => n + c.files, 0),
        Math.round(mb * 100) / 100,
        mbps(
          mb,
          secs((c) => c.politeMBps),
        ),
        `**${unpaced}**`,
        `**${sequential}**`,
        sequential > 0 ? `${(unpaced / sequential).toFixed(2)}×` : null,
        null,
      ]);
    }
  }
  return [
    "## Media downloads",
    "",
    "`downloadMedia` against the simulator's CDN over a real socket, in one process (`node .bench-dist/bench/media-download.js`" +
      " for seeds 1-3, or `npm run bench -- --only media`, writes `bench/media.json`; `--render` turns it into this section)." +
      " Per case and seed, in the same run: `downloadMedia` with its default politeness (10 requests/s, 2 per CDN host," +
      " 4 files at once), the same without request pacing, and a plain sequential `fetch` + `writeFile` loop over the" +
      " very URLs the downloader ended with (no candidate search, no verification, no partial file, no index)." +
      when,
    "",
    table(
      [
        "case",
        "seed",
        "files",
        "MB",
        "polite MB/s",
        "unpaced MB/s",
        "sequential fetch MB/s",
        "unpaced / sequential",
        "CDN requests per file",
      ],
      rows,
    ),
    "",
    "The polite small-image column is the pacing itself (10 requests/s: at least 0.1 s a file). Videos ask more than one" +
      " request per file because origin keys that 404 are tried first. All seeds: total MB over the summed seconds." +
      ' Why the unpaced column trailed the loop before (fs round trips, not hashing): docs/decisions.md, "per-file fs calls".',
    "",
  ].join("\n");
}

type MediaCaseResult = MediaBenchResult["cases"][number];

export function renderMarkdown(r: BenchResults, notes: string[] = [], parts: SeparateParts = {}): string {
  const out: string[] = [];
  const { run } = r;
  out.push("# xhs-kit benchmark results", "");
  out.push(
    `Produced by \`npm run bench\`${run.quick ? " --quick (small sizes: not the reference run)" : ""} on ${run.finishedAt.slice(0, 10)}; ` +
      `${Math.round(run.realSeconds)} s of real time. World seed ${run.seed} (${run.worldSize} world), ` +
      `xhs-kit ${run.versions.xhsKit}, Node ${run.versions.node}, commit ${run.versions.commit ?? "unknown"}, ` +
      `${run.versions.platform}, ${run.versions.cpus} CPUs. Load average (1 min) at start ${run.loadAverage.start[0]?.toFixed(1)}, at end ${run.loadAverage.end[0]?.toFixed(1)}.`,
    "",
  );
  out.push("## Targets", "");
  out.push(
    table(
      ["target", "met?", "figure"],
      r.targets.map((t) => [t.name, t.met === null ? "not measured" : t.met ? "**met**" : "**not met**", t.figure]),
    ),
    "",
  );
  if (notes.length > 0) out.push(...notes, "");

  if (r.comparison.length > 0) {
    out.push("## Strategies compared", "");
    out.push(
      `${run.requestsPerCell} requests per strategy and profile, ${run.concurrency} at a time, the same seeded list for all ` +
        `(mix: ${REQUEST_KINDS.join(", ")}). Time base: ${run.comparisonTime}; latencies are virtual ms, as a user would see them. ` +
        "The simulator is reset before each strategy, so every strategy meets the same faults (they depend only on the request). " +
        "Rate limit 10 requests/s per key (TikHub's documented limit); price $0.01 per billable call (the catalogue's).",
      "",
      "- **guide**: the usage guide's sample code ported as is: App V2 → App V1 → Web V3, success = HTTP 2xx and `code == 200`, no retries, one 60 s overall timeout per request (the sample has none); unknown note type → `is_video = False`.",
      "- **retry-only**: App V2 only, 3 retries with backoff 0.5/1/2 s ±25 % on 429 and 5xx, Retry-After honoured, 30 s per attempt, no failover.",
      "- **xhs-kit**: `createClient()` with its defaults.",
      '- **xhs-kit-web-first**: the same, but a note of unknown type is asked from Web V3 first (`series: ["web_v3", "app_v2", "app_v1"]` for that call): one endpoint serves both types, at 1 request/s and with counts abbreviated past 10,000. The targets are judged on **xhs-kit** (the defaults); this row measures the alternative.',
      "",
      "*correct*: the right record(s), complete. *wrong*: presented as a good answer but not (another note, empty page or record while the world has data, a body or page cut short, a video without its video, an upstream failure handed over as data). *failed*: no answer.",
      "",
    );
    for (const profile of r.profiles) {
      const cells = r.comparison.filter((c) => c.profile === profile.name);
      if (cells.length === 0) continue;
      out.push(`### ${profile.name}: ${profile.description}`, "");
      out.push(
        table(
          [
            "strategy",
            "correct",
            "wrong",
            "failed",
            "p50 ms",
            "p95 ms",
            "p99 ms",
            "calls",
            "billable",
            "billable / correct",
            "cost USD",
            "429s",
            "notes with approx. counts",
          ],
          cells.map((c) => [
            c.strategy,
            pct(c.correct / c.requests, 1),
            pct(c.wrong / c.requests, 1),
            pct(c.failed / c.requests, 1),
            c.p50Ms,
            c.p95Ms,
            c.p99Ms,
            c.calls,
            c.billableCalls,
            c.billablePerCorrect,
            c.costUsd.toFixed(2),
            c.http429,
            c.notesWithApproxCounts,
          ]),
        ),
        "",
      );
      const kinds = table(
        ["strategy", ...REQUEST_KINDS],
        cells.map((c) => [
          c.strategy,
          ...REQUEST_KINDS.map((k) => {
            const t = c.byKind[k];
            return t.requests === 0 ? null : `${t.correct}/${t.requests}${t.wrong ? ` (${t.wrong} wrong)` : ""}`;
          }),
        ]),
      );
      out.push("Correct per request kind:", "", kinds, "");
      const p99s = table(
        ["strategy", ...REQUEST_KINDS],
        cells.map((c) => [
          c.strategy,
          ...REQUEST_KINDS.map((k) => (c.byKind[k].requests === 0 ? null : c.byKind[k].p99Ms)),
        ]),
      );
      out.push("p99 latency per request kind (ms):", "", p99s, "");
      const reasons = cells
        .filter((c) => Object.keys(c.reasons).length > 0)
        .map(
          (c) =>
            `- ${c.strategy}: ${Object.entries(c.reasons)
              .sort((a, b) => b[1] - a[1])
              .map(([k, n]) => `${k} ${n}`)
              .join(", ")}`,
        );
      if (reasons.length > 0) out.push("Why not correct:", "", ...reasons, "");
    }
  }
  if (r.crawl) {
    const c = r.crawl;
    out.push("## Crawl against the rate limit", "");
    out.push(
      `${c.notes} notes, each with its detail and up to 30 top-level comments (crawl engine, SQLite store), ` +
        `limit ${c.qps} requests/s known to the client, ${c.concurrency} jobs at a time, healthy profile. Time base: ${run.crawlTime}.`,
      "",
      table(
        [
          "calls",
          "429s",
          "wall s",
          "lower bound s (calls / QPS)",
          "wall / bound",
          "achieved /s",
          "achieved / limit",
          "jobs done",
          "jobs failed",
          "comments stored",
          "real s",
        ],
        [
          [
            c.calls,
            c.http429,
            c.wallSeconds,
            c.lowerBoundSeconds,
            c.wallOverBound,
            c.achievedQps,
            pct(c.rateShare),
            c.jobsDone,
            c.jobsFailed,
            c.commentsStored,
            c.realSeconds,
          ],
        ],
      ),
      "",
    );
  }
  if (r.parse) {
    out.push("## Parse cost", "");
    out.push(
      "Time to `JSON.parse` and `normalize` one answer over the time to `JSON.parse` it alone (fastest of several alternating rounds, µs per answer).",
      "",
      table(
        ["series", "endpoint", "bytes", "JSON.parse µs", "parse + normalize µs", "ratio"],
        r.parse.rows.map((row) => [
          row.series,
          row.endpoint,
          row.bodyBytes,
          row.parseUs,
          row.parseAndNormalizeUs,
          row.ratio,
        ]),
      ),
      "",
      table(
        ["series", "JSON.parse µs (sum)", "parse + normalize µs (sum)", "ratio"],
        Object.entries(r.parse.bySeries).map(([s, v]) => [s, v.parseUs, v.parseAndNormalizeUs, v.ratio]),
      ),
      "",
    );
  }
  if (r.stream) {
    const s = r.stream;
    out.push("## Store and memory", "");
    out.push(
      "A client process streams every top-level comment of the world's huge note into SQLite (batches of 500); the simulator (large world) runs in another process over HTTP, rate limits off.",
      "",
      table(
        [
          "comments",
          "in store",
          "the world has",
          "missing",
          "pages",
          "seconds",
          "rows / s",
          "RSS at start MB",
          "peak RSS MB",
        ],
        [
          [
            s.rows,
            s.rowsInStore,
            s.expected ?? null,
            s.missing ?? null,
            s.pages,
            s.seconds,
            s.rowsPerSecond,
            s.startRssMb,
            s.peakRssMb,
          ],
        ],
      ),
      "",
    );
  }
  if (r.simulator) {
    out.push("## Simulator throughput", "");
    out.push(
      `Keep-alive HTTP, faults and rate limit off, mix "${r.simulator.mix}" (image/video detail, comments, search, user notes, Web V3 detail); client in the same process, so a floor.`,
      "",
      table(
        ["requests", "errors", "requests / s", "p99 ms"],
        [[r.simulator.requests, r.simulator.errors, r.simulator.requestsPerSecond, r.simulator.p99Ms]],
      ),
      "",
    );
  }
  if (r.serverLoad) {
    out.push("## HTTP API load", "", "```json", JSON.stringify(r.serverLoad, null, 2), "```", "");
  }
  out.push("## Fault profiles", "", "```json", JSON.stringify(r.profiles, null, 2), "```", "");
  if (parts.media) out.push("", renderMedia(parts.media));
  if (parts.watch) out.push("", renderWatch(parts.watch));
  if (parts.storeWrite) out.push("", renderStoreWrite(parts.storeWrite));
  if (parts.storeBefore && parts.storeBefore.length > 0) out.push("", renderStoreBefore(parts.storeBefore));
  if (parts.scale) out.push("", renderScale(parts.scale));
  if (parts.dashboardNotes) {
    out.push("", renderDashboardNotes(parts.dashboardNotes, parts.dashboardNotesText ?? null));
  }
  return `${out.join("\n")}\n`;
}

function readPart<T>(path: string): T | null {
  return existsSync(path) ? (JSON.parse(readFileSync(path, "utf8")) as T) : null;
}

export function writeResults(folder: string, results: BenchResults, notes: string[] = []): void {
  writeFileSync(join(folder, "results.json"), `${JSON.stringify(results, null, 2)}\n`);
  const part = <T>(name: string) => readPart<T>(join(folder, name));
  const parts: SeparateParts = {
    media: part<MediaBenchResult>("media.json"),
    watch: part<WatchCostResult>("watch.json"),
    scale: part<ScaleResult | ScaleResult[]>("scale.json"),
    storeWrite: part<StoreWriteResult>("store-write.json"),
    storeBefore: part<StoreBeforeRun[]>("store-before.json"),
    dashboardNotes: part<DashboardNotesResult>("dashboard-notes.json"),
    dashboardNotesText: existsSync(join(folder, "dashboard-notes.md"))
      ? readFileSync(join(folder, "dashboard-notes.md"), "utf8")
      : null,
  };
  writeFileSync(join(folder, "results.md"), renderMarkdown(results, notes, parts));
}
