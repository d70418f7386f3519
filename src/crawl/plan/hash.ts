/**
 * The plan hash keys a run: re-running the same plan continues its unfinished run instead of starting over.
 * test/crawl/plan-hash.test.ts pins the hash of a few plans: it must not change.
 */
import { createHash } from "node:crypto";
import type { CrawlPlan } from "./types.js";

/** A short stable hash of the normalized plan: the same plan (any key order, any format) gives the same hash. */
export function planHash(plan: CrawlPlan): string {
  // Concurrency changes how fast, not what: it is left out so a faster re-run still resumes.
  const { concurrency: _ignored, ...what } = plan;
  return createHash("sha256").update(stableStringify(what)).digest("hex").slice(0, 16);
}

function stableStringify(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableStringify).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableStringify(v)}`).join(",")}}`;
  }
  return JSON.stringify(value);
}
