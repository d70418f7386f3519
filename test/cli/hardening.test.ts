// Issue #10's command-line items, as a user meets them: --version, --max-replies alone, the CLI's
// own words in messages, one "Budget reached", the search cap said out loud, I/O errors as exit 2.
import { mkdtempSync, readFileSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { describeError } from "../../src/cli/errors.js";
import { EXIT } from "../../src/cli/exit-codes.js";
import { GUIDE } from "../../src/simulator/world/world.js";
import { runCli, simRig } from "./helpers.js";

const repoRoot = path.resolve(import.meta.dirname, "../..");

describe("--version", () => {
  it("prints package.json's version and exits 0, nothing paid", async () => {
    const { version } = JSON.parse(readFileSync(path.join(repoRoot, "package.json"), "utf8")) as { version: string };
    for (const flag of ["--version", "-V"]) {
      const r = await runCli([flag]);
      expect(r.code).toBe(EXIT.ok);
      expect(r.stdout.trim()).toBe(version);
    }
  });
});

describe("--max-replies without --replies", () => {
  it("implies --replies: replies follow their comments, each thread capped", async () => {
    for (const seed of [1, 2, 5]) {
      const rig = simRig({ seed });
      const r = await rig.run(["comments", GUIDE.replyNoteId, "--max-replies", "2", "--limit", "60", "--json"]);
      expect(r.code, r.stderr).toBe(EXIT.ok);
      const comments = JSON.parse(r.stdout) as { id: string; rootId: string | null }[];
      const replies = comments.filter((c) => c.rootId !== null);
      expect(replies.length).toBeGreaterThan(0);
      const perThread = new Map<string, number>();
      for (const c of replies) perThread.set(c.rootId!, (perThread.get(c.rootId!) ?? 0) + 1);
      expect(Math.max(...perThread.values())).toBeLessThanOrEqual(2);
    }
  });
});

describe("messages in the CLI's words", () => {
  it("a filter no series honours suggests --accept-degraded, not the library's acceptDegraded: true", async () => {
    const rig = simRig();
    const r = await rig.run(["search", "notes", "露营", "--series", "web_v3", "--time", "week"]);
    expect(r.code).toBe(EXIT.usage);
    expect(r.stderr).toMatch(/--accept-degraded/);
    expect(r.stderr).toMatch(/`search notes`/);
    expect(r.stderr).not.toMatch(/acceptDegraded|searchNotes/);
    expect(rig.calls()).toBe(0);
  });

  it("a budget stop says 'Budget reached' once", async () => {
    const rig = simRig();
    for (const flag of [
      ["--max-calls", "1"],
      ["--max-cost", "0.01"],
    ]) {
      const r = await rig.run(["comments", GUIDE.replyNoteId, "--limit", "100", "--qps", "0", ...flag]);
      expect(r.code, r.stderr).toBe(EXIT.partial);
      expect(r.stderr).toMatch(/Budget reached: /);
      expect(r.stderr).not.toMatch(/budget reached.*budget reached/is);
    }
  });
});

describe("search notes beyond the upstream cap", () => {
  it("--limit 400 says on stderr that the cap will end it early and suggests crawl --split", async () => {
    for (const seed of [1, 4]) {
      const rig = simRig({ seed });
      const r = await rig.run(["search", "notes", GUIDE.keywords[0], "--limit", "400", "--qps", "0"]);
      expect(r.code, r.stderr).toBe(EXIT.ok);
      const count = r.stdout.trim().split("\n").length;
      expect(count).toBeLessThan(400);
      expect(r.stderr).toMatch(/about 11-12 pages/);
      expect(r.stderr).toMatch(new RegExp(`xhs crawl --keyword ${GUIDE.keywords[0]} --split --limit 400`));
      expect(r.stderr).toMatch(new RegExp(`ended after ${count} notes, probably at the upstream cap`));
    }
  });

  it("--limit within the cap: no warning", async () => {
    const rig = simRig();
    const r = await rig.run(["search", "notes", GUIDE.keywords[0], "--limit", "40", "--qps", "0"]);
    expect(r.code).toBe(EXIT.ok);
    expect(r.stderr).not.toMatch(/11-12 pages|--split/);
  });
});

/**
 * A temp folder with `full` → /dev/full: code that replaced its -o target would replace this link,
 * never the machine's device.
 */
function fullDevice(): string {
  const dir = mkdtempSync(path.join(tmpdir(), "xhs-full-"));
  symlinkSync("/dev/full", path.join(dir, "full"));
  return dir;
}

describe("I/O errors", () => {
  it("-o on a full device: exit 2 with a clear I/O error, no stack trace", async () => {
    const rig = simRig();
    const r = await rig.run(["note", GUIDE.imageNoteId, "-o", "full", "--jsonl"], { cwd: fullDevice() });
    expect(r.code).toBe(EXIT.usage);
    expect(r.stderr).toMatch(/I\/O error.*the disk is full/);
    expect(r.stderr).not.toMatch(/bug|\n\s+at /);
  });

  it("a list on a full device: exit 2, not a partial result", async () => {
    const rig = simRig();
    const r = await rig.run(["search", "notes", GUIDE.keywords[0], "--limit", "30", "-o", "full", "--jsonl"], {
      cwd: fullDevice(),
    });
    expect(r.code).toBe(EXIT.usage);
    expect(r.stderr).toMatch(/I\/O error.*the disk is full/);
    expect(r.stderr).not.toMatch(/Partial result/);
    // The first write failed: the list stopped there, no second page paid.
    expect(rig.calls()).toBe(1);
  });

  it("errno and SQLite codes of a full or read-only disk map to exit 2; other errors stay bugs (exit 1)", () => {
    const err = (code: string, message: string) => Object.assign(new Error(message), { code });
    for (const [code, meaning] of [
      ["ENOSPC", /disk is full/],
      ["EROFS", /read-only/],
      ["SQLITE_FULL", /disk is full/],
      ["SQLITE_READONLY", /cannot be written/],
      ["SQLITE_IOERR_WRITE", /input\/output error/],
    ] as const) {
      const d = describeError(err(code, `${code}: boom`));
      expect(d.exitCode, code).toBe(EXIT.usage);
      expect(d.message).toMatch(meaning);
      expect(d.message).not.toMatch(/bug/);
    }
    expect(describeError(new TypeError("x is undefined")).exitCode).toBe(EXIT.internal);
  });
});

describe("usage errors on a terminal", () => {
  it("commander's own messages do not pass escape sequences from an argument to the terminal", async () => {
    const r = await runCli(["search", "notes", "露营", "--limit", "\u001b]0;pwned\u0007\u001b[2J5"]);
    expect(r.code).toBe(EXIT.usage);
    expect(r.stderr).toContain("--limit");
    expect(r.stderr).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f]/);
  });
});
