/**
 * A run's state beside its report, for `xhs runs show` and the dashboard: the stored budget with what the run
 * spent against it (every process counted), and the series health its crawling processes last wrote.
 */
import type { LedgerTotals, RunBudget, RunRecord } from "../store/port.js";
import type { RunHealthReading } from "./engine/run-health.js";

/** The run's stored budget and what the run spent since it was given. */
export interface BudgetReading extends RunBudget {
  callsUsed: number;
  costUsdUsed: number;
}

export function budgetReading(run: RunRecord, totals: Pick<LedgerTotals, "calls" | "costUsd">): BudgetReading | null {
  const budget = run.budget;
  if (budget === null) return null;
  return {
    ...budget,
    callsUsed: Math.max(0, totals.calls - budget.callsBefore),
    // Micro-USD steps: a float difference must not show $0.30000000000000004.
    costUsdUsed: Math.max(0, Math.round((totals.costUsd - budget.costUsdBefore) * 1e6) / 1e6),
  };
}

/** Text lines for a terminal: the budget, then each series' breakers and each key that is out. */
export function renderRunState(budget: BudgetReading | null, health: RunHealthReading): string[] {
  const lines: string[] = [];
  if (budget === null) lines.push("Budget: none stored with the run");
  else {
    const parts: string[] = [];
    if (budget.maxCalls !== undefined) parts.push(`${budget.callsUsed} of ${budget.maxCalls} calls`);
    if (budget.maxCostUsd !== undefined) parts.push(`$${budget.costUsdUsed.toFixed(2)} of $${budget.maxCostUsd}`);
    lines.push(`Budget: ${parts.join(", ")} spent since ${budget.setAt}`);
  }
  const series = Object.entries(health.series);
  if (series.length === 0) lines.push("Breakers: no crawling process wrote any");
  for (const [name, b] of series) {
    const since =
      b.state === "closed"
        ? b.closedAt
          ? ` (closed again ${b.closedAt})`
          : ""
        : b.openedAt
          ? ` since ${b.openedAt}`
          : "";
    const stale = b.stale ? `, stale: ${b.writer} silent since ${b.writtenAt}` : "";
    lines.push(`Breaker ${name}: ${b.state}${since}${stale}`);
  }
  for (const [fingerprint, key] of Object.entries(health.keys)) {
    if (key.state === "out") lines.push(`Key ${fingerprint}: out (${key.reason ?? "?"}) since ${key.outSince ?? "?"}`);
  }
  return lines;
}
