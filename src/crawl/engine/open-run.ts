/** Finding the run a request means: the one it names, the plan's unfinished one, or a new one. */
import { randomUUID } from "node:crypto";
import { systemClock } from "../../core/clock.js";
import { InvalidInputError } from "../../core/errors.js";
import type { Clock } from "../../core/types.js";
import type { RunRecord, RunStatus, Store } from "../../store/port.js";
import { planHash } from "../plan/hash.js";
import type { CrawlPlan } from "../plan/types.js";
import type { CrawlRequest } from "./types.js";

/** A run that cannot start: no plan, unknown run id, or the run's plan is gone. */
export class CrawlSetupError extends InvalidInputError {}

const UNFINISHED: RunStatus[] = ["running", "partial", "interrupted", "failed"];

export interface OpenedRun {
  run: RunRecord;
  plan: CrawlPlan;
  resumed: boolean;
}

/** Finds or creates the run for a request; a new run's id carries the time of `clock` (the crawl's own). */
export async function openRun(store: Store, request: CrawlRequest, clock: Clock = systemClock): Promise<OpenedRun> {
  if (request.runId) {
    const run = await store.getRun(request.runId);
    if (!run) throw new CrawlSetupError(`no run "${request.runId}" in this database (see \`xhs runs list\`)`);
    const plan = (request.plan ?? run.plan) as CrawlPlan | null;
    if (!plan) throw new CrawlSetupError(`run "${request.runId}" has no saved plan`);
    if (request.plan && run.planKey && planHash(request.plan) !== run.planKey) {
      throw new CrawlSetupError(
        `run "${request.runId}" was started with another plan; resume it without a plan, or start a new run`,
      );
    }
    return { run, plan, resumed: true };
  }
  if (!request.plan) throw new CrawlSetupError("no plan: give a plan file or seeds, or --resume a run");
  const plan = request.plan;
  const planKey = planHash(plan);
  // One transaction: two processes starting the same plan at once find (or make) one run, not two.
  return store.transaction(async () => {
    if (!request.fresh) {
      const [unfinished] = await store.listRuns({ planKey, status: UNFINISHED, limit: 1 });
      if (unfinished) return { run: unfinished, plan, resumed: true };
    }
    const run = await store.createRun({ id: newRunId(clock), planKey, plan, status: "running" });
    return { run, plan, resumed: false };
  });
}

function newRunId(clock: Clock): string {
  const now = new Date(clock.now());
  const stamp = now.toISOString().replace(/[-:]/g, "").replace(/\..*$/, "").replace("T", "-");
  return `${stamp}-${randomUUID().slice(0, 6)}`;
}
