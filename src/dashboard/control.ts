/**
 * Start, pause and resume from the dashboard: the crawl engine runs inside the server process, over the
 * server's client. On a Postgres database it takes the jobs through pg-boss, as `xhs crawl --db postgres://`
 * does, so `xhs worker` processes share the run (shared-queue.ts). The budget is stored with the run.
 * Pause is marked in the store (crawl/engine/pause.ts): every process working the run stops within a second,
 * giving its in-flight jobs back, and workers take no job of it until it is resumed; this server's own session
 * is interrupted at once. Resume is `runCrawl({ runId })`, which re-opens the run and continues from each list's
 * checkpoint. One dashboard run at a time: every call may cost.
 */
import { z } from "zod";
import type { XhsClient } from "../client/types.js";
import { InvalidInputError } from "../core/errors.js";
import type { Logger } from "../core/types.js";
import type { CrawlBudget } from "../crawl/engine/budget.js";
import { markPaused } from "../crawl/engine/pause.js";
import type { CrawlProgress } from "../crawl/engine/types.js";
import { runCrawl } from "../crawl/engine.js";
import { normalizePlan } from "../crawl/plan/normalize.js";
import type { JobQueue, Store } from "../store/port.js";
import { ConflictError, MissingError } from "./errors.js";
import { type SharedQueue, startSharedQueue } from "./shared-queue.js";

/** What the start form sends. The budget is required: nothing starts without a bound on what it may spend. */
export const StartRunSchema = z
  .object({
    keyword: z.string().trim().min(1, "请输入关键词").max(100),
    limit: z.number().int().min(1).max(200).default(10),
    comments: z.number().int().min(0).max(200).default(20),
    maxCalls: z.number().int().min(1).max(100_000),
    maxCostUsd: z.number().positive().max(1000).optional(),
  })
  .strict();

export const ResumeRunSchema = z
  .object({
    maxCalls: z.number().int().min(1).max(100_000),
    maxCostUsd: z.number().positive().max(1000).optional(),
  })
  .strict();

/** The prefix of the name a dashboard-started run's plan carries. */
export const DASHBOARD_PLAN_NAME = "控制台";

/**
 * A dashboard run's name: the prefix and its keyword ("控制台：露营"), so `xhs runs list` and the page tell runs
 * apart. Safe for resume: a dashboard start is always fresh and a resume goes by run id with the stored plan, so
 * the plan hash (which the name is part of) never has to match an older "控制台" run's.
 */
export function dashboardPlanName(keyword: string): string {
  return `${DASHBOARD_PLAN_NAME}：${keyword}`;
}

export interface ActiveRun {
  runId: string;
  budget: CrawlBudget;
  progress: CrawlProgress | null;
  pausing: boolean;
}

interface Live extends ActiveRun {
  controller: AbortController;
  done: Promise<void>;
}

function checked<T>(schema: z.ZodType<T>, body: unknown, what: string): T {
  const parsed = schema.safeParse(body);
  if (parsed.success) return parsed.data;
  const lines = parsed.error.issues.map((i) => `${i.path.join(".") || "body"}: ${i.message}`);
  throw new InvalidInputError(`bad ${what}: ${lines.join("; ")}`);
}

export interface RunControlDeps {
  client: XhsClient;
  store: Store;
  queue: JobQueue;
  logger?: Logger;
  /**
   * The queue runs are crawled through when other processes share the database (default: pg-boss over a
   * Postgres store, none over SQLite); null: crawl through `queue`, alone.
   */
  sharedQueue?: () => Promise<SharedQueue | null>;
}

export class RunControl {
  private readonly live = new Map<string, Live>();
  /** The budget each run was last started or resumed with here (kept after it ends: the page shows it). */
  private readonly budgets = new Map<string, CrawlBudget>();
  private shared: Promise<SharedQueue | null> | null = null;

  constructor(private readonly deps: RunControlDeps) {}

  /** The shared queue, started on first use (once). */
  private sharedQueue(): Promise<SharedQueue | null> {
    this.shared ??= (
      this.deps.sharedQueue ??
      (() =>
        startSharedQueue(this.deps.store, {
          onError: (error) => this.deps.logger?.error("job engine error", { error: error.message }),
        }))
    )().catch((error: unknown) => {
      this.shared = null; // the next start tries again (the database may be back)
      throw error;
    });
    return this.shared;
  }

  /** The run this server is crawling now, if any. */
  active(runId?: string): ActiveRun | null {
    for (const run of this.live.values()) {
      if (runId === undefined || run.runId === runId) {
        const { controller: _c, done: _d, ...shown } = run;
        return shown;
      }
    }
    return null;
  }

  async start(body: unknown): Promise<ActiveRun> {
    const input = checked(StartRunSchema, body, "start request");
    const plan = normalizePlan(
      {
        name: dashboardPlanName(input.keyword),
        seeds: { keywords: [{ keyword: input.keyword, limit: input.limit }] },
        expand: {
          details: true,
          comments: input.comments > 0 ? { maxPerNote: input.comments, replies: true } : false,
        },
        limits: { maxNotes: input.limit },
      },
      "dashboard start",
    );
    const budget: CrawlBudget = { maxCalls: input.maxCalls };
    if (input.maxCostUsd !== undefined) budget.maxCostUsd = input.maxCostUsd;
    return this.launch({ plan, fresh: true }, budget);
  }

  async resume(runId: string, body: unknown): Promise<ActiveRun> {
    const input = checked(ResumeRunSchema, body, "resume request");
    const run = await this.deps.store.getRun(runId);
    if (!run) throw new MissingError(`no run "${runId}" in this database`);
    if (run.status === "completed") throw new ConflictError(`run ${runId} is completed: nothing to resume`);
    const budget: CrawlBudget = { maxCalls: input.maxCalls };
    if (input.maxCostUsd !== undefined) budget.maxCostUsd = input.maxCostUsd;
    return this.launch({ runId }, budget);
  }

  /** The budget this server last gave the run's session, or null (the run's stored budget is `RunRecord.budget`). */
  budgetOf(runId: string): CrawlBudget | null {
    return this.budgets.get(runId) ?? null;
  }

  /**
   * Pauses the run for every process working it (marked in the store; they stop within a second) and stops this
   * server's session of it; resolves once that is saved as interrupted.
   */
  async pause(runId: string): Promise<void> {
    const run = this.live.get(runId);
    const existing = await this.deps.store.getRun(runId);
    if (!existing) throw new MissingError(`no run "${runId}" in this database`);
    if (!(await markPaused(this.deps.store, runId)) && !run) {
      throw new ConflictError(`run ${runId} is ${existing.status}: nothing to pause`);
    }
    if (!run) return;
    run.pausing = true;
    run.controller.abort();
    await run.done;
  }

  /** Stops every run (server shutdown): they are saved as interrupted (or left to the workers) and can be resumed. */
  async close(): Promise<void> {
    const all = [...this.live.values()];
    for (const run of all) run.controller.abort();
    await Promise.all(all.map((r) => r.done));
    const shared = await this.shared?.catch(() => null);
    await shared?.stop();
  }

  private async launch(request: Parameters<typeof runCrawl>[1], budget: CrawlBudget): Promise<ActiveRun> {
    this.refuseIfBusy();
    const shared = await this.sharedQueue();
    this.refuseIfBusy();
    const controller = new AbortController();
    return new Promise<ActiveRun>((resolve, reject) => {
      let opened: Live | null = null;
      const done = runCrawl(
        {
          ...this.deps,
          ...(shared ? { queue: shared.queue } : {}),
          signal: controller.signal,
          onRunOpened: (runId) => {
            opened = { runId, budget, progress: null, pausing: false, controller, done: Promise.resolve() };
            opened.done = done;
            this.live.set(runId, opened);
            this.budgets.set(runId, budget);
            resolve(this.active(runId)!);
          },
          onProgress: (progress) => {
            if (opened) opened.progress = progress;
          },
        },
        // Shared: a stop here (server shutdown) leaves the run to the workers; only a pause stops them too.
        { ...request, budget, ...(shared ? { shared: true } : {}) },
      )
        .then(() => undefined)
        .catch((error: unknown) => {
          if (!opened) reject(error);
          else this.deps.logger?.error("dashboard run failed", { error: String(error) });
        })
        .finally(() => {
          if (opened) this.live.delete(opened.runId);
        });
    });
  }

  private refuseIfBusy(): void {
    if (this.live.size === 0) return;
    const [busy] = this.live.keys();
    throw new ConflictError(`run ${busy} is being crawled by this server: pause it or wait for it to end first`);
  }
}
