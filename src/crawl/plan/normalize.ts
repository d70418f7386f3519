/**
 * A crawl plan: what to crawl (seeds), what to follow from each note (expansions), and how far (limits).
 * Written as a YAML or JSON file (load.ts; the schema is schema.ts, errors name the file, the path in it and
 * what is allowed) or built from `xhs crawl` flags. Normalizing fills in every default; the normalized plan
 * is what the engine runs and what hash.ts hashes.
 */
import type { z } from "zod";
import type { NoteTypeFilter, SearchSort, TimeFilter, TopicSort } from "../../catalog/filters.js";
import { parseTopicRef } from "../../refs/parse-ref.js";
import { formatProblems, issueLines, PlanError } from "./problems.js";
import { type KeywordSeedSchema, PlanFileSchema } from "./schema.js";
import type { CrawlPlan, KeywordSeed, SearchSlice } from "./types.js";

export const PLAN_DEFAULTS = {
  perSeed: 20,
  maxNotes: 1000,
  mediaDir: "media",
  maxCommentsPerNote: 100,
  maxRepliesPerThread: 20,
  authorNotes: 20,
  concurrency: 4,
} as const;

/** Sorts, types and times used by `split: true`: the orders that rank differently, every type and window. */
const DEFAULT_SPLIT = {
  sorts: ["general", "latest", "most_liked", "most_commented", "most_collected"] as SearchSort[],
  types: ["image", "video"] as NoteTypeFilter[],
  times: ["all"] as TimeFilter[],
};

/** Validates a parsed plan object; `source` names it in errors (a file path or "flags"). */
export function normalizePlan(input: unknown, source: string, options: PlanSourceOptions = {}): CrawlPlan {
  const parsed = PlanFileSchema.safeParse(input, { reportInput: true });
  const problems = parsed.success ? [] : issueLines(parsed.error, options.pathName);
  if (hasNoSeeds(input)) problems.push("seeds: give at least one keyword, note, user or topic");
  if (!parsed.success || problems.length > 0) throw new PlanError(formatProblems(source, problems));
  const plan = parsed.data;
  const perSeed = plan.limits?.perSeed ?? PLAN_DEFAULTS.perSeed;
  const comments = plan.expand?.comments ?? false;
  const authorNotes = plan.expand?.authorNotes ?? false;
  const media = plan.expand?.media ?? false;
  const result: CrawlPlan = {
    name: plan.name ?? null,
    keywords: (plan.seeds.keywords ?? []).map((seed) => keywordSeed(seed, perSeed)),
    notes: (plan.seeds.notes ?? []).map((ref) => ref.trim()),
    users: (plan.seeds.users ?? []).map((seed) =>
      typeof seed === "string"
        ? { ref: seed.trim(), limit: perSeed }
        : { ref: seed.ref.trim(), limit: seed.limit ?? perSeed },
    ),
    topics: (plan.seeds.topics ?? []).map((seed) =>
      typeof seed === "string"
        ? { pageId: parseTopicRef(seed), sort: "general" as TopicSort, limit: perSeed }
        : { pageId: parseTopicRef(seed.pageId), sort: seed.sort ?? "general", limit: seed.limit ?? perSeed },
    ),
    expand: {
      details: plan.expand?.details ?? true,
      comments:
        comments === false
          ? null
          : {
              maxPerNote: (comments === true ? undefined : comments.maxPerNote) ?? PLAN_DEFAULTS.maxCommentsPerNote,
              replies: (comments === true ? undefined : comments.replies) ?? true,
              maxRepliesPerThread:
                (comments === true ? undefined : comments.maxRepliesPerThread) ?? PLAN_DEFAULTS.maxRepliesPerThread,
              sort: (comments === true ? undefined : comments.sort) ?? null,
            },
      authors: plan.expand?.authors ?? false,
      authorNotes:
        authorNotes === false
          ? null
          : { limit: (authorNotes === true ? undefined : authorNotes.limit) ?? PLAN_DEFAULTS.authorNotes },
      ...(media === false
        ? {}
        : {
            media: {
              images: (media === true ? undefined : media.images) ?? true,
              videos: (media === true ? undefined : media.videos) ?? "best",
              covers: (media === true ? undefined : media.covers) ?? false,
              videoCodec: (media === true ? undefined : media.videoCodec) ?? "any",
              dir: (media === true ? undefined : media.dir) ?? PLAN_DEFAULTS.mediaDir,
            },
          }),
    },
    maxNotes: plan.limits?.maxNotes ?? PLAN_DEFAULTS.maxNotes,
    since: plan.since ?? null,
    incremental: plan.incremental ?? false,
    concurrency: plan.concurrency ?? PLAN_DEFAULTS.concurrency,
  };
  return result;
}

export interface PlanSourceOptions {
  /** Names a path in messages (e.g. `seeds.keywords[0].keyword` → `--keyword #1` for a plan made of flags). */
  pathName?: (path: string) => string;
}

/** Seeds given, but every list empty (a plan that would do nothing). */
function hasNoSeeds(input: unknown): boolean {
  const seeds = (input as { seeds?: unknown } | null)?.seeds;
  if (seeds === null || typeof seeds !== "object" || Array.isArray(seeds)) return false;
  return ["keywords", "notes", "users", "topics"].every((key) => {
    const list = (seeds as Record<string, unknown>)[key];
    return list === undefined || (Array.isArray(list) && list.length === 0);
  });
}

function keywordSeed(seed: z.output<typeof KeywordSeedSchema>, perSeed: number): KeywordSeed {
  if (typeof seed === "string") {
    return {
      keyword: seed.trim(),
      slices: [{ sort: "general", type: "all", time: "all" }],
      limit: perSeed,
      split: false,
    };
  }
  const base: SearchSlice = { sort: seed.sort ?? "general", type: seed.type ?? "all", time: seed.time ?? "all" };
  const split = seed.split ?? false;
  const keyword = seed.keyword.trim();
  if (split === false) return { keyword, slices: [base], limit: seed.limit ?? perSeed, split: false };
  const axes = split === true ? DEFAULT_SPLIT : split;
  const sorts = axes.sorts ?? [base.sort];
  const types = axes.types ?? [base.type];
  const times = axes.times ?? [base.time];
  const slices: SearchSlice[] = [];
  // The base slice first: a split seed never gives less than the unsplit one would.
  slices.push(base);
  for (const sort of sorts) {
    for (const type of types) {
      for (const time of times) {
        if (!slices.some((s) => s.sort === sort && s.type === type && s.time === time))
          slices.push({ sort, type, time });
      }
    }
  }
  return { keyword, slices, limit: seed.limit ?? perSeed, split: true };
}
