// A reader that goes away (`xhs … | head -2`): the real process stops quietly (exit 0, no stack
// trace) and pays for no further page once it has seen the closed pipe.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EXIT } from "../../src/cli/exit-codes.js";
import type { RunningSimulator } from "../../src/simulator/index.js";
import { GUIDE } from "../../src/simulator/world/world.js";
import { spawnXhs, startSlowSimulator } from "../support/xhs-process.js";
import { TEST_KEY } from "./helpers.js";

let sim: RunningSimulator;

beforeAll(async () => {
  // Each answer takes 200 ms: the reader is long gone before a second page could arrive.
  sim = await startSlowSimulator(200);
});
afterAll(async () => {
  await sim?.close();
});

async function paidCalls(): Promise<number> {
  const ledger = (await (await fetch(`${sim.url}/__sim/ledger`)).json()) as { totals: { calls: number } };
  return ledger.totals.calls;
}

/** Runs xhs; its stdout reader reads `lines` lines (0: none at all), then closes the pipe. */
function xhsIntoHead(args: string[], lines: number): Promise<{ code: number | null; stderr: string; got: string }> {
  const child = spawnXhs(args, {
    env: { PATH: process.env["PATH"] ?? "", TIKHUB_API_KEY: TEST_KEY, TIKHUB_BASE_URL: sim.url },
  });
  let got = "";
  let stderr = "";
  if (lines === 0) child.stdout.destroy();
  else {
    child.stdout.setEncoding("utf8").on("data", (d: string) => {
      got += d;
      if (got.split("\n").length > lines) {
        got = got.split("\n").slice(0, lines).join("\n");
        child.stdout.destroy();
      }
    });
  }
  child.stderr.setEncoding("utf8").on("data", (d: string) => {
    stderr += d;
  });
  return new Promise((resolve) => child.on("close", (code) => resolve({ code, stderr, got })));
}

describe("a closed pipe on stdout", { timeout: 120_000 }, () => {
  for (const seedKeyword of [GUIDE.keywords[0], GUIDE.keywords[2]]) {
    it(`search notes ${seedKeyword} --limit 200 | head -2: exit 0, quiet, at most one page after the close`, async () => {
      const before = await paidCalls();
      const r = await xhsIntoHead(["search", "notes", seedKeyword, "--limit", "200", "--jsonl", "--qps", "0"], 2);
      expect(r.code, r.stderr).toBe(EXIT.ok);
      expect(r.got.split("\n")).toHaveLength(2);
      expect(r.stderr).not.toMatch(/EPIPE|Error|bug|\n\s+at /);
      // Page 1 filled the pipe before the reader left; the close is seen on the next write, so
      // at most page 2 is paid (10 pages without the fix's stop).
      expect((await paidCalls()) - before).toBeLessThanOrEqual(2);
    });
  }

  it("--help into a closed pipe: exit 0, no stack trace", async () => {
    const r = await xhsIntoHead(["search", "notes", "--help"], 0);
    expect(r.code, r.stderr).toBe(EXIT.ok);
    expect(r.stderr).not.toMatch(/EPIPE|Error|\n\s+at /);
  });
});
