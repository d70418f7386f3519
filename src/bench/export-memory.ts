/**
 * Export memory: a store of synthetic notes and comments is exported as CSV, xlsx and parquet, each export in
 * a child process of its own (so one format's peak cannot hide another's), and each child reports its peak
 * RSS and heap. Run at two sizes, a quarter and the full size: a streaming export's peak does not grow with
 * the table, so the full/quarter ratio of the peak (net of the process's baseline) stays near 1.
 *
 * Each export process runs with a capped V8 heap (--max-old-space-size, default 128 MB), so an export that held
 * the table would fail here rather than only show a bigger number.
 *
 *   node .bench-dist/bench/export-memory.js [--notes 200000] [--comments 100000] [--heap-cap 128] [--out FILE.json]
 */
import { type ChildProcess, fork } from "node:child_process";
import { createWriteStream, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { exportParquet } from "../export/parquet.js";
import { endStream } from "../export/sink.js";
import { exportXlsx } from "../export/xlsx.js";
import type { Comment, Note } from "../model/types.js";
import { exportRecords } from "../store/export.js";
import { openSqliteStore } from "../store/sqlite/sqlite-store.js";
import { round } from "./stats.js";

export const EXPORT_BENCH_FORMATS = ["csv", "xlsx", "parquet"] as const;
export type ExportBenchFormat = (typeof EXPORT_BENCH_FORMATS)[number];
type Kind = "notes" | "comments";

export interface ExportMemoryOptions {
  /** Synthetic notes at full size (default 200,000). */
  notes?: number;
  /** Synthetic comments at full size (default 100,000). */
  comments?: number;
  /**
   * The V8 heap limit of each export process, in MB (default 128): an export whose memory grew with the table
   * would die of it at 200,000 notes, so finishing is itself the proof of bounded memory.
   */
  heapCapMb?: number;
  log?: (line: string) => void;
}

export interface ExportMemoryRun {
  kind: Kind;
  format: ExportBenchFormat;
  records: number;
  seconds: number;
  fileMb: number;
  /** RSS after the store is open, before the export. */
  baseRssMb: number;
  peakRssMb: number;
  peakHeapMb: number;
}

export interface ExportMemoryResult {
  heapCapMb: number;
  sizes: { kind: Kind; quarter: number; full: number }[];
  /** Every export at full size. */
  runs: ExportMemoryRun[];
  /** Every export at a quarter of the size (for the growth ratio). */
  quarterRuns: ExportMemoryRun[];
  /** Per kind and format: peak RSS over CSV's peak RSS at full size. */
  peakVsCsv: Record<string, number>;
  /** Per kind and format: (peak - base) at full size over (peak - base) at a quarter: ~1 when memory is bounded. */
  growthFullVsQuarter: Record<string, number>;
}

const mb = (bytes: number) => round(bytes / 1024 / 1024, 1);

/** A deterministic pseudo-random integer in [0, n) for index i and a salt. */
function pick(i: number, salt: number, n: number): number {
  let x = (i * 2654435761 + salt * 40503) >>> 0;
  x ^= x >>> 13;
  x = Math.imul(x, 0x5bd1e995) >>> 0;
  return ((x ^ (x >>> 15)) >>> 0) % n;
}

const WORDS = ["露营", "咖啡", "穿搭", "护肤", "旅行", "美食", "健身", "读书", "装修", "宠物", "摄影", "烘焙"];
const sentence = (i: number, salt: number, words: number) =>
  Array.from({ length: words }, (_, w) => WORDS[pick(i, salt + w, WORDS.length)]).join("，");
const hexId = (i: number, prefix: string) => `${prefix}${i.toString(16).padStart(24 - prefix.length, "0")}`;
const iso = (i: number) => new Date(Date.UTC(2026, 0, 1) + i * 37_000).toISOString();

export function syntheticNote(i: number): Note {
  const id = hexId(i, "65");
  return {
    id,
    type: pick(i, 1, 5) === 0 ? "video" : "image",
    title: `${sentence(i, 2, 3)} ${i}`,
    text: `${sentence(i, 3, 40)} #${WORDS[pick(i, 4, WORDS.length)]}[话题]#`,
    textTruncated: pick(i, 5, 3) === 0,
    tags: [WORDS[pick(i, 6, WORDS.length)]!, WORDS[pick(i, 7, WORDS.length)]!],
    author: { id: hexId(pick(i, 8, 5000), "5b"), nickname: `用户${pick(i, 9, 9999)}`, avatarUrl: null, redId: null },
    stats: { likes: pick(i, 10, 100_000), collects: pick(i, 11, 5000), comments: pick(i, 12, 800), shares: null },
    approx: pick(i, 13, 4) === 0 ? ["likes"] : [],
    images: [{ url: `https://sns-img.example/${id}/1.jpg`, width: 1080, height: 1440, livePhotoUrl: null }],
    video: null,
    publishedAt: iso(i),
    updatedAt: null,
    ipLocation: "浙江",
    xsecToken: null,
    url: `https://www.xiaohongshu.com/explore/${id}`,
    source: "app_v2",
    fetchedAt: iso(i + 1000),
  };
}

export function syntheticComment(i: number): Comment {
  return {
    id: hexId(i, "68"),
    noteId: hexId(pick(i, 1, 1000), "65"),
    rootId: pick(i, 2, 3) === 0 ? hexId(Math.max(0, i - 1), "68") : null,
    replyToUser: null,
    author: {
      id: hexId(pick(i, 3, 50_000), "5b"),
      nickname: `评论者${pick(i, 4, 9999)}`,
      avatarUrl: null,
      redId: null,
    },
    text: `${sentence(i, 5, 12)} 😀`,
    likes: pick(i, 6, 3000),
    replyCount: pick(i, 7, 20),
    createdAt: iso(i),
    ipLocation: "上海",
    pictures: [],
    pinned: pick(i, 8, 50) === 0,
    byNoteAuthor: null,
    approx: [],
    source: "app_v2",
    fetchedAt: iso(i + 500),
  };
}

async function buildStore(file: string, notes: number, comments: number): Promise<void> {
  const store = openSqliteStore(file);
  try {
    for (let i = 0; i < notes; i += 1000) {
      await store.upsertNotes(Array.from({ length: Math.min(1000, notes - i) }, (_, k) => syntheticNote(i + k)));
    }
    for (let i = 0; i < comments; i += 1000) {
      await store.upsertComments(
        Array.from({ length: Math.min(1000, comments - i) }, (_, k) => syntheticComment(i + k)),
      );
    }
  } finally {
    await store.close();
  }
}

interface ChildConfig {
  db: string;
  kind: Kind;
  format: ExportBenchFormat;
  out: string;
}

function forkSelf(config: ChildConfig, heapCapMb: number): ChildProcess {
  const here = fileURLToPath(import.meta.url);
  const ts = here.endsWith(".ts");
  const flags = ["--expose-gc", `--max-old-space-size=${heapCapMb}`];
  return fork(here, ["--child", JSON.stringify(config)], {
    execArgv: ts ? ["--import", "tsx", ...flags] : flags,
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
}

function report(child: ChildProcess): Promise<ExportMemoryRun> {
  return new Promise((resolve, reject) => {
    child.once("message", (m) => {
      const message = m as ExportMemoryRun | { error: string };
      if ("error" in message) reject(new Error(`export child failed: ${message.error}`));
      else resolve(message);
    });
    child.once("exit", (code) => reject(new Error(`export child exited (code ${code}) before reporting`)));
    child.once("error", reject);
  });
}

/** One export in this (child) process: peak RSS and heap sampled every 20 ms and from the kernel's max RSS. */
async function child(config: ChildConfig): Promise<void> {
  const store = openSqliteStore(config.db, { readOnly: true });
  try {
    (globalThis as { gc?: () => void }).gc?.();
    const base = process.memoryUsage();
    let peakRss = base.rss;
    let peakHeap = base.heapUsed;
    const sampler = setInterval(() => {
      const now = process.memoryUsage();
      peakRss = Math.max(peakRss, now.rss);
      peakHeap = Math.max(peakHeap, now.heapUsed);
    }, 20);
    const started = performance.now();
    const out = createWriteStream(config.out);
    let records: number;
    if (config.format === "csv") {
      records = (await exportRecords(store, config.kind, "csv", { out })).records;
      await endStream(out);
    } else if (config.format === "xlsx") {
      records = (await exportXlsx(store, [config.kind], { out })).records[config.kind] ?? 0;
    } else {
      records = (await exportParquet(store, config.kind, { out })).records;
    }
    clearInterval(sampler);
    const now = process.memoryUsage();
    const result: ExportMemoryRun = {
      kind: config.kind,
      format: config.format,
      records,
      seconds: round((performance.now() - started) / 1000, 1),
      fileMb: mb(statSync(config.out).size),
      baseRssMb: mb(base.rss),
      peakRssMb: mb(Math.max(peakRss, now.rss, process.resourceUsage().maxRSS * 1024)),
      peakHeapMb: mb(Math.max(peakHeap, now.heapUsed)),
    };
    process.send?.(result);
  } catch (error) {
    process.send?.({ error: String((error as Error).stack ?? error) });
  } finally {
    await store.close();
  }
}

export async function measureExportMemory(options: ExportMemoryOptions = {}): Promise<ExportMemoryResult> {
  const log = options.log ?? (() => {});
  const full = { notes: options.notes ?? 200_000, comments: options.comments ?? 100_000 };
  const heapCapMb = options.heapCapMb ?? 128;
  const folder = mkdtempSync(join(tmpdir(), "xhs-bench-export-"));
  try {
    const sizes = (["notes", "comments"] as const).map((kind) => ({
      kind,
      quarter: Math.ceil(full[kind] / 4),
      full: full[kind],
    }));
    const runsAt = async (which: "quarter" | "full"): Promise<ExportMemoryRun[]> => {
      const notes = sizes[0]![which];
      const comments = sizes[1]![which];
      const db = join(folder, `${which}.db`);
      log(`  building a store of ${notes} notes and ${comments} comments …`);
      await buildStore(db, notes, comments);
      const runs: ExportMemoryRun[] = [];
      for (const kind of ["notes", "comments"] as const) {
        for (const format of EXPORT_BENCH_FORMATS) {
          const out = join(folder, `${which}-${kind}.${format}`);
          const run = await report(forkSelf({ db, kind, format, out }, heapCapMb));
          rmSync(out, { force: true });
          log(
            `  ${kind} ${format}: ${run.records} in ${run.seconds} s, ${run.fileMb} MB file, peak RSS ${run.peakRssMb} MB (base ${run.baseRssMb}), peak heap ${run.peakHeapMb} MB`,
          );
          runs.push(run);
        }
      }
      return runs;
    };
    const quarterRuns = await runsAt("quarter");
    const runs = await runsAt("full");
    const peakVsCsv: Record<string, number> = {};
    const growthFullVsQuarter: Record<string, number> = {};
    for (const run of runs) {
      const key = `${run.kind}/${run.format}`;
      const csv = runs.find((r) => r.kind === run.kind && r.format === "csv")!;
      peakVsCsv[key] = round(run.peakRssMb / csv.peakRssMb, 2);
      const quarter = quarterRuns.find((r) => r.kind === run.kind && r.format === run.format)!;
      const growth = (r: ExportMemoryRun) => Math.max(1, r.peakRssMb - r.baseRssMb);
      growthFullVsQuarter[key] = round(growth(run) / growth(quarter), 2);
    }
    return { heapCapMb, sizes, runs, quarterRuns, peakVsCsv, growthFullVsQuarter };
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

if (process.argv[2] === "--child") {
  void child(JSON.parse(process.argv[3] ?? "{}") as ChildConfig);
} else if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { values } = parseArgs({
    args: process.argv.slice(2),
    options: {
      notes: { type: "string" },
      comments: { type: "string" },
      "heap-cap": { type: "string" },
      out: { type: "string" },
    },
  });
  const result = await measureExportMemory({
    ...(values.notes ? { notes: Number(values.notes) } : {}),
    ...(values.comments ? { comments: Number(values.comments) } : {}),
    ...(values["heap-cap"] ? { heapCapMb: Number(values["heap-cap"]) } : {}),
    log: (line) => console.log(line),
  });
  console.log(
    JSON.stringify({ peakVsCsv: result.peakVsCsv, growthFullVsQuarter: result.growthFullVsQuarter }, null, 2),
  );
  if (values.out) writeFileSync(values.out, `${JSON.stringify(result, null, 2)}\n`);
}
