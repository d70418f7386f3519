// The list/single flow with a fake client: partial results, interruption, degraded results,
// progress only on a terminal, and the options handed to the client.
import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { createContext } from "../../src/cli/context.js";
import { EXIT } from "../../src/cli/exit-codes.js";
import { NO_KEY_PLACEHOLDER } from "../../src/cli/options.js";
import { ProgressState, progressWanted } from "../../src/cli/progress.js";
import type { ClientOptions } from "../../src/client/types.js";
import { AbortedError, UpstreamError } from "../../src/core/errors.js";
import type { AttemptEvent, Paginator } from "../../src/core/types.js";
import type { Note } from "../../src/model/types.js";
import { fakeClient, fakePaginator, makeNote, makeUser, memorySink, runCli, TEST_KEY } from "./helpers.js";

const USER = "5b24961811be105dfe1079d4";
const env = { TIKHUB_API_KEY: TEST_KEY, TIKHUB_BASE_URL: "http://127.0.0.1:9" };
const notes = Array.from({ length: 5 }, (_, i) => makeNote(`64f1a2b3000000001e03000${i}`));

function tempDir(): string {
  return mkdtempSync(path.join(tmpdir(), "xhs-run-"));
}

describe("client options from flags", () => {
  it("hands every shared option to the client, with the key from the environment only", async () => {
    let seen: ClientOptions | undefined;
    const r = await runCli(
      [
        "user-notes",
        USER,
        "--series",
        "web_v3,app_v2",
        "--timeout",
        "2.5",
        "--qps",
        "3",
        "--concurrency",
        "2",
        "--max-calls",
        "7",
        "--max-cost",
        "0.05",
        "--base-url",
        "http://localhost:8080/",
        "--limit",
        "1",
      ],
      {
        env,
        createClient: (options) => {
          seen = options;
          return fakeClient({ users: { notes: (_ref: string, o: { limit: number }) => fakePaginator(notes, o) } });
        },
      },
    );
    expect(r.code, r.stderr).toBe(0);
    expect(seen).toMatchObject({
      apiKey: TEST_KEY,
      baseUrl: "http://localhost:8080",
      series: ["web_v3", "app_v2"],
      timeoutMs: 2500,
      qps: 3,
      concurrency: 2,
      maxCalls: 7,
      maxCostUsd: 0.05,
    });
  });

  it("the base URL comes from TIKHUB_BASE_URL when no flag is given; a local one needs no key", async () => {
    let seen: ClientOptions | undefined;
    const r = await runCli(["user", USER, "--json"], {
      env: { TIKHUB_BASE_URL: "http://127.0.0.1:4010" },
      createClient: (options) => {
        seen = options;
        return fakeClient({ users: { get: async () => makeUser(USER) } });
      },
    });
    expect(r.code, r.stderr).toBe(0);
    expect(seen?.baseUrl).toBe("http://127.0.0.1:4010");
    // The library needs a key to send anything; the CLI hands it the placeholder, never a real one.
    expect(seen?.apiKey).toBe(NO_KEY_PLACEHOLDER);
  });
});

describe("lists that end early", () => {
  it("an error after some items: exit 6, the items kept (file completed), the error and a resume cursor", async () => {
    const dir = tempDir();
    const r = await runCli(["user-notes", USER, "--limit", "5", "--json", "-o", "notes.json"], {
      env,
      cwd: dir,
      createClient: () =>
        fakeClient({
          users: {
            notes: () =>
              fakePaginator(notes, {
                failAfter: 2,
                failWith: new UpstreamError("app_v2 answered 503", { httpStatus: 503 }),
              }),
          },
        }),
    });
    expect(r.code).toBe(EXIT.partial);
    expect(r.stderr).toMatch(/app_v2 answered 503/);
    expect(r.stderr).toMatch(/Partial result: 2 notes written/);
    expect(r.stderr).toMatch(/Resume with --cursor 'after-2'/);
    const saved = JSON.parse(readFileSync(path.join(dir, "notes.json"), "utf8")) as Note[];
    expect(saved.map((n) => n.id)).toEqual(notes.slice(0, 2).map((n) => n.id));
  });

  it("an error before any item: the error's own exit code and no file", async () => {
    const dir = tempDir();
    const r = await runCli(["user-notes", USER, "-o", "notes.csv"], {
      env,
      cwd: dir,
      createClient: () =>
        fakeClient({
          users: { notes: () => fakePaginator(notes, { failAfter: 0, failWith: new UpstreamError("all down") }) },
        }),
    });
    expect(r.code).toBe(EXIT.upstream);
    expect(readdirSync(dir)).toEqual([]);
  });

  it("Ctrl-C midway: exit 130 after flushing what was fetched, with the resume cursor", async () => {
    const dir = tempDir();
    const controller = new AbortController();
    const r = await runCli(["user-notes", USER, "--limit", "5", "--jsonl", "-o", "n.jsonl"], {
      env,
      cwd: dir,
      signal: controller.signal,
      createClient: () =>
        fakeClient({
          users: {
            notes: (_ref: string, o: { signal: AbortSignal }): Paginator<Note> =>
              fakePaginator(notes, {
                failAfter: 3,
                failWith: new AbortedError("aborted"),
                onItem: (i) => {
                  if (i === 3) controller.abort();
                  expect(o.signal).toBeDefined();
                },
              }),
          },
        }),
    });
    expect(r.code).toBe(EXIT.interrupted);
    expect(r.stderr).toMatch(/Interrupted after 3 notes/);
    expect(r.stderr).toMatch(/Resume with --cursor 'after-3'/);
    expect(readFileSync(path.join(dir, "n.jsonl"), "utf8").trimEnd().split("\n")).toHaveLength(3);
  });

  it("a degraded result says so on stderr, and the list end says when nothing was found", async () => {
    const r = await runCli(["search", "notes", "露营", "--sort", "most_commented", "--accept-degraded", "--jsonl"], {
      env,
      createClient: () =>
        fakeClient({
          search: {
            notes: (_k: string, o: { acceptDegraded?: boolean; sort?: string }) => {
              expect(o).toMatchObject({ acceptDegraded: true, sort: "most_commented" });
              return { ...fakePaginator([]), degraded: true, degradedReasons: ["web_v3 cannot sort by comments"] };
            },
          },
        }),
    });
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/warning: degraded result: web_v3 cannot sort by comments/);
    expect(r.stderr).toMatch(/No notes found/);
    expect(r.stdout).toBe("");
  });

  it("says when more exist, and stays quiet about a cursor when the list is exhausted", async () => {
    const make = () =>
      fakeClient({ users: { notes: (_r: string, o: { limit: number }) => fakePaginator(notes, { limit: o.limit }) } });
    const some = await runCli(["user-notes", USER, "--limit", "2", "--jsonl"], { env, createClient: make });
    expect(some.stderr).toMatch(/More notes exist \(showed 2; raise --limit or resume with --cursor 'after-2'\)/);
    const all = await runCli(["user-notes", USER, "--limit", "9", "--jsonl"], { env, createClient: make });
    expect(all.stdout.trimEnd().split("\n")).toHaveLength(5);
    expect(all.stderr).not.toMatch(/cursor/);
  });
});

describe("progress", () => {
  const event = (over: Partial<AttemptEvent>): AttemptEvent => ({
    at: "2026-01-30T00:00:00.000Z",
    capability: "note",
    endpoint: "app_v2/get_image_note_detail",
    series: "app_v2",
    httpStatus: 200,
    outcome: "ok",
    latencyMs: 10,
    billable: true,
    costUsd: 0.01,
    retry: 0,
    failover: false,
    ...over,
  });

  it("counts calls, billable calls, cost, retries, failovers and the series per capability", () => {
    const state = new ProgressState();
    state.onEvent(event({ outcome: "upstream", httpStatus: 503, billable: false, costUsd: 0 }));
    state.onEvent(event({ retry: 1, outcome: "timeout", httpStatus: null, billable: false, costUsd: 0 }));
    state.onEvent(event({ series: "app_v1", endpoint: "app/get_note_info", failover: true }));
    state.onEvent(event({ capability: "comments", endpoint: "app_v2/get_note_comments" }));
    expect(state).toMatchObject({ calls: 4, billableCalls: 2, retries: 1, failovers: 1 });
    expect(state.describe()).toBe("4 calls (2 billed) $0.02 | note: app_v1, comments: app_v2 | 1 retry, 1 failover");
  });

  it("is drawn only when stderr is a terminal, without --verbose, and not over streamed records", () => {
    const ctx = (out: boolean, err: boolean, verbose = false) => {
      const c = createContext(
        { stdout: memorySink(out), stderr: memorySink(err), env: {} },
        new AbortController().signal,
      );
      c.verbose = verbose;
      return c;
    };
    expect(progressWanted(ctx(false, false), "jsonl", false)).toBe(false);
    expect(progressWanted(ctx(false, true), "jsonl", false)).toBe(true);
    expect(progressWanted(ctx(true, true), "table", false)).toBe(true);
    expect(progressWanted(ctx(true, true), "jsonl", false)).toBe(false);
    expect(progressWanted(ctx(true, true), "csv", true)).toBe(true);
    expect(progressWanted(ctx(false, true, true), "jsonl", false)).toBe(false);
  });

  it("a terminal stderr gets a bar fed by the client's events; a pipe gets none", async () => {
    const make = () => {
      const listeners: ((e: AttemptEvent) => void)[] = [];
      return fakeClient({
        subscribe: (l: (e: AttemptEvent) => void) => {
          listeners.push(l);
          return () => listeners.splice(listeners.indexOf(l), 1);
        },
        users: {
          notes: () => ({
            ...fakePaginator(notes),
            async *[Symbol.asyncIterator]() {
              for (const n of notes) {
                for (const l of listeners) l(event({ capability: "userNotes", series: "web_v3" }));
                yield n;
              }
            },
            cursor: null,
          }),
        },
      });
    };
    const tty = await runCli(["user-notes", USER, "--jsonl"], { env, stderrTTY: true, createClient: make });
    expect(tty.code).toBe(0);
    expect(tty.stderr).toMatch(/userNotes: web_v3/);
    expect(tty.stdout.trimEnd().split("\n")).toHaveLength(5);
    const pipe = await runCli(["user-notes", USER, "--jsonl"], { env, stderrTTY: false, createClient: make });
    expect(pipe.stderr).toBe("");
  });
});
