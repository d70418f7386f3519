import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { DEMO_PLAN } from "../../src/cli/commands/demo.js";
import { estimatePlan } from "../../src/crawl/estimate.js";
import { seedJobs } from "../../src/crawl/handlers.js";
import { loadPlanFile, normalizePlan, PlanError, parseSince, planHash } from "../../src/crawl/plan.js";

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
});
