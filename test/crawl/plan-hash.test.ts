/**
 * The plan hash keys a run: `xhs crawl` with the same plan resumes the unfinished run. A hash that changed
 * (a refactor of the plan's normalising, a default, the key order) would silently start every saved plan
 * over, so the hashes of a few plans are pinned here, including one that sets every field.
 */
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { DEMO_PLAN } from "../../src/cli/commands/demo.js";
import { planHash } from "../../src/crawl/plan/hash.js";
import { loadPlanFile } from "../../src/crawl/plan/load.js";
import { normalizePlan } from "../../src/crawl/plan/normalize.js";

const REPO = resolve(import.meta.dirname, "../..");

const EVERY_FIELD = {
  name: "every field",
  seeds: {
    keywords: [
      "露营",
      {
        keyword: "口红",
        sort: "latest",
        type: "video",
        time: "week",
        limit: 7,
        split: { sorts: ["general", "most_liked"], types: ["image"] },
      },
    ],
    notes: ["https://www.xiaohongshu.com/explore/66aa00bb11cc22dd33ee44ff?xsec_token=ABC%3D"],
    users: ["5e0000000000000000000001", { ref: "5e0000000000000000000002", limit: 3 }],
    topics: [{ pageId: "5c0000000000000000000001", sort: "latest", limit: 4 }],
  },
  expand: {
    details: false,
    comments: { maxPerNote: 30, replies: false, maxRepliesPerThread: 5, sort: "latest" },
    authors: true,
    authorNotes: { limit: 6 },
  },
  limits: { perSeed: 9, maxNotes: 50 },
  since: "2026-01-31",
  incremental: true,
  concurrency: 3,
};

describe("plan hashes are stable", () => {
  it("the demo plan, examples/camping.yaml and a plan that sets every field keep their hashes", () => {
    expect(planHash(normalizePlan(DEMO_PLAN, "demo"))).toBe("c63ec940dce55783");
    expect(planHash(loadPlanFile(join(REPO, "examples/camping.yaml")))).toBe("3638a7d07937dd62");
    expect(planHash(normalizePlan(EVERY_FIELD, "every-field"))).toBe("e0c88a072ffcd288");
  });

  it("concurrency is left out of the hash; any other field is in it", () => {
    const base = planHash(normalizePlan(EVERY_FIELD, "x"));
    expect(planHash(normalizePlan({ ...EVERY_FIELD, concurrency: 9 }, "x"))).toBe(base);
    expect(planHash(normalizePlan({ ...EVERY_FIELD, incremental: false }, "x"))).not.toBe(base);
    expect(planHash(normalizePlan({ ...EVERY_FIELD, since: "2026-02-01" }, "x"))).not.toBe(base);
  });
});
