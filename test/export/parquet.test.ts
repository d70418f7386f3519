// parquet export read back with hyparquet: schema types, values (every one equal to the JSON lines export's),
// nulls, row groups written as they fill.
import { PassThrough, Writable } from "node:stream";
import { parquetMetadata, parquetReadObjects } from "hyparquet";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { AbortedError, InvalidInputError } from "../../src/core/errors.js";
import { EXPORT_COLUMNS, type TypedCell, typedRow } from "../../src/export/columns.js";
import { exportParquet } from "../../src/export/parquet.js";
import { exportRecords, type RecordFilter, type RecordKind, type Store } from "../../src/store/index.js";
import { comment, note, searchHit, user } from "../store/fixtures.js";
import { arrayBufferOf, memoryOut, type TempStore, tempStore } from "./support.js";

async function parquetOf(t: TempStore, kind: RecordKind, rowGroupSize?: number) {
  const { out, bytes, writes } = memoryOut();
  const result = await exportParquet(t.store, kind, { out, ...(rowGroupSize ? { rowGroupSize } : {}) });
  const file = arrayBufferOf(bytes());
  return { file, result, writes: writes(), rows: await parquetReadObjects({ file }) };
}

async function jsonLinesOf(t: TempStore, kind: RecordKind): Promise<unknown[]> {
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on("data", (c: Buffer) => chunks.push(c));
  await exportRecords(t.store, kind, "jsonl", { out });
  return Buffer.concat(chunks)
    .toString("utf8")
    .split("\n")
    .filter(Boolean)
    .map((line) => JSON.parse(line));
}

/** What hyparquet gives for a typed cell: INT64 as bigint, JSON parsed, the rest as is. */
function asRead(cell: TypedCell, type: string): unknown {
  if (cell === null) return null;
  if (type === "count") return BigInt(cell as number);
  if (type === "json") return JSON.parse(cell as string);
  return cell;
}

describe("parquet export", () => {
  let t: TempStore;
  beforeEach(() => {
    t = tempStore("parquet");
  });
  afterEach(async () => {
    await t.close();
  });

  it("typed columns: INT64 counts, BOOLEAN flags, UTC TIMESTAMP times, UTF8 text, JSON nested fields", async () => {
    await t.store.upsertNotes([note("n1")]);
    const { file } = await parquetOf(t, "notes");
    const schema = parquetMetadata(file).schema;
    const element = (name: string) => schema.find((e) => e.name === name)!;
    expect(schema.slice(1).map((e) => e.name)).toEqual(EXPORT_COLUMNS.notes.map((c) => c.name));
    expect(element("likes")).toMatchObject({ type: "INT64", repetition_type: "OPTIONAL" });
    expect(element("textTruncated")).toMatchObject({ type: "BOOLEAN" });
    expect(element("fetchedAt")).toMatchObject({
      type: "INT64",
      converted_type: "TIMESTAMP_MILLIS",
      logical_type: { type: "TIMESTAMP", isAdjustedToUTC: true, unit: "MILLIS" },
    });
    expect(element("title")).toMatchObject({ type: "BYTE_ARRAY", converted_type: "UTF8" });
    expect(element("tags")).toMatchObject({ type: "BYTE_ARRAY", converted_type: "JSON" });
    expect(parquetMetadata(file).created_by).toBe("xhs-kit");
  });

  it("values and nulls read back equal to the JSON lines export, Chinese text and emoji intact", async () => {
    await t.store.upsertNotes([note("n1", { title: "=1+1 露营 😀" }), searchHit("n2", { author: null })]);
    await t.store.upsertUsers([user("u1"), user("u2", { gender: null, followers: null, approx: ["followers"] })]);
    await t.store.upsertComments(
      Array.from({ length: 50 }, (_, i) =>
        comment(`c${i}`, "n1", { pinned: i % 3 === 0 ? null : i % 2 === 0, text: i % 4 ? `评论${i}` : null }),
      ),
    );
    for (const kind of ["notes", "users", "comments"] as const) {
      const { rows, result } = await parquetOf(t, kind);
      const records = await jsonLinesOf(t, kind);
      expect(result.records).toBe(records.length);
      expect(rows).toHaveLength(records.length);
      records.forEach((record, r) => {
        const cells = typedRow(kind, record as never);
        const expected = Object.fromEntries(
          EXPORT_COLUMNS[kind].map((c, i) => [c.name, asRead(cells[i] ?? null, c.type)]),
        );
        expect(rows[r]).toEqual(expected);
      });
    }
    const notes = (await parquetOf(t, "notes")).rows;
    expect(notes[0]!.title).toBe("=1+1 露营 😀");
    expect(notes[0]!.fetchedAt).toEqual(new Date("2026-01-30T01:00:00.000Z"));
    expect(notes[1]!.authorId).toBeNull();
    expect(notes[1]!.publishedAt).toBeNull();
    expect(notes[1]!.collects).toBeNull();
    expect(notes[1]!.approx).toEqual(["likes"]);
  });

  it("rows go out a row group at a time, in store order", async () => {
    await t.store.upsertComments(Array.from({ length: 25 }, (_, i) => comment(`c${String(i).padStart(2, "0")}`, "n1")));
    const { file, rows, writes } = await parquetOf(t, "comments", 10);
    expect(parquetMetadata(file).row_groups.map((g) => Number(g.num_rows))).toEqual([10, 10, 5]);
    expect(rows.map((row) => row.id)).toEqual(Array.from({ length: 25 }, (_, i) => `c${String(i).padStart(2, "0")}`));
    // One chunk per row group (the first carries the magic bytes) and one for the footer.
    expect(writes).toBeGreaterThanOrEqual(4);
  });

  it("an empty kind is a valid file with the schema and no rows", async () => {
    const { file, rows, result } = await parquetOf(t, "topics");
    expect(result.records).toBe(0);
    expect(rows).toEqual([]);
    expect(
      parquetMetadata(file)
        .schema.slice(1)
        .map((e) => e.name),
    ).toEqual(EXPORT_COLUMNS.topics.map((c) => c.name));
  });

  it("waits for a slow reader: no record is read while a written row group is still buffered", async () => {
    await t.store.upsertComments(Array.from({ length: 40 }, (_, i) => comment(`c${i}`, "n1")));
    // A reader that takes its time, with a one-byte buffer: every chunk fills it.
    const out = new Writable({
      highWaterMark: 1,
      write(_chunk: Buffer, _encoding, callback) {
        setTimeout(callback, 2);
      },
    });
    const bufferedAtRead: number[] = [];
    const store = t.store;
    const watched = {
      iterateRecords: async function* (kind: RecordKind, filter?: RecordFilter) {
        for await (const record of store.iterateRecords(kind, filter)) {
          bufferedAtRead.push(out.writableLength);
          yield record;
        }
      },
    } as unknown as Store;
    const result = await exportParquet(watched, "comments", { out, rowGroupSize: 10 });
    expect(result.records).toBe(40);
    expect(bufferedAtRead).toHaveLength(40);
    expect(bufferedAtRead.filter((bytes) => bytes > 0)).toEqual([]);
  });

  it("stops with AbortedError when the signal fires; an unknown kind is refused before a byte", async () => {
    await t.store.upsertComments(Array.from({ length: 30 }, (_, i) => comment(`c${i}`, "n1")));
    const controller = new AbortController();
    controller.abort();
    const { out } = memoryOut();
    await expect(exportParquet(t.store, "comments", { out, signal: controller.signal })).rejects.toBeInstanceOf(
      AbortedError,
    );
    const empty = memoryOut();
    await expect(exportParquet(t.store, "likes" as RecordKind, { out: empty.out })).rejects.toBeInstanceOf(
      InvalidInputError,
    );
    expect(empty.bytes()).toHaveLength(0);
  });
});
