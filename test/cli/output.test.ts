// Output formats: CSV escaping and BOM, tables with Chinese text, format choice, atomic files.
import { execFileSync } from "node:child_process";
import {
  chmodSync,
  createReadStream,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { createContext } from "../../src/cli/context.js";
import { openRecordOutput, resolveFormat } from "../../src/cli/output.js";
import { openAtomicFile } from "../../src/cli/output-file.js";
import { csvChunk } from "../../src/cli/record-csv.js";
import { displayWidth, renderTable } from "../../src/cli/record-table.js";
import { terminalLines, terminalText } from "../../src/cli/terminal-text.js";
import { REDACTED } from "../../src/core/redact.js";
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
    expect(text).toContain(REDACTED);
  });
});

describe("-o onto what is not a plain file", () => {
  it("a symlink is written through: its target gets the output, the link stays a link", async () => {
    const dir = tempDir();
    writeFileSync(path.join(dir, "real.json"), "old");
    symlinkSync("real.json", path.join(dir, "link.json"));
    const file = await openAtomicFile(path.join(dir, "link.json"), (t) => t);
    await file.write("new");
    await file.commit();
    expect(lstatSync(path.join(dir, "link.json")).isSymbolicLink()).toBe(true);
    expect(readlinkSync(path.join(dir, "link.json"))).toBe("real.json");
    expect(readFileSync(path.join(dir, "real.json"), "utf8")).toBe("new");
    expect(readdirSync(dir).sort()).toEqual(["link.json", "real.json"]);
  });

  it("a file replaced keeps its permissions; a new one is 0644", async () => {
    const dir = tempDir();
    const target = path.join(dir, "private.jsonl");
    writeFileSync(target, "old");
    chmodSync(target, 0o600);
    const file = await openAtomicFile(target, (t) => t);
    await file.write("new");
    await file.commit();
    expect(readFileSync(target, "utf8")).toBe("new");
    expect(statSync(target).mode & 0o777).toBe(0o600);
    const fresh = await openAtomicFile(path.join(dir, "fresh.jsonl"), (t) => t);
    await fresh.commit();
    expect(statSync(path.join(dir, "fresh.jsonl")).mode & 0o777).toBe(0o644 & ~process.umask());
  });

  it("a dangling symlink creates its target; a chain of links is followed to the end", async () => {
    const dir = tempDir();
    mkdirSync(path.join(dir, "sub"));
    symlinkSync("sub/final.json", path.join(dir, "b.json"));
    symlinkSync("b.json", path.join(dir, "a.json"));
    const file = await openAtomicFile(path.join(dir, "a.json"), (t) => t);
    await file.write("x");
    await file.commit();
    expect(readFileSync(path.join(dir, "sub", "final.json"), "utf8")).toBe("x");
    expect(lstatSync(path.join(dir, "a.json")).isSymbolicLink()).toBe(true);
    expect(lstatSync(path.join(dir, "b.json")).isSymbolicLink()).toBe(true);
  });

  for (const via of ["the FIFO itself", "a symlink to it (like /dev/stdout)"]) {
    it(`a FIFO through ${via} is written directly and stays a FIFO (its reader gets the data)`, async () => {
      const dir = tempDir();
      const fifo = path.join(dir, "pipe");
      execFileSync("mkfifo", [fifo]);
      let target = fifo;
      if (via !== "the FIFO itself") {
        target = path.join(dir, "out");
        symlinkSync(fifo, target);
      }
      const reader = readAll(fifo);
      const { ctx } = ctxWith(false, dir);
      const out = await openRecordOutput(ctx, { jsonl: true, output: target }, "note", { mode: "list" });
      await out.write(makeNote("64f1a2b3000000001e03aaaa"));
      await out.commit();
      expect(JSON.parse(await reader).id).toBe("64f1a2b3000000001e03aaaa");
      expect(lstatSync(fifo).isFIFO()).toBe(true);
      expect(readdirSync(dir).filter((f) => f.endsWith(".tmp"))).toEqual([]);
    });
  }

  // Devices are reached through a link in a temp folder: code that replaced its -o target (the bug
  // this guards against) replaces that link, never the machine's /dev/null or /dev/full.
  it("a device is written directly (through a link): /dev/null stays a device; /dev/full is ENOSPC", async () => {
    const dir = tempDir();
    symlinkSync("/dev/null", path.join(dir, "null"));
    symlinkSync("/dev/full", path.join(dir, "full"));
    const devnull = await openAtomicFile(path.join(dir, "null"), (t) => t);
    await devnull.write("nothing");
    await devnull.commit();
    expect(lstatSync(path.join(dir, "null")).isSymbolicLink()).toBe(true);
    expect(statSync("/dev/null").isCharacterDevice()).toBe(true);
    const full = await openAtomicFile(path.join(dir, "full"), (t) => t);
    await expect(full.write("x")).rejects.toMatchObject({ code: "ENOSPC" });
    await full.discard();
    expect(lstatSync(path.join(dir, "full")).isSymbolicLink()).toBe(true);
  });
});

/** Everything a reader of the FIFO gets until its writer closes it. */
function readAll(fifo: string): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = "";
    createReadStream(fifo, "utf8")
      .on("data", (d) => {
        text += d;
      })
      .on("end", () => resolve(text))
      .on("error", reject);
  });
}

describe("text drawn on a terminal", () => {
  const nasty =
    "A\u001b]0;pwned\u0007B\u001b[2J\u001b[HC\u009b31mD\u009d8;;http://x\u009cE\r\nF\u202eG\u2066H\u0000I\u0008J\u001bPq#0\u001b\\K\u007fL";

  it("terminalText removes escape sequences, controls and bidi overrides, line breaks become spaces", () => {
    expect(terminalText(nasty)).toBe("ABCDE  FGHIJKL");
    expect(terminalText("露营 ⛺️ — ok")).toBe("露营 ⛺️ — ok");
    // An unterminated OSC swallows the rest rather than leaving half a sequence.
    expect(terminalText("ok\u001b]0;title without end")).toBe("ok");
  });

  it("terminalLines filters a multi-line report line by line and keeps its line breaks", () => {
    const line = "x\u001b]0;pwned\u0007y\u001b[2Jz\u202e!";
    expect(terminalLines(`Run report\n  failed: ${line}\n\t${line}`)).toBe("Run report\n  failed: xyz!\n xyz!");
  });

  it("tables and field lists carry no control character; JSON keeps the text as it came", async () => {
    const note = makeNote("64f1a2b3000000001e03aaaa", {
      title: nasty,
      text: nasty,
      author: { id: "5b24961811be105dfe1079d4", nickname: "\u001b[31mred\u001b[0m", avatarUrl: null, redId: null },
    });
    for (const mode of ["list", "single"] as const) {
      const { ctx, stdout } = ctxWith(true);
      const out = await openRecordOutput(ctx, {}, "note", { mode });
      await out.write(note);
      await out.commit();
      expect(stdout.text()).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/);
      expect(stdout.text()).toMatch(/red/);
    }
    const { ctx, stdout } = ctxWith(false);
    const out = await openRecordOutput(ctx, { json: true }, "note", { mode: "single" });
    await out.write(note);
    await out.commit();
    expect(JSON.parse(stdout.text()).title).toBe(nasty);
  });
});
