/** Writing bytes to a Node stream with its backpressure honoured, and the shared row loop of the exports. */
import { once } from "node:events";
import type { Writable } from "node:stream";
import { AbortedError } from "../core/errors.js";
import type { RecordFilter } from "../store/port.js";

/** Where a binary export goes and what it keeps out. */
export interface BinaryExportOptions extends RecordFilter {
  /** The file's bytes go here; the export ends the stream when the file is complete. */
  out: Writable;
  /** Applied to every text cell (JSON text included): the CLI passes its data redactor. */
  redact?: (text: string) => string;
  signal?: AbortSignal;
}

/** Writes `chunk` and waits for the stream's buffer to drain when it is full (rejects on a stream error). */
export async function writeChunk(out: Writable, chunk: Uint8Array): Promise<void> {
  if (!out.write(chunk)) await once(out, "drain");
}

/** Ends `out` and waits until every byte is handed over (rejects on a stream error). */
export async function endStream(out: Writable): Promise<void> {
  const finished = once(out, "finish");
  out.end();
  await finished;
}

/** A table's rows, stopping with `AbortedError` when the signal fires. */
export async function* rowsOf<T>(rows: AsyncIterable<T>, signal?: AbortSignal): AsyncGenerator<T> {
  for await (const row of rows) {
    if (signal?.aborted) throw new AbortedError("export interrupted");
    yield row;
  }
}
