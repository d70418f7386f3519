// Output formats: CSV escaping and BOM, tables with Chinese text, format choice, atomic files.
import { existsSync, mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { createContext } from "../../src/cli/context.js";
import {
  csvChunk,
  displayWidth,
  openAtomicFile,
  openRecordOutput,
  renderTable,
  resolveFormat,
} from "../../src/cli/output.js";
import { makeNote, memorySink, parseCsv } from "./helpers.js";

function tempDir(): string {
  return mkdtempSync(path.join(tmpdir(), "xhs-out-"));
}

function ctxWith(stdoutTTY = false, cwd = tmpdir(), env: Record<string, string> = {}) {
  const stdout = memorySink(stdoutTTY);
  const stderr = memorySink(false);
  const ctx = createContext({ stdout, stderr, env, cwd }, new AbortController().signal);
  return { ctx, stdout, stderr };
}

describe("CSV", () => {
  it("starts with a UTF-8 BOM and escapes cells starting with = + - @ (formula injection)", () => {
    const text = csvChunk(["a", "b", "c", "d", "e", "f"], [["=1+1", "+SUM(A1)", "-2+3", "@cmd", "露营 = 好", "-"]]);
    expect(text.startsWith("\uFEFF")).toBe(true);
    const rows = parseCsv(text);
    expect(rows[1]).toEqual(["'=1+1", "'+SUM(A1)", "'-2+3", "'@cmd", "露营 = 好", "'-"]);
  });

  it("leaves negative numbers, quotes, commas and newlines intact", () => {
    const rows = parseCsv(csvChunk(["n", "s"], [[-5, 'say "hi", then\nleave']]));
    expect(rows[1]).toEqual(["-5", 'say "hi", then\nleave']);
  });

  it("a list written as CSV has one BOM and one header, and Chinese text round-trips as UTF-8", async () => {
    const dir = tempDir();
    const { ctx } = ctxWith(false, dir);
    const out = await openRecordOutput(ctx, { csv: true, output: "notes.csv" }, "note", { mode: "list" });
    await out.write(makeNote("64f1a2b3000000001e03aaaa", { title: '=HYPERLINK("x")', text: "周末去露营⛺️" }));
    await out.write(makeNote("64f1a2b3000000001e03bbbb", { title: "@everyone", tags: ["露营", "户外"] }));
    await out.commit();
    const bytes = readFileSync(path.join(dir, "notes.csv"));
    expect(bytes.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
    const rows = parseCsv(bytes.toString("utf8"));
    expect(rows).toHaveLength(3);
    const header = rows[0]!;
    expect(rows[1]![header.indexOf("title")]).toBe('\'=HYPERLINK("x")');
    expect(rows[1]![header.indexOf("text")]).toBe("周末去露营⛺️");
    expect(rows[2]![header.indexOf("title")]).toBe("'@everyone");
    expect(JSON.parse(rows[2]![header.indexOf("tags")]!)).toEqual(["露营", "户外"]);
    expect(rows[1]![header.indexOf("textTruncated")]).toBe("false");
  });

  it("an empty list still gets the header", async () => {
    const { ctx, stdout } = ctxWith();
    const out = await openRecordOutput(ctx, { csv: true }, "user", { mode: "list" });
    await out.commit();
    expect(parseCsv(stdout.text())).toEqual([expect.arrayContaining(["id", "nickname", "followers"])]);
  });
});

describe("JSON formats", () => {
  it("--json list is a valid array, also when empty; --jsonl one record per line", async () => {
    const a = ctxWith();
    const list = await openRecordOutput(a.ctx, { json: true }, "note", { mode: "list" });
    await list.write(makeNote("64f1a2b3000000001e03aaaa"));
    await list.write(makeNote("64f1a2b3000000001e03bbbb"));
    await list.commit();
    expect((JSON.parse(a.stdout.text()) as { id: string }[]).map((n) => n.id)).toEqual([
      "64f1a2b3000000001e03aaaa",
      "64f1a2b3000000001e03bbbb",
    ]);

    const b = ctxWith();
    const empty = await openRecordOutput(b.ctx, { json: true }, "note", { mode: "list" });
    await empty.commit();
    expect(JSON.parse(b.stdout.text())).toEqual([]);

    const c = ctxWith();
    const lines = await openRecordOutput(c.ctx, { jsonl: true }, "note", { mode: "list" });
    await lines.write(makeNote("64f1a2b3000000001e03aaaa"));
    await lines.commit();
    expect(c.stdout.text().trimEnd().split("\n")).toHaveLength(1);
  });
});

describe("format choice", () => {
  it("flags win; -o picks by extension; a terminal gets a table, a pipe JSON lines", () => {
    expect(resolveFormat({ csv: true, output: "x.json" }, true)).toBe("csv");
    expect(resolveFormat({ output: "x.csv" }, true)).toBe("csv");
    expect(resolveFormat({ output: "x.JSON" }, false)).toBe("json");
    expect(resolveFormat({ output: "x.jsonl" }, false)).toBe("jsonl");
    expect(resolveFormat({ output: "x.txt" }, true)).toBe("jsonl");
    expect(resolveFormat({}, true)).toBe("table");
    expect(resolveFormat({}, false)).toBe("jsonl");
  });
});

describe("tables", () => {
  it("counts CJK and emoji as two columns, so columns line up", () => {
    expect(displayWidth("abc")).toBe(3);
    expect(displayWidth("露营")).toBe(4);
    expect(displayWidth("⛺️a")).toBeGreaterThanOrEqual(2);
    const text = renderTable(
      ["name", "n"],
      [
        ["露营", "1"],
        ["camping", "22"],
      ],
    );
    const [header, , row1, row2] = text.trimEnd().split("\n");
    const col = (line: string) => displayWidth(line.slice(0, line.lastIndexOf(" ") + 1));
    expect(col(row1!)).toBe(col(row2!));
    expect(col(header!)).toBe(col(row2!));
  });

  it("marks approximate counts with ~ and cuts long titles", async () => {
    const { ctx, stdout } = ctxWith(true);
    const out = await openRecordOutput(ctx, {}, "note", { mode: "list" });
    await out.write(
      makeNote("64f1a2b3000000001e03aaaa", {
        title: "一个非常非常非常非常非常非常非常非常非常非常长的标题",
        stats: { likes: 12000, collects: 3, comments: 4, shares: 5 },
        approx: ["likes"],
      }),
    );
    await out.commit();
    expect(stdout.text()).toMatch(/~12000/);
    expect(stdout.text()).toMatch(/…/);
  });
});

describe("atomic files", () => {
  it("nothing appears under the target name until commit; discard leaves no file at all", async () => {
    const dir = tempDir();
    const target = path.join(dir, "out.jsonl");
    const file = await openAtomicFile(target, (t) => t);
    await file.write("one\n");
    expect(existsSync(target)).toBe(false);
    await file.discard();
    expect(readdirSync(dir)).toEqual([]);

    const again = await openAtomicFile(target, (t) => t);
    await again.write("two\n");
    await again.commit();
    expect(readFileSync(target, "utf8")).toBe("two\n");
    expect(readdirSync(dir)).toEqual(["out.jsonl"]);
  });

  it("replaces an existing file only on commit", async () => {
    const dir = tempDir();
    const target = path.join(dir, "out.json");
    const first = await openAtomicFile(target, (t) => t);
    await first.write("old");
    await first.commit();
    const second = await openAtomicFile(target, (t) => t);
    await second.write("new, half-");
    expect(readFileSync(target, "utf8")).toBe("old");
    await second.discard();
    expect(readFileSync(target, "utf8")).toBe("old");
  });

  it("redacts the key in what it writes", async () => {
    const dir = tempDir();
    const { ctx } = ctxWith(false, dir, { TIKHUB_API_KEY: "sk-secret-key-42" });
    const out = await openRecordOutput(ctx, { jsonl: true, output: "n.jsonl" }, "note", { mode: "list" });
    await out.write(makeNote("64f1a2b3000000001e03aaaa", { text: "echo sk-secret-key-42" }));
    await out.commit();
    const text = readFileSync(path.join(dir, "n.jsonl"), "utf8");
    expect(text).not.toContain("sk-secret-key-42");
    expect(text).toContain("[redacted]");
  });
});
