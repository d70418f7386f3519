// `xhs runs list` / `xhs runs show <id>`: the crawl runs in a database and their reports.
import { existsSync } from "node:fs";
import { type Command, Option } from "@commander-js/extra-typings";
import { readRunHealth } from "../../crawl/engine/run-health.js";
import { buildReport, renderReport } from "../../crawl/report.js";
import { budgetReading, renderRunState } from "../../crawl/run-state.js";
import { loadStats } from "../../crawl/statistics.js";
import type { JobQueue, Store } from "../../store/port.js";
import { type CliContext, contextOf, writeText } from "../context.js";
import { UsageError } from "../errors.js";
import { parsePositiveInt } from "../options.js";
import { dbTarget, openCliStore, sqliteFileOf } from "../store-option.js";
import { terminalLines } from "../terminal-text.js";
import { DEFAULT_DB } from "./crawl.js";

/**
 * Opens an existing database for reading only: looking at runs never creates or changes a file. A Postgres
 * `--db` is the one many workers share: its runs show every worker's progress.
 */
async function openExisting(ctx: CliContext, db: string): Promise<Store & JobQueue> {
  const path = sqliteFileOf(ctx, db);
  if (path !== null && !existsSync(path))
    throw new UsageError(`no database at ${db} (give --db PATH; crawls write ./${DEFAULT_DB} by default)`);
  return openCliStore(ctx, db, { readOnly: true });
}

export function register(program: Command): void {
  const runs = program.command("runs").description("List crawl runs and show their reports.");

  runs
    .command("list")
    .description("The crawl runs in a database, most recent first.")
    .addOption(new Option("--db <path>", `SQLite file or Postgres URL (default ./${DEFAULT_DB})`))
    .addOption(new Option("-n, --limit <n>", "how many runs (default 20)").argParser(parsePositiveInt))
    .addOption(new Option("--json", "JSON"))
    .addHelpText("after", "\nExample:\n  xhs runs list --db camping.db")
    .action(async (opts, command) => {
      const ctx = contextOf(command);
      const store = await openExisting(ctx, dbTarget(ctx, opts.db, DEFAULT_DB));
      try {
        const list = await store.listRuns({ limit: opts.limit ?? 20 });
        const progress = await Promise.all(
          list.map(async (run) => ({
            jobs: await store.jobCounts(run.id),
            ledger: await store.ledgerTotals({ runId: run.id }),
          })),
        );
        const rows = list.map((run, i) => {
          const stats = loadStats(run.stats);
          const items = stats.items;
          const { jobs, ledger } = progress[i] ?? { jobs: { pending: 0, leased: 0, done: 0, failed: 0 }, ledger: null };
          return {
            id: run.id,
            status: run.status,
            stopReason: stats.stopReason,
            name: (run.plan as { name?: string | null } | null)?.name ?? null,
            createdAt: run.createdAt,
            finishedAt: run.finishedAt,
            sessions: stats.sessions,
            newNotes: items.notes.new,
            newComments: items.comments.new,
            newUsers: items.users.new,
            jobs,
            calls: ledger?.calls ?? 0,
            costUsd: ledger?.costUsd ?? 0,
            budget: ledger ? budgetReading(run, ledger) : null,
          };
        });
        if (opts.json) {
          await writeText(ctx.stdout, `${JSON.stringify(rows, null, 2)}\n`);
          return;
        }
        if (rows.length === 0) {
          await writeText(ctx.stderr, "No runs yet.\n");
          return;
        }
        const lines = [
          ["id", "status", "started", "jobs done", "running", "calls", "spent", "new notes", "new comments", "name"],
        ];
        for (const r of rows) {
          const status = r.stopReason && r.status !== "completed" ? `${r.status} (${r.stopReason})` : r.status;
          lines.push([
            r.id,
            status,
            r.createdAt.slice(0, 19).replace("T", " "),
            `${r.jobs.done + r.jobs.failed}/${r.jobs.done + r.jobs.failed + r.jobs.pending + r.jobs.leased}`,
            String(r.jobs.leased),
            String(r.calls),
            `$${r.costUsd.toFixed(2)}`,
            String(r.newNotes),
            String(r.newComments),
            r.name ?? "",
          ]);
        }
        const widths = lines[0]?.map((_, i) => Math.max(...lines.map((l) => (l[i] ?? "").length))) ?? [];
        const text = lines
          .map((l) =>
            l
              .map((cell, i) => cell.padEnd(widths[i] ?? 0))
              .join("  ")
              .trimEnd(),
          )
          .join("\n");
        await writeText(ctx.stdout, `${text}\n`);
      } finally {
        await store.close();
      }
    });

  runs
    .command("show")
    .description("The report of one run: items, calls, cost, failovers, errors, comment completeness, search caps.")
    .argument("<runId>", "a run id from `xhs runs list`")
    .addOption(new Option("--db <path>", `SQLite file or Postgres URL (default ./${DEFAULT_DB})`))
    .addOption(new Option("--json", "JSON"))
    .addHelpText("after", "\nExample:\n  xhs runs show 20260301-101500-a1b2c3 --db camping.db --json")
    .action(async (runId, opts, command) => {
      const ctx = contextOf(command);
      const store = await openExisting(ctx, dbTarget(ctx, opts.db, DEFAULT_DB));
      try {
        const run = await store.getRun(runId);
        if (!run) throw new UsageError(`no run "${runId}" in ${opts.db ?? DEFAULT_DB} (see \`xhs runs list\`)`);
        const [report, totals, health] = await Promise.all([
          buildReport(store, store, runId),
          store.ledgerTotals({ runId }),
          readRunHealth(store, runId, Date.now()),
        ]);
        // The stored budget (whichever process gave it) and the breakers the crawling processes last wrote.
        const budget = budgetReading(run, totals);
        await writeText(
          ctx.stdout,
          opts.json
            ? `${JSON.stringify({ ...report, budget, health }, null, 2)}\n`
            : terminalLines(
                `${renderReport(report, { maxNotes: 50 })}\n${renderRunState(budget, health).join("\n")}\n`,
              ),
        );
      } finally {
        await store.close();
      }
    });
}
