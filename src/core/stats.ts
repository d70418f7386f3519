/** The one percentile: the ledger's p50/p95 and the benchmark's p50/p95/p99 read the same rank. */

/** Nearest-rank percentile of unsorted values, `p` in percent [0, 100]; null for no data. */
export function percentile(values: readonly number[], p: number): number | null {
  // Stryker disable next-line ConditionalExpression: equivalent, with no values the rank reads sorted[0], undefined, hence null
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1] ?? null;
}
