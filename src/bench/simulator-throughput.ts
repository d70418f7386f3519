/**
 * How many requests per second the simulator serves over keep-alive HTTP, faults and rate limit off, for
 * a named mix of endpoints with realistic bodies. The simulator must never be a benchmark's bottleneck.
 * The load generator runs in a worker thread of the same process (node:http, keep-alive), so the
 * simulator's thread has a core to itself on a two-core machine.
 */
import { performance } from "node:perf_hooks";
import { Worker } from "node:worker_threads";
import { startSimulator } from "../simulator/index.js";
import { GUIDE } from "../simulator/world/index.js";

export type ThroughputMix = "guide" | "detail-heavy";

export interface ThroughputOptions {
  /** Concurrent request loops (default 16). */
  concurrency?: number;
  /** Stop after this long, in ms (default 5 000). */
  durationMs?: number;
  /** Or after this many requests (default: no limit). */
  maxRequests?: number;
  /** Untimed requests first, to warm the JIT and the world's caches (default 200). */
  warmupRequests?: number;
  /** World size (default "default"). */
  size?: "tiny" | "default" | "large";
  seed?: number;
  mix?: ThroughputMix;
}

export interface ThroughputResult {
  mix: ThroughputMix;
  requests: number;
  errors: number;
  durationMs: number;
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  /** Mean response body size in bytes. */
  meanBodyBytes: number;
  /**
   * Requests per second of CPU time used by this process (client and server together): the figure to
   * compare when the machine is shared, since wall-clock requests/s falls with other load.
   */
  requestsPerCpuSecond: number;
  /**
   * What the simulator's own thread could serve at 100% busy: requests / its event-loop active time.
   * Conservative on a loaded machine (time the thread waits for a CPU counts as active).
   */
  serverCapacityRps: number;
  /** Requests per endpoint in the measured window. */
  perEndpoint: Record<string, number>;
}

interface Target {
  endpoint: string;
  /** Relative weight in the mix. */
  weight: number;
  queries: string[];
}

const PREFIX = "/api/v1/xiaohongshu/";

/** The endpoint mix: image/video detail, comments, search and user notes, over ids of the world. */
function buildMix(world: Awaited<ReturnType<typeof startSimulator>>["world"], mix: ThroughputMix): Target[] {
  const notes = world.notes().filter((n) => !n.deleted);
  const images = notes.filter((n) => n.type === "normal").slice(0, 50);
  const videos = notes.filter((n) => n.type === "video").slice(0, 50);
  const users = world.users().slice(0, 30);
  const q = (params: Record<string, string>) => new URLSearchParams(params).toString();
  const detailWeight = mix === "detail-heavy" ? 6 : 3;
  return [
    {
      endpoint: "app_v2/get_image_note_detail",
      weight: detailWeight,
      queries: images.map((n) => q({ note_id: n.id })),
    },
    {
      endpoint: "app_v2/get_video_note_detail",
      weight: detailWeight,
      queries: videos.map((n) => q({ note_id: n.id })),
    },
    {
      endpoint: "app_v2/get_note_comments",
      weight: 2,
      queries: [GUIDE.imageNoteId, GUIDE.replyNoteId, ...images.slice(0, 20).map((n) => n.id)].map((id) =>
        q({ note_id: id }),
      ),
    },
    {
      endpoint: "app_v2/search_notes",
      weight: 2,
      queries: GUIDE.keywords.flatMap((keyword) => ["1", "2", "3"].map((page) => q({ keyword, page }))),
    },
    {
      endpoint: "app_v2/get_user_posted_notes",
      weight: 1,
      queries: [GUIDE.userId, ...users.map((u) => u.id)].map((id) => q({ user_id: id })),
    },
    {
      endpoint: "web_v3/fetch_note_detail",
      weight: 1,
      queries: images.slice(0, 20).map((n) => q({ note_id: n.id, xsec_token: n.xsecToken })),
    },
  ].filter((t) => t.queries.length > 0);
}

/**
 * The load generator, run in a worker thread of this process so the simulator's thread has a core of its
 * own (the machine has two). Plain JS, evaluated by the Worker, so it runs the same from tsx and dist/.
 */
const DRIVER_SOURCE = `
const { parentPort, workerData } = require("node:worker_threads");
const { Agent, request } = require("node:http");
const { url, schedule, concurrency, durationMs, maxRequests, warmup } = workerData;
const base = new URL(url);
const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
let next = 0;
const pick = () => schedule[next++ % schedule.length];
const get = (path) => new Promise((resolve, reject) => {
  const req = request({ agent, host: base.hostname, port: base.port, path, method: "GET",
    headers: { authorization: "Bearer bench-key", accept: "application/json" } }, (res) => {
    let bytes = 0;
    res.on("data", (chunk) => { bytes += chunk.length; });
    res.on("end", () => resolve({ status: res.statusCode || 0, bytes }));
    res.on("error", reject);
  });
  req.on("error", reject);
  req.end();
});
(async () => {
  for (let i = 0; i < warmup; i++) await get(pick().path);
  const latencies = new Float64Array(Math.min(maxRequests, 2000000));
  const perEndpoint = {};
  let count = 0, errors = 0, bytes = 0;
  const started = performance.now();
  const deadline = started + durationMs;
  const loop = async () => {
    while (count < latencies.length && performance.now() < deadline) {
      const item = pick();
      const index = count++;
      const t0 = performance.now();
      try {
        const res = await get(item.path);
        if (res.status !== 200) errors++;
        bytes += res.bytes;
      } catch { errors++; }
      latencies[index] = performance.now() - t0;
      perEndpoint[item.endpoint] = (perEndpoint[item.endpoint] || 0) + 1;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, loop));
  const elapsedMs = performance.now() - started;
  agent.destroy();
  parentPort.postMessage({ count, errors, bytes, elapsedMs, perEndpoint, latencies: latencies.slice(0, count) });
})().catch((error) => { throw error; });
`;

interface DriverResult {
  count: number;
  errors: number;
  bytes: number;
  elapsedMs: number;
  perEndpoint: Record<string, number>;
  latencies: Float64Array;
}

function drive(workerData: {
  url: string;
  schedule: { endpoint: string; path: string }[];
  concurrency: number;
  durationMs: number;
  maxRequests: number;
  warmup: number;
}): Promise<DriverResult> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(DRIVER_SOURCE, { eval: true, workerData });
    worker.once("message", (result: DriverResult) => {
      resolve(result);
      void worker.terminate();
    });
    worker.once("error", reject);
    worker.once("exit", (code) => {
      if (code !== 0 && code !== 1) reject(new Error(`load generator exited with code ${code}`));
    });
  });
}

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return 0;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1));
  return sorted[index] ?? 0;
}

export async function measureSimulatorThroughput(options: ThroughputOptions = {}): Promise<ThroughputResult> {
  const concurrency = options.concurrency ?? 16;
  const durationMs = options.durationMs ?? 5_000;
  const maxRequests = options.maxRequests ?? Number.POSITIVE_INFINITY;
  const mixName = options.mix ?? "guide";
  const sim = await startSimulator({
    seed: options.seed ?? 1,
    size: options.size ?? "default",
    faults: "healthy",
    rateLimit: 0,
  });
  try {
    const targets = buildMix(sim.world, mixName);
    // A weighted, deterministic round-robin schedule of paths.
    const schedule: { endpoint: string; path: string }[] = [];
    for (const t of targets) {
      // 8 slots per unit of weight, cycling through the target's queries.
      for (let i = 0; i < t.weight * 8; i++) {
        schedule.push({ endpoint: t.endpoint, path: `${PREFIX}${t.endpoint}?${t.queries[i % t.queries.length]}` });
      }
    }
    // Interleave so concurrent loops hit different endpoints.
    const order = new Map(schedule.map((item, i) => [item, hashOf(`${i}:${item.path}`)]));
    schedule.sort((a, b) => (order.get(a) ?? 0) - (order.get(b) ?? 0));

    const cpuBefore = process.cpuUsage();
    const eluBefore = performance.eventLoopUtilization();
    const run = await drive({
      url: sim.url,
      schedule,
      concurrency,
      durationMs,
      maxRequests: Number.isFinite(maxRequests) ? maxRequests : 2_000_000,
      warmup: options.warmupRequests ?? 200,
    });
    const cpu = process.cpuUsage(cpuBefore); // all threads: simulator and load generator together
    const cpuSeconds = (cpu.user + cpu.system) / 1e6;
    // Warm-up requests also ran inside this window; count them in the server's share.
    const served = run.count + (options.warmupRequests ?? 200);
    const activeMs = performance.eventLoopUtilization(eluBefore).active;
    const count = run.count;
    const sorted = run.latencies.sort();
    return {
      mix: mixName,
      requests: count,
      errors: run.errors,
      durationMs: Math.round(run.elapsedMs),
      requestsPerSecond: Math.round((count / run.elapsedMs) * 1000),
      p50Ms: round2(percentile(sorted, 0.5)),
      p99Ms: round2(percentile(sorted, 0.99)),
      meanBodyBytes: count ? Math.round(run.bytes / count) : 0,
      requestsPerCpuSecond: cpuSeconds > 0 ? Math.round(served / cpuSeconds) : 0,
      serverCapacityRps: activeMs > 0 ? Math.round((served / activeMs) * 1000) : 0,
      perEndpoint: run.perEndpoint,
    };
  } finally {
    await sim.close();
  }
}

function hashOf(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

const round2 = (x: number) => Math.round(x * 100) / 100;
