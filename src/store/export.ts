/**
 * Streaming export of stored records as CSV, JSONL or JSON, for `xhs export` and library callers.
 *
 * Records stream from the store page by page and are written with backpressure, so memory stays flat
 * whatever the table size. JSONL and JSON hold the model records exactly as stored (round trip); CSV
 * flattens each record into a fixed, documented column order (see `CSV_COLUMNS`), with a UTF-8 BOM so
 * spreadsheet programs read Chinese text correctly, arrays/objects as JSON in one cell, and formula
 * escaping (a cell starting with =, +, -, @, tab or CR gets a leading ').
 */
import { Readable, type Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { stringify as stringifySync } from "csv-stringify/sync";
import { inBatches } from "../core/batches.js";
import { InvalidInputError } from "../core/errors.js";
import type { Comment, Note, Topic, User } from "../model/types.js";
import { RECORD_KINDS, type RecordFilter, type RecordKind, type RecordOf, type Store } from "./port.js";

export const EXPORT_FORMATS = ["csv", "jsonl", "json"] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export interface ExportOptions extends RecordFilter {
  /** Where to write. Not ended by the export (the caller owns it: stdout must stay open). */
  out: Writable;
  signal?: AbortSignal;
}

export interface ExportResult {
  records: number;
}

/** Records per written chunk. */
const BATCH = 200;

type Cell = string | number | boolean | null;
type Column<T> = readonly [header: string, value: (record: T) => Cell];

const asJson = (value: unknown): string | null => (value === null ? null : JSON.stringify(value));

const NOTE_CSV: readonly Column<Note>[] = [
  ["id", (n) => n.id],
  ["type", (n) => n.type],
  ["title", (n) => n.title],
  ["text", (n) => n.text],
  ["textTruncated", (n) => n.textTruncated],
  ["tags", (n) => asJson(n.tags)],
  ["authorId", (n) => n.author?.id ?? null],
  ["authorNickname", (n) => n.author?.nickname ?? null],
  ["authorRedId", (n) => n.author?.redId ?? null],
  ["authorAvatarUrl", (n) => n.author?.avatarUrl ?? null],
  ["likes", (n) => n.stats.likes],
  ["collects", (n) => n.stats.collects],
  ["comments", (n) => n.stats.comments],
  ["shares", (n) => n.stats.shares],
  ["approx", (n) => asJson(n.approx)],
  ["images", (n) => asJson(n.images)],
  ["video", (n) => asJson(n.video)],
  ["publishedAt", (n) => n.publishedAt],
  ["updatedAt", (n) => n.updatedAt],
  ["ipLocation", (n) => n.ipLocation],
  ["xsecToken", (n) => n.xsecToken],
  ["url", (n) => n.url],
  ["source", (n) => n.source],
  ["fetchedAt", (n) => n.fetchedAt],
];

const USER_CSV: readonly Column<User>[] = [
  ["id", (u) => u.id],
  ["nickname", (u) => u.nickname],
  ["redId", (u) => u.redId],
  ["avatarUrl", (u) => u.avatarUrl],
  ["bio", (u) => u.bio],
  ["gender", (u) => u.gender],
  ["ipLocation", (u) => u.ipLocation],
  ["followers", (u) => u.followers],
  ["following", (u) => u.following],
  ["likesAndCollects", (u) => u.likesAndCollects],
  ["noteCount", (u) => u.noteCount],
  ["approx", (u) => asJson(u.approx)],
  ["xsecToken", (u) => u.xsecToken],
  ["url", (u) => u.url],
  ["source", (u) => u.source],
  ["fetchedAt", (u) => u.fetchedAt],
];

const COMMENT_CSV: readonly Column<Comment>[] = [
  ["id", (c) => c.id],
  ["noteId", (c) => c.noteId],
  ["rootId", (c) => c.rootId],
  ["replyToUserId", (c) => c.replyToUser?.id ?? null],
  ["replyToUserNickname", (c) => c.replyToUser?.nickname ?? null],
  ["authorId", (c) => c.author?.id ?? null],
  ["authorNickname", (c) => c.author?.nickname ?? null],
  ["authorRedId", (c) => c.author?.redId ?? null],
  ["authorAvatarUrl", (c) => c.author?.avatarUrl ?? null],
  ["text", (c) => c.text],
  ["likes", (c) => c.likes],
  ["replyCount", (c) => c.replyCount],
  ["createdAt", (c) => c.createdAt],
  ["ipLocation", (c) => c.ipLocation],
  ["pictures", (c) => asJson(c.pictures)],
  ["pinned", (c) => c.pinned],
  ["byNoteAuthor", (c) => c.byNoteAuthor],
  ["approx", (c) => asJson(c.approx)],
  ["source", (c) => c.source],
  ["fetchedAt", (c) => c.fetchedAt],
];

const TOPIC_CSV: readonly Column<Topic>[] = [
  ["id", (t) => t.id],
  ["name", (t) => t.name],
  ["views", (t) => t.views],
  ["discussions", (t) => t.discussions],
  ["approx", (t) => asJson(t.approx)],
  ["source", (t) => t.source],
  ["fetchedAt", (t) => t.fetchedAt],
];

const CSV_SPECS: { [K in RecordKind]: readonly Column<RecordOf[K]>[] } = {
  notes: NOTE_CSV,
  users: USER_CSV,
  comments: COMMENT_CSV,
  topics: TOPIC_CSV,
};

/** The CSV header of each kind, in order (documented in the README, "Export"). */
export const CSV_COLUMNS: { readonly [K in RecordKind]: readonly string[] } = {
  notes: NOTE_CSV.map(([h]) => h),
  users: USER_CSV.map(([h]) => h),
  comments: COMMENT_CSV.map(([h]) => h),
  topics: TOPIC_CSV.map(([h]) => h),
};

/** One record as a CSV row (cells in `CSV_COLUMNS[kind]` order, before escaping). */
export function csvRow<K extends RecordKind>(kind: K, record: RecordOf[K]): Cell[] {
  return (CSV_SPECS[kind] as readonly Column<RecordOf[K]>[]).map(([, value]) => value(record));
}

/**
 * Writes every record of `kind` matching the filter (`runId`: records that run fetched; `since`:
 * fetched at or after) to `out` in `format`. Resolves once the last byte is handed to `out`.
 */
export async function exportRecords<K extends RecordKind>(
  store: Store,
  kind: K,
  format: ExportFormat,
  options: ExportOptions,
): Promise<ExportResult> {
  if (!(RECORD_KINDS as readonly string[]).includes(kind)) {
    throw new InvalidInputError(`Cannot export "${String(kind)}": use one of ${RECORD_KINDS.join(", ")}`);
  }
  if (!(EXPORT_FORMATS as readonly string[]).includes(format)) {
    throw new InvalidInputError(`Unknown export format "${String(format)}": use one of ${EXPORT_FORMATS.join(", ")}`);
  }
  const filter: RecordFilter = {};
  if (options.runId !== undefined) filter.runId = options.runId;
  if (options.since !== undefined) filter.since = options.since;
  const result: ExportResult = { records: 0 };
  // Records are written in batches: one stream chunk per BATCH records, not one per record.
  const batches = () => inBatches(store.iterateRecords(kind, filter), BATCH, result);

  let chunks: AsyncGenerator<string>;
  if (format === "csv") {
    const columns = CSV_COLUMNS[kind] as string[];
    const csvOptions = {
      columns,
      escape_formulas: true,
      cast: { boolean: (value: boolean) => (value ? "true" : "false") },
    };
    chunks = (async function* () {
      // The BOM and the header come first, even when there are no records.
      yield stringifySync([], { ...csvOptions, bom: true, header: true });
      for await (const batch of batches()) {
        yield stringifySync(
          batch.map((record) => csvRow(kind, record)),
          csvOptions,
        );
      }
    })();
  } else if (format === "jsonl") {
    chunks = (async function* () {
      for await (const batch of batches()) yield batch.map((record) => `${JSON.stringify(record)}\n`).join("");
    })();
  } else {
    chunks = (async function* () {
      let first = true;
      yield "[";
      for await (const batch of batches()) {
        yield batch.map((record, i) => `${first && i === 0 ? "\n" : ",\n"}${JSON.stringify(record)}`).join("");
        first = false;
      }
      yield first ? "]\n" : "\n]\n";
    })();
  }
  const streamOptions = { end: false, ...(options.signal ? { signal: options.signal } : {}) };
  await pipeline(Readable.from(chunks), options.out, streamOptions);
  return result;
}
