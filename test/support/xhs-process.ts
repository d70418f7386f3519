/** The real `xhs` process, as a shell starts it: `node --import tsx src/cli/main-entry.ts ARGS`. */
import { type ChildProcessByStdio, spawn } from "node:child_process";
import { join, resolve } from "node:path";
import type { Readable } from "node:stream";
import { type RunningSimulator, startSimulator } from "../../src/simulator/index.js";

export const REPO = resolve(import.meta.dirname, "../..");
const ENTRY = join(REPO, "src/cli/main-entry.ts");
const TSX = join(REPO, "node_modules/tsx/dist/esm/index.mjs");

/** Spawns xhs with `args` (no stdin; stdout and stderr piped). The env is the child's whole environment. */
export function spawnXhs(
  args: readonly string[],
  options: { cwd?: string; env: NodeJS.ProcessEnv },
): ChildProcessByStdio<null, Readable, Readable> {
  return spawn(process.execPath, ["--import", TSX, ENTRY, ...args], {
    cwd: options.cwd ?? REPO,
    env: options.env,
    stdio: ["ignore", "pipe", "pipe"],
  });
}

/** The simulator over HTTP (world seed 1, no rate limit) with every answer taking `ms`: slow enough to act mid-run. */
export function startSlowSimulator(ms: number): Promise<RunningSimulator> {
  return startSimulator({ seed: 1, rateLimit: 0, port: 0, faults: { defaults: { latency: { kind: "fixed", ms } } } });
}
