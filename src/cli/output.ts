/**
 * Output formats: a readable table on a terminal, `--json`, `--jsonl`, `--csv` (UTF-8 BOM, formula
 * escaping) for pipes and files, and `-o FILE` written atomically (a temp file in the same folder,
 * renamed into place on success), so a failed or refused run never leaves a half-written file.
 */
import { randomBytes } from "node:crypto";
import { type FileHandle, lstat, open, readlink, rename, stat, unlink } from "node:fs/promises";
import path from "node:path";
import { stringify } from "csv-stringify/sync";
import type { Comment, Note, ResolvedLink, Topic, User } from "../model/types.js";
import { csvRow, CSV_COLUMNS as STORE_CSV_COLUMNS } from "../store/export.js";
import { type CliContext, isClosedPipeError, type TextSink, writeText } from "./context.js";
import { UsageError } from "./errors.js";
import { terminalText } from "./terminal-text.js";

export type OutputFormat = "table" | "json" | "jsonl" | "csv";
export type RecordKind = "note" | "user" | "comment" | "topic" | "link";
export interface RecordOfKind {
  note: Note;
  user: User;
  comment: Comment;
  topic: Topic;
  link: ResolvedLink;
}

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

// ---------- flattening (CSV and table) ----------

type Cell = string | number | boolean | null;
type Column<T> = readonly [header: string, get: (record: T) => Cell];

/** The store's kind name for a record kind (CSV columns are shared with `xhs export`). */
const STORE_KIND = { note: "notes", user: "users", comment: "comments", topic: "topics" } as const;

const LINK_COLUMNS: readonly Column<ResolvedLink>[] = [
  ["kind", (l) => l.kind],
  ["id", (l) => l.id],
  ["xsecToken", (l) => l.xsecToken],
  ["url", (l) => l.url],
];

/** The CSV header of a kind: the same columns `xhs export` writes (documented in the README, "Export"). */
export function csvHeaders(kind: RecordKind): readonly string[] {
  return kind === "link" ? LINK_COLUMNS.map(([h]) => h) : STORE_CSV_COLUMNS[STORE_KIND[kind]];
}

/** One record as a flat row of CSV cells, in `csvHeaders(kind)` order. */
export function flattenRecord<K extends RecordKind>(kind: K, record: RecordOfKind[K]): Cell[] {
  if (kind === "link") return LINK_COLUMNS.map(([, get]) => get(record as ResolvedLink));
  return csvRow(STORE_KIND[kind as Exclude<RecordKind, "link">], record as never);
}

/** CSV text for rows: a UTF-8 BOM and the header first; cells starting with = + - @ are escaped with a quote. */
export function csvChunk(headers: readonly string[] | null, rows: readonly Cell[][]): string {
  const body = stringify(
    rows.map((r) => r.map((c) => (c === null ? "" : c))),
    {
      escape_formulas: true,
      cast: { boolean: (b) => (b ? "true" : "false") },
    },
  );
  if (!headers) return body;
  return `\uFEFF${stringify([[...headers]])}${body}`;
}

// ---------- tables (terminal only) ----------

/** Columns shown in a terminal table: the few that fit on a line. */
const TABLE_COLUMNS: { [K in RecordKind]: readonly (readonly [string, (r: RecordOfKind[K]) => Cell, number])[] } = {
  note: [
    ["id", (n) => n.id, 24],
    ["type", (n) => n.type, 5],
    ["title", (n) => n.title ?? n.text, 30],
    ["author", (n) => n.author?.nickname ?? n.author?.id ?? null, 16],
    ["likes", (n) => approxCount(n.stats.likes, n.approx.includes("likes")), 9],
    ["collects", (n) => approxCount(n.stats.collects, n.approx.includes("collects")), 9],
    ["comments", (n) => approxCount(n.stats.comments, n.approx.includes("comments")), 9],
    ["published", (n) => n.publishedAt?.slice(0, 10) ?? null, 10],
  ],
  user: [
    ["id", (u) => u.id, 24],
    ["nickname", (u) => u.nickname, 20],
    ["redId", (u) => u.redId, 14],
    ["followers", (u) => approxCount(u.followers, u.approx.includes("followers")), 10],
    ["notes", (u) => u.noteCount, 7],
    ["ip", (u) => u.ipLocation, 8],
  ],
  comment: [
    ["id", (c) => c.id, 24],
    ["author", (c) => `${c.rootId ? "↳ " : ""}${c.author?.nickname ?? c.author?.id ?? ""}`, 18],
    ["text", (c) => c.text, 40],
    ["likes", (c) => approxCount(c.likes, c.approx.includes("likes")), 8],
    ["replies", (c) => c.replyCount, 7],
    ["created", (c) => c.createdAt?.slice(0, 16).replace("T", " ") ?? null, 16],
  ],
  topic: [
    ["id", (t) => t.id, 24],
    ["name", (t) => t.name, 24],
    ["views", (t) => approxCount(t.views, t.approx.includes("views")), 12],
    ["discussions", (t) => approxCount(t.discussions, t.approx.includes("discussions")), 12],
  ],
  link: [
    ["kind", (l) => l.kind, 5],
    ["id", (l) => l.id, 24],
    ["xsecToken", (l) => l.xsecToken, 40],
    ["url", (l) => l.url, 60],
  ],
};

function approxCount(n: number | null, approx: boolean): Cell {
  if (n === null) return null;
  return approx ? `~${n}` : n;
}

const WIDE =
  /[\u1100-\u115F\u2E80-\u303E\u3041-\u33FF\u3400-\u4DBF\u4E00-\u9FFF\uA000-\uA4CF\uAC00-\uD7A3\uF900-\uFAFF\uFE30-\uFE4F\uFF00-\uFF60\uFFE0-\uFFE6\u{1F300}-\u{1FAFF}\u{20000}-\u{3FFFD}]/u;

/** Terminal columns a string takes: CJK and emoji count 2. */
export function displayWidth(text: string): number {
  let width = 0;
  for (const ch of text) width += WIDE.test(ch) ? 2 : 1;
  return width;
}

function fitWidth(text: string, max: number): string {
  if (displayWidth(text) <= max) return text;
  let out = "";
  let width = 0;
  for (const ch of text) {
    const w = WIDE.test(ch) ? 2 : 1;
    if (width + w > max - 1) break;
    out += ch;
    width += w;
  }
  return `${out}…`;
}

function cellText(cell: Cell): string {
  if (cell === null) return "";
  return terminalText(String(cell)).replace(/\s+/g, " ").trim();
}

export function renderTable(headers: readonly string[], rows: readonly string[][]): string {
  const widths = headers.map((h, i) => Math.max(displayWidth(h), ...rows.map((r) => displayWidth(r[i] ?? ""))));
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => c + " ".repeat(Math.max(0, (widths[i] ?? 0) - displayWidth(c))))
      .join("  ")
      .trimEnd();
  return [line(headers), line(widths.map((w) => "─".repeat(w))), ...rows.map(line)].join("\n") + "\n";
}

function tableRow<K extends RecordKind>(kind: K, record: RecordOfKind[K]): string[] {
  return (TABLE_COLUMNS[kind] as readonly (readonly [string, (r: RecordOfKind[K]) => Cell, number])[]).map(
    ([, get, max]) => fitWidth(cellText(get(record)), max),
  );
}

/** One record as `field  value` lines (every CSV column, values in full). */
export function renderRecord<K extends RecordKind>(kind: K, record: RecordOfKind[K]): string {
  const headers = csvHeaders(kind);
  const cells = flattenRecord(kind, record);
  const width = Math.max(...headers.map((h) => h.length));
  return (
    headers
      .map((h, i) => `${h.padEnd(width)}  ${cells[i] === null || cells[i] === undefined ? "-" : cellText(cells[i])}`)
      .join("\n") + "\n"
  );
}

// ---------- sinks: stdout or an atomic file ----------

interface Sink {
  write(text: string): Promise<void>;
  commit(): Promise<void>;
  discard(): Promise<void>;
}

function stdoutSink(ctx: CliContext): Sink {
  return {
    write: (text) => writeText(ctx.stdout, text),
    commit: async () => {},
    discard: async () => {},
  };
}

function describeFsError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  switch (code) {
    case "ENOENT":
      return "the folder does not exist";
    case "EACCES":
    case "EPERM":
      return "permission denied";
    case "EISDIR":
      return "it is a folder";
    case "EROFS":
      return "the file system is read-only";
    case "ENOTDIR":
      return "a part of the path is not a folder";
    default:
      return (error as Error).message;
  }
}

/** Where an `-o` path really writes: a regular file (or a new one) is replaced atomically; anything else directly. */
type OutputTarget = { kind: "atomic"; path: string; mode: number | null } | { kind: "direct"; path: string };

/** An already-open descriptor (`/dev/stdout`, `/dev/fd/63` from `>(cmd)`, `/proc/self/fd/1`): never renamed over. */
function isDescriptorPath(p: string): boolean {
  return /^\/(dev\/(fd|stdin|stdout|stderr)(\/|$)|proc\/[^/]+\/fd\/)/.test(p);
}

/**
 * Follows the symlinks of the last path component (a link is written through, never replaced),
 * and decides how to write: pipes, FIFOs, devices and open descriptors directly; regular files
 * (existing or not) by a temp file renamed into place.
 */
async function outputTarget(target: string): Promise<OutputTarget> {
  const info = await stat(target).catch(() => null); // follows links
  if (info?.isDirectory()) throw new UsageError(`cannot write to ${target}: it is a folder.`);
  if (info && !info.isFile()) return { kind: "direct", path: target };
  let current = target;
  for (let hops = 0; hops < 40; hops++) {
    if (isDescriptorPath(current)) return { kind: "direct", path: target };
    const link = await lstat(current).catch(() => null);
    // A file replaced keeps its permissions (a private 0600 export stays private).
    if (!link?.isSymbolicLink()) return { kind: "atomic", path: current, mode: info ? info.mode & 0o777 : null };
    current = path.resolve(path.dirname(current), await readlink(current));
  }
  throw new UsageError(`cannot write to ${target}: too many levels of symbolic links.`);
}

/** The reader of a pipe (stdout, a FIFO, `>(cmd)`) went away: stop quietly, nothing more to write. */
export class OutputClosedError extends Error {
  override readonly name = "OutputClosedError";
}

/**
 * A file written in full or not at all: the text goes to `.NAME.PID.RANDOM.tmp` next to the target
 * (same file system, so the final rename is atomic) and is renamed over the target on commit. A
 * symlink is followed (its target is replaced, the link stays); a FIFO, a device or an open
 * descriptor (`/dev/stdout`, `>(cmd)`) is written directly, as it cannot be replaced.
 * Opened eagerly, so an unwritable path is a usage error before anything is paid.
 */
export async function openAtomicFile(target: string, redact: (text: string) => string): Promise<Sink> {
  const where = await outputTarget(target);
  if (where.kind === "direct") return openDirect(target, where.path, redact);
  const final = where.path;
  const dir = path.dirname(final);
  const temp = path.join(dir, `.${path.basename(final)}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`);
  let handle: FileHandle;
  try {
    handle = await open(temp, "wx", where.mode ?? 0o644);
  } catch (error) {
    throw new UsageError(`cannot write to ${target}: ${describeFsError(error)}.`);
  }
  let closed = false;
  const close = async () => {
    if (!closed) {
      closed = true;
      await handle.close();
    }
  };
  return {
    write: async (text) => {
      await handle.write(redact(text));
    },
    commit: async () => {
      if (where.mode !== null) await handle.chmod(where.mode); // exactly the old mode, whatever the umask
      await handle.sync();
      await close();
      await rename(temp, final);
    },
    discard: async () => {
      await close().catch(() => {});
      await unlink(temp).catch(() => {});
    },
  };
}

/** Writes straight into a pipe, FIFO or device (appending, so `-o /dev/stdout >> log` appends too). */
async function openDirect(target: string, file: string, redact: (text: string) => string): Promise<Sink> {
  let handle: FileHandle;
  try {
    handle = await open(file, "a");
  } catch (error) {
    throw new UsageError(`cannot write to ${target}: ${describeFsError(error)}.`);
  }
  let closed = false;
  const close = async () => {
    if (!closed) {
      closed = true;
      await handle.close().catch(() => {});
    }
  };
  return {
    write: async (text) => {
      try {
        await handle.write(redact(text));
      } catch (error) {
        if (isClosedPipeError(error)) throw new OutputClosedError(`${target}: the reader closed the pipe`);
        throw error;
      }
    },
    commit: close,
    discard: close,
  };
}

// ---------- record writers ----------

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
  const sink = flags.output ? await openAtomicFile(path.resolve(ctx.cwd, flags.output), ctx.redact) : stdoutSink(ctx);
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
        await sink.write(
          renderTable(
            TABLE_COLUMNS[kind].map(([h]) => h),
            tableRows,
          ),
        );
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
