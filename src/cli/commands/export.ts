// `xhs export notes|users|comments|topics…`: stream stored records out of the crawl database.
import { existsSync, statSync } from "node:fs";
import path from "node:path";
import { Writable } from "node:stream";
import { Argument, type Command, Option } from "@commander-js/extra-typings";
import { AbortedError } from "../../core/errors.js";
import { openAtomicFile, openAtomicFolder } from "../../export/file.js";
import { exportParquet } from "../../export/parquet.js";
import { exportXlsx } from "../../export/xlsx.js";
import { exportRecords, EXPORT_FORMATS as TEXT_FORMATS } from "../../store/export.js";
import { RECORD_KINDS, type RecordFilter, type RecordKind, type Store } from "../../store/port.js";
import { type CliContext, contextOf, writeText } from "../context.js";
import { UsageError } from "../errors.js";
import { parseDate } from "../options.js";
import { openAtomicFile as openTextFile } from "../output-file.js";
import { dbTarget, openCliStore, sqliteFileOf } from "../store-option.js";

/** The crawl database `xhs crawl` writes by default (relative to the working directory). */
export const DEFAULT_DB = "xhs.db";

/** Every format of `xhs export`: the store's text formats and the binary ones of src/export. */
const FORMATS = [...TEXT_FORMATS, "xlsx", "parquet"] as const;
type Format = (typeof FORMATS)[number];

function formatFor(explicit: Format | undefined, output: string | undefined): Format {
  if (explicit) return explicit;
  const ext = output ? path.extname(output.replace(/[/\\]+$/, "")).toLowerCase() : "";
  if (ext === ".csv") return "csv";
  if (ext === ".json") return "json";
  if (ext === ".xlsx") return "xlsx";
  if (ext === ".parquet") return "parquet";
  return "jsonl";
}

const countsText = (records: Partial<Record<RecordKind, number>>): string =>
  Object.entries(records)
    .map(([kind, n]) => `${n} ${n === 1 ? kind.replace(/s$/, "") : kind}`)
    .join(", ");

/** Checks what only the command line can get wrong, before the database is opened. */
function checkRequest(kinds: readonly RecordKind[], format: Format, output: string | undefined): void {
  const twice = kinds.find((kind, i) => kinds.indexOf(kind) !== i);
  if (twice) throw new UsageError(`${twice} is named twice.`);
  if (kinds.length > 1 && (TEXT_FORMATS as readonly string[]).includes(format)) {
    throw new UsageError(
      `${format} holds one kind: export ${kinds.join(", ")} one at a time, or use --format xlsx or parquet.`,
    );
  }
  if ((format === "xlsx" || format === "parquet") && output === undefined) {
    throw new UsageError(`${format} is a binary file: pass -o FILE${format === "parquet" ? " (or -o FOLDER/)" : ""}.`);
  }
}

/**
 * parquet: one file per kind. One kind to `-o x.parquet` writes that file; several kinds (or an `-o` that is a
 * folder or ends with /) write FOLDER/<kind>.parquet for each, all renamed into place once all are complete.
 */
async function writeParquet(
  store: Store,
  kinds: readonly RecordKind[],
  output: string,
  options: RecordFilter & { cwd: string; redact: (text: string) => string; signal: AbortSignal },
): Promise<Partial<Record<RecordKind, number>>> {
  const target = path.resolve(options.cwd, output);
  // Decided on the path as typed: path.resolve drops a trailing slash.
  const asFolder =
    kinds.length > 1 || /[/\\]$/.test(output) || statSync(target, { throwIfNoEntry: false })?.isDirectory();
  const folder = asFolder
    ? await openAtomicFolder(
        target,
        kinds.map((kind) => `${kind}.parquet`),
      )
    : await openAtomicFile(target).then((file) => ({ files: [file], commit: file.commit, discard: file.discard }));
  const records: Partial<Record<RecordKind, number>> = {};
  try {
    for (const [i, kind] of kinds.entries()) {
      const out = folder.files[i]!.out;
      records[kind] = (await exportParquet(store, kind, { ...options, out })).records;
    }
    if (options.signal.aborted) throw new AbortedError("export interrupted");
    await folder.commit();
  } catch (error) {
    await folder.discard();
    throw error;
  }
  return records;
}

async function writeXlsx(
  store: Store,
  kinds: readonly RecordKind[],
  target: string,
  options: RecordFilter & { redact: (text: string) => string; signal: AbortSignal },
): Promise<Partial<Record<RecordKind, number>>> {
  const file = await openAtomicFile(target);
  try {
    const { records } = await exportXlsx(store, kinds, { ...options, out: file.out });
    if (options.signal.aborted) throw new AbortedError("export interrupted");
    await file.commit();
    return records;
  } catch (error) {
    await file.discard();
    throw error;
  }
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
    .description(
      "Export stored notes, users, comments or topics (from `xhs crawl`) as CSV, JSON lines, JSON, Excel (xlsx) or Parquet.",
    )
    .addArgument(
      new Argument(
        "<kinds...>",
        "what to export (several only with xlsx: a sheet each, or parquet: a file each)",
      ).choices(RECORD_KINDS),
    )
    .addOption(
      new Option(
        "--format <format>",
        "csv | jsonl | json | xlsx | parquet (default: from the -o extension, else jsonl)",
      ).choices(FORMATS),
    )
    .option("--run <id>", "only records fetched by this crawl run (see `xhs runs`)")
    .addOption(
      new Option("--since <date>", "only records fetched at or after DATE (2026-01-31 or ISO 8601)").argParser(
        parseDate,
      ),
    )
    .option(
      "--db <path>",
      `the crawl database: a SQLite file or a Postgres URL (env XHS_DATABASE_URL; default ./${DEFAULT_DB})`,
    )
    .option("-o, --output <file>", "write to FILE (atomically) instead of stdout; parquet of several kinds: a FOLDER")
    .addHelpText(
      "after",
      "\nExamples:\n  xhs export notes --format csv -o notes.csv\n  xhs export notes users comments -o crawl.xlsx\n  xhs export notes comments --format parquet -o parquet/   (parquet/notes.parquet, parquet/comments.parquet)\n  xhs export comments --run <id from xhs runs list> --format jsonl | jq .text\n  xhs export users --since 2026-01-01 --db crawl.db --format json",
    )
    .action(async (kinds, opts, command) => {
      const ctx = contextOf(command);
      const format = formatFor(opts.format, opts.output);
      checkRequest(kinds, format, opts.output);
      const db = dbTarget(ctx, opts.db, DEFAULT_DB);
      const dbPath = sqliteFileOf(ctx, db);
      // Never create an empty database by exporting from a mistyped path.
      if (dbPath !== null && !existsSync(dbPath)) {
        throw new UsageError(`no database at ${db}: run \`xhs crawl\` first, or pass --db PATH.`);
      }
      if (dbPath !== null && statSync(dbPath).isDirectory())
        throw new UsageError(`--db ${db}: it is a folder, not a database.`);
      // Reading only: a database on a read-only mount (or someone else's file) is opened without a write.
      const store = await openCliStore(ctx, db, { readOnly: true });
      try {
        if (opts.run !== undefined && !(await store.getRun(opts.run))) {
          throw new UsageError(`no run "${opts.run}" in ${opts.db ?? DEFAULT_DB} (see \`xhs runs list\`)`);
        }
        const filter = {
          ...(opts.run !== undefined ? { runId: opts.run } : {}),
          ...(opts.since !== undefined ? { since: opts.since } : {}),
        };
        const where = opts.output ? ` to ${opts.output}` : "";
        if (format === "xlsx" || format === "parquet") {
          const options = { ...filter, redact: ctx.redactData, signal: ctx.signal };
          const records =
            format === "xlsx"
              ? await writeXlsx(store, kinds, path.resolve(ctx.cwd, opts.output!), options)
              : await writeParquet(store, kinds, opts.output!, { ...options, cwd: ctx.cwd });
          await writeText(ctx.stderr, `Exported ${countsText(records)}${where}\n`);
          return;
        }
        const kind = kinds[0]!;
        const file = opts.output ? await openTextFile(path.resolve(ctx.cwd, opts.output), ctx.redactData) : null;
        const out = file
          ? new Writable({
              write(chunk: Buffer | string, _encoding, callback) {
                file.write(typeof chunk === "string" ? chunk : chunk.toString("utf8")).then(() => callback(), callback);
              },
            })
          : stdoutWritable(ctx);
        try {
          const result = await exportRecords(store, kind, format, { out, signal: ctx.signal, ...filter });
          if (ctx.signal.aborted) throw new AbortedError("export interrupted");
          await file?.commit();
          await writeText(ctx.stderr, `Exported ${countsText({ [kind]: result.records })}${where}\n`);
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
