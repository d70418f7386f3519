/**
 * `--dry-run`: how many calls, and what cost, a plan should take, from its limits and the endpoints'
 * page sizes, before anything is paid. An estimate, given as a range: "low" assumes short lists (one
 * page of comments per note, no reply thread needing its own call, half the authors shared), "high"
 * assumes every cap is reached. Retries, failovers and note-type probing add to both.
 */
import { endpointsFor } from "../catalog/endpoints.js";
import type { Capability } from "../core/vocabulary.js";
import type { CrawlPlan } from "./plan/types.js";

/**
 * Items per page (docs/reference-notes.md#search-cap-and-page-sizes): search 20, user notes 20–30, comments
 * about 10, replies 10.
 */
export const PAGE_SIZES = { search: 20, userNotes: 20, topicNotes: 20, comments: 10, replies: 10 } as const;
/** Keyword search stops upstream after about 11 pages. */
export const SEARCH_PAGE_CAP = 11;

export interface EstimateLine {
  what: string;
  low: number;
  high: number;
  /** USD per call used for this line. */
  priceUsd: number;
}

export interface PlanEstimate {
  lines: EstimateLine[];
  calls: { low: number; high: number };
  costUsd: { low: number; high: number };
  notesFollowed: number;
}

function price(capability: Capability, prices: Record<string, number>): number {
  const [primary] = endpointsFor(capability);
  if (!primary) return 0.01;
  return prices[primary.name] ?? primary.priceUsd;
}

const pages = (items: number, size: number) => (items <= 0 ? 0 : Math.ceil(items / size));

export function estimatePlan(plan: CrawlPlan, prices: Record<string, number> = {}): PlanEstimate {
  const lines: EstimateLine[] = [];
  const add = (what: string, capability: Capability, low: number, high: number) => {
    if (high > 0)
      lines.push({ what, low: Math.round(low), high: Math.round(high), priceUsd: price(capability, prices) });
  };
  let listed = 0;
  for (const seed of plan.keywords) {
    const perSlice = Math.min(pages(seed.limit, PAGE_SIZES.search), SEARCH_PAGE_CAP);
    // Split slices overlap: the low end reads just enough pages for the limit, the high end every slice in full.
    const low = seed.split ? Math.max(seed.slices.length, pages(seed.limit, PAGE_SIZES.search)) : perSlice;
    const high = seed.split ? seed.slices.length * perSlice : perSlice;
    add(`search "${seed.keyword}"${seed.split ? ` (${seed.slices.length} slices)` : ""}`, "searchNotes", low, high);
    listed += Math.min(seed.limit, (seed.split ? seed.slices.length : 1) * SEARCH_PAGE_CAP * PAGE_SIZES.search);
  }
  for (const seed of plan.users) {
    add(`user ${seed.ref}: profile`, "user", 1, 1);
    add(`user ${seed.ref}: notes`, "userNotes", 1, Math.max(1, pages(seed.limit, PAGE_SIZES.userNotes)));
    listed += seed.limit;
  }
  for (const seed of plan.topics) {
    add(`topic ${seed.pageId}: info`, "topic", 1, 1);
    add(`topic ${seed.pageId}: notes`, "topicNotes", 1, Math.max(1, pages(seed.limit, PAGE_SIZES.topicNotes)));
    listed += seed.limit;
  }
  const notes = Math.min(plan.maxNotes, listed + plan.notes.length);
  if (plan.expand.details) add(`note details (${notes} notes)`, "note", notes, notes);
  const comments = plan.expand.comments;
  if (comments && comments.maxPerNote > 0) {
    add("comment pages", "comments", notes, notes * Math.max(1, pages(comments.maxPerNote, PAGE_SIZES.comments)));
    if (comments.replies && comments.maxRepliesPerThread > 0) {
      add(
        "reply threads",
        "replies",
        0,
        notes * comments.maxPerNote * pages(comments.maxRepliesPerThread, PAGE_SIZES.replies),
      );
    }
  }
  if (plan.expand.authors) add("authors' profiles", "user", Math.ceil(notes / 2), notes);
  if (plan.expand.authorNotes) {
    add(
      "authors' notes",
      "userNotes",
      Math.ceil(notes / 2),
      notes * Math.max(1, pages(plan.expand.authorNotes.limit, PAGE_SIZES.userNotes)),
    );
  }
  const sum = (pick: (line: EstimateLine) => number) => lines.reduce((total, line) => total + pick(line), 0);
  const round = (usd: number) => Math.round(usd * 1e4) / 1e4;
  return {
    lines,
    calls: { low: sum((l) => l.low), high: sum((l) => l.high) },
    costUsd: { low: round(sum((l) => l.low * l.priceUsd)), high: round(sum((l) => l.high * l.priceUsd)) },
    notesFollowed: notes,
  };
}

export function renderEstimate(estimate: PlanEstimate): string {
  const range = (low: number, high: number) => (low === high ? String(low) : `${low}–${high}`);
  const out = [
    "Dry run: nothing was called and nothing was paid. This is an estimate from the plan's limits and page sizes.",
    "",
  ];
  const width = Math.max(...estimate.lines.map((l) => l.what.length), 4);
  for (const line of estimate.lines) {
    out.push(`  ${line.what.padEnd(width)}  ${range(line.low, line.high)} call${line.high === 1 ? "" : "s"}`);
  }
  out.push("");
  out.push(`Notes followed at most: ${estimate.notesFollowed}`);
  out.push(
    `Estimated calls: ${range(estimate.calls.low, estimate.calls.high)}   estimated cost: $${estimate.costUsd.low.toFixed(2)}–$${estimate.costUsd.high.toFixed(2)}`,
  );
  out.push(
    "Low: short lists, one comment page per note, no reply thread needing its own call. High: every cap reached (a ceiling;",
  );
  out.push(
    "most comments have no replies). Retries, failovers and note-type detection add calls: cap the spend with --max-calls / --max-cost.",
  );
  return `${out.join("\n")}\n`;
}
