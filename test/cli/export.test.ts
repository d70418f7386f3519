// `xhs export` over a SQLite store written through the store port.
import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { EXIT } from "../../src/cli/exit-codes.js";
import type { Note } from "../../src/model/types.js";
import { openSqliteStore } from "../../src/store/sqlite/sqlite-store.js";
import { jsonLines, makeComment, makeNote, makeUser, parseCsv, runCli } from "./helpers.js";

const N1 = "64f1a2b3000000001e03aaaa";
const N2 = "64f1a2b3000000001e03bbbb";
let dir = "";
let runId = "";

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), "xhs-export-"));
  const store = openSqliteStore(path.join(dir, "xhs.db"));
  const run = await store.createRun();
  runId = run.id;
  await store.upsertNotes([makeNote(N1, { title: "=cmd|' /C calc'!A0", text: "周末露营" })], { runId });
  await store.upsertNotes([makeNote(N2, { title: "第二篇", fetchedAt: "2026-02-10T00:00:00.000Z" })]);
  await store.upsertUsers([makeUser("5b24961811be105dfe1079d4")], { runId });
  await store.upsertComments([makeComment("68f599c1000000001b0249a5", N1, { text: "+1 好看" })], { runId });
  await store.close();
});

describe("xhs export", () => {
  it("notes as CSV: BOM, Chinese text, formula escaping", async () => {
    const r = await runCli(["export", "notes", "--format", "csv"], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.startsWith("\uFEFF")).toBe(true);
    const rows = parseCsv(r.stdout);
    const header = rows[0]!;
    const byId = new Map(rows.slice(1).map((row) => [row[0], row]));
    expect(byId.get(N1)?.[header.indexOf("title")]).toBe("'=cmd|' /C calc'!A0");
    expect(byId.get(N1)?.[header.indexOf("text")]).toBe("周末露营");
    expect(r.stderr).toMatch(/Exported 2 notes/);
  });

  it("jsonl and json round-trip the stored records; --run and --since filter", async () => {
    const jsonl = await runCli(["export", "notes", "--format", "jsonl"], { cwd: dir });
    expect(
      jsonLines<Note>(jsonl.stdout)
        .map((n) => n.id)
        .sort(),
    ).toEqual([N1, N2]);
    const byRun = await runCli(["export", "notes", "--run", runId, "--format", "json"], { cwd: dir });
    expect((JSON.parse(byRun.stdout) as Note[]).map((n) => n.id)).toEqual([N1]);
    const since = await runCli(["export", "notes", "--since", "2026-02-01", "--format", "json"], { cwd: dir });
    expect((JSON.parse(since.stdout) as Note[]).map((n) => n.id)).toEqual([N2]);
    const comments = await runCli(["export", "comments", "--format", "csv"], { cwd: dir });
    const rows = parseCsv(comments.stdout);
    expect(rows[1]![rows[0]!.indexOf("text")]).toBe("'+1 好看");
  });

  it("-o writes the file atomically and picks the format from the extension", async () => {
    const out = mkdtempSync(path.join(tmpdir(), "xhs-export-out-"));
    const r = await runCli(["export", "users", "--db", path.join(dir, "xhs.db"), "-o", "users.csv"], { cwd: out });
    expect(r.code, r.stderr).toBe(0);
    expect(readdirSync(out)).toEqual(["users.csv"]);
    const rows = parseCsv(readFileSync(path.join(out, "users.csv"), "utf8"));
    expect(rows[0]).toContain("followers");
    expect(rows).toHaveLength(2);
    expect(r.stdout).toBe("");
  });

  it("an unwritable -o path: exit 2, nothing written", async () => {
    const r = await runCli(["export", "users", "-o", path.join(dir, "no", "such", "x.csv")], { cwd: dir });
    expect(r.code).toBe(EXIT.usage);
    expect(r.stderr).toMatch(/cannot write to/);
  });
});
