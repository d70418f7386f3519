// `xhs export notes|users|comments|topics|media|observations…`: stream stored rows out of the crawl database.
import { existsSync, statSync } from "node:fs";
import path from "node:path";
import { Writable } from "node:stream";
import { Argument, type Command, InvalidArgumentError, Option } from "@commander-js/extra-typings";
import { AbortedError } from "../../core/errors.js";
import { openAtomicFile, openAtomicFolder } from "../../export/file.js";
import { writeParquet as writeParquetTable } from "../../export/parquet.js";
import { type ExportTable, mediaTable, observationTable, recordTable } from "../../export/tables.js";
import { writeTableText } from "../../export/text.js";
import { writeXlsx as writeXlsxTables } from "../../export/xlsx.js";
import { parseNoteRef, parseUserRef } from "../../refs/parse-ref.js";
import { exportRecords, EXPORT_FORMATS as TEXT_FORMATS } from "../../store/export.js";
import { RECORD_KINDS, type RecordFilter, type RecordKind } from "../../store/port.js";
import type { SqlStore } from "../../store/sql/sql-store.js";
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

/** What `xhs export` names: the record kinds, the downloaded media (issue #15), the count observations (#14). */
const EXPORT_KINDS = [...RECORD_KINDS, "media", "observations"] as const;
type ExportKind = (typeof EXPORT_KINDS)[number];
const isRecordKind = (kind: ExportKind): kind is RecordKind => (RECORD_KINDS as readonly string[]).includes(kind);

const countsText = (records: Partial<Record<string, number>>): string =>
  Object.entries(records)
    .map(([kind, n]) => `${n} ${n === 1 ? kind.replace(/s$/, "") : kind}`)
    .join(", ");

/** Checks what only the command line can get wrong, before the database is opened. */
function checkRequest(
  kinds: readonly ExportKind[],
  format: Format,
  output: string | undefined,
  only: { notes: boolean; users: boolean },
): void {
  const twice = kinds.find((kind, i) => kinds.indexOf(kind) !== i);
  if (twice) throw new UsageError(`${twice} is named twice.`);
  if (kinds.length > 1 && (TEXT_FORMATS as readonly string[]).includes(format)) {
    throw new UsageError(
      `${format} holds one kind: export ${kinds.join(", ")} one at a time, or use --format xlsx or parquet.`,
    );
  }
  if (only.notes && !kinds.every((kind) => kind === "media" || kind === "observations")) {
    throw new UsageError("--note selects media and observations only (records: use --run or --since).");
  }
  if (only.users && !kinds.every((kind) => kind === "observations")) {
    throw new UsageError("--user selects observations only.");
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
  // biome-ignore lint/suspicious/noExplicitAny: tables of different row types
  tables: readonly ExportTable<any>[],
  output: string,
  options: { cwd: string; redact: (text: string) => string; signal: AbortSignal },
): Promise<Record<string, number>> {
  const target = path.resolve(options.cwd, output);
  // Decided on the path as typed: path.resolve drops a trailing slash.
  const asFolder =
    tables.length > 1 || /[/\\]$/.test(output) || statSync(target, { throwIfNoEntry: false })?.isDirectory();
  const folder = asFolder
    ? await openAtomicFolder(
        target,
        tables.map((table) => `${table.name}.parquet`),
      )
    : await openAtomicFile(target).then((file) => ({ files: [file], commit: file.commit, discard: file.discard }));
  const records: Record<string, number> = {};
  try {
    for (const [i, table] of tables.entries()) {
      const out = folder.files[i]!.out;
      records[table.name] = (await writeParquetTable(table, { ...options, out })).records;
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
  // biome-ignore lint/suspicious/noExplicitAny: tables of different row types share one workbook
  tables: readonly ExportTable<any>[],
  target: string,
  options: { redact: (text: string) => string; signal: AbortSignal },
): Promise<Record<string, number>> {
  const file = await openAtomicFile(target);
  try {
    const records = await writeXlsxTables(tables, { ...options, out: file.out });
    if (options.signal.aborted) throw new AbortedError("export interrupted");
    await file.commit();
    return records;
  } catch (error) {
    await file.discard();
    throw error;
  }
}

/** The table of one kind, filtered as asked. */
// biome-ignore lint/suspicious/noExplicitAny: tables of different row types
function tableOf(store: SqlStore, kind: ExportKind, filter: RecordFilter, only: Only): ExportTable<any> {
  if (isRecordKind(kind)) return recordTable(store, kind, filter);
  if (kind === "media") return mediaTable(store, { ...filter, ...(only.notes ? { noteIds: only.notes } : {}) });
  return observationTable(store, {
    ...filter,
    ...(only.notes ? { noteIds: only.notes } : {}),
    ...(only.users ? { userIds: only.users } : {}),
  });
}

/** A note or user id, or a URL that names it (read locally: a short link would need a paid call). */
function idOf(what: "note" | "user", value: string): string {
  let parsed: ReturnType<typeof parseNoteRef> | ReturnType<typeof parseUserRef>;
  try {
    parsed = what === "note" ? parseNoteRef(value) : parseUserRef(value);
  } catch (error) {
    throw new InvalidArgumentError(error instanceof Error ? error.message : String(error));
  }
  if (!("id" in parsed)) throw new InvalidArgumentError(`give the ${what}'s id or URL, not a short link or share text`);
  return parsed.id;
}

interface Only {
  notes?: string[];
  users?: string[];
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
      "Export stored notes, users, comments or topics (from `xhs crawl`), downloaded media files (`xhs media --db`) or the count observations, as CSV, JSON lines, JSON, Excel (xlsx) or Parquet.",
    )
    .addArgument(
      new Argument(
        "<kinds...>",
        "what to export: records, media (downloaded files) or observations (counts over time); several only with xlsx (a sheet each) or parquet (a file each)",
      ).choices(EXPORT_KINDS),
    )
    .addOption(
      new Option(
        "--format <format>",
        "csv | jsonl | json | xlsx | parquet (default: from the -o extension, else jsonl)",
      ).choices(FORMATS),
    )
    .option("--run <id>", "only records fetched by this crawl run (see `xhs runs`); media: of the notes it fetched")
    .option("--note <ref>", "media, observations: only this note's (repeatable)", (v, prev: string[] = []) => [
      ...prev,
      idOf("note", v),
    ])
    .option("--user <ref>", "observations: only this user's (repeatable)", (v, prev: string[] = []) => [
      ...prev,
      idOf("user", v),
    ])
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
      "\nExamples:\n  xhs export notes --format csv -o notes.csv\n  xhs export media --db crawl.db -o media.csv   (files xhs media --db downloaded)\n  xhs export observations --note <id> --since 2026-12-01 --format csv   (one row per fetch of the counts)\n  xhs export notes users comments -o crawl.xlsx\n  xhs export notes comments --format parquet -o parquet/   (parquet/notes.parquet, parquet/comments.parquet)\n  xhs export comments --run <id from xhs runs list> --format jsonl | jq .text\n  xhs export users --since 2026-01-01 --db crawl.db --format json",
    )
    .action(async (kinds, opts, command) => {
      const ctx = contextOf(command);
      const format = formatFor(opts.format, opts.output);
      const only: Only = {
        ...(opts.note ? { notes: opts.note } : {}),
        ...(opts.user ? { users: opts.user } : {}),
      };
      checkRequest(kinds, format, opts.output, { notes: only.notes !== undefined, users: only.users !== undefined });
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
        const tables = kinds.map((kind) => tableOf(store, kind, filter, only));
        if (format === "xlsx" || format === "parquet") {
          const options = { redact: ctx.redactData, signal: ctx.signal };
          const records =
            format === "xlsx"
              ? await writeXlsx(tables, path.resolve(ctx.cwd, opts.output!), options)
              : await writeParquet(tables, opts.output!, { ...options, cwd: ctx.cwd });
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
          const result = isRecordKind(kind)
            ? await exportRecords(store, kind, format, { out, signal: ctx.signal, ...filter })
            : await writeTableText(tables[0]!, format, { out, signal: ctx.signal });
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
