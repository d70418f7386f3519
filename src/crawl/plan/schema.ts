/**
 * The plan file's schema (YAML or JSON, or the same object built from `xhs crawl` flags): what a plan may
 * say, validated with zod. Seeds are checked by the very functions the CLI and the client use.
 */
import { z } from "zod";
import { COMMENT_SORTS, NOTE_TYPE_FILTERS, SEARCH_SORTS, TIME_FILTERS } from "../../catalog/filters.js";
import { Keyword, keywordSearchFields, NoteRef, positive, TopicRef, topicPageFields, UserRef } from "./seed-schemas.js";
import { WatchSectionSchema } from "./watch-schema.js";

const limit = z.number().int().nonnegative();

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

export const KeywordSeedSchema = z.union([
  Keyword,
  z
    .object({
      ...keywordSearchFields,
      /** Notes taken from this seed at most (over all its split slices). */
      limit: positive.optional(),
      /** Reach past the ~11-page search cap by searching several sort/type/time slices and merging them. */
      split: SplitSchema.optional(),
    })
    .strict(),
]);

const UserSeedSchema = z.union([UserRef, z.object({ ref: UserRef, limit: positive.optional() }).strict()]);

const TopicSeedSchema = z.union([TopicRef, z.object({ ...topicPageFields, limit: positive.optional() }).strict()]);

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

/** Download each detailed note's media (src/media): `true` = images and the best video into ./media. */
const MediaSchema = z.union([
  z.boolean(),
  z
    .object({
      images: z.boolean().optional(),
      videos: z.enum(["best", "none"]).optional(),
      covers: z.boolean().optional(),
      videoCodec: z.enum(["any", "h264", "h265"]).optional(),
      /** The download folder (default ./media, relative to where the crawl runs). */
      dir: z.string().min(1).optional(),
    })
    .strict(),
]);

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
        /** Download each note's images and video (issue #15). Default false. */
        media: MediaSchema.optional(),
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
    /** Scheduled monitoring (watch.ts; a crawl ignores it). */
    watch: WatchSectionSchema.optional(),
  })
  .strict();

export type PlanFile = z.input<typeof PlanFileSchema>;

/** Parses `--since`: a date (taken as 00:00 UTC) or a full date-time; null when it is neither. */
export function parseSince(text: string): string | null {
  const trimmed = text.trim();
  if (!/^\d{4}-\d{2}-\d{2}([T ][\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.test(trimmed)) return null;
  const withZone = /^\d{4}-\d{2}-\d{2}$/.test(trimmed) ? `${trimmed}T00:00:00Z` : trimmed;
  const ms = Date.parse(withZone.replace(" ", "T"));
  return Number.isNaN(ms) ? null : new Date(ms).toISOString();
}
