// Bad inputs end with a clear message, the documented exit code, no paid call and no partial file.
import { mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { EXIT } from "../../src/cli/exit-codes.js";
import { GUIDE } from "../../src/simulator/world/world.js";
import { runCli, simRig } from "./helpers.js";

const rig = simRig();
/** An id the simulator's world does not hold (every series says so explicitly). */
const NO_SUCH_NOTE = "65a0c0de0000000000000000";

function tempDir(): string {
  return mkdtempSync(path.join(tmpdir(), "xhs-cli-"));
}

describe("usage errors (exit 2, nothing paid)", () => {
  const cases: [string, string[], RegExp][] = [
    ["a malformed note ref", ["note", "hello world"], /not a note id, note URL or share link/],
    ["a note ref on another site", ["note", "https://example.com/explore/abc"], /not a note id/],
    [
      "a profile URL given as a note",
      ["note", `https://www.xiaohongshu.com/user/profile/${GUIDE.userId}`],
      /expected a note/,
    ],
    ["a malformed user ref", ["user-notes", "???"], /not a user id/],
    ["a malformed comment id", ["replies", GUIDE.replyNoteId, "a b"], /not a comment id/],
    ["an unknown --sort", ["search", "notes", "露营", "--sort", "best"], /Allowed choices are general, latest/],
    ["an unknown --type", ["search", "notes", "露营", "--type", "gif"], /Allowed choices/],
    ["an unknown --time", ["search", "notes", "露营", "--time", "year"], /Allowed choices/],
    ["an unknown comment --sort", ["comments", GUIDE.replyNoteId, "--sort", "hot"], /Allowed choices/],
    ["an empty keyword", ["search", "notes", "  "], /keyword is empty/],
    ["a --limit that is not a number", ["user-notes", GUIDE.userId, "--limit", "ten"], /whole number/],
    ["a --limit of zero", ["user-notes", GUIDE.userId, "--limit", "0"], /whole number ≥ 1/],
    ["a negative --timeout", ["note", GUIDE.imageNoteId, "--timeout", "-1"], /number/],
    ["an unknown series", ["note", GUIDE.imageNoteId, "--series", "app_v3"], /unknown series "app_v3"/],
    ["a series named twice", ["note", GUIDE.imageNoteId, "--series", "app_v2,app_v2"], /named twice/],
    ["a bad --base-url", ["note", GUIDE.imageNoteId, "--base-url", "ftp://x"], /http\(s\) URL/],
    ["two formats at once", ["note", GUIDE.imageNoteId, "--json", "--csv"], /cannot be used with/],
    ["an unknown option", ["note", GUIDE.imageNoteId, "--colour"], /unknown option/],
    ["an unknown command", ["notes", GUIDE.imageNoteId], /unknown command/],
    ["--sort on topic info", ["topic", GUIDE.topicPageId, "--sort", "latest"], /apply to --notes only/],
    ["a short link given to resolve that is not one", ["resolve", "hello"], /short link/],
  ];
  for (const [name, argv, message] of cases) {
    it(`rejects ${name}`, async () => {
      const before = rig.calls();
      const r = await rig.run(argv);
      expect(r.code, r.stderr).toBe(EXIT.usage);
      expect(r.stderr).toMatch(message);
      expect(r.stdout).toBe("");
      expect(rig.calls()).toBe(before);
    });
  }

  it("rejects an -o path in a folder that does not exist, before any call", async () => {
    const dir = tempDir();
    const before = rig.calls();
    const r = await rig.run(["note", GUIDE.imageNoteId, "-o", path.join(dir, "missing", "note.json")]);
    expect(r.code).toBe(EXIT.usage);
    expect(r.stderr).toMatch(/cannot write to .*note\.json: the folder does not exist/);
    expect(rig.calls()).toBe(before);
    expect(readdirSync(dir)).toEqual([]);
  });

  it("rejects an -o path that is a folder", async () => {
    const dir = tempDir();
    const r = await rig.run(["user-notes", GUIDE.userId, "-o", dir]);
    expect(r.code).toBe(EXIT.usage);
    expect(r.stderr).toMatch(/it is a folder/);
    expect(readdirSync(dir)).toEqual([]);
  });

  it("export: a bad --since date, an unknown kind or format, a missing database", async () => {
    const dir = tempDir();
    const since = await runCli(["export", "notes", "--since", "2026-02-31", "--db", path.join(dir, "x.db")]);
    expect(since.code).toBe(EXIT.usage);
    expect(since.stderr).toMatch(/not a real date/);
    const since2 = await runCli(["export", "notes", "--since", "yesterday"]);
    expect(since2.code).toBe(EXIT.usage);
    expect(since2.stderr).toMatch(/expected a date like 2026-01-31/);
    const kind = await runCli(["export", "posts"]);
    expect(kind.code).toBe(EXIT.usage);
    expect(kind.stderr).toMatch(/Allowed choices are notes, users, comments, topics/);
    const format = await runCli(["export", "notes", "--format", "xlsx"]);
    expect(format.code).toBe(EXIT.usage);
    const missing = await runCli(["export", "notes", "--db", path.join(dir, "nope.db")], { cwd: dir });
    expect(missing.code).toBe(EXIT.usage);
    expect(missing.stderr).toMatch(/no database at .*nope\.db/);
    // Exporting from a mistyped path must not create an empty database there.
    expect(readdirSync(dir)).toEqual([]);
  });

  it("export: a file that is not a database is a usage error and writes no output file", async () => {
    const dir = tempDir();
    writeFileSync(path.join(dir, "junk.db"), "this is not sqlite, just text padded out to look like a file".repeat(20));
    const r = await runCli(["export", "notes", "--db", "junk.db", "-o", "out.csv"], { cwd: dir });
    expect(r.code).toBe(EXIT.usage);
    expect(readdirSync(dir).sort()).toEqual(["junk.db"]);
  });
});

describe("the API key", () => {
  it("missing against TikHub itself: exit 3 with 'set TIKHUB_API_KEY', before any call", async () => {
    let calls = 0;
    const fetch: typeof globalThis.fetch = async () => {
      calls += 1;
      return new Response("{}");
    };
    const r = await runCli(["note", GUIDE.imageNoteId], { env: {}, fetch });
    expect(r.code).toBe(EXIT.auth);
    expect(r.stderr).toMatch(/set TIKHUB_API_KEY/);
    expect(calls).toBe(0);
    const dev = await runCli(["note", GUIDE.imageNoteId, "--base-url", "https://api.tikhub.dev"], { env: {}, fetch });
    expect(dev.code).toBe(EXIT.auth);
    expect(calls).toBe(0);
  });

  it("not needed against a local simulator: the offline quick start works without TIKHUB_API_KEY", async () => {
    const before = rig.calls();
    const r = await rig.run(["note", GUIDE.imageNoteId, "--json"], { env: { TIKHUB_API_KEY: undefined } });
    expect(r.code, r.stderr).toBe(EXIT.ok);
    expect(JSON.parse(r.stdout).id).toBe(GUIDE.imageNoteId);
    expect(rig.calls()).toBeGreaterThan(before);
  });

  const badKeys: [string, string][] = [
    ["a line break inside", "sk-abc\ndef-0123456789"],
    ["a non-ASCII character", "sk-abc“def”0123456789"],
    ["a space inside", "sk-abc def-0123456789"],
  ];
  for (const [what, key] of badKeys) {
    it(`with ${what}: exit 3 and a clear key error, the key never echoed, nothing sent`, async () => {
      const before = rig.calls();
      const r = await rig.run(["note", GUIDE.imageNoteId], { env: { TIKHUB_API_KEY: key } });
      expect(r.code).toBe(EXIT.auth);
      expect(r.stderr).toMatch(/TIKHUB_API_KEY contains/);
      expect(r.stderr).not.toMatch(/try again later/);
      for (const part of ["sk-abc", "def", "0123456789"]) expect(r.stderr).not.toContain(part);
      expect(rig.calls()).toBe(before);
    });
  }

  it("is never taken from a flag", async () => {
    const r = await rig.run(["note", GUIDE.imageNoteId, "--api-key", "abc"]);
    expect(r.code).toBe(EXIT.usage);
    expect(r.stderr).toMatch(/unknown option '--api-key'/);
  });

  it("wrong (401): exit 3 and no other series tried", async () => {
    const strict = simRig({ keys: ["only-this-key"] });
    const r = await strict.run(["note", GUIDE.imageNoteId, "--qps", "0"]);
    expect(r.code).toBe(EXIT.auth);
    expect(r.stderr).toMatch(/Authentication failed/);
    expect(r.stderr).toMatch(/Check the key \(TIKHUB_API_KEY, or each key of TIKHUB_API_KEYS/);
    expect(strict.calls()).toBe(1);
  });
});

describe("errors from the API", () => {
  it("a note that does not exist: exit 5", async () => {
    const r = await rig.run(["note", NO_SUCH_NOTE, "--qps", "0"]);
    expect(r.code, r.stderr).toBe(EXIT.notFound);
    expect(r.stderr).toMatch(/Not found/);
    expect(r.stdout).toBe("");
  });

  it("a failed call with -o leaves no file behind", async () => {
    const dir = tempDir();
    const r = await rig.run(["note", NO_SUCH_NOTE, "--qps", "0", "-o", "note.json"], {
      cwd: dir,
    });
    expect(r.code).toBe(EXIT.notFound);
    expect(readdirSync(dir)).toEqual([]);
  });

  it("--max-calls 1 on a list that needs more: exit 6 with what was fetched and a resume cursor", async () => {
    const dir = tempDir();
    const r = await rig.run(
      ["comments", GUIDE.replyNoteId, "--limit", "200", "--max-calls", "1", "--qps", "0", "-o", "c.jsonl"],
      { cwd: dir },
    );
    expect(r.code, r.stderr).toBe(EXIT.partial);
    expect(r.stderr).toMatch(/Budget reached/);
    expect(r.stderr).toMatch(/Resume with --cursor '/);
    expect(readdirSync(dir)).toEqual(["c.jsonl"]);
  });
});
