/**
 * How many requests per second the simulator serves over keep-alive HTTP, faults and rate limit off, for
 * a named mix of endpoints with realistic bodies. The simulator must never be a benchmark's bottleneck.
 * Client and server share the process (and its one JS thread), so the figure is a floor.
 */
import { Agent, request } from "node:http";
import { performance } from "node:perf_hooks";
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

function get(agent: Agent, base: URL, path: string): Promise<{ status: number; bytes: number }> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        agent,
        host: base.hostname,
        port: base.port,
        path,
        method: "GET",
        headers: { authorization: "Bearer bench-key", accept: "application/json" },
      },
      (res) => {
        let bytes = 0;
        res.on("data", (chunk: Buffer) => {
          bytes += chunk.length;
        });
        res.on("end", () => resolve({ status: res.statusCode ?? 0, bytes }));
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    req.end();
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
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  try {
    const base = new URL(sim.url);
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
    let next = 0;
    const pick = () => schedule[next++ % schedule.length]!;

    for (let i = 0; i < (options.warmupRequests ?? 200); i++) await get(agent, base, pick().path);

    const latencies = new Float64Array(Number.isFinite(maxRequests) ? maxRequests : 2_000_000);
    let count = 0;
    let errors = 0;
    let bytes = 0;
    const perEndpoint: Record<string, number> = {};
    const cpuBefore = process.cpuUsage();
    const started = performance.now();
    const deadline = started + durationMs;
    const loop = async () => {
      while (count < maxRequests && count < latencies.length && performance.now() < deadline) {
        const item = pick();
        const t0 = performance.now();
        const index = count++;
        try {
          const res = await get(agent, base, item.path);
          if (res.status !== 200) errors++;
          bytes += res.bytes;
        } catch {
          errors++;
        }
        latencies[index] = performance.now() - t0;
        perEndpoint[item.endpoint] = (perEndpoint[item.endpoint] ?? 0) + 1;
      }
    };
    await Promise.all(Array.from({ length: concurrency }, loop));
    const elapsed = performance.now() - started;
    const cpu = process.cpuUsage(cpuBefore);
    const cpuSeconds = (cpu.user + cpu.system) / 1e6;
    const sorted = latencies.slice(0, count).sort();
    return {
      mix: mixName,
      requests: count,
      errors,
      durationMs: Math.round(elapsed),
      requestsPerSecond: Math.round((count / elapsed) * 1000),
      p50Ms: round2(percentile(sorted, 0.5)),
      p99Ms: round2(percentile(sorted, 0.99)),
      meanBodyBytes: count ? Math.round(bytes / count) : 0,
      requestsPerCpuSecond: cpuSeconds > 0 ? Math.round(count / cpuSeconds) : 0,
      perEndpoint,
    };
  } finally {
    agent.destroy();
    await sim.close();
  }
}

function hashOf(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

const round2 = (x: number) => Math.round(x * 100) / 100;
