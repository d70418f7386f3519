// The real `xhs` process (node --import tsx src/cli/main-entry.ts) against the simulator over HTTP:
// exit codes as a shell sees them, and Ctrl-C (SIGINT) → 130 after flushing what was written.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EXIT } from "../../src/cli/exit-codes.js";
import type { RunningSimulator } from "../../src/simulator/index.js";
import { GUIDE } from "../../src/simulator/world/world.js";
import { spawnXhs, startSlowSimulator } from "../support/xhs-process.js";
import { jsonLines, TEST_KEY } from "./helpers.js";

let sim: RunningSimulator;

beforeAll(async () => {
  // Every answer takes 300 ms, so a long list is still running when the test interrupts it.
  sim = await startSlowSimulator(300);
});
afterAll(async () => {
  await sim?.close();
});

interface Spawned {
  code: Promise<number | null>;
  stdout: () => string;
  stderr: () => string;
  onStdout(listener: () => void): void;
  kill(signal: NodeJS.Signals): void;
}

function xhs(args: string[], env: Record<string, string> = {}): Spawned {
  const child = spawnXhs(args, {
    env: { PATH: process.env["PATH"] ?? "", TIKHUB_API_KEY: TEST_KEY, TIKHUB_BASE_URL: sim.url, ...env },
  });
  let out = "";
  let err = "";
  const listeners: (() => void)[] = [];
  child.stdout.setEncoding("utf8").on("data", (d: string) => {
    out += d;
    for (const l of listeners.splice(0)) l();
  });
  child.stderr.setEncoding("utf8").on("data", (d: string) => {
    err += d;
  });
  return {
    code: new Promise((resolve) => child.on("close", (code) => resolve(code))),
    stdout: () => out,
    stderr: () => err,
    onStdout: (l) => listeners.push(l),
    kill: (signal) => child.kill(signal),
  };
}

// Spawning node with tsx takes seconds on a loaded machine: generous timeouts, no timing assertions.
describe("the xhs process", { timeout: 180_000 }, () => {
  it("prints a note and exits 0", async () => {
    const run = xhs(["note", GUIDE.imageNoteId, "--json", "--qps", "0"]);
    expect(await run.code, run.stderr()).toBe(EXIT.ok);
    expect(JSON.parse(run.stdout()).id).toBe(GUIDE.imageNoteId);
  });

  it("exits 2 on a usage error and 3 without a key against TikHub", async () => {
    const usage = xhs(["note", "not a ref"]);
    const noKey = xhs(["note", GUIDE.imageNoteId], { TIKHUB_API_KEY: "", TIKHUB_BASE_URL: "" });
    expect(await usage.code).toBe(EXIT.usage);
    expect(await noKey.code).toBe(EXIT.auth);
    expect(noKey.stderr()).toMatch(/set TIKHUB_API_KEY/);
  });

  it("SIGINT midway: exit 130, every line written is whole, and the cursor to resume is printed", async () => {
    const run = xhs(["comments", GUIDE.replyNoteId, "--limit", "2000", "--jsonl", "--qps", "0"]);
    await new Promise<void>((resolve) => run.onStdout(resolve));
    run.kill("SIGINT");
    expect(await run.code, run.stderr()).toBe(EXIT.interrupted);
    const lines = jsonLines<{ id: string; noteId: string }>(run.stdout());
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.length).toBeLessThan(2000);
    for (const c of lines) expect(c.noteId).toBe(GUIDE.replyNoteId);
    expect(run.stdout().endsWith("\n")).toBe(true);
    expect(run.stderr()).toMatch(/Interrupted after \d+ comments/);
    expect(run.stderr()).toMatch(/Resume with --cursor '/);
  });
});
