/**
 * Strategy comparison: every strategy runs the same workload in every profile, against one simulator
 * that is reset before each run (same seed, so every strategy meets the same faults). Requests run on
 * a fixed number of workers; latency is measured in virtual ms on the scaled clock.
 */
import { performance } from "node:perf_hooks";
import { percentile } from "../core/stats.js";
import { createSimulator, keyId, type Simulator } from "../simulator/index.js";
import { judge, type Outcome, servingSeries } from "./checker.js";
import { createHedgeTally, type HedgeCounts } from "./hedge-tally.js";
import { type BenchProfile, DOCUMENTED_QPS } from "./profiles.js";
import type { BenchTime } from "./scaled-time.js";
import { round } from "./stats.js";
import { STRATEGIES } from "./strategies/index.js";
import type { StrategyAnswer, StrategyName } from "./strategies/types.js";
import { type BenchRequest, buildWorkload, REQUEST_KINDS, type RequestKind } from "./workload.js";

export interface CompareOptions {
  seed: number;
  /** World size of the simulator (default "default"). */
  size?: "tiny" | "default" | "large";
  /** User-level requests per strategy and profile. */
  requests: number;
  /** Requests in flight at once (the same for every strategy). */
  concurrency: number;
  time: BenchTime;
  profiles: readonly BenchProfile[];
  strategies: readonly StrategyName[];
  /** Keep each wrong or failed answer of the cells (CellResult.incidents), for the multi-seed report. */
  incidents?: boolean;
  /** Told when a cell starts and ends (progress on stderr). */
  onCell?: (cell: CellResult | { profile: string; strategy: StrategyName; starting: true }) => void;
}

export interface Tally {
  requests: number;
  correct: number;
  wrong: number;
  failed: number;
  /** p99 latency of this kind's requests, virtual ms. */
  p99Ms: number;
}

/** One answer that was not correct: which request, what the checker said, what the strategy said. */
export interface Incident {
  index: number;
  kind: RequestKind;
  /** The note id, user id or keyword asked about. */
  subject: string;
  outcome: "wrong" | "failed";
  reason: string;
  /** The series that could have served it (the world's truth and the profile's lasting outages). */
  servableBy: string[];
  /** The strategy's failure message (shortened), or what it handed over ("3 items, hasMore false"). */
  detail: string;
}

export interface CellResult {
  profile: string;
  strategy: StrategyName;
  requests: number;
  correct: number;
  wrong: number;
  failed: number;
  /** Failed requests no series could serve (servingSeries is empty): the right answer is a failure. */
  failedUnservable?: number;
  /** Every wrong or failed answer (only with CompareOptions.incidents). */
  incidents?: Incident[];
  correctShare: number;
  wrongShare: number;
  /** Latency per request, virtual ms (all requests, failed ones included). */
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  maxMs: number;
  /** From the simulator's billing ledger. */
  calls: number;
  billableCalls: number;
  costUsd: number;
  billablePerCorrect: number | null;
  /** Hedges fired and hedge losers billed too (see hedge-tally.ts); absent in results from before. */
  hedging?: HedgeCounts;
  costPerCorrectUsd: number | null;
  http429: number;
  /** Notes handed over with counts that came abbreviated ("1.2万": `approx` not empty); null when the strategy does not normalize. */
  notesWithApproxCounts: number | null;
  byKind: Record<RequestKind, Tally>;
  /** Why answers were wrong or failed: "wrong:empty" → count. */
  reasons: Record<string, number>;
  /** Real seconds the cell took. */
  wallSeconds: number;
}

const API_KEY = "bench-key";

/** Runs one strategy over the workload in one profile; the simulator is reset first. */
export async function runCell(
  sim: Simulator,
  profile: BenchProfile,
  strategyName: StrategyName,
  workload: readonly BenchRequest[],
  options: Pick<CompareOptions, "concurrency" | "time" | "seed" | "incidents">,
): Promise<CellResult> {
  sim.setFaults(profile.faults);
  sim.reset();
  const { time } = options;
  const benchKey = keyId(API_KEY);
  const hedges = createHedgeTally(sim.fetch, time.clock, () => sim.ledger.spent(benchKey).billableCalls);
  const strategy = STRATEGIES[strategyName]({
    fetch: hedges.fetch,
    onEvent: hedges.onEvent,
    baseUrl: sim.url,
    apiKey: API_KEY,
    clock: time.clock,
    sleep: time.sleep,
    seed: options.seed,
  });
  const latencies: number[] = new Array(workload.length).fill(0);
  const outcomes: Outcome[] = new Array(workload.length).fill("failed");
  const reasons: Record<string, number> = {};
  const incidents: Incident[] = [];
  let failedUnservable = 0;
  let approxNotes: number | null = null;
  const started = performance.now();
  let next = 0;
  const worker = async () => {
    for (;;) {
      const index = next++;
      const request = workload[index];
      if (!request) return;
      const t0 = time.clock.now();
      const answer = await strategy.run(request);
      latencies[index] = time.clock.now() - t0;
      if (answer.kind === "note") approxNotes = (approxNotes ?? 0) + (answer.note.approx.length > 0 ? 1 : 0);
      const verdict = judge(sim.world, request, answer);
      outcomes[index] = verdict.outcome;
      if (verdict.reason) {
        const key = `${verdict.outcome}:${verdict.reason}`;
        reasons[key] = (reasons[key] ?? 0) + 1;
      }
      if (verdict.outcome !== "correct") {
        const servableBy = servingSeries(sim.world, request, profile);
        if (verdict.outcome === "failed" && servableBy.length === 0) failedUnservable++;
        if (options.incidents) {
          incidents.push({
            index: request.index,
            kind: request.kind,
            subject: "noteId" in request ? request.noteId : "userId" in request ? request.userId : request.keyword,
            outcome: verdict.outcome,
            reason: verdict.reason ?? "",
            servableBy,
            detail: describeAnswer(answer),
          });
        }
      }
    }
  };
  await time.run(Promise.all(Array.from({ length: options.concurrency }, worker)));
  const wallSeconds = (performance.now() - started) / 1000;

  const byKind = Object.fromEntries(
    REQUEST_KINDS.map((k) => {
      const ofKind = workload.flatMap((request, i) => (request.kind === k ? [latencies[i]!] : []));
      const p99Ms = ofKind.length > 0 ? Math.round(percentile(ofKind, 99) ?? 0) : 0;
      return [k, { requests: 0, correct: 0, wrong: 0, failed: 0, p99Ms }];
    }),
  ) as Record<RequestKind, Tally>;
  workload.forEach((request, i) => {
    const tally = byKind[request.kind];
    tally.requests++;
    tally[outcomes[i]!]++;
  });
  const count = (o: Outcome) => outcomes.filter((x) => x === o).length;
  const correct = count("correct");
  const ledger = sim.ledger.snapshot().totals;
  return {
    profile: profile.name,
    strategy: strategyName,
    requests: workload.length,
    correct,
    wrong: count("wrong"),
    failed: count("failed"),
    failedUnservable,
    ...(options.incidents ? { incidents: incidents.sort((a, b) => a.index - b.index) } : {}),
    correctShare: round(correct / workload.length, 4),
    wrongShare: round(count("wrong") / workload.length, 4),
    p50Ms: Math.round(percentile(latencies, 50) ?? 0),
    p95Ms: Math.round(percentile(latencies, 95) ?? 0),
    p99Ms: Math.round(percentile(latencies, 99) ?? 0),
    maxMs: Math.round(Math.max(0, ...latencies)),
    calls: ledger.calls,
    billableCalls: ledger.billableCalls,
    costUsd: round(ledger.costUsd, 4),
    billablePerCorrect: correct > 0 ? round(ledger.billableCalls / correct, 3) : null,
    hedging: hedges.counts(),
    costPerCorrectUsd: correct > 0 ? round(ledger.costUsd / correct, 5) : null,
    http429: ledger.byStatus["429"] ?? 0,
    notesWithApproxCounts: approxNotes,
    byKind,
    reasons,
    wallSeconds: round(wallSeconds, 1),
  };
}

function describeAnswer(answer: StrategyAnswer): string {
  switch (answer.kind) {
    case "failed":
      return answer.reason.length > 400 ? `${answer.reason.slice(0, 397)}…` : answer.reason;
    case "note":
      return `note ${answer.note.id} (${answer.note.type})`;
    case "page":
      return `${answer.items.length} items, hasMore ${answer.hasMore}`;
    case "raw":
      return `raw answer of ${answer.endpoint}`;
  }
}

/** Every strategy in every profile. */
export async function compareStrategies(options: CompareOptions): Promise<CellResult[]> {
  const sim = createSimulator({
    seed: options.seed,
    size: options.size ?? "default",
    rateLimit: DOCUMENTED_QPS,
    clock: options.time.clock,
    sleep: options.time.sleep,
  });
  const workload = buildWorkload(sim.world, options.requests, options.seed);
  const cells: CellResult[] = [];
  for (const profile of options.profiles) {
    for (const strategy of options.strategies) {
      options.onCell?.({ profile: profile.name, strategy, starting: true });
      const cell = await runCell(sim, profile, strategy, workload, options);
      options.onCell?.(cell);
      cells.push(cell);
    }
  }
  return cells;
}
