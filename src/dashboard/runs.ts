/**
 * The runs page's numbers, all from the store (so a crawl in another process, `xhs crawl` or `xhs worker`, shows
 * too): each run's status, jobs by state, spend and stored budget; one run's full report (crawl/report.ts, the
 * same as `xhs runs show`), per-series health from its ledger (error mix, latency) and the breakers its crawling
 * processes last wrote (crawl/engine/run-health.ts), the freshest per series, marked stale when its writer is silent.
 */
import { percentile } from "../core/stats.js";
import { type RunHealthReading, readRunHealth, type SeriesBreakerReading } from "../crawl/engine/run-health.js";
import { buildReport, type RunReport } from "../crawl/report.js";
import { type BudgetReading, budgetReading } from "../crawl/run-state.js";
import type { JobQueue, JobState, LedgerEntry, RunRecord, RunStatus, Store } from "../store/port.js";

export type { BudgetReading } from "../crawl/run-state.js";

export interface RunSummary {
  id: string;
  name: string | null;
  status: RunStatus;
  createdAt: string;
  updatedAt: string;
  finishedAt: string | null;
  jobs: Record<JobState, number>;
  calls: number;
  costUsd: number;
  /** The budget stored with the run (whichever process started or resumed it), null when none was given. */
  budget: BudgetReading | null;
}

function planName(run: RunRecord): string | null {
  const name = (run.plan as { name?: unknown } | null)?.name;
  return typeof name === "string" ? name : null;
}

export async function runSummary(store: Store, queue: JobQueue, run: RunRecord): Promise<RunSummary> {
  const [jobs, totals] = await Promise.all([queue.jobCounts(run.id), store.ledgerTotals({ runId: run.id })]);
  return {
    id: run.id,
    name: planName(run),
    status: run.status,
    createdAt: run.createdAt,
    updatedAt: run.updatedAt,
    finishedAt: run.finishedAt,
    jobs,
    calls: totals.calls,
    costUsd: totals.costUsd,
    budget: budgetReading(run, totals),
  };
}

export async function listRunSummaries(store: Store, queue: JobQueue, limit = 50): Promise<RunSummary[]> {
  const runs = await store.listRuns({ limit });
  const out: RunSummary[] = [];
  for (const run of runs) out.push(await runSummary(store, queue, run));
  return out;
}

export interface SeriesHealth {
  series: string;
  calls: number;
  ok: number;
  /** Attempts that did not end "ok", by error kind. */
  errors: Record<string, number>;
  latencyMsP50: number | null;
  latencyMsP95: number | null;
  /** The series' breakers as the freshest crawling process last wrote them (null: no process wrote any). */
  breaker?: SeriesBreakerReading | null;
}

/** Ledger rows the health table reads per run (the newest; enough for a stable p95). */
export const HEALTH_SAMPLE = 5000;

export function seriesHealth(entries: readonly LedgerEntry[]): SeriesHealth[] {
  const by = new Map<string, { calls: number; ok: number; errors: Record<string, number>; latencies: number[] }>();
  for (const e of entries) {
    let line = by.get(e.series);
    if (!line) {
      line = { calls: 0, ok: 0, errors: {}, latencies: [] };
      by.set(e.series, line);
    }
    line.calls += 1;
    if (e.outcome === "ok") line.ok += 1;
    else line.errors[e.outcome] = (line.errors[e.outcome] ?? 0) + 1;
    line.latencies.push(e.latencyMs);
  }
  return [...by.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([series, l]) => ({
      series,
      calls: l.calls,
      ok: l.ok,
      errors: l.errors,
      latencyMsP50: percentile(l.latencies, 50),
      latencyMsP95: percentile(l.latencies, 95),
    }));
}

/** The ledger's health lines with each series' breakers; a series with breakers and no ledger rows gets a line. */
export function withBreakers(lines: readonly SeriesHealth[], reading: RunHealthReading): SeriesHealth[] {
  const out = lines.map((line) => ({ ...line, breaker: reading.series[line.series] ?? null }));
  for (const [series, breaker] of Object.entries(reading.series)) {
    if (!out.some((line) => line.series === series)) {
      out.push({ series, calls: 0, ok: 0, errors: {}, latencyMsP50: null, latencyMsP95: null, breaker });
    }
  }
  return out.sort((a, b) => a.series.localeCompare(b.series));
}

export interface RunDetail {
  summary: RunSummary;
  report: RunReport;
  /** Per series: the ledger's error mix and latency, and `breaker`, the freshest breakers written. */
  health: SeriesHealth[];
  /** Every crawling process's last word: breakers per series, keys by fingerprint, writers (stale or not). */
  runHealth: RunHealthReading;
}

export async function runDetail(
  store: Store,
  queue: JobQueue,
  run: RunRecord,
  nowMs: number = Date.now(),
): Promise<RunDetail> {
  const [summary, report, entries, reading] = await Promise.all([
    runSummary(store, queue, run),
    buildReport(store, queue, run.id),
    store.ledgerEntries({ runId: run.id, limit: HEALTH_SAMPLE }),
    readRunHealth(store, run.id, nowMs),
  ]);
  return { summary, report, health: withBreakers(seriesHealth(entries), reading), runHealth: reading };
}
