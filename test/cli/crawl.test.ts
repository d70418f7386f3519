/**
 * `xhs crawl` and `xhs runs` through `main(argv, io)` against the in-process simulator: plan errors,
 * dry run, budget stop and resume, 401/402, and the secrets test (no output, log, row, WAL file or
 * export holds the key).
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createSimulator, type Simulator } from "../../src/simulator/index.js";
import { exportRecords } from "../../src/store/export.js";
import { openSqliteStore } from "../../src/store/sqlite/sqlite-store.js";
import { runCli } from "./helpers.js";

const KEY = "sk-test-CRAWL-SECRET-7f3a9c1e5b";

let dir: string;
let sim: Simulator;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "xhs-crawl-cli-"));
  sim = createSimulator({ seed: 2, size: "tiny", rateLimit: 0 });
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function xhs(args: string[], options: { env?: Record<string, string>; fetch?: typeof fetch } = {}) {
  return runCli(args, { env: { TIKHUB_API_KEY: KEY, ...options.env }, fetch: options.fetch ?? sim.fetch, cwd: dir });
}

const SMALL = [
  "--keyword",
  "露营",
  "--limit",
  "2",
  "--comments",
  "5",
  "--replies",
  "2",
  "--base-url",
  "http://sim.local",
];

describe("xhs crawl: bad input", () => {
  const cases: [string, string, RegExp][] = [
    ["syntax.yaml", "seeds:\n  keywords: [露营\n", /syntax\.yaml: not valid YAML/],
    [
      "unknown.yaml",
      "seeds:\n  keywords: [露营]\nexpand:\n  comment: true\n",
      /unknown\.yaml: expand: unknown field "comment"/,
    ],
    [
      "enum.yaml",
      "seeds:\n  keywords:\n    - keyword: 露营\n      sort: newest\n",
      /enum\.yaml: seeds\.keywords\[0\]\.sort: expected one of "general", "latest"/,
    ],
    [
      "negative.yaml",
      "seeds:\n  keywords: [露营]\nlimits:\n  perSeed: -3\n",
      /negative\.yaml: limits\.perSeed: must be 1 or more \(got -3\)/,
    ],
    ["badref.json", '{"seeds": {"notes": ["not a note!"]}}', /badref\.json: seeds\.notes\[0\]: not a note id/],
    ["empty.yaml", "seeds: {}\n", /empty\.yaml: seeds: give at least one keyword/],
  ];
  it.each(cases)("%s: clear message, exit 2, no database created", async (name, text, message) => {
    writeFileSync(join(dir, name), text);
    let called = 0;
    const result = await xhs(["crawl", name, "--db", "out.db"], {
      fetch: async () => {
        called += 1;
        throw new Error("no call expected");
      },
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(called).toBe(0);
    expect(existsSync(join(dir, "out.db"))).toBe(false);
  });

  it("an unwritable --db path: clear message, exit 2, nothing called", async () => {
    const result = await xhs(["crawl", ...SMALL, "--db", "no/such/folder/x.db"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/folder .* does not exist/);
    expect(sim.ledger.snapshot().totals.calls).toBe(0);
  });

  it("--resume with no database says so and creates none", async () => {
    const result = await xhs(["crawl", "--resume", "--db", "none.db"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/no database at none\.db/);
    expect(existsSync(join(dir, "none.db"))).toBe(false);
  });

  it("mixing a plan file with seed flags is refused", async () => {
    writeFileSync(join(dir, "p.yaml"), "seeds:\n  keywords: [露营]\n");
    const result = await xhs(["crawl", "p.yaml", "--keyword", "x"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/either in the plan file or as flags/);
  });
});

describe("xhs crawl", () => {
  it("--dry-run estimates calls and cost, calls nothing and creates no database", async () => {
    writeFileSync(
      join(dir, "plan.yaml"),
      "seeds:\n  keywords:\n    - keyword: 露营\n      limit: 40\nexpand:\n  comments: { maxPerNote: 20, maxRepliesPerThread: 10 }\n  authors: true\n",
    );
    const result = await xhs(["crawl", "plan.yaml", "--dry-run", "--db", "x.db"]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/Dry run: nothing was called/);
    // 2 search pages, 40 details, 40–80 comment pages, 0–800 reply pages, 20–40 authors.
    expect(result.stdout).toMatch(/Estimated calls: 102–962 {3}estimated cost: \$1\.02–\$9\.62/);
    expect(sim.ledger.snapshot().totals.calls).toBe(0);
    expect(existsSync(join(dir, "x.db"))).toBe(false);
  });

  it("crawls, prints the report, and `runs list` / `runs show` give it back", async () => {
    const result = await xhs(["crawl", ...SMALL, "--authors", "--db", "c.db"]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/: completed/);
    expect(result.stdout).toMatch(/notes\s+\d+/);
    const list = await xhs(["runs", "list", "--db", "c.db", "--json"]);
    const runs = JSON.parse(list.stdout) as { id: string; status: string; newNotes: number }[];
    expect(runs).toHaveLength(1);
    expect(runs[0]?.status).toBe("completed");
    expect(runs[0]?.newNotes).toBeGreaterThanOrEqual(2);
    const show = await xhs(["runs", "show", runs[0]?.id as string, "--db", "c.db", "--json"]);
    const report = JSON.parse(show.stdout) as { calls: { calls: number }; jobs: { done: number } };
    expect(report.calls.calls).toBe(sim.ledger.snapshot().totals.calls);
    expect(report.jobs.done).toBeGreaterThan(2);
    const missing = await xhs(["runs", "show", "nope", "--db", "c.db"]);
    expect(missing.code).toBe(2);
    const noDb = await xhs(["runs", "list", "--db", "absent.db"]);
    expect(noDb.code).toBe(2);
    expect(existsSync(join(dir, "absent.db"))).toBe(false);
  });

  it("--max-calls stops cleanly (exit 6, says how to resume); the same command continues and completes", async () => {
    const first = await xhs(["crawl", ...SMALL, "--db", "b.db", "--max-calls", "2"]);
    expect(first.code).toBe(6);
    expect(first.stdout).toMatch(/partial \(stopped: budget/);
    expect(first.stderr).toMatch(/Continue with: xhs crawl --resume \S+ --db b\.db/);
    let last = first;
    for (let i = 0; i < 20 && last.code === 6; i++)
      last = await xhs(["crawl", ...SMALL, "--db", "b.db", "--max-calls", "2"]);
    expect(last.code, last.stderr).toBe(0);
    const store = openSqliteStore(join(dir, "b.db"));
    const runs = await store.listRuns();
    await store.close();
    expect(runs).toHaveLength(1);
    expect(runs[0]?.status).toBe("completed");
  });

  it("402 (no balance) stops at once with exit 4, saved and resumable", async () => {
    sim = createSimulator({ seed: 2, size: "tiny", rateLimit: 0, budget: { calls: 2 } });
    const first = await xhs(["crawl", ...SMALL, "--db", "p.db"]);
    expect(first.code).toBe(4);
    expect(first.stdout).toMatch(/failed \(stopped: payment/);
    expect(sim.ledger.snapshot().totals.calls).toBe(3); // two billed, the 402, and nothing after it
  });

  it("never writes the key: a crawl meeting a 401 that echoes it, with --verbose and --store-raw", async () => {
    // The simulator accepts one key for a first run, then only another: the second run meets a 401 echoing KEY.
    sim = createSimulator({ seed: 2, size: "tiny", rateLimit: 0, keys: [KEY] });
    const good = await xhs(["crawl", ...SMALL, "--db", "s.db", "--verbose", "--store-raw"]);
    expect(good.code, good.stderr).toBe(0);
    const bad = createSimulator({ seed: 2, size: "tiny", rateLimit: 0, keys: ["some-other-key"] });
    const probe = await bad.fetch(`${bad.url}/api/v1/xiaohongshu/app_v2/search_notes?keyword=x&page=1`, {
      headers: { authorization: `Bearer ${KEY}` },
    });
    expect(probe.status).toBe(401);
    expect(await probe.text()).toContain(KEY); // the echo the client must never let through
    const denied = await xhs(
      [
        "crawl",
        "--keyword",
        "露营",
        "--limit",
        "3",
        "--db",
        "s.db",
        "--verbose",
        "--store-raw",
        "--base-url",
        "http://sim.local",
      ],
      {
        fetch: bad.fetch,
      },
    );
    expect(denied.code).toBe(3);
    expect(denied.stdout).toMatch(/stopped: auth/);

    const store = openSqliteStore(join(dir, "s.db"), { keepRawAnswers: true });
    const raws = await store.rawAnswers({ limit: 10_000 });
    expect(raws.some((r) => r.httpStatus === 401)).toBe(true);
    const exports: string[] = [];
    for (const kind of ["notes", "users", "comments", "topics"] as const) {
      for (const format of ["csv", "jsonl", "json"] as const) {
        const out = new PassThrough();
        const chunks: Buffer[] = [];
        out.on("data", (c: Buffer) => chunks.push(c));
        await exportRecords(store, kind, format, { out });
        exports.push(Buffer.concat(chunks).toString("utf8"));
      }
    }
    const ledger = JSON.stringify(await store.ledgerEntries({ limit: 100_000 }));
    const runs = JSON.stringify(await store.listRuns());
    // Look at the files while the store is open, so the WAL is there too.
    const files = readdirSync(dir).map((name) => join(dir, name));
    expect(files.some((f) => f.endsWith("-wal"))).toBe(true);
    const fileBytes = files.map((f) => readFileSync(f));
    await store.close();

    const texts = [
      good.stdout,
      good.stderr,
      denied.stdout,
      denied.stderr,
      JSON.stringify(raws),
      ledger,
      runs,
      ...exports,
    ];
    for (const text of texts) expect(text).not.toContain(KEY);
    for (const bytes of fileBytes) expect(bytes.includes(Buffer.from(KEY))).toBe(false);
    expect(good.stderr.length).toBeGreaterThan(100); // --verbose did log
  });
});
