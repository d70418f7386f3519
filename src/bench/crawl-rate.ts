/**
 * Crawl against the rate limit: a crawl of `notes` notes (detail + comments) through the crawl engine,
 * the client's rate limit set to the simulator's (the limit is known), enough concurrency that the
 * limit, not the latency, is what binds. Measures the achieved call rate over the limit, the 429s, and
 * the wall time over its lower bound (calls / QPS), all in virtual time.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runCrawl } from "../crawl/engine.js";
import { normalizePlan } from "../crawl/plan/normalize.js";
import { createSimulator } from "../simulator/index.js";
import { openSqliteStore } from "../store/sqlite/sqlite-store.js";
import { benchProfile } from "./profiles.js";
import type { BenchTime } from "./scaled-time.js";
import { simClient } from "./sim-client.js";
import { round, seededRandom } from "./stats.js";

export interface CrawlRateOptions {
  seed: number;
  size?: "tiny" | "default" | "large";
  /** Notes to crawl (each: detail + comment pages). Default 500. */
  notes?: number;
  /** The limit, requests/s (virtual); both the simulator and the client know it. Default 10. */
  qps?: number;
  /** Top-level comments per note at most (default 30: up to 3 pages). */
  commentsPerNote?: number;
  /** Jobs and requests in flight (default 8: with 600 ms latency, 4 could not reach 10/s). */
  concurrency?: number;
  time: BenchTime;
}

export interface CrawlRateResult {
  notes: number;
  qps: number;
  concurrency: number;
  calls: number;
  http429: number;
  /** Virtual seconds from start to end. */
  wallSeconds: number;
  /** calls / qps. */
  lowerBoundSeconds: number;
  achievedQps: number;
  /** achievedQps / qps. */
  rateShare: number;
  /** wallSeconds / lowerBoundSeconds. */
  wallOverBound: number;
  jobsDone: number;
  jobsFailed: number;
  commentsStored: number;
  status: string;
  /** Real seconds the crawl took. */
  realSeconds: number;
}

export async function measureCrawlRate(options: CrawlRateOptions): Promise<CrawlRateResult> {
  const qps = options.qps ?? 10;
  const count = options.notes ?? 500;
  const concurrency = options.concurrency ?? 8;
  const { time } = options;
  const sim = createSimulator({
    seed: options.seed,
    size: options.size ?? "default",
    faults: benchProfile("healthy").faults,
    rateLimit: qps,
    clock: time.clock,
    sleep: time.sleep,
  });
  const random = seededRandom(options.seed ^ 0xc4a1);
  const candidates = sim.world.notes().filter((n) => !n.deleted && n.commentsL1 > 0);
  const chosen = new Set<string>();
  while (chosen.size < Math.min(count, candidates.length)) {
    chosen.add(candidates[Math.floor(random() * candidates.length)]!.id);
  }
  const notes = [...chosen].map((id) => {
    const n = sim.world.note(id)!;
    return `https://www.xiaohongshu.com/explore/${n.id}?xsec_token=${encodeURIComponent(n.xsecToken)}`;
  });
  const plan = normalizePlan(
    {
      name: "bench-crawl-rate",
      seeds: { notes },
      expand: { details: true, comments: { maxPerNote: options.commentsPerNote ?? 30, replies: false } },
      limits: { maxNotes: notes.length },
      concurrency,
    },
    "bench",
  );
  const client = simClient(sim, time, { qps, concurrency });
  const folder = mkdtempSync(join(tmpdir(), "xhs-bench-crawl-"));
  const store = openSqliteStore(join(folder, "crawl.db"));
  try {
    const realStart = performance.now();
    const t0 = time.clock.now();
    const result = await time.run(runCrawl({ client, store, queue: store, clock: time.clock }, { plan }));
    const wallSeconds = (time.clock.now() - t0) / 1000;
    const realSeconds = (performance.now() - realStart) / 1000;
    const totals = sim.ledger.snapshot().totals;
    const lowerBound = totals.calls / qps;
    const achieved = totals.calls / wallSeconds;
    return {
      notes: notes.length,
      qps,
      concurrency,
      calls: totals.calls,
      http429: totals.byStatus["429"] ?? 0,
      wallSeconds: round(wallSeconds, 1),
      lowerBoundSeconds: round(lowerBound, 1),
      achievedQps: round(achieved, 2),
      rateShare: round(achieved / qps, 3),
      wallOverBound: round(wallSeconds / lowerBound, 3),
      jobsDone: result.report.jobs.done ?? 0,
      jobsFailed: result.report.jobs.failed ?? 0,
      commentsStored: await store.countRecords("comments"),
      status: result.status,
      realSeconds: round(realSeconds, 1),
    };
  } finally {
    await store.close();
    rmSync(folder, { recursive: true, force: true });
  }
}
