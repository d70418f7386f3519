/**
 * A table (tables.ts) as CSV, JSON lines or JSON, with the conventions of the records' export
 * (`store/export.ts`): CSV with a UTF-8 BOM, a header even when empty, formula escaping and true/false;
 * JSON lines one row a line; JSON one array. Rows stream in batches with backpressure; `out` is not ended.
 */
import { Readable, type Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { stringify } from "csv-stringify/sync";
import { inBatches } from "../core/batches.js";
import type { ExportFormat } from "../store/export.js";
import { rowsOf } from "./sink.js";
import type { ExportTable } from "./tables.js";

const BATCH = 200;

export async function writeTableText<T>(
  table: ExportTable<T>,
  format: ExportFormat,
  options: { out: Writable; signal?: AbortSignal },
): Promise<{ records: number }> {
  const result = { records: 0 };
  const batches = () => inBatches(rowsOf(table.rows(), options.signal), BATCH, result);
  const csvOptions = {
    columns: table.columns.map((c) => c.name),
    escape_formulas: true,
    cast: { boolean: (value: boolean) => (value ? "true" : "false") },
  };
  const chunks = (async function* () {
    if (format === "csv") {
      yield stringify([], { ...csvOptions, bom: true, header: true });
      for await (const batch of batches()) yield stringify(batch.map(table.cells), csvOptions);
    } else if (format === "jsonl") {
      for await (const batch of batches()) yield batch.map((row) => `${JSON.stringify(table.json(row))}\n`).join("");
    } else {
      let first = true;
      yield "[";
      for await (const batch of batches()) {
        yield batch.map((row, i) => `${first && i === 0 ? "\n" : ",\n"}${JSON.stringify(table.json(row))}`).join("");
        first = false;
      }
      yield first ? "]\n" : "\n]\n";
    }
  })();
  await pipeline(Readable.from(chunks), options.out, {
    end: false,
    ...(options.signal ? { signal: options.signal } : {}),
  });
  return result;
}
