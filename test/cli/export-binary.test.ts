// `xhs export … --format xlsx|parquet`: files read back, names, atomic writes, bad input, secrets.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import ExcelJS from "exceljs";
import { parquetReadObjects } from "hyparquet";
import { beforeAll, describe, expect, it } from "vitest";
import { EXIT } from "../../src/cli/exit-codes.js";
import { openSqliteStore } from "../../src/store/sqlite/sqlite-store.js";
import { makeComment, makeNote, makeUser, runCli } from "./helpers.js";

const N1 = "64f1a2b3000000001e03aaaa";
const N2 = "64f1a2b3000000001e03bbbb";
const KEY = "sk-export-secret-0123456789abcdef";
let dir = "";
let db = "";

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), "xhs-export-bin-"));
  db = path.join(dir, "xhs.db");
  const store = openSqliteStore(db);
  await store.upsertNotes([
    makeNote(N1, { title: "=cmd|' /C calc'!A0", text: `周末露营 ${KEY}` }),
    makeNote(N2, { title: "第二篇" }),
  ]);
  await store.upsertUsers([makeUser("5b24961811be105dfe1079d4")]);
  await store.upsertComments(
    Array.from({ length: 30 }, (_, i) => makeComment(`68f599c1000000001b02${String(i).padStart(4, "0")}`, N1)),
  );
  await store.close();
});

const outDir = () => mkdtempSync(path.join(tmpdir(), "xhs-export-bin-out-"));
const arrayBuffer = (file: string): ArrayBuffer => {
  const bytes = readFileSync(file);
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
};

describe("xhs export --format xlsx", () => {
  it("several kinds into one workbook, a sheet each, format taken from the extension", async () => {
    const out = outDir();
    const r = await runCli(["export", "notes", "users", "comments", "--db", db, "-o", "crawl.xlsx"], { cwd: out });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/Exported 2 notes, 1 user, 30 comments to crawl\.xlsx/);
    expect(r.stdout).toBe("");
    expect(readdirSync(out)).toEqual(["crawl.xlsx"]);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.readFile(path.join(out, "crawl.xlsx"));
    expect(workbook.worksheets.map((s) => s.name)).toEqual(["notes", "users", "comments"]);
    expect(workbook.getWorksheet("comments")!.rowCount).toBe(31);
    const notes = workbook.getWorksheet("notes")!;
    const header = notes.getRow(1).values as unknown[];
    const title = notes.getRow(2).getCell(header.indexOf("title"));
    expect(title.type).toBe(ExcelJS.ValueType.String);
    expect(title.value).toBe("=cmd|' /C calc'!A0");
  });

  it("the API key never reaches the file", async () => {
    const out = outDir();
    const r = await runCli(["export", "notes", "--db", db, "--format", "xlsx", "-o", "n.xlsx"], {
      cwd: out,
      env: { TIKHUB_API_KEY: KEY },
    });
    expect(r.code, r.stderr).toBe(0);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.readFile(path.join(out, "n.xlsx"));
    const texts: string[] = [];
    workbook.getWorksheet("notes")!.eachRow((row) => {
      row.eachCell((cell) => {
        if (typeof cell.value === "string") texts.push(cell.value);
      });
    });
    expect(texts.some((text) => text.includes("周末露营"))).toBe(true);
    expect(texts.some((text) => text.includes(KEY))).toBe(false);
  });

  it("replacing a file keeps its permissions; an interrupted export leaves the old file and no temp file", async () => {
    const out = outDir();
    writeFileSync(path.join(out, "old.xlsx"), "old", { mode: 0o600 });
    const controller = new AbortController();
    controller.abort();
    const r = await runCli(["export", "comments", "--db", db, "-o", "old.xlsx"], {
      cwd: out,
      signal: controller.signal,
    });
    expect(r.code).toBe(EXIT.interrupted);
    expect(readdirSync(out)).toEqual(["old.xlsx"]);
    expect(readFileSync(path.join(out, "old.xlsx"), "utf8")).toBe("old");
    const ok = await runCli(["export", "comments", "--db", db, "-o", "old.xlsx"], { cwd: out });
    expect(ok.code, ok.stderr).toBe(0);
    expect(readdirSync(out)).toEqual(["old.xlsx"]);
    expect(statSync(path.join(out, "old.xlsx")).mode & 0o777).toBe(0o600);
  });
});

describe("xhs export --format parquet", () => {
  it("one kind to one file (format from the extension)", async () => {
    const out = outDir();
    const r = await runCli(["export", "comments", "--db", db, "-o", "comments.parquet"], { cwd: out });
    expect(r.code, r.stderr).toBe(0);
    expect(readdirSync(out)).toEqual(["comments.parquet"]);
    const rows = await parquetReadObjects({ file: arrayBuffer(path.join(out, "comments.parquet")) });
    expect(rows).toHaveLength(30);
    expect(typeof rows[0]!.likes).toBe("bigint");
  });

  it("several kinds into a folder, <kind>.parquet each; the key is redacted", async () => {
    const out = outDir();
    const r = await runCli(["export", "notes", "users", "--db", db, "--format", "parquet", "-o", "pq"], {
      cwd: out,
      env: { TIKHUB_API_KEY: KEY },
    });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/Exported 2 notes, 1 user to pq/);
    expect(readdirSync(path.join(out, "pq")).sort()).toEqual(["notes.parquet", "users.parquet"]);
    const notes = await parquetReadObjects({ file: arrayBuffer(path.join(out, "pq", "notes.parquet")) });
    expect(notes.map((n) => n.id)).toEqual([N1, N2]);
    expect(String(notes[0]!.text)).not.toContain(KEY);
    expect(notes[0]!.text).toBe("周末露营 [REDACTED]");
    const users = await parquetReadObjects({ file: arrayBuffer(path.join(out, "pq", "users.parquet")) });
    expect(users).toHaveLength(1);
  });

  it("an existing folder (or one ending with /) takes <kind>.parquet even for one kind", async () => {
    const out = outDir();
    mkdirSync(path.join(out, "existing"));
    const r = await runCli(["export", "users", "--db", db, "--format", "parquet", "-o", "existing"], { cwd: out });
    expect(r.code, r.stderr).toBe(0);
    expect(readdirSync(path.join(out, "existing"))).toEqual(["users.parquet"]);
    const slash = await runCli(["export", "users", "--db", db, "-o", "fresh.parquet/"], { cwd: out });
    expect(slash.code, slash.stderr).toBe(0);
    expect(readdirSync(path.join(out, "fresh.parquet"))).toEqual(["users.parquet"]);
  });

  it("interrupted: no file under a final name, no temp file, a folder it made is removed", async () => {
    const out = outDir();
    const controller = new AbortController();
    controller.abort();
    const r = await runCli(["export", "notes", "comments", "--db", db, "--format", "parquet", "-o", "pq"], {
      cwd: out,
      signal: controller.signal,
    });
    expect(r.code).toBe(EXIT.interrupted);
    expect(readdirSync(out)).toEqual([]);
  });
});

describe("xhs export: bad input is exit 2 before anything is written", () => {
  it("an unknown format, several kinds in a one-kind format, a binary format without -o", async () => {
    const out = outDir();
    const format = await runCli(["export", "notes", "--db", db, "--format", "xml"], { cwd: out });
    expect(format.code).toBe(EXIT.usage);
    expect(format.stderr).toMatch(/Allowed choices are csv, jsonl, json, xlsx, parquet/);
    const several = await runCli(["export", "notes", "users", "--db", db, "--format", "csv", "-o", "x.csv"], {
      cwd: out,
    });
    expect(several.code).toBe(EXIT.usage);
    expect(several.stderr).toMatch(/csv holds one kind/);
    const twice = await runCli(["export", "notes", "notes", "--db", db, "-o", "x.xlsx"], { cwd: out });
    expect(twice.code).toBe(EXIT.usage);
    for (const binary of ["xlsx", "parquet"]) {
      const r = await runCli(["export", "notes", "--db", db, "--format", binary], { cwd: out });
      expect(r.code).toBe(EXIT.usage);
      expect(r.stderr).toMatch(/binary file: pass -o FILE/);
      expect(r.stdout).toBe("");
    }
    expect(readdirSync(out)).toEqual([]);
  });

  it("an unwritable -o: a missing folder, a folder as the xlsx file, a file in the way of the parquet folder", async () => {
    const out = outDir();
    const missing = await runCli(["export", "notes", "--db", db, "-o", path.join(out, "no", "such", "x.xlsx")]);
    expect(missing.code).toBe(EXIT.usage);
    expect(missing.stderr).toMatch(/cannot write to .*the folder does not exist/);
    mkdirSync(path.join(out, "a-folder.xlsx"));
    const folder = await runCli(["export", "notes", "--db", db, "-o", "a-folder.xlsx"], { cwd: out });
    expect(folder.code).toBe(EXIT.usage);
    expect(folder.stderr).toMatch(/it is a folder/);
    writeFileSync(path.join(out, "pq"), "a file");
    const inTheWay = await runCli(["export", "notes", "users", "--db", db, "--format", "parquet", "-o", "pq"], {
      cwd: out,
    });
    expect(inTheWay.code).toBe(EXIT.usage);
    expect(inTheWay.stderr).toMatch(/not a folder/);
    const noParent = await runCli(
      ["export", "notes", "users", "--db", db, "--format", "parquet", "-o", path.join(out, "x", "y")],
      { cwd: out },
    );
    expect(noParent.code).toBe(EXIT.usage);
    expect(noParent.stderr).toMatch(/cannot create the folder/);
    expect(readdirSync(out).sort()).toEqual(["a-folder.xlsx", "pq"]);
  });
});
