/**
 * The crawl's own budget (`xhs crawl --max-calls / --max-cost`): what one session may spend. The engine
 * checks it before each job and the handlers between the pages of a list (test/crawl/budget.test.ts).
 */

export interface CrawlBudget {
  /** Calls this session may make (attempts, billable or not). */
  maxCalls?: number;
  /** USD this session may spend (estimated from the price table). */
  maxCostUsd?: number;
}

/** What this session has spent so far: every attempt is a call; only billable attempts cost. */
export interface SessionSpend {
  calls: number;
  costUsd: number;
}

/**
 * Why the session must stop for its budget (the message names the flag), or null while it may go on.
 * The cost is a float sum of prices, so it is compared with a hair of slack: ten $0.1 calls spend $1.
 */
export function budgetSpent(budget: CrawlBudget | undefined, spent: SessionSpend): string | null {
  if (budget?.maxCalls !== undefined && spent.calls >= budget.maxCalls) return `--max-calls ${budget.maxCalls} reached`;
  if (budget?.maxCostUsd !== undefined && spent.costUsd >= budget.maxCostUsd - 1e-9) {
    return `--max-cost ${budget.maxCostUsd} reached`;
  }
  return null;
}

/** Only the limits of a budget (undefined when it sets none: the run is unbounded). */
export function budgetLimits(budget: CrawlBudget | undefined): CrawlBudget | undefined {
  if (budget === undefined) return undefined;
  const limits: CrawlBudget = {};
  if (budget.maxCalls !== undefined) limits.maxCalls = budget.maxCalls;
  if (budget.maxCostUsd !== undefined) limits.maxCostUsd = budget.maxCostUsd;
  return limits.maxCalls === undefined && limits.maxCostUsd === undefined ? undefined : limits;
}

/**
 * Why the run's stored budget (every process working the run counts toward it) stops this session, or null.
 * `spent` is what the run spent since the budget was given.
 */
export function runBudgetSpent(budget: CrawlBudget, spent: SessionSpend): string | null {
  if (budget.maxCalls !== undefined && spent.calls >= budget.maxCalls) {
    return `the run's budget of ${budget.maxCalls} calls is spent`;
  }
  if (budget.maxCostUsd !== undefined && spent.costUsd >= budget.maxCostUsd - 1e-9) {
    return `the run's budget of $${budget.maxCostUsd} is spent`;
  }
  return null;
}
