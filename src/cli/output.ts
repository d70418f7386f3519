/**
 * Output formats: a readable table on a terminal, `--json`, `--jsonl`, `--csv` (record-csv.ts) for pipes
 * and files, and `-o FILE` written atomically (output-file.ts). A command writes records one by one to the
 * writer `openRecordOutput` gives it.
 */
import path from "node:path";
import type { CliContext, TextSink } from "./context.js";
import { openAtomicFile, stdoutSink } from "./output-file.js";
import { csvChunk, csvHeaders, flattenRecord } from "./record-csv.js";
import type { RecordKind, RecordOfKind } from "./record-kinds.js";
import { renderRecord, renderTable, tableHeaders, tableRow } from "./record-table.js";

export type OutputFormat = "table" | "json" | "jsonl" | "csv";

export interface OutputFlags {
  json?: boolean | undefined;
  jsonl?: boolean | undefined;
  csv?: boolean | undefined;
  output?: string | undefined;
}

/**
 * The format flags ask for; without one, `-o FILE` picks by extension (.csv, .json, .jsonl/.ndjson;
 * else JSON lines), stdout on a terminal gets a table and a pipe gets JSON lines.
 */
export function resolveFormat(flags: OutputFlags, stdoutIsTTY: boolean): OutputFormat {
  if (flags.json) return "json";
  if (flags.jsonl) return "jsonl";
  if (flags.csv) return "csv";
  if (flags.output) {
    const ext = path.extname(flags.output).toLowerCase();
    if (ext === ".csv") return "csv";
    if (ext === ".json") return "json";
    return "jsonl";
  }
  return stdoutIsTTY ? "table" : "jsonl";
}

export interface RecordWriter<T> {
  readonly format: OutputFormat;
  /** Records written so far. */
  readonly count: number;
  write(record: T): Promise<void>;
  /** Completes the output: closes a JSON array, prints a table, renames a file into place. */
  commit(): Promise<void>;
  /** Gives up: a file output is removed (stdout cannot be taken back). */
  discard(): Promise<void>;
}

export interface OpenOutputOptions {
  /** "single": one record (JSON is an object, a table is a field list); "list": any number. */
  mode: "single" | "list";
}

/** Opens the output the flags ask for. Call it before the first paid call: a bad `-o` path fails here. */
export async function openRecordOutput<K extends RecordKind>(
  ctx: CliContext,
  flags: OutputFlags,
  kind: K,
  options: OpenOutputOptions,
): Promise<RecordWriter<RecordOfKind[K]>> {
  const format = resolveFormat(flags, ctx.stdout.isTTY === true);
  const sink = flags.output
    ? await openAtomicFile(path.resolve(ctx.cwd, flags.output), ctx.redactData)
    : stdoutSink(ctx);
  const tableRows: string[][] = [];
  let single: RecordOfKind[K] | null = null;
  let count = 0;
  let done = false;

  const write = async (record: RecordOfKind[K]) => {
    count += 1;
    switch (format) {
      case "jsonl":
        return sink.write(`${JSON.stringify(record)}\n`);
      case "json":
        if (options.mode === "single") {
          single = record;
          return;
        }
        return sink.write(`${count === 1 ? "[\n" : ",\n"}${JSON.stringify(record)}`);
      case "csv": {
        const headers = count === 1 ? csvHeaders(kind) : null;
        return sink.write(csvChunk(headers, [flattenRecord(kind, record)]));
      }
      case "table":
        if (options.mode === "single") single = record;
        else tableRows.push(tableRow(kind, record));
        return;
    }
  };

  const commit = async () => {
    if (done) return;
    done = true;
    if (format === "json") {
      if (options.mode === "single") await sink.write(`${JSON.stringify(single, null, 2)}\n`);
      else await sink.write(count === 0 ? "[]\n" : "\n]\n");
    } else if (format === "csv" && count === 0) {
      await sink.write(csvChunk(csvHeaders(kind), []));
    } else if (format === "table") {
      if (options.mode === "single" && single !== null) await sink.write(renderRecord(kind, single));
      else if (tableRows.length > 0) {
        await sink.write(renderTable(tableHeaders(kind), tableRows));
      }
    }
    await sink.commit();
  };

  return {
    format,
    get count() {
      return count;
    },
    write,
    commit,
    discard: async () => {
      if (done) return;
      done = true;
      await sink.discard();
    },
  };
}

export type { TextSink };
