// xlsx export read back with exceljs: sheets, frozen header, typed cells, formula safety, Chinese text, and
// every value equal to the JSON lines export.
import { PassThrough } from "node:stream";
import ExcelJS from "exceljs";
import JSZip from "jszip";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { InvalidInputError } from "../../src/core/errors.js";
import { EXPORT_COLUMNS, typedRow } from "../../src/export/columns.js";
import {
  exportXlsx,
  sheetBacklog,
  XLSX_MAX_BACKLOG,
  XLSX_MAX_CELL_CHARS,
  XLSX_TIME_FORMAT,
  xlsxText,
} from "../../src/export/xlsx.js";
import type { Comment, Note } from "../../src/model/types.js";
import { exportRecords, type RecordKind } from "../../src/store/index.js";
import { comment, note, searchHit, topic, user } from "../store/fixtures.js";
import { memoryOut, type TempStore, tempStore } from "./support.js";

async function workbookOf(t: TempStore, kinds: RecordKind[], redact?: (text: string) => string) {
  const { out, bytes } = memoryOut();
  const result = await exportXlsx(t.store, kinds, { out, ...(redact ? { redact } : {}) });
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(bytes() as unknown as ArrayBuffer);
  return { workbook, result };
}

async function jsonLinesOf<T>(t: TempStore, kind: RecordKind): Promise<T[]> {
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on("data", (c: Buffer) => chunks.push(c));
  await exportRecords(t.store, kind, "jsonl", { out });
  return Buffer.concat(chunks)
    .toString("utf8")
    .split("\n")
    .filter(Boolean)
    .map((line) => JSON.parse(line) as T);
}

/** A cell as exceljs reads it, with an empty cell as null. */
function cellValue(sheet: ExcelJS.Worksheet, row: number, column: number): unknown {
  return sheet.getRow(row).getCell(column).value ?? null;
}

const FORMULA_LIKE = ['=HYPERLINK("http://evil","点我")', "+86 电话", "-负面评价", "@SUM(A1)", "\t制表符", "\r回车"];

describe("xlsx export", () => {
  let t: TempStore;
  beforeEach(() => {
    t = tempStore("xlsx");
  });
  afterEach(async () => {
    await t.close();
  });

  it("one sheet per kind in the order given, a bold frozen header, sensible widths", async () => {
    await t.store.upsertNotes([note("n1")]);
    await t.store.upsertUsers([user("u1")]);
    await t.store.upsertComments([comment("c1", "n1"), comment("c2", "n1")]);
    const { workbook, result } = await workbookOf(t, ["notes", "users", "comments"]);
    expect(workbook.worksheets.map((s) => s.name)).toEqual(["notes", "users", "comments"]);
    expect(result.records).toEqual({ notes: 1, users: 1, comments: 2 });
    for (const sheet of workbook.worksheets) {
      const kind = sheet.name as RecordKind;
      expect(sheet.views[0]).toMatchObject({ state: "frozen", ySplit: 1 });
      const header = sheet.getRow(1);
      expect(EXPORT_COLUMNS[kind].map((_, i) => header.getCell(i + 1).value)).toEqual(
        EXPORT_COLUMNS[kind].map((c) => c.name),
      );
      expect(header.getCell(1).font?.bold).toBe(true);
      const width = (name: string) => sheet.getColumn(EXPORT_COLUMNS[kind].findIndex((c) => c.name === name) + 1).width;
      expect(width("id")).toBeGreaterThanOrEqual(24); // a 24-character note id fits
      if (kind !== "users") expect(width("text")).toBeGreaterThan(width("id")!);
    }
    expect(workbook.getWorksheet("comments")!.rowCount).toBe(3);
  });

  it("counts are integer numbers, flags booleans, times UTC dates with a date-time format, null an empty cell", async () => {
    await t.store.upsertNotes([searchHit("n1", { stats: { likes: 12000, collects: 0, comments: null, shares: 5 } })]);
    const { workbook } = await workbookOf(t, ["notes"]);
    const sheet = workbook.getWorksheet("notes")!;
    const col = (name: string) => EXPORT_COLUMNS.notes.findIndex((c) => c.name === name) + 1;
    const cell = (name: string) => sheet.getRow(2).getCell(col(name));
    expect(cell("likes").type).toBe(ExcelJS.ValueType.Number);
    expect(cell("likes").value).toBe(12000);
    expect(cell("collects").value).toBe(0);
    expect(cell("comments").type).toBe(ExcelJS.ValueType.Null);
    // The abbreviation stays visible beside the number.
    expect(JSON.parse(cell("approx").value as string)).toEqual(["likes"]);
    expect(cell("textTruncated").type).toBe(ExcelJS.ValueType.Boolean);
    expect(cell("textTruncated").value).toBe(true);
    expect(cell("fetchedAt").type).toBe(ExcelJS.ValueType.Date);
    expect((cell("fetchedAt").value as Date).toISOString()).toBe("2026-01-30T02:00:00.000Z");
    expect(cell("fetchedAt").numFmt).toBe(XLSX_TIME_FORMAT);
    expect(cell("publishedAt").type).toBe(ExcelJS.ValueType.Null);
    expect(cell("source").type).toBe(ExcelJS.ValueType.String);
  });

  it("text that looks like a formula stays text (no formula is stored), Chinese text intact", async () => {
    await t.store.upsertNotes(FORMULA_LIKE.map((title, i) => note(`n${i}`, { title, text: `周末露营 ${title}` })));
    await t.store.upsertComments([comment("c1", "n0", { text: "=1+1" })]);
    const { workbook } = await workbookOf(t, ["notes", "comments"]);
    const sheet = workbook.getWorksheet("notes")!;
    const titleCol = EXPORT_COLUMNS.notes.findIndex((c) => c.name === "title") + 1;
    const textCol = EXPORT_COLUMNS.notes.findIndex((c) => c.name === "text") + 1;
    FORMULA_LIKE.forEach((title, i) => {
      const cell = sheet.getRow(i + 2).getCell(titleCol);
      expect(cell.type).toBe(ExcelJS.ValueType.String);
      expect(cell.formula).toBeUndefined();
      // Unlike the CSV, no leading quote: a string cell is never evaluated, so the text is kept as stored
      // (a CR is stored as the LF every XML reader turns it into).
      expect(cell.value).toBe(title.replace("\r", "\n"));
      expect(sheet.getRow(i + 2).getCell(textCol).value).toBe(`周末露营 ${title.replace("\r", "\n")}`);
    });
    const textOfComment = workbook.getWorksheet("comments")!.getRow(2).getCell(10);
    expect(textOfComment.type).toBe(ExcelJS.ValueType.String);
    expect(textOfComment.value).toBe("=1+1");
  });

  it("in the file itself: no formula element anywhere, formula-like text in a plain string cell", async () => {
    await t.store.upsertNotes(FORMULA_LIKE.map((title, i) => note(`n${i}`, { title })));
    const { out, bytes } = memoryOut();
    await exportXlsx(t.store, ["notes"], { out });
    // jszip comes with exceljs (its reader): the raw sheet XML, as Excel will parse it.
    const zip = await JSZip.loadAsync(bytes());
    const xml = await zip.file("xl/worksheets/sheet1.xml")!.async("string");
    expect(xml).not.toMatch(/<f[ >]/);
    // t="str" with a value and no <f>: a text value, nothing to evaluate.
    expect(xml).toContain('<c r="C2" t="str"><v>=HYPERLINK(&quot;http://evil&quot;,&quot;点我&quot;)</v></c>');
    expect(xml).toMatch(/<pane ySplit="1"[^>]*state="frozen"/);
  });

  it("every value equals the JSON lines export's (nulls, JSON cells, dates, counts)", async () => {
    const notes = [
      note("n1"),
      searchHit("n2"),
      note("n3", {
        author: null,
        video: { url: "https://v.example/1.mp4", backupUrls: [], durationSec: 12.5, width: 720, height: null },
        type: "video",
      }),
    ];
    const comments = Array.from({ length: 300 }, (_, i) =>
      comment(`c${i}`, "n1", {
        rootId: i % 3 === 0 ? null : "c0",
        replyToUser: i % 5 === 0 ? { id: "u9", nickname: "回复对象", avatarUrl: null, redId: null } : null,
        likes: i % 7 === 0 ? null : i * 11,
        pinned: i % 4 === 0 ? null : i % 2 === 0,
        pictures: i % 6 === 0 ? [`https://p.example/${i}.jpg`] : [],
        text: i % 9 === 0 ? null : `第${i}条评论 😀`,
        createdAt: i % 8 === 0 ? null : new Date(Date.UTC(2026, 0, 1) + i * 61_001).toISOString(),
      }),
    );
    await t.store.upsertNotes(notes);
    await t.store.upsertComments(comments);
    const { workbook } = await workbookOf(t, ["comments", "notes"]);
    for (const kind of ["notes", "comments"] as const) {
      const records = await jsonLinesOf<Note | Comment>(t, kind);
      const sheet = workbook.getWorksheet(kind)!;
      expect(sheet.rowCount).toBe(records.length + 1);
      records.forEach((record, r) => {
        const expected = typedRow(kind, record as never);
        const actual = EXPORT_COLUMNS[kind].map((_, c) => cellValue(sheet, r + 2, c + 1));
        expect(actual).toEqual(expected);
      });
    }
  });

  it("a text longer than Excel's cell limit is cut at the limit", async () => {
    await t.store.upsertNotes([note("n1", { text: "长".repeat(XLSX_MAX_CELL_CHARS + 10) })]);
    const { workbook } = await workbookOf(t, ["notes"]);
    const textCol = EXPORT_COLUMNS.notes.findIndex((c) => c.name === "text") + 1;
    const text = workbook.getWorksheet("notes")!.getRow(2).getCell(textCol).value as string;
    expect(text).toHaveLength(XLSX_MAX_CELL_CHARS);
  });

  it("line ends become LF and characters XML cannot hold are dropped; tabs, emoji and Chinese stay", () => {
    expect(xlsxText("一\r\n二\r三\n四")).toBe("一\n二\n三\n四");
    expect(xlsxText("a\u0000b\u0007c\u000bd\u001fe\u007f")).toBe("abcde");
    expect(xlsxText("\t表 😀")).toBe("\t表 😀");
  });

  it("text cells pass the redactor (a leaked key never reaches the file)", async () => {
    const key = "sk-leaked-0123456789";
    await t.store.upsertTopics([topic("t1", { name: `话题 ${key}` })]);
    const { workbook } = await workbookOf(t, ["topics"], (text) => text.replaceAll(key, "[redacted]"));
    expect(workbook.getWorksheet("topics")!.getRow(2).getCell(2).value).toBe("话题 [redacted]");
  });

  it("reads the backlog of exceljs's sheet stream (the internals the export waits on are where it expects)", async () => {
    const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: new PassThrough(), useStyles: true });
    const sheet = workbook.addWorksheet("s");
    expect(sheetBacklog(sheet)).toBeLessThan(4096); // the sheet's opening XML
    for (let i = 0; i < 2000; i++) sheet.addRow([`第${i}行 ${"长".repeat(100)}`]).commit();
    // Nothing takes the XML yet (the zip reads the sheet later): it waits in exceljs's buffers.
    expect(sheetBacklog(sheet)).toBeGreaterThan(XLSX_MAX_BACKLOG / 2);
  });

  it("an empty kind gives a sheet with the header only", async () => {
    const { workbook, result } = await workbookOf(t, ["users"]);
    expect(result.records).toEqual({ users: 0 });
    expect(workbook.getWorksheet("users")!.rowCount).toBe(1);
  });

  it("unknown, missing or repeated kinds are refused before a byte is written", async () => {
    for (const kinds of [["notes", "likes"], [], ["notes", "notes"]]) {
      const { out, bytes } = memoryOut();
      await expect(exportXlsx(t.store, kinds as RecordKind[], { out })).rejects.toBeInstanceOf(InvalidInputError);
      expect(bytes()).toHaveLength(0);
    }
  });
});
