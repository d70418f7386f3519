import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openSqliteStore } from "../../src/store/sqlite/sqlite-store.js";
import { sparkline } from "../../src/watch/trend.js";
import { makeNote, makeUser, runCli } from "../cli/helpers.js";

const NOTE = "697c0eee000000000a03c308";
const USER = "61b46d790000000010008153";
const dir = mkdtempSync(join(tmpdir(), "xhs-trend-"));
const db = join(dir, "watch.db");
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const at = (hours: number) => new Date(Date.UTC(2026, 8, 1) + hours * 3_600_000).toISOString();

beforeAll(async () => {
  const store = openSqliteStore(db);
  try {
    for (const [h, likes] of [
      [0, 10],
      [1, 40],
      [6, 400],
      [24, 1000],
    ] as const) {
      await store.upsertNotes([
        makeNote(NOTE, {
          title: "露营\u001b[2J",
          stats: { likes, collects: likes / 10, comments: 1, shares: null },
          fetchedAt: at(h),
        }),
      ]);
    }
    for (const [h, followers] of [
      [0, 100],
      [24, 130],
    ] as const)
      await store.upsertUsers([makeUser(USER, { followers, fetchedAt: at(h) })]);
  } finally {
    await store.close();
  }
});

describe("xhs trend", () => {
  it("prints a note's curve: a sparkline, one row per fetch with growth per hour, titles made safe", async () => {
    const { code, stdout, stderr } = await runCli(["trend", NOTE, "--db", db]);
    expect(stderr).toBe("");
    expect(code).toBe(0);
    const lines = stdout.trimEnd().split("\n");
    expect(lines[0]).toBe(`note ${NOTE}  露营`);
    expect(lines[1]).toMatch(/^likes ▁[▁-█]+█$/);
    expect(lines[2]).toMatch(/^fetched \(UTC\)\s+likes\s+collects\s+comments\s+shares\s+likes\/h\s+source$/);
    expect(lines[3]).toMatch(/^2026-09-01 00:00\s+10\s+1\s+1\s+-\s+app_v2$/);
    expect(lines[4]).toMatch(/^2026-09-01 01:00\s+40\s+4\s+1\s+-\s+\+30\s+app_v2$/);
    expect(lines[5]).toMatch(/\s400\s.*\+72\s+app_v2$/);
    expect(lines).toHaveLength(7);
  });

  it("gives the points as JSON and CSV", async () => {
    const json = await runCli(["trend", `https://www.xiaohongshu.com/explore/${NOTE}`, "--db", db, "--json"]);
    expect(json.code).toBe(0);
    const trend = JSON.parse(json.stdout);
    expect(trend.kind).toBe("note");
    expect(trend.points.map((p: { values: { likes: number } }) => p.values.likes)).toEqual([10, 40, 400, 1000]);
    const csv = await runCli(["trend", NOTE, "--db", db, "--csv"]);
    expect(
      csv.stdout
        .replace(/^\uFEFF/, "")
        .split("\n")
        .slice(0, 2),
    ).toEqual(["kind,id,fetchedAt,source,likes,collects,comments,shares", `note,${NOTE},${at(0)},app_v2,10,1,1,`]);
  });

  it("names its CSV columns as `xhs export observations` does, for the same data (one convention)", async () => {
    const header = async (args: string[]) => {
      const { code, stdout, stderr } = await runCli(args);
      expect(code, stderr).toBe(0);
      return stdout
        .replace(/^\uFEFF/, "")
        .split("\n")[0]!
        .split(",");
    };
    const exported = await header(["export", "observations", "--db", db, "--format", "csv"]);
    for (const ref of [[NOTE], [USER, "--user"]]) {
      const trend = await header(["trend", ...ref, "--db", db, "--csv"]);
      expect(trend.filter((column) => !exported.includes(column))).toEqual([]);
    }
  });

  it("a user's followers: a bare id that is no stored note is tried as a user", async () => {
    const { code, stdout } = await runCli(["trend", USER, "--db", db]);
    expect(code).toBe(0);
    expect(stdout).toContain(`user ${USER}  用户`);
    expect(stdout).toMatch(/2026-09-02 00:00\s+130\s+1\s+5\s+2\s+\+1\.3\s+app_v2/);
  });

  it("refuses what it cannot read with exit 2, creating nothing", async () => {
    const missing = await runCli(["trend", NOTE, "--db", join(dir, "nope.db")]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("no database at");
    const unknown = await runCli(["trend", "5a8cf39111be10466d285d6b", "--db", db]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('no note or user "5a8cf39111be10466d285d6b"');
    const short = await runCli(["trend", "http://xhslink.com/a/abcdefg", "--db", db]);
    expect(short.code).toBe(2);
    expect(short.stderr).toContain("short links");
  });
});

describe("sparkline", () => {
  it("spreads columns over time, holds the last value, and draws a flat series low", () => {
    const points = [
      { at: 0, value: 0 },
      { at: 1, value: 0 },
      { at: 10, value: 100 },
    ];
    expect(sparkline(points, 11)).toBe("▁▁▁▁▁▁▁▁▁▁█");
    expect(
      sparkline(
        [
          { at: 0, value: 5 },
          { at: 10, value: 5 },
        ],
        4,
      ),
    ).toBe("▁▁▁▁");
    expect(sparkline([], 4)).toBe("");
    expect(
      sparkline(
        [
          { at: 0, value: null },
          { at: 3, value: 7 },
        ],
        4,
      ),
    ).toBe("▁");
  });
});
