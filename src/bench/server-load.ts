/**
 * A load run of `xhs serve` on loopback: sustained requests per second, p50/p99 latency and errors for a
 * cached mix (repeat reads of warmed resources), an uncached mix (`fresh=true`: every request goes
 * through the client to the simulator) and a mixed one (80 % cached). Bounded in time and count.
 *
 * The server and the in-process simulator share this thread; the load generator runs in a worker
 * thread with keep-alive sockets (the machine has two cores), so figures are a floor.
 * The per-client rate limit is raised for the run (one generator is one client): "no error under the
 * configured limits" means zero non-200 answers with the limits the run configures.
 */
import { performance } from "node:perf_hooks";
import { Worker } from "node:worker_threads";
import { createClient } from "../client/create-client.js";
import { startServer } from "../server/start.js";
import { createSimulator } from "../simulator/index.js";
import { GUIDE } from "../simulator/world/index.js";

export type ServerLoadMix = "cached" | "uncached" | "mixed";

export interface ServerLoadOptions {
  mixes?: ServerLoadMix[];
  /** Concurrent request loops (default 16). */
  concurrency?: number;
  /** Per mix, stop after this long in ms (default 3 000)… */
  durationMs?: number;
  /** …or after this many requests (default 50 000). */
  maxRequests?: number;
  /** Untimed requests first (default 200); they also warm the cache for the cached share. */
  warmupRequests?: number;
  seed?: number;
}

export interface ServerLoadResult {
  mix: ServerLoadMix;
  requests: number;
  errors: number;
  durationMs: number;
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  /** Share of answers served from the cache (hits and coalesced), 0..1. */
  cacheHitRatio: number;
  /** Calls the simulator received during the measured window. */
  upstreamCalls: number;
}

const DRIVER_SOURCE = `
const { parentPort, workerData } = require("node:worker_threads");
const { Agent, request } = require("node:http");
const { url, paths, concurrency, durationMs, maxRequests, warmup } = workerData;
const base = new URL(url);
const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
let next = 0;
const pick = () => paths[next++ % paths.length];
const get = (path) => new Promise((resolve, reject) => {
  const req = request({ agent, host: base.hostname, port: base.port, path, method: "GET" }, (res) => {
    res.on("data", () => {});
    res.on("end", () => resolve(res.statusCode || 0));
    res.on("error", reject);
  });
  req.on("error", reject);
  req.end();
});
(async () => {
  for (let i = 0; i < warmup; i++) await get(pick());
  parentPort.postMessage({ type: "warm" });
  const latencies = new Float64Array(maxRequests);
  let count = 0, errors = 0;
  const started = performance.now();
  const deadline = started + durationMs;
  const loop = async () => {
    while (count < maxRequests && performance.now() < deadline) {
      const index = count++;
      const t0 = performance.now();
      try { if ((await get(pick())) !== 200) errors++; } catch { errors++; }
      latencies[index] = performance.now() - t0;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, loop));
  const elapsedMs = performance.now() - started;
  agent.destroy();
  parentPort.postMessage({ type: "done", count, errors, elapsedMs, latencies: latencies.slice(0, count) });
})();
`;

interface DriverDone {
  count: number;
  errors: number;
  elapsedMs: number;
  latencies: Float64Array;
}

function drive(data: Record<string, unknown>, onWarm: () => void): Promise<DriverDone> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(DRIVER_SOURCE, { eval: true, workerData: data });
    worker.on("message", (message: { type: string } & DriverDone) => {
      if (message.type === "warm") return onWarm();
      resolve(message);
      void worker.terminate();
    });
    worker.once("error", reject);
  });
}

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))] ?? 0;
}

/** Request paths for a mix: 40 resources of the world (notes, users, comment pages, searches). */
function pathsFor(mix: ServerLoadMix, world: ReturnType<typeof createSimulator>["world"]): string[] {
  const notes = world
    .notes()
    .filter((n) => !n.deleted)
    .slice(0, 20)
    .map((n) => `/v1/notes/${n.id}`);
  const users = world
    .users()
    .slice(0, 10)
    .map((u) => `/v1/users/${u.id}`);
  const lists = [
    `/v1/notes/${GUIDE.replyNoteId}/comments?limit=10`,
    `/v1/users/${GUIDE.userId}/notes?limit=10`,
    `/v1/topics/${GUIDE.topicPageId}/notes?limit=10`,
    ...GUIDE.keywords.map((k) => `/v1/search/notes?q=${encodeURIComponent(k)}&limit=10`),
  ];
  const base = [...notes, ...users, ...lists];
  const fresh = (p: string) => `${p}${p.includes("?") ? "&" : "?"}fresh=true`;
  if (mix === "cached") return base;
  if (mix === "uncached") return base.map(fresh);
  // 4 cached : 1 fresh, interleaved.
  return base.map((p, i) => (i % 5 === 4 ? fresh(p) : p));
}

export async function measureServerLoad(options: ServerLoadOptions = {}): Promise<ServerLoadResult[]> {
  const results: ServerLoadResult[] = [];
  for (const mix of options.mixes ?? ["cached", "uncached", "mixed"]) {
    const sim = createSimulator({ seed: options.seed ?? 1, rateLimit: 0, faults: "healthy" });
    const client = createClient({ apiKey: "bench-key", fetch: sim.fetch, baseUrl: sim.url, qps: 0, concurrency: 64 });
    const server = await startServer({ client, port: 0, rateLimit: { perSecond: 1_000_000 }, secrets: ["bench-key"] });
    try {
      let callsAtStart = 0;
      let cacheAtStart = server.runtime.cache.stats();
      const done = await drive(
        {
          url: server.url,
          paths: pathsFor(mix, sim.world),
          concurrency: options.concurrency ?? 16,
          durationMs: options.durationMs ?? 3_000,
          maxRequests: options.maxRequests ?? 50_000,
          warmup: options.warmupRequests ?? 200,
        },
        () => {
          callsAtStart = sim.ledger.snapshot().totals.calls;
          cacheAtStart = server.runtime.cache.stats();
        },
      );
      const cache = server.runtime.cache.stats();
      const served = (s: typeof cache) => s.hits + s.coalesced;
      const all = (s: typeof cache) => s.hits + s.coalesced + s.misses + s.bypasses;
      const total = all(cache) - all(cacheAtStart);
      const sorted = Float64Array.from(done.latencies).sort();
      results.push({
        mix,
        requests: done.count,
        errors: done.errors,
        durationMs: Math.round(done.elapsedMs),
        requestsPerSecond: Math.round((done.count / done.elapsedMs) * 1000),
        p50Ms: Number(percentile(sorted, 0.5).toFixed(2)),
        p99Ms: Number(percentile(sorted, 0.99).toFixed(2)),
        cacheHitRatio: total > 0 ? Number(((served(cache) - served(cacheAtStart)) / total).toFixed(3)) : 0,
        upstreamCalls: sim.ledger.snapshot().totals.calls - callsAtStart,
      });
    } finally {
      await server.close();
    }
  }
  return results;
}

// `node --import tsx src/bench/server-load.ts`: prints the results as JSON.
if (process.argv[1] && import.meta.url === new URL(process.argv[1], "file://").href) {
  const started = performance.now();
  measureServerLoad().then((r) => {
    process.stdout.write(
      `${JSON.stringify({ results: r, wallMs: Math.round(performance.now() - started) }, null, 2)}\n`,
    );
  });
}
