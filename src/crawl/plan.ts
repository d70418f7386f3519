/**
 * A crawl plan: what to crawl (seeds), what to follow from each note (expansions), and how far (limits).
 * Written as a YAML or JSON file (validated with zod: errors name the file, the path in it and what is
 * allowed) or built from `xhs crawl` flags. The normalized plan is hashed: the hash keys the run, so
 * re-running the same plan continues the unfinished run instead of starting over.
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { parse as parseYaml } from "yaml";
import { z } from "zod";
import type { CommentSort, NoteTypeFilter, SearchSort, TimeFilter, TopicSort } from "../catalog/filters.js";
import { COMMENT_SORTS, NOTE_TYPE_FILTERS, SEARCH_SORTS, TIME_FILTERS, TOPIC_SORTS } from "../catalog/filters.js";
import { keywordProblem } from "../client/keyword.js";
import { parseNoteRef, parseTopicRef, parseUserRef } from "../refs/parse-ref.js";

/** A plan that cannot be used: the message names the file, the path in it and what is allowed. */
export class PlanError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "PlanError";
  }
}

const limit = z.number().int().nonnegative();
const positive = z.number().int().positive();

/**
 * Seeds are checked by the very functions the CLI and the client use (one validation of keywords and
 * ids), as part of the schema: every problem of a plan is reported in one pass, each at its path.
 */
const Keyword = z.string().superRefine((value, ctx) => {
  const problem = keywordProblem(value);
  if (problem !== null) ctx.addIssue({ code: "custom", message: problem });
});
const refOf = (parse: (text: string) => unknown) =>
  z
    .string()
    .max(4096)
    .superRefine((value, ctx) => {
      try {
        parse(value);
      } catch (error) {
        ctx.addIssue({ code: "custom", message: (error as Error).message });
      }
    });
const NoteRef = refOf(parseNoteRef);
const UserRef = refOf(parseUserRef);
const TopicRef = refOf(parseTopicRef);

/** `since` as a date or date-time; normalized to ISO 8601 UTC. */
const dateText = z.union([z.string(), z.date()]).transform((value, ctx) => {
  const parsed = parseSince(value instanceof Date ? value.toISOString() : value);
  if (parsed === null) {
    ctx.addIssue({
      code: "custom",
      message: `expected a date like 2026-01-31 or 2026-01-31T08:00:00Z (got "${String(value)}")`,
    });
    return z.NEVER;
  }
  return parsed;
});

const SplitSchema = z.union([
  z.boolean(),
  z
    .object({
      sorts: z.array(z.enum(SEARCH_SORTS)).min(1).optional(),
      types: z.array(z.enum(NOTE_TYPE_FILTERS)).min(1).optional(),
      times: z.array(z.enum(TIME_FILTERS)).min(1).optional(),
    })
    .strict(),
]);

const KeywordSeedSchema = z.union([
  Keyword,
  z
    .object({
      keyword: Keyword,
      sort: z.enum(SEARCH_SORTS).optional(),
      type: z.enum(NOTE_TYPE_FILTERS).optional(),
      time: z.enum(TIME_FILTERS).optional(),
      /** Notes taken from this seed at most (over all its split slices). */
      limit: positive.optional(),
      /** Reach past the ~11-page search cap by searching several sort/type/time slices and merging them. */
      split: SplitSchema.optional(),
    })
    .strict(),
]);

const UserSeedSchema = z.union([UserRef, z.object({ ref: UserRef, limit: positive.optional() }).strict()]);

const TopicSeedSchema = z.union([
  TopicRef,
  z.object({ pageId: TopicRef, sort: z.enum(TOPIC_SORTS).optional(), limit: positive.optional() }).strict(),
]);

const CommentsSchema = z.union([
  z.boolean(),
  z
    .object({
      /** Top-level comments per note at most (default 100). */
      maxPerNote: limit.optional(),
      /** Fetch reply threads too (default true). */
      replies: z.boolean().optional(),
      /** Replies per thread at most (default 20). */
      maxRepliesPerThread: limit.optional(),
      sort: z.enum(COMMENT_SORTS).optional(),
    })
    .strict(),
]);

const AuthorNotesSchema = z.union([z.boolean(), z.object({ limit: limit.optional() }).strict()]);

export const PlanFileSchema = z
  .object({
    name: z.string().optional(),
    seeds: z
      .object({
        keywords: z.array(KeywordSeedSchema).optional(),
        notes: z.array(NoteRef).optional(),
        users: z.array(UserSeedSchema).optional(),
        topics: z.array(TopicSeedSchema).optional(),
      })
      .strict(),
    expand: z
      .object({
        /** Fetch each note's full detail (search and list hits have cut bodies). Default true. */
        details: z.boolean().optional(),
        comments: CommentsSchema.optional(),
        /** Fetch the profile of each note's author. Default false. */
        authors: z.boolean().optional(),
        /** List each author's own notes (stored as list items, not expanded further). Default false. */
        authorNotes: AuthorNotesSchema.optional(),
      })
      .strict()
      .optional(),
    limits: z
      .object({
        /** Default notes per seed when the seed does not say (default 20; 0 would crawl nothing). */
        perSeed: positive.optional(),
        /** Notes followed (detail/comments/author) over the whole run at most (default 1000). */
        maxNotes: positive.optional(),
      })
      .strict()
      .optional(),
    since: dateText.optional(),
    /** Stop paging time-ordered lists at the first item a previous run already stored. */
    incremental: z.boolean().optional(),
    /** Jobs running at once (default 4). */
    concurrency: positive.max(64).optional(),
  })
  .strict();

export type PlanFile = z.input<typeof PlanFileSchema>;

export interface SearchSlice {
  sort: SearchSort;
  type: NoteTypeFilter;
  time: TimeFilter;
}

export interface KeywordSeed {
  keyword: string;
  /** One slice without split; the cross product of the split's sorts × types × times with it. */
  slices: SearchSlice[];
  limit: number;
  split: boolean;
}
export interface UserSeed {
  ref: string;
  limit: number;
}
export interface TopicSeed {
  pageId: string;
  sort: TopicSort;
  limit: number;
}

/** The plan with every default filled in: what the engine runs and what the hash is taken over. */
export interface CrawlPlan {
  name: string | null;
  keywords: KeywordSeed[];
  notes: string[];
  users: UserSeed[];
  topics: TopicSeed[];
  expand: {
    details: boolean;
    /** `sort: null`: none asked, so the complete order (newest first where the series can; see comments.list). */
    comments: { maxPerNote: number; replies: boolean; maxRepliesPerThread: number; sort: CommentSort | null } | null;
    authors: boolean;
    authorNotes: { limit: number } | null;
  };
  maxNotes: number;
  since: string | null;
  incremental: boolean;
  concurrency: number;
}

export const PLAN_DEFAULTS = {
  perSeed: 20,
  maxNotes: 1000,
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

/** Reads and validates a plan file (YAML, or JSON when the name ends in .json). */
export function loadPlanFile(path: string): CrawlPlan {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new PlanError(`${path}: cannot read the plan file (${code ?? String(error)})`);
  }
  let data: unknown;
  if (path.toLowerCase().endsWith(".json")) {
    try {
      data = JSON.parse(text);
    } catch (error) {
      throw new PlanError(`${path}: not valid JSON: ${(error as Error).message}`);
    }
  } else {
    try {
      data = parseYaml(text, { prettyErrors: true });
    } catch (error) {
      const first = ((error as Error).message.split("\n")[0] ?? "").trim();
      throw new PlanError(`${path}: not valid YAML: ${first}`);
    }
  }
  if (data === null || typeof data !== "object" || Array.isArray(data)) {
    throw new PlanError(`${path}: expected a mapping with at least "seeds" at the top`);
  }
  return normalizePlan(data, path);
}

/** At most this many problems are listed (a generated plan can have thousands of the same one). */
const MAX_PROBLEMS = 50;

function formatProblems(source: string, problems: readonly string[]): string {
  const lines = problems.slice(0, MAX_PROBLEMS).map((problem) => `${source}: ${problem}`);
  if (problems.length > MAX_PROBLEMS) lines.push(`… and ${problems.length - MAX_PROBLEMS} more`);
  return lines.join("\n");
}

/** One line per problem, "path: what is wrong", every problem of the plan at once. */
function issueLines(error: z.ZodError, pathName: ((path: string) => string) | undefined): string[] {
  const lines: string[] = [];
  for (const issue of error.issues) {
    for (const { path, message } of leaves(issue, [])) {
      const where = path.length > 0 ? formatPath(path) : "(top level)";
      const line = `${pathName ? pathName(where) : where}: ${message}`;
      if (!lines.includes(line)) lines.push(line);
    }
  }
  return lines;
}

function formatPath(path: readonly PropertyKey[]): string {
  return path
    .map((part, i) => (typeof part === "number" ? `[${part}]` : `${i === 0 ? "" : "."}${String(part)}`))
    .join("");
}

/**
 * The issues to report for one zod issue. A union (a seed may be text or a mapping; `comments` may be
 * true/false or a mapping) reports the problems of the branch whose type the value has, e.g.
 * `comments.maxPerNote: expected a number` for `{maxPerNote: "lots"}`, not "expected boolean"; a value of
 * no branch's type gets one line naming every accepted type.
 */
function leaves(issue: z.core.$ZodIssue, prefix: readonly PropertyKey[]): { path: PropertyKey[]; message: string }[] {
  const path = [...prefix, ...issue.path];
  if (issue.code === "invalid_union" && issue.errors.length > 0) {
    const wrongType = (branch: z.core.$ZodIssue[]) =>
      branch.some((inner) => inner.code === "invalid_type" && inner.path.length === 0);
    const matching = issue.errors.find((branch) => branch.length > 0 && !wrongType(branch));
    if (matching) return matching.flatMap((inner) => leaves(inner, path));
    const roots = issue.errors.flat().filter((inner) => inner.code === "invalid_type" && inner.path.length === 0);
    const expected = [...new Set(roots.map((inner) => typeName((inner as { expected: string }).expected)))];
    return [{ path, message: `expected ${expected.join(" or ")}${got(roots[0]?.input)}` }];
  }
  return [{ path, message: describeIssue(issue) }];
}

function typeName(expected: string): string {
  switch (expected) {
    case "string":
      return "text";
    case "boolean":
      return "true or false";
    case "object":
      return "a mapping";
    case "array":
      return "a list";
    case "number":
      return "a number";
    case "int":
      return "a whole number";
    default:
      return expected;
  }
}

function got(input: unknown): string {
  if (input === undefined) return "";
  if (typeof input === "string")
    return ` (got ${JSON.stringify(input.length > 40 ? `${input.slice(0, 37)}…` : input)})`;
  if (input === null || typeof input === "number" || typeof input === "boolean") return ` (got ${String(input)})`;
  return ` (got ${Array.isArray(input) ? "a list" : "a mapping"})`;
}

function describeIssue(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case "unrecognized_keys":
      return `unknown field${issue.keys.length > 1 ? "s" : ""} ${issue.keys.map((k) => `"${k}"`).join(", ")}`;
    case "invalid_value":
      return `expected one of ${issue.values.map((v) => JSON.stringify(v)).join(", ")}${got(issue.input)}`;
    case "invalid_type":
      if (issue.input === undefined && issue.path.length > 0) return `missing: expected ${typeName(issue.expected)}`;
      return `expected ${typeName(issue.expected)}${got(issue.input)}`;
    case "too_small":
      if (issue.origin === "number" && !issue.inclusive && Number(issue.minimum) === 0) {
        return `must be 1 or more${got(issue.input)}`;
      }
      return issue.origin === "number"
        ? `must be ${issue.inclusive ? "≥" : ">"} ${String(issue.minimum)}${got(issue.input)}`
        : issue.message;
    case "too_big":
      if (issue.origin === "number")
        return `must be ${issue.inclusive ? "≤" : "<"} ${String(issue.maximum)}${got(issue.input)}`;
      if (issue.origin === "string") return `too long (more than ${String(issue.maximum)} characters)`;
      return issue.message;
    default:
      return issue.message;
  }
}

/** Parses `--since`: a date (taken as 00:00 UTC) or a full date-time; null when it is neither. */
export function parseSince(text: string): string | null {
  const trimmed = text.trim();
  if (!/^\d{4}-\d{2}-\d{2}([T ][\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.test(trimmed)) return null;
  const withZone = /^\d{4}-\d{2}-\d{2}$/.test(trimmed) ? `${trimmed}T00:00:00Z` : trimmed;
  const ms = Date.parse(withZone.replace(" ", "T"));
  return Number.isNaN(ms) ? null : new Date(ms).toISOString();
}

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
