/**
 * The strategy comparison over many world seeds (`--seeds N` or `--seeds a,b,c`): each seed is a new world,
 * a new workload and new faults; the sums per strategy and profile are what the correctness and cost
 * targets are judged on, and every answer that was not correct is listed with its seed and request, so a
 * wrong answer found on one world can be traced (and turned into a unit test that needs no seed).
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { type CellResult, compareStrategies, type Incident } from "./compare.js";
import type { BenchProfile } from "./profiles.js";
import { createVirtualTime } from "./scaled-time.js";
import { renderSeedTargets, seedTargets } from "./seed-targets.js";
import { round } from "./stats.js";
import { STRATEGY_NAMES, type StrategyName } from "./strategies/types.js";
import { REQUEST_KINDS, type RequestKind } from "./workload.js";

export interface SeedsOptions {
  seeds: readonly number[];
  requests: number;
  concurrency: number;
  profiles: readonly BenchProfile[];
  strategies: readonly StrategyName[];
  size?: "tiny" | "default" | "large";
  log?: (line: string) => void;
}

/** One strategy in one profile, summed over the seeds. */
export interface SeedSum {
  strategy: StrategyName;
  profile: string;
  seeds: number;
  requests: number;
  correct: number;
  wrong: number;
  /** Failed where no series can serve the request (the right answer is a failure). */
  failedUnservable: number;
  failedOtherwise: number;
  calls: number;
  billableCalls: number;
  billablePerCorrect: number | null;
  /** Hedges fired, and hedge losers billed as well as their winner (summed over the seeds; see hedge-tally.ts). */
  hedges?: number;
  hedgesBilledTwice?: number;
  /** Seeds with at least one wrong answer. */
  seedsWithWrong: number[];
  /** Highest p99 of a seed, and the median of the seeds' p50s (virtual ms). */
  worstP99Ms: number;
  medianP50Ms: number;
  /** Highest p99 of a seed per request kind (virtual ms). */
  worstP99MsByKind?: Record<RequestKind, number>;
}

export interface SeedIncident extends Incident {
  seed: number;
  profile: string;
  strategy: StrategyName;
}

export interface SeedsResults {
  startedAt: string;
  finishedAt: string;
  realSeconds: number;
  seeds: number[];
  requestsPerCell: number;
  concurrency: number;
  worldSize: string;
  commit: string | null;
  sums: SeedSum[];
  /** Every wrong answer and every failure of a request some series could serve, per seed. */
  incidents: SeedIncident[];
}

/** `--seeds` text: "N" (seeds 1..N) or a comma list of seeds. */
export function parseSeeds(text: string): number[] {
  const trimmed = text.trim();
  if (/^\d+$/.test(trimmed)) {
    const n = Number(trimmed);
    if (n < 1 || n > 1000) throw new Error(`--seeds N must be 1..1000, got ${text}`);
    return Array.from({ length: n }, (_, i) => i + 1);
  }
  const parts = trimmed.split(",").map((s) => s.trim());
  if (parts.length < 2 || parts.some((p) => !/^\d+$/.test(p) || Number(p) < 1)) {
    throw new Error(`--seeds takes a count (20) or a list of positive seeds (1,5,9), got ${text}`);
  }
  const seeds = parts.map(Number);
  if (new Set(seeds).size !== seeds.length) throw new Error(`--seeds lists a seed twice: ${text}`);
  return seeds;
}

/** Sums of cells of one strategy and profile (one cell per seed). */
export function sumCells(cells: readonly CellResult[]): Omit<SeedSum, "strategy" | "profile" | "seedsWithWrong"> {
  const total = (pick: (c: CellResult) => number) => cells.reduce((n, c) => n + pick(c), 0);
  const correct = total((c) => c.correct);
  const failed = total((c) => c.failed);
  const failedUnservable = total((c) => c.failedUnservable ?? 0);
  const billableCalls = total((c) => c.billableCalls);
  const p50s = cells.map((c) => c.p50Ms).sort((a, b) => a - b);
  return {
    seeds: cells.length,
    requests: total((c) => c.requests),
    correct,
    wrong: total((c) => c.wrong),
    failedUnservable,
    failedOtherwise: failed - failedUnservable,
    calls: total((c) => c.calls),
    billableCalls,
    billablePerCorrect: correct > 0 ? round(billableCalls / correct, 3) : null,
    hedges: total((c) => c.hedging?.hedges ?? 0),
    hedgesBilledTwice: total((c) => c.hedging?.hedgeLosersBilled ?? 0),
    worstP99Ms: Math.max(0, ...cells.map((c) => c.p99Ms)),
    medianP50Ms: p50s.length > 0 ? p50s[Math.floor((p50s.length - 1) / 2)]! : 0,
    worstP99MsByKind: Object.fromEntries(
      REQUEST_KINDS.map((k) => [k, Math.max(0, ...cells.map((c) => c.byKind?.[k]?.p99Ms ?? 0))]),
    ) as Record<RequestKind, number>,
  };
}

export async function compareSeeds(options: SeedsOptions, commit: string | null = null): Promise<SeedsResults> {
  const started = new Date();
  const log = options.log ?? (() => {});
  const bySeed = new Map<number, CellResult[]>();
  for (const seed of options.seeds) {
    const t0 = Date.now();
    const cells = await compareStrategies({
      seed,
      size: options.size ?? "default",
      requests: options.requests,
      concurrency: options.concurrency,
      time: createVirtualTime(),
      profiles: options.profiles,
      strategies: options.strategies,
      incidents: true,
    });
    bySeed.set(seed, cells);
    const line = options.strategies
      .map((s) => {
        const mine = cells.filter((c) => c.strategy === s);
        const sum = sumCells(mine);
        return `${s} ${sum.wrong} wrong, ${sum.failedOtherwise} failed (+${sum.failedUnservable} unservable)`;
      })
      .join("; ");
    log(`seed ${seed}: ${line} (${Math.round((Date.now() - t0) / 1000)} s)`);
  }
  const sums: SeedSum[] = [];
  const incidents: SeedIncident[] = [];
  for (const strategy of options.strategies) {
    for (const profile of options.profiles) {
      const cells: CellResult[] = [];
      const seedsWithWrong: number[] = [];
      for (const [seed, seedCells] of bySeed) {
        const cell = seedCells.find((c) => c.strategy === strategy && c.profile === profile.name);
        if (!cell) continue;
        cells.push(cell);
        if (cell.wrong > 0) seedsWithWrong.push(seed);
        for (const i of cell.incidents ?? []) {
          if (i.outcome === "wrong" || i.servableBy.length > 0) {
            incidents.push({ ...i, seed, profile: profile.name, strategy });
          }
        }
      }
      sums.push({ strategy, profile: profile.name, ...sumCells(cells), seedsWithWrong });
    }
  }
  const finished = new Date();
  return {
    startedAt: started.toISOString(),
    finishedAt: finished.toISOString(),
    realSeconds: Math.round((finished.getTime() - started.getTime()) / 1000),
    seeds: [...options.seeds],
    requestsPerCell: options.requests,
    concurrency: options.concurrency,
    worldSize: options.size ?? "default",
    commit,
    sums,
    incidents,
  };
}

function table(header: string[], rows: (string | number | null)[][]): string {
  const line = (cells: (string | number | null)[]) =>
    `| ${cells.map((c) => (c === null ? "–" : String(c).replace(/\|/g, "\\|"))).join(" | ")} |`;
  return [line(header), line(header.map(() => "---")), ...rows.map(line)].join("\n");
}

function seedList(seeds: readonly number[]): string {
  const sorted = [...seeds].sort((a, b) => a - b);
  const contiguous = sorted.every((s, i) => i === 0 || s === sorted[i - 1]! + 1);
  return contiguous && sorted.length > 2 ? `${sorted[0]}–${sorted[sorted.length - 1]}` : sorted.join(", ");
}

/** The `--seeds` argument that gives these seeds. */
function seedsArgument(seeds: readonly number[]): string {
  return seeds.every((s, i) => s === i + 1) ? String(seeds.length) : seeds.join(",");
}

/** The `--strategies` argument, when not every strategy ran. */
function strategiesArgument(r: SeedsResults): string {
  const ran = [...new Set(r.sums.map((s) => s.strategy))];
  return ran.length === STRATEGY_NAMES.length ? "" : ` --strategies ${ran.join(",")}`;
}

/** The shown incidents per strategy and profile, at most this many (the JSON has them all). */
const MAX_LISTED = 40;

export function renderSeedsMarkdown(r: SeedsResults): string {
  const out: string[] = [];
  out.push("# xhs-kit benchmark: the comparison over many world seeds", "");
  out.push(
    `Produced by \`node .bench-dist/bench/run.js --seeds ${seedsArgument(r.seeds)}${strategiesArgument(r)}\` on ${r.finishedAt.slice(0, 10)} ` +
      `(commit ${r.commit ?? "unknown"}), ${r.realSeconds} s of real time. Seeds ${seedList(r.seeds)} ` +
      `(${r.seeds.length} worlds, ${r.worldSize} size); ${r.requestsPerCell} requests per strategy, profile and seed, ` +
      `${r.concurrency} at a time, on the virtual clock. Each seed is a new world, workload and set of faults.`,
    "",
    "*failed, unservable*: no series can serve the request (from the world's truth: a video note hidden from the web " +
      "while App V2 is down has no series with its video URL); failing is the right answer there. *failed, otherwise*: " +
      "some series could have served it.",
    "",
  );
  const strategies = [...new Set(r.sums.map((s) => s.strategy))];
  for (const strategy of strategies) {
    const rows = r.sums.filter((s) => s.strategy === strategy);
    const total = sumRows(rows);
    out.push(`## ${strategy}`, "");
    out.push(
      table(
        [
          "profile",
          "requests",
          "correct",
          "wrong",
          "failed, unservable",
          "failed, otherwise",
          "billable calls",
          "billable / correct",
          "median p50 ms",
          "worst p99 ms",
          "seeds with a wrong answer",
        ],
        [
          ...rows.map((s) => [
            s.profile,
            s.requests,
            s.correct,
            s.wrong,
            s.failedUnservable,
            s.failedOtherwise,
            s.billableCalls,
            s.billablePerCorrect,
            s.medianP50Ms,
            s.worstP99Ms,
            s.seedsWithWrong.length > 0 ? s.seedsWithWrong.join(", ") : "none",
          ]),
          [
            "**all**",
            total.requests,
            total.correct,
            total.wrong,
            total.failedUnservable,
            total.failedOtherwise,
            total.billableCalls,
            total.correct > 0 ? round(total.billableCalls / total.correct, 3) : null,
            "",
            "",
            "",
          ],
        ],
      ),
      "",
    );
    out.push(...renderSeedTargets(seedTargets(r.sums, strategy, r.seeds)));
    const listed = r.incidents.filter((i) => i.strategy === strategy);
    if (listed.length === 0) {
      out.push("No wrong answer, and no failure where a series could serve.", "");
      continue;
    }
    out.push("Every wrong answer, and every failure where a series could serve:", "");
    const shown = strategy.startsWith("xhs-kit") ? listed : listed.slice(0, MAX_LISTED);
    out.push(
      table(
        ["seed", "profile", "request", "kind", "subject", "outcome", "servable by", "what it said"],
        shown.map((i) => [
          i.seed,
          i.profile,
          i.index,
          i.kind,
          i.subject,
          `${i.outcome}: ${i.reason}`,
          i.servableBy.join(", "),
          i.detail.replace(/\s+/g, " "),
        ]),
      ),
      "",
    );
    if (shown.length < listed.length) out.push(`(${listed.length - shown.length} more in results-seeds.json)`, "");
  }
  return `${out.join("\n")}\n`;
}

function sumRows(rows: readonly SeedSum[]) {
  const total = (pick: (s: SeedSum) => number) => rows.reduce((n, s) => n + pick(s), 0);
  return {
    requests: total((s) => s.requests),
    correct: total((s) => s.correct),
    wrong: total((s) => s.wrong),
    failedUnservable: total((s) => s.failedUnservable),
    failedOtherwise: total((s) => s.failedOtherwise),
    billableCalls: total((s) => s.billableCalls),
  };
}

export function writeSeedsResults(folder: string, results: SeedsResults): void {
  writeFileSync(join(folder, "results-seeds.json"), `${JSON.stringify(results, null, 2)}\n`);
  writeFileSync(join(folder, "results-seeds.md"), renderSeedsMarkdown(results));
}
