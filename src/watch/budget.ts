/**
 * Daily budgets, checked before paying: a task runs only if its estimated calls and cost fit in what is
 * left today of its watch's budget and of the total. A task that does not fit waits (it stays due) until
 * the next UTC day. The estimate is an upper bound per task kind; what is left is also handed to the client
 * as its own call/cost limit, so a tick that needs more than estimated stops at the budget, not past it.
 */
import { DEFAULT_PRICE_USD } from "../catalog/endpoints.js";
import type { DailyBudget, WatchPlan } from "../crawl/plan/watch.js";
import type { DueTask } from "./schedule.js";
import type { SpendRow } from "./state.js";

/** Items per list page TikHub answers with (about 20 for notes and comments). */
const PAGE_SIZE = 20;

export interface SpendEstimate {
  calls: number;
  usd: number;
}

/** At most what one tick of this task pays (every page of its limit; one call for a refresh). */
export function estimateTask(due: DueTask, pricePerCall = DEFAULT_PRICE_USD): SpendEstimate {
  const { task, watch } = due;
  let calls = 1;
  if (task.kind === "discover") calls = Math.ceil((watch.actions.newNotes?.limit ?? PAGE_SIZE) / PAGE_SIZE);
  else if (task.kind === "new_comments") calls = Math.ceil((watch.actions.newComments?.limit ?? PAGE_SIZE) / PAGE_SIZE);
  return { calls, usd: calls * pricePerCall };
}

export interface BudgetLeft {
  calls: number | null;
  usd: number | null;
}

/** What is left today for one watch: the smaller of its own budget and the total's, null where unlimited. */
export function budgetLeft(plan: WatchPlan, watch: string, spentToday: readonly SpendRow[]): BudgetLeft {
  const own = plan.watches.find((w) => w.name === watch)?.budget ?? { calls: null, usd: null };
  const mine = spentToday.filter((s) => s.watch === watch);
  const ownLeft = left(own, sum(mine));
  const totalLeft = left(plan.budget, sum(spentToday));
  return { calls: min(ownLeft.calls, totalLeft.calls), usd: min(ownLeft.usd, totalLeft.usd) };
}

/** Which due tasks fit today's budgets, in order; the rest wait, each with the reason. */
export function fitBudget(
  plan: WatchPlan,
  due: readonly DueTask[],
  spentToday: readonly SpendRow[],
  estimate: (due: DueTask) => SpendEstimate = (d) => estimateTask(d),
): { run: DueTask[]; wait: { due: DueTask; reason: string }[] } {
  const spent = spentToday.map((s) => ({ ...s }));
  const run: DueTask[] = [];
  const wait: { due: DueTask; reason: string }[] = [];
  for (const d of due) {
    const need = estimate(d);
    const room = budgetLeft(plan, d.watch.name, spent);
    const short =
      room.calls !== null && need.calls > room.calls
        ? `needs up to ${need.calls} calls, ${room.calls} left today`
        : room.usd !== null && need.usd > room.usd + 1e-9
          ? `needs up to $${need.usd.toFixed(2)}, $${Math.max(0, room.usd).toFixed(2)} left today`
          : null;
    if (short) {
      wait.push({ due: d, reason: short });
      continue;
    }
    run.push(d);
    // Reserve the estimate, so later tasks of this pass see it spent.
    spent.push({ day: spentToday[0]?.day ?? "", watch: d.watch.name, calls: need.calls, usd: need.usd });
  }
  return { run, wait };
}

function sum(rows: readonly SpendRow[]): { calls: number; usd: number } {
  return rows.reduce((acc, r) => ({ calls: acc.calls + r.calls, usd: acc.usd + r.usd }), { calls: 0, usd: 0 });
}

function left(budget: DailyBudget, spent: { calls: number; usd: number }): BudgetLeft {
  return {
    calls: budget.calls === null ? null : Math.max(0, budget.calls - spent.calls),
    usd: budget.usd === null ? null : Math.max(0, budget.usd - spent.usd),
  };
}

function min(a: number | null, b: number | null): number | null {
  if (a === null) return b;
  if (b === null) return a;
  return Math.min(a, b);
}
