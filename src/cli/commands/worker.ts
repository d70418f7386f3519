// `xhs worker --db postgres://…`: one of many processes (on any machines) taking the jobs of every open run.
import { type Command, Option } from "@commander-js/extra-typings";
import { workOpenRuns } from "../../crawl/engine/open-runs.js";
import type { CrawlResult } from "../../crawl/engine/types.js";
import type { JobQueue, Store } from "../../store/port.js";
import { isPostgresTarget, openPostgresStore } from "../../store/postgres/open.js";
import { startPgBossQueue } from "../../store/sql/pgboss/start.js";
import type { SqlStore } from "../../store/sql/sql-store.js";
import { crawlMediaDeps } from "../cdn-option.js";
import { type CliContext, contextOf, writeText } from "../context.js";
import { UsageError } from "../errors.js";
import { EXIT, type ExitCode, exitCodeFor } from "../exit-codes.js";
import { createCliLogger } from "../logger.js";
import {
  addClientOptions,
  type ClientFlags,
  clientFromOptions,
  clientOptionsFrom,
  parsePositiveInt,
} from "../options.js";

/** Where the crawl's data and queue live: a Postgres store with pg-boss delivering its jobs, or a SQLite file. */
export interface CrawlDatabase {
  store: Store;
  queue: JobQueue;
  /** True when other processes may work on the same runs (Postgres with pg-boss). */
  shared: boolean;
  close(): Promise<void>;
}

export interface CrawlDatabaseOptions {
  keepRawAnswers?: boolean;
  secrets?: readonly string[];
  /** Seconds between pg-boss's looks for expired leases (default 10). */
  superviseIntervalSeconds?: number;
  /** This process's lease TTL (ms): also how long a fetched job waits for its claim. */
  leaseTtlMs?: number;
}

/**
 * Opens a Postgres `--db` with pg-boss delivering its jobs (many workers). A Postgres that cannot be reached
 * fails here (StoreOpenError, exit 2), before any call.
 */
export async function openSharedDatabase(
  ctx: CliContext,
  target: string,
  options: CrawlDatabaseOptions = {},
): Promise<CrawlDatabase> {
  const store = await openPostgresStore(target, {
    keepRawAnswers: options.keepRawAnswers === true,
    secrets: options.secrets ?? [],
  });
  return withPgBoss(ctx, target, store, options);
}

/** Starts pg-boss beside an opened Postgres store (closing the store if it cannot start). */
export async function withPgBoss(
  ctx: CliContext,
  target: string,
  store: SqlStore,
  options: CrawlDatabaseOptions = {},
): Promise<CrawlDatabase> {
  try {
    const started = await startPgBossQueue(target, store, {
      ...(options.superviseIntervalSeconds !== undefined
        ? { superviseIntervalSeconds: options.superviseIntervalSeconds }
        : {}),
      ...(options.leaseTtlMs !== undefined ? { deliveryExpirySeconds: Math.ceil(options.leaseTtlMs / 1000) } : {}),
      onError: (error) => ctx.stderr.write(`job engine: ${ctx.redact(error.message)}\n`),
    });
    return {
      store,
      queue: started.queue,
      shared: true,
      close: async () => {
        await started.stop();
        await store.close();
      },
    };
  } catch (error) {
    await store.close();
    throw error;
  }
}

interface WorkerFlags extends ClientFlags {
  db?: string | undefined;
  leaseTtl?: number | undefined;
  superviseInterval?: number | undefined;
  untilIdle?: boolean | undefined;
  poll?: number | undefined;
}

export function register(program: Command): void {
  const cmd = program
    .command("worker")
    .description(
      "Take the jobs of every open crawl run in a Postgres database until stopped (run as many as you like, on any machines).",
    )
    .addOption(new Option("--db <url>", "Postgres database (postgres://…; env XHS_DATABASE_URL)"))
    .addOption(
      new Option(
        "--lease-ttl <seconds>",
        "a job held by a worker that stops renewing it (killed, cut off) goes to another after this (default 30)",
      ).argParser(parsePositiveInt),
    )
    .addOption(
      new Option(
        "--supervise-interval <seconds>",
        "how often the job engine looks for expired leases (default 10)",
      ).argParser(parsePositiveInt),
    )
    .addOption(
      new Option("--poll <ms>", "how often an idle worker looks for open runs (default 1000)").argParser(
        parsePositiveInt,
      ),
    )
    .addOption(new Option("--until-idle", "exit once no open run has a job left (default: wait for new runs)"));
  addClientOptions(cmd);
  cmd
    .addHelpText(
      "after",
      [
        "",
        "Examples:",
        "  xhs crawl plan.yaml --db postgres://localhost/xhs --enqueue-only   # prints the run id",
        "  xhs worker --db postgres://localhost/xhs --concurrency 4           # on each machine, as many as you like",
        "  xhs runs show <runId> --db postgres://localhost/xhs",
        "",
        "Ctrl-C / SIGTERM stop a worker cleanly: its jobs go back to the others at once.",
        "A worker killed outright: its jobs go to the others once its leases run out (--lease-ttl + --supervise-interval).",
        "A run that stops for the key (refused, or the balance spent) stops the worker too: its key would fail the next.",
        "",
        "Exit codes: 0 idle (--until-idle) or a run's own end (see xhs runs show), 2 bad option or database, 3 auth,",
        "4 payment, 130 interrupted.",
      ].join("\n"),
    )
    .action(async (_opts, command) => {
      const ctx = contextOf(command);
      const flags = command.opts() as WorkerFlags;
      await runWorker(ctx, flags);
    });
}

async function runWorker(ctx: CliContext, flags: WorkerFlags): Promise<void> {
  const target = flags.db ?? ctx.env["XHS_DATABASE_URL"];
  if (!target) throw new UsageError("xhs worker needs a Postgres database: --db postgres://… (or XHS_DATABASE_URL)");
  if (!isPostgresTarget(target)) {
    throw new UsageError("xhs worker shares runs through Postgres: give --db postgres://… (SQLite is for one process)");
  }
  // The key is checked before anything is opened or paid.
  clientOptionsFrom(flags, ctx);
  const database = await openSharedDatabase(ctx, target, {
    // Every key of the pool (a keys file's too, read by the check above) is scrubbed from what is stored.
    secrets: [...ctx.secrets],
    ...(flags.superviseInterval !== undefined ? { superviseIntervalSeconds: flags.superviseInterval } : {}),
    leaseTtlMs: (flags.leaseTtl ?? 30) * 1000,
  });
  // A run stopped for the key (auth, permission, payment): this worker stops taking runs, the signal says so.
  const stop = new AbortController();
  const stopOnSignal = () => stop.abort();
  ctx.signal.addEventListener("abort", stopOnSignal, { once: true });
  if (ctx.signal.aborted) stop.abort();
  let keyFailure: CrawlResult | undefined;
  try {
    // The workers share each key's rate limits through this Postgres (unless --redis), XHS_DATABASE_URL too.
    const client = await clientFromOptions(flags, ctx, { postgresUrl: target });
    const logger = flags.verbose ? createCliLogger(ctx.stderr, { redact: ctx.redact, level: "debug" }) : undefined;
    const results = await workOpenRuns(
      {
        client,
        store: database.store,
        queue: database.queue,
        signal: stop.signal,
        ...(logger ? { logger } : {}),
        // A run's expand.media: the same CDN as xhs crawl and xhs media (xhs mock's simulated one, or XHS_CDN_BASE_URL).
        media: await crawlMediaDeps(flags, ctx),
      },
      {
        concurrency: flags.concurrency ?? 4,
        leaseTtlMs: (flags.leaseTtl ?? 30) * 1000,
        ...(flags.poll !== undefined ? { pollMs: flags.poll } : {}),
        untilIdle: flags.untilIdle === true,
        onRun: (run) => ctx.stderr.write(`Working on run ${run.id}\n`),
        onResult: (result) => {
          ctx.stderr.write(`Run ${result.runId}: ${resultLine(result.status, result.stopReason)}\n`);
          if (keyExitCode(result) !== null) {
            keyFailure ??= result;
            stop.abort();
          }
        },
      },
    );
    await writeText(
      ctx.stdout,
      `${JSON.stringify({ runs: results.map((r) => ({ runId: r.runId, status: r.status })) })}\n`,
    );
    const keyCode = keyFailure ? keyExitCode(keyFailure) : null;
    ctx.exitCode = keyCode ?? (ctx.signal.aborted ? EXIT.interrupted : EXIT.ok);
  } finally {
    ctx.signal.removeEventListener("abort", stopOnSignal);
    await database.close();
  }
}

/** The exit code of a run that failed for the key (as `xhs crawl` exits for it), else null. */
function keyExitCode(result: CrawlResult): ExitCode | null {
  if (result.status !== "failed") return null;
  const reason = result.stopReason;
  return reason === "auth" || reason === "permission" || reason === "payment" ? exitCodeFor(reason) : null;
}

/** What a worker says when it leaves a run. */
function resultLine(status: string, stopReason: string | null): string {
  if (status === "running") return "left to the other workers";
  // Paused (from the dashboard): every worker stops taking its jobs until it is resumed.
  if (stopReason === "paused") return "paused; the workers take its jobs again once it is resumed";
  if (stopReason === "budget") return `${status} (its budget is spent)`;
  // Failed for the key (auth, permission, payment) or an error: the reason, as xhs runs show gives it.
  return status === "failed" && stopReason !== null ? `${status} (${stopReason})` : status;
}
