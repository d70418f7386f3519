// `xhs db copy --from A --to B`: a whole database into another, SQLite ↔ Postgres, in batches, counts checked.
import { existsSync, rmSync } from "node:fs";
import { type Command, Option } from "@commander-js/extra-typings";
import { InvalidInputError } from "../../core/errors.js";
import {
  CopyCountsDifferError,
  type CopyOptions,
  copyDatabase,
  countsAgree,
  type TableCopy,
  TargetNotEmptyError,
} from "../../store/sql/copy.js";
import type { SqlStore } from "../../store/sql/sql-store.js";
import { type CliContext, contextOf, writeText } from "../context.js";
import { UsageError } from "../errors.js";
import { EXIT } from "../exit-codes.js";
import { parsePositiveInt } from "../options.js";
import { openCliStore, sqliteFileOf } from "../store-option.js";

/** The source must exist and is never written; a missing SQLite file is a typo, not an empty database. */
async function openSource(ctx: CliContext, from: string): Promise<SqlStore> {
  const path = sqliteFileOf(ctx, from);
  if (path !== null && !existsSync(path)) throw new UsageError(`no database at ${from} (--from)`);
  return openCliStore(ctx, from, { readOnly: true });
}

/** Both names resolved: copying a database onto itself would delete it (--force) or refuse anyway. */
function sameDatabase(ctx: CliContext, from: string, to: string): boolean {
  const a = sqliteFileOf(ctx, from);
  const b = sqliteFileOf(ctx, to);
  if (a !== null || b !== null) return a !== null && a === b && a !== ":memory:";
  return from.trim() === to.trim();
}

async function unfinishedJobs(store: SqlStore): Promise<number> {
  const { rows } = await store.executeSql("SELECT COUNT(*) AS n FROM jobs WHERE state IN ('pending', 'leased')");
  return Number(rows[0]?.n ?? 0);
}

function table(copies: readonly TableCopy[]): string {
  const lines = [["table", "source", "copied", "target", ""]];
  for (const c of copies) {
    lines.push([c.table, String(c.source), String(c.copied), String(c.target), countsAgree(c) ? "ok" : "DIFFERENT"]);
  }
  const widths = lines[0]!.map((_, i) => Math.max(...lines.map((l) => (l[i] ?? "").length)));
  return `${lines
    .map((l) =>
      l
        .map((cell, i) => cell.padEnd(widths[i] ?? 0))
        .join("  ")
        .trimEnd(),
    )
    .join("\n")}\n`;
}

export function register(program: Command): void {
  const db = program.command("db").description("Move a database: SQLite ↔ Postgres.");

  db.command("copy")
    .description(
      "Copy every table of one database into another (SQLite file or Postgres URL, either way), in batches; " +
        "each table's rows are counted on both sides at the end.",
    )
    .requiredOption("--from <db>", "the database to copy (SQLite file or postgres://…); never written")
    .requiredOption("--to <db>", "where to copy it (created and migrated if needed); must be empty")
    .addOption(new Option("--force", "delete every row of the target's xhs-kit tables first, then copy"))
    .addOption(
      new Option("--batch <rows>", "rows read and written at a time (default 500)").argParser(parsePositiveInt),
    )
    .addOption(new Option("--json", "the per-table counts as JSON"))
    .addHelpText(
      "after",
      [
        "",
        "Exit codes: 0 every table's counts agree; 2 bad or unreachable database, or a target that is not empty",
        "(without --force); 6 a table's count differs after the copy. The copy is one transaction on the target:",
        "whenever it fails the target keeps the rows it had (a new SQLite file is removed).",
        "Not copied: pg-boss's delivery queue (a Postgres source's `pgboss` schema) and the workers' shared rate",
        "limits (xhs_rate_limit_buckets). Unfinished jobs are copied as rows, but workers on a Postgres target are",
        "never handed them: finish (or abandon) runs before copying.",
        "",
        "Examples:",
        "  xhs db copy --from camping.db --to postgres://xhs@db.example:5432/xhs",
        "  xhs db copy --from postgres://xhs@db.example:5432/xhs --to backup.db --force",
      ].join("\n"),
    )
    .action(async (opts, command) => {
      const ctx = contextOf(command);
      if (sameDatabase(ctx, opts.from, opts.to)) throw new UsageError("--from and --to name the same database");
      const source = await openSource(ctx, opts.from);
      // A SQLite target that does not exist yet is created by opening it: a failed copy removes it again.
      const targetFile = sqliteFileOf(ctx, opts.to);
      const newFile = targetFile !== null && targetFile !== ":memory:" && !existsSync(targetFile) ? targetFile : null;
      const leftAs = newFile !== null ? `${opts.to} was not created` : "the target's rows are as they were";
      let committed = false;
      try {
        const target = await openCliStore(ctx, opts.to);
        try {
          const options: CopyOptions = {
            replace: opts.force === true,
            ...(opts.batch !== undefined ? { batchRows: opts.batch } : {}),
            onTable: (c) => {
              if (!opts.json)
                void writeText(ctx.stderr, `copied ${c.table}: ${c.copied} ${c.copied === 1 ? "row" : "rows"}\n`);
            },
            onCommitted: () => {
              committed = true;
            },
          };
          const copies = await copyDatabase(source, target, options).catch(async (error: unknown) => {
            if (error instanceof TargetNotEmptyError) {
              throw new UsageError(
                `${error.message}: give an empty database, or --force to delete those rows first (nothing was copied)`,
              );
            }
            if (error instanceof CopyCountsDifferError) {
              await writeText(
                ctx.stdout,
                opts.json ? `${JSON.stringify({ tables: error.tables }, null, 2)}\n` : table(error.tables),
              );
              return error;
            }
            if (error instanceof InvalidInputError) {
              throw new UsageError(`${error.message}; nothing was copied: ${leftAs}`);
            }
            await writeText(ctx.stderr, `The copy failed and was rolled back: ${leftAs}.\n`);
            throw error;
          });
          if (copies instanceof CopyCountsDifferError) {
            await writeText(
              ctx.stderr,
              `error: ${copies.message} (was the source written to during the copy?); the copy was rolled back: ` +
                `${leftAs}\n`,
            );
            ctx.exitCode = EXIT.partial;
            return;
          }
          const unfinished = await unfinishedJobs(target);
          if (target.dialect === "postgres" && unfinished > 0) {
            await writeText(
              ctx.stderr,
              `warning: ${unfinished} unfinished job(s) copied; pg-boss has no delivery for them, so workers on ` +
                "the target will not run them\n",
            );
          }
          await writeText(ctx.stdout, opts.json ? `${JSON.stringify({ tables: copies }, null, 2)}\n` : table(copies));
        } finally {
          await target.close();
        }
      } finally {
        await source.close();
        if (newFile !== null && !committed) removeSqliteFile(newFile);
      }
    });
}

/** A SQLite database file and the journal files beside it. */
function removeSqliteFile(path: string): void {
  for (const suffix of ["", "-wal", "-shm", "-journal"]) rmSync(`${path}${suffix}`, { force: true });
}
