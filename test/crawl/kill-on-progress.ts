/**
 * Watches a spawned `xhs crawl --verbose` by its own progress and kills it there. With `--verbose` the CLI
 * writes one `attempt` line to stderr per call that ended (README, "-v, --verbose"): the same events the
 * engine appends to the run's ledger, so the k-th line is the crawl's k-th ledger row in the making.
 * Reading that stream, rather than polling the database or the simulator on a timer, puts the kill at a
 * point of the crawl's progress, whatever the machine's load.
 */
import type { ChildProcess } from "node:child_process";

/** `12:00:01.123 debug attempt capability=note endpoint=… outcome=ok …` (src/cli/options.ts, clientFromOptions). */
const ATTEMPT_LINE = /^\S+ debug attempt /;
/** Other stderr lines kept for a failure message (attempt lines would drown them). */
const KEPT_LINES = 40;

export interface WatchedExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Attempt lines the child wrote, all of them (a few may follow the kill, already in the pipe). */
  attempts: number;
  /** Whether the child was killed by the watcher (at `killAfterAttempts`). */
  killed: boolean;
  /** The child's stderr without its attempt lines, last lines only. */
  stderr: string;
}

/**
 * Resolves when the child exits. With `killAfterAttempts`, the child gets SIGKILL as soon as its stderr
 * shows that many attempt lines; without it, the child runs to its end.
 */
export function watchAttempts(child: ChildProcess, killAfterAttempts?: number): Promise<WatchedExit> {
  let attempts = 0;
  let killed = false;
  let partial = "";
  const other: string[] = [];
  const onLine = (line: string) => {
    if (!ATTEMPT_LINE.test(line)) {
      other.push(line);
      if (other.length > KEPT_LINES) other.shift();
      return;
    }
    attempts += 1;
    if (!killed && killAfterAttempts !== undefined && attempts >= killAfterAttempts && child.exitCode === null) {
      killed = child.kill("SIGKILL");
    }
  };
  child.stderr?.on("data", (chunk: Buffer) => {
    const lines = (partial + chunk.toString()).split("\n");
    partial = lines.pop() ?? "";
    for (const line of lines) onLine(line);
  });
  child.stdout?.resume();
  return new Promise((done) =>
    child.on("close", (code, signal) => {
      if (partial !== "") onLine(partial);
      done({ code, signal, attempts, killed, stderr: other.join("\n") });
    }),
  );
}
