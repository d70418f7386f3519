import { readFileSync } from "node:fs";
import { join } from "node:path";
import ExcelJS from "exceljs";
import { parquetReadObjects } from "hyparquet";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { MediaFile } from "../../src/model/media-file.js";
import { openPostgresStore } from "../../src/store/postgres/open.js";
import { SqlMediaIndex } from "../../src/store/sql/media.js";
import type { SqlStore } from "../../src/store/sql/sql-store.js";
import { runCli } from "../cli/helpers.js";
import { note, user } from "../store/fixtures.js";
import { type FreshDatabase, freshPostgresDatabase, hasPostgres } from "../support/services.js";
import { arrayBufferOf, type TempStore, tempStore } from "./support.js";

const N1 = "697c0eee000000000a03c301";
const N2 = "697c0eee000000000a03c302";
const U1 = "61b46d790000000010008153";

const media = (noteId: string, index: number, over: Partial<MediaFile> = {}): MediaFile => ({
  noteId,
  kind: "image",
  index,
  sourceUrl: `https://ci.xiaohongshu.com/tok${index}`,
  rule: "ci-original",
  sha256: `${index}`.repeat(64),
  bytes: 1000 + index,
  format: "jpeg",
  path: `${noteId}/${index + 1}.jpg`,
  width: 1080,
  height: 1440,
  durationSec: null,
  watermarked: false,
  fetchedAt: "2026-12-01T10:00:00.000Z",
  ...over,
});

/** Three media rows; three fetches of N1's counts (one by run r1), one of N2's, two of U1's. */
async function seed(store: SqlStore): Promise<void> {
  const index = new SqlMediaIndex(store);
  await index.put(media(N1, 0));
  await index.put(media(N1, 1, { sourceUrl: "=HYPERLINK(1)" }));
  await index.put(
    media(N2, 0, { kind: "video", format: "mp4", durationSec: 12.5, fetchedAt: "2026-12-03T10:00:00.000Z" }),
  );
  // Three fetches of N1's counts, one of N2's, two of U1's: the engagement series.
  await store.createRun({ id: "r1", plan: {} });
  await store.upsertNotes([note(N1, { fetchedAt: "2026-12-01T00:00:00.000Z" })], { runId: "r1" });
  await store.upsertNotes([
    note(N1, { fetchedAt: "2026-12-02T00:00:00.000Z", stats: { likes: 130, collects: 31, comments: 12, shares: 4 } }),
  ]);
  await store.upsertNotes([
    note(N1, { fetchedAt: "2026-12-03T00:00:00.000Z", stats: { likes: 150, collects: 31, comments: 13, shares: 4 } }),
  ]);
  await store.upsertNotes([note(N2, { fetchedAt: "2026-12-02T00:00:00.000Z" })]);
  await store.upsertUsers([user(U1, { fetchedAt: "2026-12-01T00:00:00.000Z" })]);
  await store.upsertUsers([user(U1, { fetchedAt: "2026-12-03T00:00:00.000Z", followers: 1200 })]);
}

describe("xhs export media and observations", () => {
  let t: TempStore;
  let db: string;
  beforeEach(async () => {
    t = tempStore("export-tables");
    db = join(t.dir, "x.db");
    await seed(t.store);
  });
  afterEach(async () => {
    await t.close();
  });

  it("media as CSV, JSON lines and JSON: every row with its fields, formulas escaped", async () => {
    const csv = await runCli(["export", "media", "--db", db, "--format", "csv"]);
    expect(csv.code).toBe(0);
    const lines = csv.stdout
      .replace(/^\uFEFF/, "")
      .trim()
      .split("\n");
    expect(lines[0]).toBe(
      "noteId,kind,index,sourceUrl,rule,sha256,bytes,format,path,width,height,durationSec,watermarked,fetchedAt",
    );
    expect(lines).toHaveLength(4);
    expect(lines[2]).toContain("'=HYPERLINK(1)");
    expect(lines[3]).toContain(`${N2},video,1,`);
    // The index a person reads agrees with the file name beside it: index 1 is <noteId>/1.jpg.
    for (const line of lines.slice(1)) {
      const [, , index, , , , , , path] = line.split(",");
      expect(path).toMatch(new RegExp(`/${index}\\.`));
    }
    expect(lines[3]).toContain(",12.5,false,2026-12-03T10:00:00.000Z");
    expect(csv.stderr).toContain("Exported 3 media");

    const jsonl = await runCli(["export", "media", "--db", db, "--format", "jsonl", "--note", N2]);
    expect(
      jsonl.stdout
        .trim()
        .split("\n")
        .map((l) => JSON.parse(l)),
    ).toEqual([
      {
        ...media(N2, 0, { kind: "video", format: "mp4", durationSec: 12.5, fetchedAt: "2026-12-03T10:00:00.000Z" }),
        index: 1,
      },
    ]);
    const json = await runCli(["export", "media", "--db", db, "--format", "json", "--since", "2026-12-02"]);
    expect((JSON.parse(json.stdout) as MediaFile[]).map((r) => r.noteId)).toEqual([N2]);
    // --run: the media of the notes that run fetched.
    const run = await runCli(["export", "media", "--db", db, "--format", "jsonl", "--run", "r1"]);
    expect(run.stdout.trim().split("\n")).toHaveLength(2);
  });

  it("observations: one row per fetch of counts, notes then users, filtered by --note, --user, --since, --run", async () => {
    const all = await runCli(["export", "observations", "--db", db, "--format", "csv"]);
    expect(all.code).toBe(0);
    const rows = all.stdout
      .replace(/^\uFEFF/, "")
      .trim()
      .split("\n");
    expect(rows[0]).toBe(
      "kind,id,fetchedAt,source,runId,likes,collects,comments,shares,followers,following,likesAndCollects,noteCount,approx",
    );
    expect(rows.slice(1).map((r) => r.split(",").slice(0, 2).join(","))).toEqual([
      `note,${N1}`,
      `note,${N1}`,
      `note,${N1}`,
      `note,${N2}`,
      `user,${U1}`,
      `user,${U1}`,
    ]);
    const one = await runCli(["export", "observations", "--db", db, "--format", "jsonl", "--note", N1]);
    const series = one.stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(series.map((o) => [o.kind, o.noteId, o.likes])).toEqual([
      ["note", N1, 120],
      ["note", N1, 130],
      ["note", N1, 150],
    ]);
    expect(series[0]).toMatchObject({ runId: "r1", fetchedAt: "2026-12-01T00:00:00.000Z" });
    const users = await runCli([
      "export",
      "observations",
      "--db",
      db,
      "--format",
      "json",
      "--user",
      U1,
      "--since",
      "2026-12-02",
    ]);
    expect(JSON.parse(users.stdout)).toEqual([expect.objectContaining({ kind: "user", userId: U1, followers: 1200 })]);
    const both = await runCli(["export", "observations", "--db", db, "--format", "jsonl", "--note", N2, "--user", U1]);
    expect(both.stdout.trim().split("\n")).toHaveLength(3);
    const run = await runCli(["export", "observations", "--db", db, "--format", "jsonl", "--run", "r1"]);
    expect(run.stdout.trim().split("\n")).toHaveLength(1);
  });

  it("xlsx with records, media and observations sheets; parquet of media with typed columns", async () => {
    const xlsx = await runCli(["export", "notes", "media", "observations", "--db", db, "-o", join(t.dir, "all.xlsx")]);
    expect(xlsx.code).toBe(0);
    expect(xlsx.stderr).toContain("2 notes, 3 media, 6 observations");
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.readFile(join(t.dir, "all.xlsx"));
    expect(workbook.worksheets.map((s) => s.name)).toEqual(["notes", "media", "observations"]);
    const sheet = workbook.getWorksheet("media")!;
    expect(sheet.rowCount).toBe(4);
    expect(sheet.getRow(4).getCell(12).value).toBe(12.5);
    expect(sheet.getRow(2).getCell(7).value).toBe(1000);
    expect(sheet.getRow(2).getCell(14).value).toEqual(new Date("2026-12-01T10:00:00.000Z"));
    // Every column of every sheet is sized (a column exceljs leaves unsized reads back without a width).
    for (const each of workbook.worksheets) {
      const header = each.getRow(1);
      const unsized = [];
      for (let i = 1; i <= header.cellCount; i++)
        if (each.getColumn(i).width === undefined) unsized.push(header.getCell(i).value);
      expect(unsized, each.name).toEqual([]);
    }
    const observations = workbook.getWorksheet("observations")!;
    const runColumn = (observations.getRow(1).values as unknown[]).indexOf("runId");
    expect(observations.getColumn(runColumn).width).toBeGreaterThanOrEqual("20261203-205512-a1b2c3".length);

    const parquet = await runCli(["export", "media", "--db", db, "-o", join(t.dir, "media.parquet")]);
    expect(parquet.code).toBe(0);
    const objects = await parquetReadObjects({ file: arrayBufferOf(readFileSync(join(t.dir, "media.parquet"))) });
    expect(objects).toHaveLength(3);
    expect(objects[2]).toMatchObject({
      noteId: N2,
      kind: "video",
      bytes: 1000n,
      durationSec: 12.5,
      watermarked: false,
    });
    const obs = await runCli(["export", "observations", "--db", db, "-o", join(t.dir, "obs.parquet"), "--user", U1]);
    expect(obs.code).toBe(0);
    const o = await parquetReadObjects({ file: arrayBufferOf(readFileSync(join(t.dir, "obs.parquet"))) });
    expect(o.map((r) => [r.kind, r.followers, r.likes])).toEqual([
      ["user", 1000n, null],
      ["user", 1200n, null],
    ]);
  });

  it("refuses filters that do not fit the kind, and bad ids, before opening anything (exit 2)", async () => {
    const noteOnRecords = await runCli(["export", "notes", "--db", db, "--note", N1]);
    expect(noteOnRecords.code).toBe(2);
    expect(noteOnRecords.stderr).toContain("--note selects media and observations only");
    const userOnMedia = await runCli(["export", "media", "--db", db, "--user", U1]);
    expect(userOnMedia.code).toBe(2);
    const badId = await runCli(["export", "observations", "--db", db, "--note", "not-a-note"]);
    expect(badId.code).toBe(2);
    const twoText = await runCli(["export", "media", "observations", "--db", db, "--format", "csv"]);
    expect(twoText.code).toBe(2);
  });
});

describe.skipIf(!hasPostgres())("xhs export media and observations (Postgres)", () => {
  let database: FreshDatabase;
  beforeAll(async () => {
    database = await freshPostgresDatabase("export_tables");
    const store = await openPostgresStore(database.url);
    await seed(store);
    await store.close();
  });
  afterAll(async () => {
    await database?.drop();
  });

  it("reads the same rows from a Postgres store", async () => {
    const media = await runCli(["export", "media", "--db", database.url, "--format", "jsonl", "--run", "r1"]);
    expect(media.code, media.stderr).toBe(0);
    expect(
      media.stdout
        .trim()
        .split("\n")
        .map((l) => JSON.parse(l).index),
    ).toEqual([1, 2]);
    const obs = await runCli(["export", "observations", "--db", database.url, "--format", "jsonl", "--note", N1]);
    expect(
      obs.stdout
        .trim()
        .split("\n")
        .map((l) => JSON.parse(l).likes),
    ).toEqual([120, 130, 150]);
    const users = await runCli(["export", "observations", "--db", database.url, "--format", "csv", "--user", U1]);
    expect(users.stdout.trim().split("\n")).toHaveLength(3);
  });
});
