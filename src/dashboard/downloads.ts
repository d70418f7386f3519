/**
 * Downloads of the notes table's current filter, written by the export layer's own functions (xlsx: typed
 * columns, frozen header, formula-safe; csv: the CLI's columns), streamed to the browser as they are written.
 * The exporters read a `Store`; they are handed a view of it whose notes are the filtered ones, in table order.
 */
import { PassThrough, Readable } from "node:stream";
import { exportXlsx } from "../export/xlsx.js";
import { exportRecords } from "../store/export.js";
import type { RecordKind, Store } from "../store/port.js";
import { countNotes, iterateNotes, type NoteQuery, type ReadableStore } from "./records.js";

export const DOWNLOAD_FORMATS = ["xlsx", "csv"] as const;
export type DownloadFormat = (typeof DOWNLOAD_FORMATS)[number];

const CONTENT_TYPES: Record<DownloadFormat, string> = {
  xlsx: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
  csv: "text/csv; charset=utf-8",
};

/** The store as the exporters see it: only the filtered notes (every other method is the store's own). */
function filteredView(store: Store & ReadableStore, query: NoteQuery): Store {
  return new Proxy(store, {
    get(target, property, receiver) {
      if (property === "iterateRecords") {
        return (kind: RecordKind) => {
          if (kind !== "notes") throw new Error(`the notes download has no ${kind}`);
          return iterateNotes(target, query);
        };
      }
      // Exact (the table's text-search count stops at 10,000; a download holds every match).
      if (property === "countRecords") return () => countNotes(target, query);
      const value = Reflect.get(target, property, receiver) as unknown;
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}

export function notesDownload(
  store: Store & ReadableStore,
  query: NoteQuery,
  format: DownloadFormat,
  options: { redact: (text: string) => string; now: Date; onError: (error: unknown) => void },
): Response {
  const out = new PassThrough();
  const view = filteredView(store, query);
  const written =
    format === "xlsx"
      ? exportXlsx(view, ["notes"], { out, redact: options.redact })
      : exportRecords(view, "notes", "csv", { out }).then(() => out.end());
  written.catch((error: unknown) => {
    options.onError(error);
    out.destroy(error instanceof Error ? error : new Error(String(error)));
  });
  const stamp = options.now.toISOString().slice(0, 19).replace(/[-:]/g, "").replace("T", "-");
  return new Response(Readable.toWeb(out) as ReadableStream, {
    headers: {
      "content-type": CONTENT_TYPES[format],
      "content-disposition": `attachment; filename="notes-${stamp}.${format}"`,
      "cache-control": "no-store",
    },
  });
}
