/**
 * The runs page's numbers, all from the store (so a crawl in another process, `xhs crawl` or `xhs worker`, shows
 * too): each run's status, jobs by state and spend; one run's full report (crawl/report.ts, the same as
 * `xhs runs show`) and per-series health from its ledger (error mix, latency).
 */
import { percentile } from "../core/stats.js";
import { buildReport, type RunReport } from "../crawl/report.js";
import type { JobQueue, JobState, LedgerEntry, RunRecord, RunStatus, Store } from "../store/port.js";

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

export interface RunDetail {
  summary: RunSummary;
  report: RunReport;
  health: SeriesHealth[];
}

export async function runDetail(store: Store, queue: JobQueue, run: RunRecord): Promise<RunDetail> {
  const [summary, report, entries] = await Promise.all([
    runSummary(store, queue, run),
    buildReport(store, queue, run.id),
    store.ledgerEntries({ runId: run.id, limit: HEALTH_SAMPLE }),
  ]);
  return { summary, report, health: seriesHealth(entries) };
}
