/**
 * Store and memory: a client process streams every top-level comment of the world's huge note (≥ 100,000
 * comments in the "large" world) into SQLite, page by page, while the simulator runs in another process
 * with rate limits off. Measured in the client process: rows per second and peak RSS.
 *
 * `measureCommentStream()` runs in the parent: it forks the simulator (sim-process) and the client
 * (this file, as a child) and collects the client's report.
 */
import { type ChildProcess, fork } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createClient } from "../client/create-client.js";
import type { Comment } from "../model/types.js";
import { openSqliteStore } from "../store/sqlite/sqlite-store.js";
import { round } from "./stats.js";

export interface CommentStreamOptions {
  seed: number;
  /** World size of the simulator process (default "large": the huge note has 120,000 comments). */
  size?: "tiny" | "default" | "large";
  /** The note to stream (default: the world's huge note, the guide's reply example). */
  noteId?: string;
  /** Stop after this many comments (default: all of them). */
  limit?: number;
  /** Comments per store write (default 500). */
  batch?: number;
}

export interface CommentStreamResult {
  noteId: string;
  rows: number;
  rowsInStore: number;
  pages: number;
  seconds: number;
  rowsPerSecond: number;
  peakRssMb: number;
  /** RSS before the first call, for comparison. */
  startRssMb: number;
  /** Top-level comments the world holds (up to the limit), and how many of them never reached the store. */
  expected?: number | null;
  missing?: number | null;
}

const HUGE_NOTE = "699916e6000000001d0253da";

/** A sibling module as a child process (compiled .js directly; .ts sources through tsx, for tests). */
function forkSibling(name: string, args: string[]): ChildProcess {
  const here = fileURLToPath(import.meta.url);
  const ts = here.endsWith(".ts");
  const file = join(here, "..", `${name}${ts ? ".ts" : ".js"}`);
  return fork(file, args, {
    execArgv: ts ? ["--import", "tsx"] : [],
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
}

function firstMessage<T>(child: ChildProcess, what: string): Promise<T> {
  return new Promise((resolve, reject) => {
    child.once("message", (m) => resolve(m as T));
    child.once("exit", (code) => reject(new Error(`${what} exited (code ${code}) before reporting`)));
    child.once("error", reject);
  });
}

export async function measureCommentStream(options: CommentStreamOptions): Promise<CommentStreamResult> {
  const noteId = options.noteId ?? HUGE_NOTE;
  const simConfig = { seed: options.seed, size: options.size ?? "large", noteId };
  const sim = forkSibling("sim-process", [JSON.stringify(simConfig)]);
  try {
    const { url, expected } = await firstMessage<{ url: string; expected: number | null }>(
      sim,
      "the simulator process",
    );
    const config = { url, noteId, limit: options.limit ?? null, batch: options.batch ?? 500 };
    const client = forkSibling("stream-comments", ["--child", JSON.stringify(config)]);
    const report = await firstMessage<CommentStreamResult | { error: string }>(client, "the client process");
    client.disconnect?.();
    if ("error" in report) throw new Error(`comment stream failed: ${report.error}`);
    const wanted = expected === null ? null : Math.min(expected, options.limit ?? expected);
    return { ...report, expected: wanted, missing: wanted === null ? null : wanted - report.rowsInStore };
  } finally {
    if (sim.connected) sim.disconnect();
  }
}

/** The client process: streams, writes, samples RSS every 50 ms, reports to the parent. */
async function child(config: { url: string; noteId: string; limit: number | null; batch: number }): Promise<void> {
  const mb = (bytes: number) => round(bytes / 1024 / 1024, 1);
  const startRss = process.memoryUsage.rss();
  let peak = startRss;
  const sampler = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage.rss());
  }, 50);
  const folder = mkdtempSync(join(tmpdir(), "xhs-bench-stream-"));
  const store = openSqliteStore(join(folder, "comments.db"));
  try {
    const xhs = createClient({ apiKey: "bench-key", baseUrl: config.url, qps: 0 });
    const started = performance.now();
    let rows = 0;
    let pages = 0;
    let pending: Comment[] = [];
    outer: for await (const page of xhs.comments.list(config.noteId).pages()) {
      pages++;
      for (const comment of page.items) {
        pending.push(comment);
        rows++;
        if (pending.length >= config.batch) {
          await store.upsertComments(pending);
          pending = [];
        }
        if (config.limit !== null && rows >= config.limit) break outer;
      }
    }
    if (pending.length > 0) await store.upsertComments(pending);
    const seconds = (performance.now() - started) / 1000;
    peak = Math.max(peak, process.memoryUsage.rss());
    const result: CommentStreamResult = {
      noteId: config.noteId,
      rows,
      rowsInStore: await store.countRecords("comments"),
      pages,
      seconds: round(seconds, 1),
      rowsPerSecond: Math.round(rows / seconds),
      peakRssMb: mb(Math.max(peak, process.resourceUsage().maxRSS * 1024)),
      startRssMb: mb(startRss),
    };
    process.send?.(result);
  } catch (error) {
    process.send?.({ error: String((error as Error).stack ?? error) });
  } finally {
    clearInterval(sampler);
    await store.close();
    rmSync(folder, { recursive: true, force: true });
  }
}

if (process.argv[2] === "--child") {
  void child(JSON.parse(process.argv[3] ?? "{}"));
}
