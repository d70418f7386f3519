/**
 * Runs the CLI in-process with captured streams, an injected env and fetch (no globals patched),
 * and builds records and fake clients for the tests of test/cli.
 */

import type { TextSink } from "../../src/cli/context.js";
import { main } from "../../src/cli/main.js";
import type { ClientOptions, XhsClient } from "../../src/client/types.js";
import type { Page, Paginator } from "../../src/core/types.js";
import type { Comment, Note, User } from "../../src/model/types.js";
import { createSimulator, type Simulator, type SimulatorOptions } from "../../src/simulator/index.js";

export interface MemorySink extends TextSink {
  chunks: string[];
  text(): string;
}

export function memorySink(isTTY = false): MemorySink {
  const chunks: string[] = [];
  return {
    chunks,
    isTTY,
    columns: 120,
    write(chunk: string) {
      chunks.push(chunk);
      return true;
    },
    text: () => chunks.join(""),
  };
}

export interface RunOptions {
  env?: Record<string, string | undefined>;
  fetch?: typeof globalThis.fetch;
  createClient?: (options: ClientOptions) => XhsClient;
  cwd?: string;
  stdoutTTY?: boolean;
  stderrTTY?: boolean;
  signal?: AbortSignal;
}

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

export async function runCli(argv: string[], options: RunOptions = {}): Promise<RunResult> {
  const stdout = memorySink(options.stdoutTTY ?? false);
  const stderr = memorySink(options.stderrTTY ?? false);
  const code = await main(argv, {
    stdout,
    stderr,
    env: options.env ?? {},
    signal: options.signal ?? new AbortController().signal,
    ...(options.fetch ? { fetch: options.fetch } : {}),
    ...(options.createClient ? { createClient: options.createClient } : {}),
    ...(options.cwd ? { cwd: options.cwd } : {}),
  });
  return { code, stdout: stdout.text(), stderr: stderr.text() };
}

export const TEST_KEY = "sk-test-cli-0123456789abcdef";

export interface SimRig {
  sim: Simulator;
  /** Requests the simulator received (counted at the fetch seam). */
  calls: () => number;
  run(argv: string[], options?: RunOptions): Promise<RunResult>;
}

/** The in-process simulator behind the CLI: env points TIKHUB_BASE_URL at it, with a key. */
export function simRig(options: SimulatorOptions = {}): SimRig {
  const sim = createSimulator({ seed: 1, rateLimit: 0, ...options });
  let calls = 0;
  const fetch: typeof globalThis.fetch = (input, init) => {
    calls += 1;
    return sim.fetch(input, init);
  };
  return {
    sim,
    calls: () => calls,
    run: (argv, run = {}) =>
      runCli(argv, {
        env: { TIKHUB_API_KEY: TEST_KEY, TIKHUB_BASE_URL: sim.url, ...run.env },
        fetch,
        ...(run.cwd ? { cwd: run.cwd } : {}),
        ...(run.stdoutTTY !== undefined ? { stdoutTTY: run.stdoutTTY } : {}),
        ...(run.stderrTTY !== undefined ? { stderrTTY: run.stderrTTY } : {}),
        ...(run.signal ? { signal: run.signal } : {}),
      }),
  };
}

export function jsonLines<T = Record<string, unknown>>(text: string): T[] {
  return text
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => JSON.parse(line) as T);
}

// ---------- records and a fake client (for the paths the simulator cannot stage on demand) ----------

export function makeNote(id: string, over: Partial<Note> = {}): Note {
  return {
    id,
    type: "image",
    title: `标题 ${id}`,
    text: "正文",
    textTruncated: false,
    tags: [],
    author: { id: "5b24961811be105dfe1079d4", nickname: "作者", avatarUrl: null, redId: null },
    stats: { likes: 1, collects: 2, comments: 3, shares: 4 },
    approx: [],
    images: [],
    video: null,
    publishedAt: "2026-01-30T01:00:00.000Z",
    updatedAt: null,
    ipLocation: null,
    xsecToken: null,
    url: `https://www.xiaohongshu.com/explore/${id}`,
    source: "app_v2",
    fetchedAt: "2026-01-30T02:00:00.000Z",
    ...over,
  };
}

export function makeUser(id: string, over: Partial<User> = {}): User {
  return {
    id,
    nickname: "用户",
    redId: null,
    avatarUrl: null,
    bio: null,
    gender: null,
    ipLocation: null,
    followers: 10,
    following: 1,
    likesAndCollects: 5,
    noteCount: 2,
    approx: [],
    xsecToken: null,
    url: `https://www.xiaohongshu.com/user/profile/${id}`,
    source: "app_v2",
    fetchedAt: "2026-01-30T02:00:00.000Z",
    ...over,
  };
}

export function makeComment(id: string, noteId: string, over: Partial<Comment> = {}): Comment {
  return {
    id,
    noteId,
    rootId: null,
    replyToUser: null,
    author: { id: "5b24961811be105dfe1079d4", nickname: "评论者", avatarUrl: null, redId: null },
    text: "好看",
    likes: 0,
    replyCount: 0,
    createdAt: "2026-01-30T01:00:00.000Z",
    ipLocation: null,
    pictures: [],
    pinned: false,
    byNoteAuthor: false,
    approx: [],
    source: "app_v2",
    fetchedAt: "2026-01-30T02:00:00.000Z",
    ...over,
  };
}

/** A list that yields `items` (or stops with `failAfter`'s error) and reports `cursor` like the real paginator. */
export function fakePaginator<T>(
  items: readonly T[],
  options: { limit?: number; failWith?: Error; failAfter?: number; onItem?: (index: number) => void } = {},
): Paginator<T> {
  let yielded = 0;
  const limit = options.limit ?? Number.POSITIVE_INFINITY;
  const paginator: Paginator<T> = {
    async *[Symbol.asyncIterator]() {
      for (const item of items) {
        if (yielded >= limit) return;
        if (options.failWith && yielded === (options.failAfter ?? 0)) throw options.failWith;
        yielded += 1;
        options.onItem?.(yielded);
        yield item;
      }
      if (options.failWith && yielded === (options.failAfter ?? 0)) throw options.failWith;
    },
    pages(): AsyncIterable<Page<T>> {
      throw new Error("not used by the CLI");
    },
    collect: async () => [...items],
    get cursor() {
      return yielded < items.length ? `after-${yielded}` : null;
    },
    degraded: false,
    degradedReasons: [],
  };
  return paginator;
}

/** A client whose every method fails the test unless overridden. */
export function fakeClient(over: Partial<{ [K in keyof XhsClient]: unknown }>): XhsClient {
  const missing = () => {
    throw new Error("unexpected call in fake client");
  };
  const base: XhsClient = {
    notes: { get: missing },
    users: { get: missing, notes: missing, favorites: missing },
    comments: { list: missing, replies: missing },
    search: { notes: missing, users: missing },
    topics: { get: missing, notes: missing },
    links: { resolve: missing },
    raw: missing,
    stats: missing,
    subscribe: () => () => {},
  };
  return { ...base, ...over } as XhsClient;
}

export { parseCsv } from "../support/csv.js";
