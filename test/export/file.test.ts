// Export files: complete or absent under their final names, also when an export stops midway.
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { AbortedError, InvalidInputError } from "../../src/core/errors.js";
import { openAtomicFile, openAtomicFolder } from "../../src/export/file.js";
import { exportParquet } from "../../src/export/parquet.js";
import { exportXlsx } from "../../src/export/xlsx.js";
import type { RecordFilter, RecordKind, Store } from "../../src/store/index.js";
import { comment } from "../store/fixtures.js";
import { type TempStore, tempStore } from "./support.js";

/** The store, with the signal fired after `after` records were read. */
function abortingAfter(store: Store, after: number, controller: AbortController): Store {
  return {
    iterateRecords: async function* (kind: RecordKind, filter?: RecordFilter) {
      let n = 0;
      for await (const record of store.iterateRecords(kind, filter)) {
        if (++n > after) controller.abort();
        yield record;
      }
    },
  } as unknown as Store;
}

describe("export files", () => {
  let t: TempStore;
  let out: string;
  beforeEach(async () => {
    t = tempStore("file");
    out = mkdtempSync(path.join(tmpdir(), "xhs-export-file-"));
    await t.store.upsertComments(Array.from({ length: 1200 }, (_, i) => comment(`c${i}`, "n1")));
  });
  afterEach(async () => {
    await t.close();
  });

  it("an xlsx stopped midway leaves the old file as it was and no temp file", async () => {
    writeFileSync(path.join(out, "c.xlsx"), "old");
    const file = await openAtomicFile(path.join(out, "c.xlsx"));
    const controller = new AbortController();
    const store = abortingAfter(t.store, 700, controller);
    await expect(exportXlsx(store, ["comments"], { out: file.out, signal: controller.signal })).rejects.toBeInstanceOf(
      AbortedError,
    );
    await file.discard();
    expect(readdirSync(out)).toEqual(["c.xlsx"]);
    expect(readFileSync(path.join(out, "c.xlsx"), "utf8")).toBe("old");
  });

  it("a parquet folder stopped midway is removed when the export made it", async () => {
    const folder = await openAtomicFolder(path.join(out, "pq"), ["comments.parquet"]);
    const controller = new AbortController();
    const store = abortingAfter(t.store, 700, controller);
    await expect(
      exportParquet(store, "comments", { out: folder.files[0]!.out, signal: controller.signal, rowGroupSize: 100 }),
    ).rejects.toBeInstanceOf(AbortedError);
    await folder.discard();
    expect(readdirSync(out)).toEqual([]);
  });

  it("a complete export is renamed into place; committing before the stream ended is refused", async () => {
    const file = await openAtomicFile(path.join(out, "c.parquet"));
    await expect(file.commit()).rejects.toThrow(/before the export ended/);
    await exportParquet(t.store, "comments", { out: file.out });
    await file.commit();
    expect(readdirSync(out)).toEqual(["c.parquet"]);
    expect(readFileSync(path.join(out, "c.parquet")).subarray(0, 4).toString()).toBe("PAR1");
  });

  it("an unwritable place is an InvalidInputError at open, before any record is read", async () => {
    await expect(openAtomicFile(path.join(out, "missing", "x.xlsx"))).rejects.toBeInstanceOf(InvalidInputError);
    await expect(openAtomicFile(out)).rejects.toThrow(/it is a folder/);
    await expect(openAtomicFolder(path.join(out, "a", "b"), ["x.parquet"])).rejects.toThrow(/cannot create the folder/);
    expect(readdirSync(out)).toEqual([]);
  });
});
