/**
 * `xhs watch` as a real process (`node --import tsx src/cli/main-entry.ts`) against the simulator over HTTP:
 * SIGTERM stops it cleanly (exit 130, its lease given back); SIGKILL leaves its lease behind, and the next
 * `xhs watch` takes it over at once because the process that held it is gone; neither loses the state.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningSimulator, startSimulator } from "../../src/simulator/index.js";
import { openSqliteStore } from "../../src/store/sqlite/sqlite-store.js";
import { leaseHolder } from "../../src/watch/lock.js";
import { SqlWatchState } from "../../src/watch/sql-state.js";

const REPO = resolve(import.meta.dirname, "../..");
const ENTRY = join(REPO, "src/cli/main-entry.ts");
const TSX = join(REPO, "node_modules/tsx/dist/esm/index.mjs");
const dir = mkdtempSync(join(tmpdir(), "xhs-watch-proc-"));
let sim: RunningSimulator;
beforeAll(async () => {
  sim = await startSimulator({ port: 0, seed: 1, rateLimit: 0, faults: "healthy" });
});
afterAll(async () => {
  await sim.close();
  rmSync(dir, { recursive: true, force: true });
});

function spawnWatch(
  db: string,
  extra: string[] = [],
): { child: ChildProcess; stderr: () => string; exit: Promise<number | string> } {
  const child = spawn(
    process.execPath,
    ["--import", TSX, ENTRY, "watch", "--keyword", "美食推荐", "--every", "1h", "--db", db, ...extra],
    {
      cwd: dir,
      env: { ...process.env, TIKHUB_API_KEY: "process-test-key", TIKHUB_BASE_URL: sim.url },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  let err = "";
  child.stderr?.on("data", (c: Buffer) => {
    err += c.toString("utf8");
  });
  child.stdout?.resume();
  const exit = new Promise<number | string>((done) => child.on("exit", (code, signal) => done(signal ?? code ?? -1)));
  return { child, stderr: () => err, exit };
}

async function untilFirstPass(proc: ReturnType<typeof spawnWatch>): Promise<void> {
  for (let i = 0; i < 600 && !/tick\(s\) done/.test(proc.stderr()); i++) await new Promise((r) => setTimeout(r, 100));
  expect(proc.stderr()).toMatch(/1 tick\(s\) done/);
}

describe("xhs watch as a process", () => {
  it("SIGTERM: stops cleanly with exit 130 and gives its lease back", async () => {
    const db = join(dir, "term.db");
    const proc = spawnWatch(db);
    await untilFirstPass(proc);
    proc.child.kill("SIGTERM");
    expect(await proc.exit).toBe(130);
    expect(proc.stderr()).toMatch(/stopped/);
    const store = openSqliteStore(db);
    try {
      expect(await leaseHolder(store)).toBeNull();
      expect((await new SqlWatchState(store).tasks()).find((t) => t.kind === "discover")?.runs).toBe(1);
    } finally {
      await store.close();
    }
  }, 120_000);

  it("SIGKILL: the lease stays behind, and the next xhs watch takes it over at once (its holder is gone)", async () => {
    const db = join(dir, "kill.db");
    const proc = spawnWatch(db);
    await untilFirstPass(proc);
    proc.child.kill("SIGKILL");
    expect(await proc.exit).toBe("SIGKILL");
    const store = openSqliteStore(db);
    try {
      expect((await leaseHolder(store))?.owner).toContain(`:${proc.child.pid}:`);
    } finally {
      await store.close();
    }
    const again = spawnWatch(db, ["--once"]);
    expect(await again.exit, again.stderr()).toBe(0);
    // Nothing was due yet (the interval is an hour): the state carried over, nothing ran twice.
    expect(again.stderr()).toMatch(/0 tick\(s\) done/);
  }, 120_000);
});
