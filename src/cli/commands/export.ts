// `xhs export notes|users|comments|topics`: stream stored records out of the crawl database.
import { existsSync, statSync } from "node:fs";
import path from "node:path";
import { Writable } from "node:stream";
import { Argument, type Command, Option } from "@commander-js/extra-typings";
import { AbortedError } from "../../core/errors.js";
import { EXPORT_FORMATS, type ExportFormat, exportRecords } from "../../store/export.js";
import { RECORD_KINDS } from "../../store/port.js";
import { openSqliteStore } from "../../store/sqlite/sqlite-store.js";
import { type CliContext, contextOf, writeText } from "../context.js";
import { UsageError } from "../errors.js";
import { parseDate } from "../options.js";
import { openAtomicFile } from "../output-file.js";

/** The crawl database `xhs crawl` writes by default (relative to the working directory). */
export const DEFAULT_DB = "xhs.db";

function formatFor(explicit: ExportFormat | undefined, output: string | undefined): ExportFormat {
  if (explicit) return explicit;
  const ext = output ? path.extname(output).toLowerCase() : "";
  if (ext === ".csv") return "csv";
  if (ext === ".json") return "json";
  return "jsonl";
}

/** A Writable over the (redacting) stdout that honours its backpressure. */
function stdoutWritable(ctx: CliContext): Writable {
  return new Writable({
    write(chunk: Buffer | string, _encoding, callback) {
      const ok = ctx.stdout.write(typeof chunk === "string" ? chunk : chunk.toString("utf8"));
      if (ok || !ctx.stdout.once) callback();
      else ctx.stdout.once("drain", () => callback());
    },
  });
}

export function register(program: Command): void {
  program
    .command("export")
    .description("Export stored notes, users, comments or topics (from `xhs crawl`) as CSV, JSON lines or JSON.")
    .addArgument(new Argument("<kind>", "what to export").choices(RECORD_KINDS))
    .addOption(
      new Option("--format <format>", "csv | jsonl | json (default: from the -o extension, else jsonl)").choices(
        EXPORT_FORMATS,
      ),
    )
    .option("--run <id>", "only records fetched by this crawl run (see `xhs runs`)")
    .addOption(
      new Option("--since <date>", "only records fetched at or after DATE (2026-01-31 or ISO 8601)").argParser(
        parseDate,
      ),
    )
    .option("--db <path>", `the crawl database (default ./${DEFAULT_DB})`)
    .option("-o, --output <file>", "write to FILE (atomically) instead of stdout")
    .addHelpText(
      "after",
      "\nExamples:\n  xhs export notes --format csv -o notes.csv\n  xhs export comments --run <id from xhs runs list> --format jsonl | jq .text\n  xhs export users --since 2026-01-01 --db crawl.db --format json",
    )
    .action(async (kind, opts, command) => {
      const ctx = contextOf(command);
      const dbPath = path.resolve(ctx.cwd, opts.db ?? DEFAULT_DB);
      // Never create an empty database by exporting from a mistyped path.
      if (!existsSync(dbPath)) {
        throw new UsageError(`no database at ${opts.db ?? DEFAULT_DB}: run \`xhs crawl\` first, or pass --db PATH.`);
      }
      if (statSync(dbPath).isDirectory()) throw new UsageError(`--db ${opts.db}: it is a folder, not a database.`);
      const format = formatFor(opts.format, opts.output);
      // Reading only: a database on a read-only mount (or someone else's file) is opened without a write.
      const store = openSqliteStore(dbPath, { readOnly: true });
      try {
        if (opts.run !== undefined && !(await store.getRun(opts.run))) {
          throw new UsageError(`no run "${opts.run}" in ${opts.db ?? DEFAULT_DB} (see \`xhs runs list\`)`);
        }
        const file = opts.output ? await openAtomicFile(path.resolve(ctx.cwd, opts.output), ctx.redactData) : null;
        const out = file
          ? new Writable({
              write(chunk: Buffer | string, _encoding, callback) {
                file.write(typeof chunk === "string" ? chunk : chunk.toString("utf8")).then(() => callback(), callback);
              },
            })
          : stdoutWritable(ctx);
        try {
          const filter = {
            ...(opts.run !== undefined ? { runId: opts.run } : {}),
            ...(opts.since !== undefined ? { since: opts.since } : {}),
          };
          const result = await exportRecords(store, kind, format, { out, signal: ctx.signal, ...filter });
          if (ctx.signal.aborted) throw new AbortedError("export interrupted");
          await file?.commit();
          const noun = result.records === 1 ? kind.replace(/s$/, "") : kind;
          const where = opts.output ? ` to ${opts.output}` : "";
          await writeText(ctx.stderr, `Exported ${result.records} ${noun}${where}\n`);
        } catch (error) {
          // A local export costs nothing to repeat: leave no partial file behind.
          await file?.discard();
          if (ctx.signal.aborted) throw new AbortedError("export interrupted; no file was written");
          throw error;
        }
      } finally {
        await store.close();
      }
    });
}
