import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { durationMs, formatDuration, parseDuration } from "../../src/crawl/plan/duration.js";
import { planHash } from "../../src/crawl/plan/hash.js";
import { loadWatchPlanFile } from "../../src/crawl/plan/load.js";
import { normalizePlan } from "../../src/crawl/plan/normalize.js";
import { PlanError } from "../../src/crawl/plan/problems.js";
import { normalizeWatchPlan, WATCH_DEFAULTS } from "../../src/crawl/plan/watch.js";

const dir = mkdtempSync(join(tmpdir(), "xhs-watch-plan-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const USER = "61b46d790000000010008153";
const NOTE = "697c0eee000000000a03c308";
const H = 3_600_000;

function problems(watch: unknown): string {
  try {
    normalizeWatchPlan({ watch }, "w.yaml");
  } catch (error) {
    expect(error).toBeInstanceOf(PlanError);
    return (error as Error).message;
  }
  throw new Error("expected the plan to be refused");
}

describe("durations", () => {
  it("reads units largest first and sums them", () => {
    expect(durationMs("6h")).toBe(6 * H);
    expect(durationMs("1d12h")).toBe(36 * H);
    expect(durationMs("2w")).toBe(14 * 24 * H);
    expect(durationMs(" 90m ")).toBe(90 * 60_000);
    expect(formatDuration(90 * 60_000)).toBe("1h30m");
    expect(formatDuration(durationMs("1w2d3h4m5s"))).toBe("1w2d3h4m5s");
  });

  it.each(["6", "6hours", "1.5h", "h6", "6 h", "", "-1h", "30m6h", "1h1h", "0h", "6H"])("refuses %j", (text) => {
    const parsed = parseDuration(text);
    expect("problem" in parsed).toBe(true);
    expect(() => durationMs(text)).toThrow(RangeError);
  });
});

describe("the watch: section", () => {
  it("fills every default: latest-first keywords, the decaying schedule, no budget, the section's deliveries", () => {
    const plan = normalizeWatchPlan(
      {
        name: "brand",
        watch: {
          budget: { calls: 500, usd: 2 },
          deliver: [{ stdout: true }],
          watches: [
            { name: "kw", every: "6h", keywords: ["露营", { keyword: "口红", sort: "most_liked" }] },
            { name: "acct", every: "1d", users: [USER], notes: [NOTE], deliver: [{ file: "alerts.jsonl" }] },
          ],
        },
      },
      "w.yaml",
    );
    expect(plan.name).toBe("brand");
    expect(plan.budget).toEqual({ calls: 500, usd: 2 });
    const [kw, acct] = plan.watches;
    expect(kw?.everyMs).toBe(6 * H);
    expect(kw?.keywords).toEqual([
      { keyword: "露营", sort: "latest", type: "all", time: "all" },
      { keyword: "口红", sort: "most_liked", type: "all", time: "all" },
    ]);
    expect(kw?.actions).toEqual({
      newNotes: { limit: WATCH_DEFAULTS.newNotesLimit },
      refreshCounts: { offsets: [H, 6 * H, 24 * H, 72 * H, 168 * H], thenEvery: 168 * H, horizon: 720 * H },
      newComments: null,
      refreshUsers: false,
    });
    expect(kw?.budget).toEqual({ calls: null, usd: null });
    expect(kw?.deliver).toEqual([{ kind: "stdout" }]);
    expect(acct?.actions.refreshUsers).toBe(true);
    expect(acct?.deliver).toEqual([{ kind: "file", path: "alerts.jsonl" }]);
  });

  it("a notes-only watch discovers nothing but refreshes its notes", () => {
    const plan = normalizeWatchPlan({ watch: { watches: [{ name: "n", every: "1h", notes: [NOTE] }] } }, "w");
    expect(plan.watches[0]?.actions.newNotes).toBeNull();
    expect(plan.watches[0]?.actions.refreshCounts).not.toBeNull();
  });

  it("normalizes alert rules and webhook deliveries", () => {
    const plan = normalizeWatchPlan(
      {
        watch: {
          watches: [
            {
              name: "w",
              every: "30m",
              keywords: ["露营"],
              alerts: [
                { rule: "new_note", words: ["帐篷"] },
                { rule: "taking_off", metric: "likes", perHour: 200 },
                { rule: "count_above", metric: "collects", threshold: 1000 },
              ],
              deliver: [{ webhook: "https://hooks.example.com/x", maxAttempts: 3 }],
            },
          ],
        },
      },
      "w",
    );
    const watch = plan.watches[0];
    expect(watch?.alerts).toEqual([
      { rule: "new_note", authors: null, words: ["帐篷"] },
      { rule: "taking_off", metric: "likes", perHour: 200, windowMs: WATCH_DEFAULTS.takingOffWindow },
      { rule: "count_above", metric: "collects", threshold: 1000 },
    ]);
    expect(watch?.deliver).toEqual([
      { kind: "webhook", url: "https://hooks.example.com/x", secretEnv: "XHS_WEBHOOK_SECRET", maxAttempts: 3 },
    ]);
  });

  it("names every problem at its path, in words", () => {
    const message = problems({
      watches: [
        {
          name: "a",
          every: "6hours",
          keywords: ["露营"],
          alerts: [
            { rule: "went_viral" },
            { rule: "count_above", metric: "likes", threshold: "lots" },
            { rule: "count_above", metric: "views", threshold: 5 },
          ],
          deliver: [{ stdout: true, file: "x" }, {}],
        },
        { name: "a", every: 6, users: [USER], budget: { calls: -1 } },
        { name: "b", every: "1h" },
      ],
    });
    expect(message).toContain("w.yaml: watch.watches[0].every: expected a duration like 30m, 6h, 1d12h or 2w");
    expect(message).toContain('(got "6hours")');
    expect(message).toContain("watch.watches[0].alerts[0].rule: unknown rule: expected one of");
    expect(message).toContain('watch.watches[0].alerts[1].threshold: expected a number (got "lots")');
    expect(message).toContain('watch.watches[0].alerts[2].metric: expected one of "likes"');
    expect(message).toContain(
      "watch.watches[0].deliver[0]: give exactly one of webhook, stdout, file (got stdout, file)",
    );
    expect(message).toContain("watch.watches[0].deliver[1]: give exactly one of webhook, stdout, file (got none)");
    expect(message).toContain("watch.watches[1].every: expected a duration like");
    expect(message).toContain("(got 6)");
    expect(message).toContain("watch.watches[1].budget.calls: must be 1 or more");
    expect(message).toContain("watch.watches[2]: give at least one keyword, user, topic or note");
  });

  it("refuses a duplicate name, a too-short interval, an empty watch list and a non-http webhook", () => {
    const twice = problems({
      watches: [
        { name: "a", every: "1h", keywords: ["露营"] },
        { name: "a", every: "30s", keywords: ["露营"] },
      ],
    });
    expect(twice).toContain('watch.watches[1].name: "a" is already the name of watches[0]');
    expect(twice).toContain("watch.watches[1].every: must be 1m or longer");
    expect(problems({ watches: [] })).toContain("watch.watches: give at least one watch");
    expect(
      problems({ watches: [{ name: "a", every: "1h", notes: [NOTE], deliver: [{ webhook: "ftp://x.example" }] }] }),
    ).toContain("watch.watches[0].deliver[0].webhook: expected an http(s) URL");
    expect(problems({ watches: [{ name: "a", every: "1h", notes: ["not a note"] }] })).toContain(
      "watch.watches[0].notes[0]:",
    );
  });

  it("a crawl plan may carry a watch section: the crawl ignores it and its hash is unchanged", () => {
    const seeds = { keywords: ["露营"] };
    const withWatch = normalizePlan({ seeds, watch: { watches: [{ name: "a", every: "1h", notes: [NOTE] }] } }, "x");
    expect(planHash(withWatch)).toBe(planHash(normalizePlan({ seeds }, "x")));
    expect(() => normalizePlan({ seeds, watch: { watches: [{ name: "a", every: "soon" }] } }, "x")).toThrow(
      /watch\.watches\[0\]\.every/,
    );
  });

  it("loads a YAML file with a watch section and no seeds", () => {
    const path = join(dir, "watch.yaml");
    writeFileSync(path, `watch:\n  watches:\n    - name: camping\n      every: 6h\n      keywords: [露营]\n`);
    expect(loadWatchPlanFile(path).watches[0]?.name).toBe("camping");
    writeFileSync(path, `watch:\n  watches:\n    - name: camping\n      every: 6\n      keywords: [露营]\n`);
    expect(() => loadWatchPlanFile(path)).toThrow(/watch\.yaml: watch\.watches\[0\]\.every: expected a duration/);
  });
});
