/**
 * Media download throughput against the simulator's CDN over a real socket (issue #15): many small images
 * and a few large videos, with `downloadMedia` (candidates, verification, resume bookkeeping, content
 * addressing, hard links) beside a plain sequential `fetch` + `writeFile` loop over the very URLs the
 * downloader ended with (so the loop gets no 404s and no candidate search: the bare cost of the bytes).
 *
 *   node .bench-dist/bench/media-download.js [--quick]     (or `--only media` in run.ts)
 */
import { mkdtempSync, rmSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createClient } from "../client/create-client.js";
import { downloadMedia, planNoteMedia } from "../media/index.js";
import type { Note } from "../model/types.js";
import { SimulatedCdn, startCdnServer } from "../simulator/cdn/index.js";
import { createSimulator } from "../simulator/index.js";

export interface MediaCaseResult {
  name: string;
  /** World seed of this row (absent in files written before several seeds were measured). */
  seed?: number;
  files: number;
  megabytes: number;
  /** downloadMedia with its default politeness (10 requests/s, 2 per host, 4 files at once). */
  politeMBps: number;
  /** downloadMedia without the request pacing (still 2 per host, 4 at once). */
  unpacedMBps: number;
  /** A plain sequential fetch loop over the same final URLs. */
  sequentialMBps: number;
  /** CDN requests per file for downloadMedia (candidate search: origin keys that 404 …). */
  requestsPerFile: number;
}

export interface MediaBenchResult {
  /** The first seed (files written before several seeds were measured have only this). */
  seed: number;
  seeds?: number[];
  /** When the run began and ended, and the 1-minute load average then: a loaded machine slows every column. */
  startedAt?: string;
  finishedAt?: string;
  loadAverage?: { start: number; end: number };
  cases: MediaCaseResult[];
}

const round = (x: number, digits = 2) => Math.round(x * 10 ** digits) / 10 ** digits;

async function notesOf(seed: number, kind: "image" | "video", count: number): Promise<Note[]> {
  const sim = createSimulator({ seed, rateLimit: 0 });
  const client = createClient({ apiKey: "bench-key", fetch: sim.fetch, baseUrl: sim.url });
  const picked = sim.world
    .notes()
    .filter((n) => !n.deleted && (kind === "video" ? n.type === "video" : n.type === "normal"))
    .slice(0, count);
  const notes: Note[] = [];
  for (const n of picked) notes.push(await client.notes.get(n.id, { type: kind }));
  return notes;
}

async function measureCase(
  name: string,
  notes: Note[],
  cdn: SimulatedCdn,
  base: string,
  requestsPerSecond: number | null,
): Promise<{ seconds: number; bytes: number; files: number; urls: string[]; requests: number }> {
  const dir = mkdtempSync(join(tmpdir(), `xhs-bench-media-${name}-`));
  const rewriteUrl = (url: string) => {
    const u = new URL(url);
    return `${base}/${u.host}${u.pathname}${u.search}`;
  };
  cdn.resetStats();
  const started = performance.now();
  const report = await downloadMedia(notes, {
    dir,
    rewriteUrl,
    ...(requestsPerSecond === null ? {} : { requestsPerSecond }),
  });
  const seconds = (performance.now() - started) / 1000;
  rmSync(dir, { recursive: true, force: true });
  if (report.failed.length > 0) throw new Error(`${name}: ${report.failed.length} failed`);
  return {
    seconds,
    bytes: report.bytes,
    files: report.downloaded,
    urls: report.rows.map((r) => rewriteUrl(r.sourceUrl)),
    requests: cdn.stats.requests,
  };
}

async function sequentialLoop(urls: string[]): Promise<{ seconds: number; bytes: number }> {
  const dir = mkdtempSync(join(tmpdir(), "xhs-bench-media-loop-"));
  let bytes = 0;
  const started = performance.now();
  for (const [i, url] of urls.entries()) {
    const response = await fetch(url);
    const body = Buffer.from(await response.arrayBuffer());
    await writeFile(join(dir, String(i)), body);
    bytes += body.length;
  }
  const seconds = (performance.now() - started) / 1000;
  rmSync(dir, { recursive: true, force: true });
  return { seconds, bytes };
}

export async function measureMediaDownloads(
  options: { seed?: number; seeds?: number[]; quick?: boolean; log?: (line: string) => void } = {},
): Promise<MediaBenchResult> {
  // Three seeds by default: one seed's files are too few to tell the two columns apart on a loaded machine.
  const seeds = options.seeds ?? (options.seed !== undefined ? [options.seed] : [1, 2, 3]);
  const log = options.log ?? (() => {});
  const startedAt = new Date().toISOString();
  const loadStart = loadavg()[0] ?? 0;
  const cases: MediaCaseResult[] = [];
  for (const seed of seeds) cases.push(...(await measureSeed(seed, options.quick ?? false, log)));
  return {
    seed: seeds[0] ?? 1,
    seeds,
    startedAt,
    finishedAt: new Date().toISOString(),
    loadAverage: { start: round(loadStart, 1), end: round(loadavg()[0] ?? 0, 1) },
    cases,
  };
}

async function measureSeed(seed: number, quick: boolean, log: (line: string) => void): Promise<MediaCaseResult[]> {
  const sets = [
    {
      name: "small images",
      notes: await notesOf(seed, "image", quick ? 30 : 120),
      cdn: (world: SimulatedCdn["world"]) => new SimulatedCdn(world),
    },
    {
      name: "large videos",
      notes: await notesOf(seed, "video", quick ? 3 : 6),
      // Divide the listed stream sizes by 2 only: a few MB per video.
      cdn: (world: SimulatedCdn["world"]) => new SimulatedCdn(world, { videoScale: 2 }),
    },
  ];
  const cases: MediaCaseResult[] = [];
  for (const set of sets) {
    const sim = createSimulator({ seed, rateLimit: 0 });
    const cdn = set.cdn(sim.world);
    const server = await startCdnServer(cdn);
    try {
      log(`media: seed ${seed}, ${set.name} …`);
      // The CDN makes each file once and caches it: warm it so no run pays for the synthesis.
      for (const note of set.notes) {
        for (const item of planNoteMedia(note)) for (const c of item.candidates) cdn.describe(c.url);
      }
      // One unmeasured pass first: the first run in a process pays for JIT and socket warm-up (measured: about
      // 3× slower whichever variant went first).
      const warm = await measureCase("warm-up", set.notes, cdn, server.url, 0);
      await sequentialLoop(warm.urls);
      const polite = await measureCase("polite", set.notes, cdn, server.url, null);
      const unpaced = await measureCase("unpaced", set.notes, cdn, server.url, 0);
      const loop = await sequentialLoop(unpaced.urls);
      const mb = unpaced.bytes / 1_048_576;
      const result: MediaCaseResult = {
        name: set.name,
        seed,
        files: unpaced.files,
        megabytes: round(mb),
        politeMBps: round(mb / polite.seconds),
        unpacedMBps: round(mb / unpaced.seconds),
        sequentialMBps: round(loop.bytes / 1_048_576 / loop.seconds),
        requestsPerFile: round(unpaced.requests / unpaced.files),
      };
      log(
        `  ${result.files} files, ${result.megabytes} MB: downloadMedia ${result.unpacedMBps} MB/s ` +
          `(polite ${result.politeMBps}), sequential fetch ${result.sequentialMBps} MB/s`,
      );
      cases.push(result);
    } finally {
      await server.close();
    }
  }
  return cases;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const quick = process.argv.includes("--quick");
  measureMediaDownloads({ quick, log: (line) => process.stderr.write(`${line}\n`) }).then(
    (result) => process.stdout.write(`${JSON.stringify(result, null, 2)}\n`),
    (error: unknown) => {
      process.stderr.write(`${String(error)}\n`);
      process.exit(1);
    },
  );
}
