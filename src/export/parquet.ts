/**
 * Stored records of one kind as an Apache Parquet file, written with hyparquet-writer: rows are pulled from
 * the store one row group at a time (`parquetWriteRows` over an async iterable) and each finished group's
 * bytes are written out before the next is read, so memory is bounded by one row group, not the table.
 *
 * Column types (`EXPORT_COLUMNS`): counts INT64, flags BOOLEAN, times TIMESTAMP(MILLIS, UTC), text UTF8
 * strings, arrays and objects JSON (logical type JSON: DuckDB, pandas/pyarrow and hyparquet read them as
 * JSON). Every column is optional (null = unknown), as in the model.
 */
import type { Writable } from "node:stream";
import { ByteWriter, parquetWriteRows } from "hyparquet-writer";
import type { RecordKind, Store } from "../store/port.js";
import { type ColumnType, EXPORT_COLUMNS, type ExportColumn, typeCells } from "./columns.js";
import { type BinaryExportOptions, endStream, rowsOf, writeChunk } from "./sink.js";
import { type ExportTable, recordTable } from "./tables.js";
import { checkKinds } from "./xlsx.js";

/** hyparquet-writer's own schema element type (it bundles its own hyparquet). */
type SchemaElement = NonNullable<Parameters<typeof parquetWriteRows>[0]["schema"]>[number];

/** Rows per row group: small enough to bound memory (one group is held), large enough for readers to scan fast. */
export const PARQUET_ROW_GROUP = 10_000;

export interface ParquetExportOptions extends BinaryExportOptions {
  /** Rows per row group (default `PARQUET_ROW_GROUP`). */
  rowGroupSize?: number;
}

export interface ParquetExportResult {
  records: number;
}

function schemaElement(name: string, type: ColumnType): SchemaElement {
  const optional = { name, repetition_type: "OPTIONAL" } as const;
  switch (type) {
    case "count":
      return { ...optional, type: "INT64" };
    case "flag":
      return { ...optional, type: "BOOLEAN" };
    case "number":
      return { ...optional, type: "DOUBLE" };
    case "time":
      return {
        ...optional,
        type: "INT64",
        converted_type: "TIMESTAMP_MILLIS",
        logical_type: { type: "TIMESTAMP", isAdjustedToUTC: true, unit: "MILLIS" },
      };
    case "json":
      return { ...optional, type: "BYTE_ARRAY", converted_type: "JSON", logical_type: { type: "JSON" } };
    default:
      return { ...optional, type: "BYTE_ARRAY", converted_type: "UTF8", logical_type: { type: "STRING" } };
  }
}

/** The parquet schema of a kind: a flat root with one optional column per export column. */
export function parquetSchema(kind: RecordKind | readonly ExportColumn[]): SchemaElement[] {
  const columns = typeof kind === "string" ? EXPORT_COLUMNS[kind] : kind;
  return [
    { name: "root", num_children: columns.length },
    ...columns.map((column) => schemaElement(column.name, column.type)),
  ];
}

/**
 * hyparquet-writer's byte buffer, emptied into `out` after each row group (`flush`) and at the end
 * (`finish`): the buffer grows to one encoded row group at most.
 */
class StreamWriter extends ByteWriter {
  constructor(private readonly out: Writable) {
    super(1 << 20);
  }

  async flush(): Promise<void> {
    if (this.index === 0) return;
    // A copy: the buffer is reused for the next group while the stream may still hold this chunk.
    const chunk = Buffer.from(new Uint8Array(this.buffer, 0, this.index));
    this.index = 0;
    await writeChunk(this.out, chunk);
  }

  override async finish(): Promise<void> {
    await this.flush();
    await endStream(this.out);
  }
}

/**
 * Writes every record of `kind` matching the filter as one parquet file to `options.out`, then ends it.
 * Resolves once the last byte is handed over.
 */
export async function exportParquet(
  store: Store,
  kind: RecordKind,
  options: ParquetExportOptions,
): Promise<ParquetExportResult> {
  checkKinds([kind]);
  return writeParquet(recordTable(store, kind, options), options);
}

/** Writes a table as one parquet file to `options.out`, then ends it. Resolves once the last byte is handed over. */
export async function writeParquet<T>(
  table: ExportTable<T>,
  options: Pick<ParquetExportOptions, "out" | "redact" | "signal" | "rowGroupSize">,
): Promise<ParquetExportResult> {
  const columns = table.columns;
  const result: ParquetExportResult = { records: 0 };
  const rows = async function* () {
    for await (const record of rowsOf(table.rows(), options.signal)) {
      const cells = typeCells(columns, table.cells(record), options.redact);
      const row: Record<string, unknown> = {};
      columns.forEach((column, i) => {
        const cell = cells[i] ?? null;
        // JSON columns take the value itself (the writer serializes it), not its text; INT64 takes a bigint.
        if (column.type === "json" && typeof cell === "string") row[column.name] = JSON.parse(cell);
        else if (column.type === "count" && typeof cell === "number") row[column.name] = BigInt(cell);
        else row[column.name] = cell;
      });
      result.records += 1;
      yield row;
    }
  };
  await parquetWriteRows({
    writer: new StreamWriter(options.out),
    rows: rows(),
    columns: columns.map((column) => ({ name: column.name })),
    schema: parquetSchema(columns),
    rowGroupSize: options.rowGroupSize ?? PARQUET_ROW_GROUP,
    createdBy: "xhs-kit",
  });
  return result;
}
