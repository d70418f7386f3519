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
import { createClient } from "../client/create-client.js";
import { startServer } from "../server/start.js";
import { createSimulator } from "../simulator/index.js";
import { GUIDE } from "../simulator/world/index.js";
import { driveLoad, type LoadFigures, loadFigures } from "./load-driver.js";

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

/** The shared load figures (requests, errors, durationMs, requestsPerSecond, p50Ms, p99Ms) and: */
export interface ServerLoadResult extends LoadFigures {
  mix: ServerLoadMix;
  /** Share of answers served from the cache (hits and coalesced), 0..1. */
  cacheHitRatio: number;
  /** Calls the simulator received during the measured window. */
  upstreamCalls: number;
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
      const run = await driveLoad({
        url: server.url,
        schedule: pathsFor(mix, sim.world).map((path) => ({ path })),
        concurrency: options.concurrency ?? 16,
        durationMs: options.durationMs ?? 3_000,
        maxRequests: options.maxRequests ?? 50_000,
        warmupRequests: options.warmupRequests ?? 200,
        onWarm: () => {
          callsAtStart = sim.ledger.snapshot().totals.calls;
          cacheAtStart = server.runtime.cache.stats();
        },
      });
      const cache = server.runtime.cache.stats();
      const served = (s: typeof cache) => s.hits + s.coalesced;
      const all = (s: typeof cache) => s.hits + s.coalesced + s.misses + s.bypasses;
      const total = all(cache) - all(cacheAtStart);
      results.push({
        mix,
        ...loadFigures(run),
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
