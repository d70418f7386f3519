import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { DEMO_PLAN } from "../../src/cli/commands/demo.js";
import { checkKeyword, keywordProblem, MAX_KEYWORD_LENGTH } from "../../src/client/keyword.js";
import { estimatePlan } from "../../src/crawl/estimate.js";
import { planHash } from "../../src/crawl/plan/hash.js";
import { loadPlanFile } from "../../src/crawl/plan/load.js";
import { normalizePlan } from "../../src/crawl/plan/normalize.js";
import { PlanError } from "../../src/crawl/plan/problems.js";
import { parseSince } from "../../src/crawl/plan/schema.js";
import { seedJobs } from "../../src/crawl/seed-jobs.js";
import { runCli } from "../cli/helpers.js";

const REPO = resolve(import.meta.dirname, "../..");
const dir = mkdtempSync(join(tmpdir(), "xhs-plan-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("crawl plans", () => {
  it("the example plans are valid, and examples/demo.yaml is exactly the demo's plan", () => {
    const camping = loadPlanFile(join(REPO, "examples/camping.yaml"));
    expect(camping.keywords[0]?.slices).toHaveLength(1 + 4 * 2 - 0); // base slice general/all/all + 8 split slices
    expect(camping.since).toBe("2026-01-01T00:00:00.000Z");
    const demo = loadPlanFile(join(REPO, "examples/demo.yaml"));
    expect(planHash(demo)).toBe(planHash(normalizePlan(DEMO_PLAN, "demo")));
  });

  it("hashes the plan, not its spelling: YAML or JSON, any key order, runtime knobs aside", () => {
    writeFileSync(join(dir, "a.yaml"), "seeds:\n  keywords: [露营]\nexpand:\n  authors: true\nconcurrency: 2\n");
    writeFileSync(
      join(dir, "b.json"),
      JSON.stringify({ concurrency: 8, expand: { authors: true }, seeds: { keywords: ["露营"] } }),
    );
    expect(planHash(loadPlanFile(join(dir, "a.yaml")))).toBe(planHash(loadPlanFile(join(dir, "b.json"))));
    const other = normalizePlan({ seeds: { keywords: ["露营"] }, expand: { authors: false } }, "x");
    expect(planHash(other)).not.toBe(planHash(loadPlanFile(join(dir, "a.yaml"))));
  });

  it("fills defaults and splits a keyword seed into distinct slices, the base slice first", () => {
    const plan = normalizePlan({ seeds: { keywords: [{ keyword: "口红", sort: "latest", split: true }] } }, "x");
    const [seed] = plan.keywords;
    expect(seed?.slices[0]).toEqual({ sort: "latest", type: "all", time: "all" });
    const names = seed?.slices.map((s) => `${s.sort}/${s.type}/${s.time}`) ?? [];
    expect(new Set(names).size).toBe(names.length);
    expect(names.length).toBe(11); // the base + 5 sorts × 2 types
    expect(plan.expand.details).toBe(true);
    expect(plan.expand.comments).toBeNull();
    expect(plan.maxNotes).toBe(1000);
    // All slices of a seed share one seed key, so the seed's limit counts across them.
    const jobs = seedJobs(plan, "r");
    expect(new Set(jobs.map((j) => (j.payload as { seedKey: string }).seedKey)).size).toBe(1);
    expect(new Set(jobs.map((j) => j.key)).size).toBe(11);
  });

  it("rejects a missing file and a file that is not a mapping with the file's name", () => {
    expect(() => loadPlanFile(join(dir, "missing.yaml"))).toThrow(
      /missing\.yaml: cannot read the plan file \(ENOENT\)/,
    );
    writeFileSync(join(dir, "list.yaml"), "- a\n- b\n");
    expect(() => loadPlanFile(join(dir, "list.yaml"))).toThrow(PlanError);
    writeFileSync(join(dir, "bad.json"), "{ seeds: ");
    expect(() => loadPlanFile(join(dir, "bad.json"))).toThrow(/bad\.json: not valid JSON/);
    expect(() => normalizePlan({ seeds: { keywords: ["x"] }, since: "last week" }, "p")).toThrow(
      /p: since: expected a date/,
    );
  });

  it("parses --since dates and date-times to ISO UTC", () => {
    expect(parseSince("2026-02-01")).toBe("2026-02-01T00:00:00.000Z");
    expect(parseSince("2026-02-01T08:00:00+08:00")).toBe("2026-02-01T00:00:00.000Z");
    expect(parseSince("yesterday")).toBeNull();
  });

  it("estimates a plan's calls and cost as a range, from its limits and page sizes", () => {
    const plan = normalizePlan(
      {
        seeds: { keywords: [{ keyword: "露营", limit: 40 }], users: [{ ref: "61b46d790000000010008153", limit: 30 }] },
        expand: { details: true },
      },
      "x",
    );
    const estimate = estimatePlan(plan);
    // search 2 pages + user profile 1 + user notes 1–2 pages + 70 details.
    expect(estimate.calls).toEqual({ low: 74, high: 75 });
    expect(estimate.costUsd.high).toBeCloseTo(0.75, 6);
    expect(estimate.notesFollowed).toBe(70);
  });

  it("reports every problem of a plan at once, each at its path, with the type the value should have", () => {
    writeFileSync(
      join(dir, "many.yaml"),
      [
        "seeds:",
        "  keywords:",
        '    - "   "',
        "    - 12",
        "    - { keyword: 露营, sort: best, limit: 0 }",
        "  notes: [nonsense]",
        "  topics: [ZZ]",
        "expand:",
        "  comments: { maxPerNote: lots }",
        "  authorNotes: yes please",
        "limits: { perSeed: 0, maxNotes: 1.5 }",
        "concurrency: 100",
        "extra: 1",
      ].join("\n"),
    );
    let message = "";
    try {
      loadPlanFile(join(dir, "many.yaml"));
    } catch (error) {
      expect(error).toBeInstanceOf(PlanError);
      message = (error as Error).message;
    }
    const lines = message.split("\n");
    const at = (path: string) => lines.find((line) => line.startsWith(`${join(dir, "many.yaml")}: ${path}: `)) ?? "";
    expect(at("seeds.keywords[0]")).toMatch(/the keyword is empty/);
    expect(at("seeds.keywords[1]")).toMatch(/expected text or a mapping \(got 12\)/);
    expect(at("seeds.keywords[2].sort")).toMatch(/expected one of "general"/);
    expect(at("seeds.keywords[2].limit")).toMatch(/must be 1 or more \(got 0\)/);
    expect(at("seeds.notes[0]")).toMatch(/not a note id/);
    expect(at("seeds.topics[0]")).toMatch(/topic page id/);
    // The branch of the union the value is written in, not "expected boolean".
    expect(at("expand.comments.maxPerNote")).toMatch(/expected a number \(got "lots"\)/);
    expect(message).not.toMatch(/expected boolean/);
    expect(at("expand.authorNotes")).toMatch(/expected true or false or a mapping \(got "yes please"\)/);
    expect(at("limits.perSeed")).toMatch(/must be 1 or more/);
    expect(at("limits.maxNotes")).toMatch(/whole number \(got 1\.5\)/);
    expect(at("concurrency")).toMatch(/≤ 64/);
    expect(at("(top level)")).toMatch(/unknown field "extra"/);
    expect(lines).toHaveLength(12);
    // A seeds list given empty is one more problem, reported with the others.
    expect(() => normalizePlan({ seeds: { keywords: [] }, concurrency: 0 }, "p")).toThrow(
      /^p: concurrency: must be 1 or more \(got 0\)\np: seeds: give at least one/,
    );
  });

  it("refuses perSeed 0 and the like, and takes a topic by its page URL", () => {
    expect(() => normalizePlan({ seeds: { keywords: ["露营"] }, limits: { perSeed: 0 } }, "p")).toThrow(
      /limits\.perSeed: must be 1 or more/,
    );
    const plan = normalizePlan(
      { seeds: { topics: ["https://www.xiaohongshu.com/page/topics/5c1cc866febed9000184b7c1?naviHidden=yes"] } },
      "p",
    );
    expect(plan.topics[0]?.pageId).toBe("5c1cc866febed9000184b7c1");
  });

  it("plan files, --keyword, `xhs search` and the client refuse the same keywords, for the same reason, for free", async () => {
    const bad = [
      "   ",
      "露".repeat(MAX_KEYWORD_LENGTH + 1),
      "x".repeat(3_000_000),
      "露营\u202E",
      "a\u0007b",
      "a\u2028b",
      "\uD800x",
    ];
    let fetched = 0;
    const fetch = (async () => {
      fetched += 1;
      throw new Error("no call expected");
    }) as typeof globalThis.fetch;
    const env = { TIKHUB_API_KEY: "test-key-0123456789", TIKHUB_BASE_URL: "http://127.0.0.1:9" };
    for (const keyword of bad) {
      const reason = keywordProblem(keyword);
      expect(reason, JSON.stringify(keyword.slice(0, 20))).not.toBeNull();
      expect(() => checkKeyword(keyword)).toThrow(reason as string);
      expect(() => normalizePlan({ seeds: { keywords: [keyword] } }, "p")).toThrow(`p: seeds.keywords[0]: ${reason}`);
      expect(() => normalizePlan({ seeds: { keywords: [{ keyword }] } }, "p")).toThrow(reason as string);
      const search = await runCli(["search", "notes", keyword], { env, fetch, cwd: dir });
      expect(search.code).toBe(2);
      expect(search.stderr).toContain(reason as string);
      const crawl = await runCli(["crawl", "--keyword", keyword, "--db", "k.db"], { env, fetch, cwd: dir });
      expect(crawl.code).toBe(2);
      expect(crawl.stderr).toContain(`--keyword #1: ${reason}`);
      // Never echoes megabytes back.
      expect(crawl.stderr.length).toBeLessThan(1000);
    }
    expect(fetched).toBe(0);
    expect(existsSync(join(dir, "k.db"))).toBe(false);
    // What one accepts, all accept: emoji with joiners, spaces inside, 100 characters.
    for (const keyword of [" 露营 装备 ", "👨‍👩‍👧 亲子露营", "露".repeat(MAX_KEYWORD_LENGTH)]) {
      expect(normalizePlan({ seeds: { keywords: [keyword] } }, "p").keywords[0]?.keyword).toBe(checkKeyword(keyword));
    }
  });
});
