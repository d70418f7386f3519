/**
 * How many requests per second the simulator serves over keep-alive HTTP, faults and rate limit off, for
 * a named mix of endpoints with realistic bodies. The simulator must never be a benchmark's bottleneck.
 * The load generator runs in a worker thread of the same process (node:http, keep-alive), so the
 * simulator's thread has a core to itself on a two-core machine.
 */
import { performance } from "node:perf_hooks";
import { startSimulator } from "../simulator/index.js";
import { GUIDE } from "../simulator/world/index.js";
import { driveLoad, type LoadFigures, type LoadRequest, loadFigures } from "./load-driver.js";

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

/** The shared load figures (requests, errors, durationMs, requestsPerSecond, p50Ms, p99Ms) and: */
export interface ThroughputResult extends LoadFigures {
  mix: ThroughputMix;
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

export async function measureSimulatorThroughput(options: ThroughputOptions = {}): Promise<ThroughputResult> {
  const concurrency = options.concurrency ?? 16;
  const durationMs = options.durationMs ?? 5_000;
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
    const schedule: LoadRequest[] = [];
    for (const t of targets) {
      // 8 slots per unit of weight, cycling through the target's queries.
      for (let i = 0; i < t.weight * 8; i++) {
        schedule.push({ tag: t.endpoint, path: `${PREFIX}${t.endpoint}?${t.queries[i % t.queries.length]}` });
      }
    }
    // Interleave so concurrent loops hit different endpoints.
    const order = new Map(schedule.map((item, i) => [item, hashOf(`${i}:${item.path}`)]));
    schedule.sort((a, b) => (order.get(a) ?? 0) - (order.get(b) ?? 0));

    const cpuBefore = process.cpuUsage();
    const eluBefore = performance.eventLoopUtilization();
    const warmupRequests = options.warmupRequests ?? 200;
    const run = await driveLoad({
      url: sim.url,
      schedule,
      concurrency,
      durationMs,
      maxRequests: options.maxRequests ?? Number.POSITIVE_INFINITY,
      warmupRequests,
      headers: { authorization: "Bearer bench-key", accept: "application/json" },
    });
    const cpu = process.cpuUsage(cpuBefore); // all threads: simulator and load generator together
    const cpuSeconds = (cpu.user + cpu.system) / 1e6;
    // Warm-up requests also ran inside this window; count them in the server's share.
    const served = run.requests + warmupRequests;
    const activeMs = performance.eventLoopUtilization(eluBefore).active;
    return {
      mix: mixName,
      ...loadFigures(run),
      meanBodyBytes: run.requests ? Math.round(run.bytes / run.requests) : 0,
      requestsPerCpuSecond: cpuSeconds > 0 ? Math.round(served / cpuSeconds) : 0,
      serverCapacityRps: activeMs > 0 ? Math.round((served / activeMs) * 1000) : 0,
      perEndpoint: run.perTag,
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
