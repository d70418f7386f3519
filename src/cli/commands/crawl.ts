// `xhs crawl [plan]`: a resumable crawl from a plan file or flags into a SQLite file or a shared Postgres database.
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { type Command, InvalidArgumentError, Option } from "@commander-js/extra-typings";
import { NOTE_TYPE_FILTERS, SEARCH_SORTS, TIME_FILTERS } from "../../catalog/filters.js";
import { enqueueRun } from "../../crawl/engine/enqueue-run.js";
import { CrawlSetupError } from "../../crawl/engine/open-run.js";
import { runCrawl } from "../../crawl/engine.js";
import { estimatePlan, renderEstimate } from "../../crawl/estimate.js";
import { loadPlanFile } from "../../crawl/plan/load.js";
import { normalizePlan } from "../../crawl/plan/normalize.js";
import { PlanError } from "../../crawl/plan/problems.js";
import type { PlanFile } from "../../crawl/plan/schema.js";
import type { CrawlPlan } from "../../crawl/plan/types.js";
import { captureRawAnswers } from "../../crawl/raw-capture.js";
import { buildReport, type RunReport, renderReport } from "../../crawl/report.js";
import { seedJobs } from "../../crawl/seed-jobs.js";
import { displayUrl, isPostgresTarget } from "../../store/postgres/open.js";
import { SqlStore } from "../../store/sql/sql-store.js";
import { crawlMediaDeps } from "../cdn-option.js";
import { type CliContext, contextOf, writeText } from "../context.js";
import { UsageError } from "../errors.js";
import { EXIT, exitCodeFor } from "../exit-codes.js";
import { createCliLogger } from "../logger.js";
import {
  addClientOptions,
  type ClientFlags,
  clientFromOptions,
  clientOptionsFrom,
  parseDate,
  parsePositiveInt,
} from "../options.js";
import { startProgress } from "../progress.js";
import { dbTarget, openCliStore } from "../store-option.js";
import { terminalLines } from "../terminal-text.js";
import { type CrawlDatabase, withPgBoss } from "./worker.js";

export const DEFAULT_DB = "xhs.db";

function parseCount(value: string): number {
  if (!/^\d+$/.test(value.trim())) throw new InvalidArgumentError(`expected a whole number ≥ 0, got "${value}".`);
  return Number(value);
}
const collect = (value: string, previous: string[] = []) => [...previous, value];

export interface CrawlFlags extends ClientFlags {
  keyword?: string[] | undefined;
  note?: string[] | undefined;
  user?: string[] | undefined;
  topic?: string[] | undefined;
  sort?: (typeof SEARCH_SORTS)[number] | undefined;
  type?: (typeof NOTE_TYPE_FILTERS)[number] | undefined;
  time?: (typeof TIME_FILTERS)[number] | undefined;
  split?: boolean | undefined;
  limit?: number | undefined;
  maxNotes?: number | undefined;
  details?: boolean | undefined;
  comments?: number | undefined;
  replies?: number | undefined;
  authors?: boolean | undefined;
  authorNotes?: number | undefined;
  since?: string | undefined;
  incremental?: boolean | undefined;
  dryRun?: boolean | undefined;
  resume?: string | boolean | undefined;
  fresh?: boolean | undefined;
  db?: string | undefined;
  storeRaw?: boolean | undefined;
  json?: boolean | undefined;
  enqueueOnly?: boolean | undefined;
}

const SEED_FLAGS = [
  "keyword",
  "note",
  "user",
  "topic",
  "sort",
  "type",
  "time",
  "split",
  "limit",
  "maxNotes",
  "comments",
  "replies",
  "authors",
  "authorNotes",
] as const;

/** The plan the file or the flags describe (validated: a bad plan is a usage error before anything is opened). */
export function planFromFlags(planPath: string | undefined, flags: CrawlFlags, cwd: string): CrawlPlan | undefined {
  try {
    if (planPath) {
      const mixed = SEED_FLAGS.filter((name) => flags[name] !== undefined);
      if (mixed.length > 0) {
        throw new UsageError(
          `give seeds and limits either in the plan file or as flags, not both (got ${mixed.map((m) => `--${kebab(m)}`).join(", ")})`,
        );
      }
      const plan = loadPlanFile(resolve(cwd, planPath));
      if (flags.since !== undefined) plan.since = flags.since;
      if (flags.incremental) plan.incremental = true;
      if (flags.details === false) plan.expand.details = false;
      return plan;
    }
    const hasSeeds = [flags.keyword, flags.note, flags.user, flags.topic].some((list) => list && list.length > 0);
    if (!hasSeeds) return undefined;
    const file: PlanFile = {
      seeds: {
        keywords: (flags.keyword ?? []).map((keyword) => ({
          keyword,
          ...(flags.sort ? { sort: flags.sort } : {}),
          ...(flags.type ? { type: flags.type } : {}),
          ...(flags.time ? { time: flags.time } : {}),
          ...(flags.split ? { split: true } : {}),
        })),
        notes: flags.note ?? [],
        users: flags.user ?? [],
        topics: flags.topic ?? [],
      },
      expand: {
        details: flags.details !== false,
        comments:
          flags.comments === 0
            ? false
            : {
                maxPerNote: flags.comments ?? 20,
                maxRepliesPerThread: flags.replies ?? 10,
                replies: flags.replies !== 0,
              },
        authors: flags.authors ?? false,
        authorNotes: flags.authorNotes ? { limit: flags.authorNotes } : false,
      },
      limits: {
        ...(flags.limit !== undefined ? { perSeed: flags.limit } : {}),
        ...(flags.maxNotes !== undefined ? { maxNotes: flags.maxNotes } : {}),
      },
      ...(flags.since ? { since: flags.since } : {}),
      ...(flags.incremental ? { incremental: true } : {}),
    };
    return normalizePlan(file, "flags", { pathName: flagOfPath });
  } catch (error) {
    if (error instanceof PlanError) throw new UsageError(error.message);
    throw error;
  }
}

/** The flag a plan path came from, for messages about a plan made of flags. */
function flagOfPath(path: string): string {
  const seed = /^seeds\.(keywords|notes|users|topics)\[(\d+)\]/.exec(path);
  if (seed) {
    const flag = { keywords: "keyword", notes: "note", users: "user", topics: "topic" }[seed[1] as string];
    return `--${flag} #${Number(seed[2]) + 1}`;
  }
  if (path === "limits.perSeed") return "--limit";
  if (path === "limits.maxNotes") return "--max-notes";
  return path;
}

function kebab(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

export interface ExecuteCrawlOptions {
  plan: CrawlPlan | undefined;
  flags: CrawlFlags;
  /** Database path (resolved against ctx.cwd). */
  db: string;
  /** Words for the end of the report (e.g. the demo's "what next"). */
  epilogue?: (report: RunReport, dbPath: string) => string;
}

/** Exit code for a finished crawl. */
export function exitCodeOf(report: RunReport): number {
  if (report.status === "interrupted") return EXIT.interrupted;
  if (report.status === "failed" && report.stopReason) {
    return report.stopReason === "auth" || report.stopReason === "permission" || report.stopReason === "payment"
      ? exitCodeFor(report.stopReason)
      : EXIT.upstream;
  }
  if (report.status === "partial" || report.failedJobs.length > 0) return EXIT.partial;
  return EXIT.ok;
}

/** Runs a crawl for a command: opens the store, builds the client, runs, prints the report, sets the exit code. */
export async function executeCrawl(ctx: CliContext, options: ExecuteCrawlOptions): Promise<RunReport> {
  const { flags } = options;
  const resumeId = typeof flags.resume === "string" ? flags.resume : undefined;
  if (!options.plan && flags.resume === undefined) {
    throw new UsageError(
      "nothing to crawl: give a plan file (xhs crawl plan.yaml), seeds (--keyword, --note, --user, --topic) or --resume",
    );
  }
  const dbPath = resolve(ctx.cwd, options.db);
  if (flags.verbose) ctx.verbose = true;
  // The key is checked first: a missing key fails before the database file is created.
  clientOptionsFrom(flags, ctx);
  if (flags.enqueueOnly && !isPostgresTarget(options.db)) {
    throw new UsageError("--enqueue-only needs a Postgres --db (postgres://…) that workers share");
  }
  if (!options.plan && !isPostgresTarget(options.db) && !existsSync(dbPath)) {
    throw new UsageError(`no database at ${options.db} to resume a run from (give --db PATH)`);
  }
  const store = await openCliStore(ctx, options.db, {
    keepRawAnswers: flags.storeRaw === true,
    // Every key of the pool (a keys file's too, read by the check above) is scrubbed from what is stored.
    secrets: [...ctx.secrets],
  });
  // A Postgres store is shared: pg-boss delivers its jobs to this process and to any `xhs worker`.
  // (withPgBoss closes the store when pg-boss cannot start.)
  const shared: CrawlDatabase | null = sharedStore(store) ? await withPgBoss(ctx, options.db, store) : null;
  const queue = shared?.queue ?? store;
  try {
    if (flags.enqueueOnly) {
      if (!shared) throw new UsageError("--enqueue-only needs a Postgres --db (postgres://…) that workers share");
      const plan = options.plan;
      const queued = await enqueueRun(
        { store, queue },
        {
          ...(plan ? { plan } : {}),
          ...(resumeId ? { runId: resumeId } : {}),
          ...(flags.fresh ? { fresh: true } : {}),
          // The run's budget, stored with it: the workers count toward it.
          ...(flags.maxCalls !== undefined || flags.maxCost !== undefined
            ? {
                budget: {
                  ...(flags.maxCalls !== undefined ? { maxCalls: flags.maxCalls } : {}),
                  ...(flags.maxCost !== undefined ? { maxCostUsd: flags.maxCost } : {}),
                },
              }
            : {}),
        },
      ).catch((error: unknown) => {
        throw error instanceof CrawlSetupError ? new UsageError(error.message) : error;
      });
      const summary = { runId: queued.run.id, resumed: queued.resumed, seedJobs: queued.seeded };
      await writeText(ctx.stdout, flags.json ? `${JSON.stringify(summary)}\n` : `${queued.run.id}\n`);
      if (!flags.json) {
        // The database as given, its password shown as *** (the workers need the real one).
        await writeText(
          ctx.stderr,
          `Run ${queued.run.id} queued; start workers with: xhs worker --db ${displayUrl(options.db)}\n`,
        );
      }
      return (await buildReport(store, queue, queued.run.id)) as RunReport;
    }
    const raw = flags.storeRaw ? captureRawAnswers(store, ctx.fetch ?? globalThis.fetch) : null;
    // A Postgres store shares each key's rate limits with the workers (unless --redis), XHS_DATABASE_URL too.
    const postgresUrl = isPostgresTarget(options.db) ? options.db : undefined;
    const client = await clientFromOptions(flags, raw ? { ...ctx, fetch: raw.fetch } : ctx, { postgresUrl });
    let plan = options.plan;
    if (!plan && resumeId === undefined) {
      // `--resume` alone: the latest unfinished run.
      const [latest] = await store.listRuns({ status: ["running", "partial", "interrupted", "failed"], limit: 1 });
      if (!latest)
        throw new UsageError(`no unfinished run to resume in ${options.db} (see \`xhs runs list --db ${options.db}\`)`);
      plan = latest.plan as CrawlPlan;
    }
    // expand.media downloads from the CDN `xhs media` would use (xhs mock's simulated one against the simulator).
    const media = !plan || plan.expand.media ? await crawlMediaDeps(flags, ctx) : undefined;
    // Jobs finished of the jobs the run knows so far (lists add jobs as they find notes): an honest total
    // that the count reaches when the run completes. It starts at the seeds' jobs and is set by the engine.
    const progress = startProgress(ctx, client, {
      label: "jobs",
      total: plan ? seedJobs(plan, "").length : 1,
      enabled: ctx.stderr.isTTY === true && !ctx.verbose,
    });
    const logger = flags.verbose ? createCliLogger(ctx.stderr, { redact: ctx.redact, level: "debug" }) : undefined;
    let result: Awaited<ReturnType<typeof runCrawl>>;
    try {
      result = await runCrawl(
        {
          client,
          store,
          queue,
          signal: ctx.signal,
          ...(logger ? { logger } : {}),
          ...(media ? { media } : {}),
          onProgress: (p) => progress.setProgress(p.runJobsFinished, p.runJobsKnown),
          onRunOpened: (runId, resumed, { otherWorkers }) => {
            raw?.setRunId(runId);
            if (otherWorkers > 0) {
              // Said even on a pipe: two crawls on one run is worth knowing about.
              ctx.stderr.write(
                `Run ${runId} in ${options.db} is being crawled by another process too: this one takes only the jobs it does not hold, and waits for its last ones\n`,
              );
              return;
            }
            if (!ctx.stderr.isTTY && !flags.json) return;
            ctx.stderr.write(`${resumed ? "Resuming" : "Starting"} run ${runId} into ${options.db}\n`);
          },
        },
        {
          ...(plan ? { plan } : {}),
          ...(resumeId ? { runId: resumeId } : {}),
          ...(flags.fresh ? { fresh: true } : {}),
          ...(flags.concurrency !== undefined ? { concurrency: flags.concurrency } : {}),
          ...(shared ? { shared: true } : {}),
          budget: {
            ...(flags.maxCalls !== undefined ? { maxCalls: flags.maxCalls } : {}),
            ...(flags.maxCost !== undefined ? { maxCostUsd: flags.maxCost } : {}),
          },
        },
      );
    } catch (error) {
      if (error instanceof CrawlSetupError) throw new UsageError(error.message);
      throw error;
    } finally {
      progress.stop();
      await raw?.flush();
    }
    const report = result.report;
    if (flags.json) await writeText(ctx.stdout, `${JSON.stringify(report, null, 2)}\n`);
    else await writeText(ctx.stdout, terminalLines(renderReport(report)));
    const hints: string[] = [];
    if (report.status !== "completed") {
      const how = `xhs crawl --resume ${report.runId} --db ${options.db}`;
      if (report.stopReason === "budget")
        hints.push(`Stopped by the budget. Continue with: ${how} (and a new --max-calls / --max-cost)`);
      else if (report.stopReason === "aborted") hints.push(`Interrupted; nothing was lost. Continue with: ${how}`);
      else if (report.stopReason)
        hints.push(`Stopped: ${report.stopMessage ?? report.stopReason}. Fix it, then continue with: ${how}`);
    } else if (report.failedJobs.length > 0) {
      hints.push(
        `${report.failedJobs.length} job(s) failed (listed above, each with its reason); the rest is complete.`,
      );
    }
    if (options.epilogue) hints.push(options.epilogue(report, options.db));
    if (hints.length > 0) await writeText(ctx.stderr, `${hints.join("\n")}\n`);
    ctx.exitCode = exitCodeOf(report);
    return report;
  } finally {
    if (shared) await shared.close();
    else await store.close();
  }
}

/** A Postgres SQL store (workers share it through pg-boss); a SQLite file is one process's. */
function sharedStore(store: unknown): store is SqlStore {
  return store instanceof SqlStore && store.dialect === "postgres";
}

/** The crawl's own options (added one by one: a long typed chain makes the typechecker crawl). */
function crawlOptions(): Option[] {
  return [
    new Option("--keyword <keyword>", "search this keyword (repeatable)").argParser(collect),
    new Option("--note <ref>", "follow this note (repeatable)").argParser(collect),
    new Option("--user <ref>", "this user's profile and notes (repeatable)").argParser(collect),
    new Option("--topic <pageId>", "this topic page and its notes (repeatable)").argParser(collect),
    new Option("--sort <sort>", "keyword search order").choices(SEARCH_SORTS),
    new Option("--type <type>", "keyword search note type").choices(NOTE_TYPE_FILTERS),
    new Option("--time <time>", "keyword search time window").choices(TIME_FILTERS),
    new Option("--split", "split keyword searches across sorts and note types to reach past the ~11-page cap"),
    new Option("--limit <n>", "notes per seed (default 20)").argParser(parsePositiveInt),
    new Option("--max-notes <n>", "notes followed over the whole run (default 1000)").argParser(parsePositiveInt),
    new Option("--no-details", "do not fetch each note's full detail"),
    new Option("--comments <n>", "top-level comments per note (default 20; 0 = none)").argParser(parseCount),
    new Option("--replies <n>", "replies per comment thread (default 10; 0 = none)").argParser(parseCount),
    new Option("--authors", "fetch each note's author profile"),
    new Option("--author-notes <n>", "list this many notes of each author").argParser(parsePositiveInt),
    new Option(
      "--since <date>",
      "only notes published at or after this date (stops time-ordered lists there)",
    ).argParser(parseDate),
    new Option("--incremental", "stop paging time-ordered lists at the first item already stored"),
    new Option("--dry-run", "print the estimated calls and cost, call nothing"),
    new Option("--resume [runId]", "continue an unfinished run (default: the latest)"),
    new Option("--fresh", "start a new run even if the same plan has an unfinished one"),
    new Option("--db <path>", `SQLite file or Postgres URL (env XHS_DATABASE_URL; default ./${DEFAULT_DB})`),
    new Option("--store-raw", "also keep every raw TikHub answer in the database"),
    new Option("--json", "print the run report as JSON"),
    new Option(
      "--enqueue-only",
      "with a Postgres --db: create the run and its seed jobs, print the run id and return (`xhs worker` processes do the rest)",
    ),
  ] as unknown as Option[];
}

export function register(program: Command): void {
  const cmd = program
    .command("crawl")
    .description(
      "Crawl seeds (keywords, notes, users, topics) and their notes, comments and authors into a SQLite file (or a shared Postgres: --db postgres://…); resumable.",
    )
    .argument("[plan]", "a plan file (YAML or JSON; see the README's plan file format)");
  for (const option of crawlOptions()) cmd.addOption(option);
  addClientOptions(cmd);
  cmd
    .addHelpText(
      "after",
      [
        "",
        "Examples:",
        "  xhs crawl --keyword 露营 --limit 50 --comments 100 --authors --db camping.db",
        "  xhs crawl examples/camping.yaml --dry-run",
        "  xhs crawl examples/camping.yaml --max-calls 500      # stops cleanly; run it again to continue",
        "  xhs crawl --resume --db camping.db",
        "",
        "Exit codes: 0 done, 2 bad plan/option/path, 3 auth, 4 payment, 6 partial (budget or failed jobs), 130 interrupted.",
      ].join("\n"),
    )
    .action(async (planPath, _opts, command) => {
      const ctx = contextOf(command);
      const flags = command.opts() as CrawlFlags;
      const plan = planFromFlags(planPath, flags, ctx.cwd);
      if (flags.dryRun) {
        if (!plan) throw new UsageError("--dry-run needs a plan file or seeds");
        const estimate = estimatePlan(plan);
        if (flags.json) await writeText(ctx.stdout, `${JSON.stringify(estimate, null, 2)}\n`);
        else await writeText(ctx.stdout, renderEstimate(estimate));
        return;
      }
      await executeCrawl(ctx, { plan, flags, db: dbTarget(ctx, flags.db, DEFAULT_DB) });
    });
}
