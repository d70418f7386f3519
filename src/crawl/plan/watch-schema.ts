/**
 * The plan file's `watch:` section (issue #14): what to follow on a schedule, what to do on each tick, the
 * daily budgets, the alert rules and where alerts go. Validated with zod like the rest of the plan, so every
 * problem is reported at once with its path (`watch.watches[0].every: expected a duration like …`).
 */
import { z } from "zod";
import { DURATION_HINT, parseDuration } from "./duration.js";
import { Keyword, keywordSearchFields, NoteRef, positive, TopicRef, topicPageFields, UserRef } from "./seed-schemas.js";

/** A duration text (`6h`) as milliseconds; a number or a malformed text is refused with the expected form. */
export const DurationSchema = z.unknown().transform((value, ctx) => {
  const parsed = typeof value === "string" ? parseDuration(value) : null;
  if (parsed === null || "problem" in parsed) {
    ctx.addIssue({
      code: "custom",
      message:
        parsed && "problem" in parsed
          ? parsed.problem
          : `expected ${DURATION_HINT} (got ${typeof value === "object" ? (Array.isArray(value) ? "a list" : "a mapping") : String(value)})`,
    });
    return z.NEVER;
  }
  return parsed.ms;
});

const MINUTE = 60_000;
const atLeastAMinute = DurationSchema.refine((ms) => ms >= MINUTE, { message: "must be 1m or longer" });

const words = z.array(z.string().trim().min(1, "empty word")).min(1);

export const WATCH_METRICS = ["likes", "collects", "comments", "shares"] as const;
export const ALERT_RULES = ["new_note", "count_above", "taking_off", "new_comment", "followers_above"] as const;

const BudgetSchema = z
  .object({
    /** Paid calls per UTC day at most. */
    calls: positive.optional(),
    /** US dollars per UTC day at most. */
    usd: z.number().positive().optional(),
  })
  .strict();

const KeywordWatchSchema = z.union([Keyword, z.object(keywordSearchFields).strict()]);
const TopicWatchSchema = z.union([TopicRef, z.object(topicPageFields).strict()]);

const ActionsSchema = z
  .object({
    /** Find notes not seen before (time-ordered lists stop at the first stored note). */
    newNotes: z.union([z.boolean(), z.object({ limit: positive.optional() }).strict()]).optional(),
    /** Refresh tracked notes' counts on a decaying schedule after they are first seen. */
    refreshCounts: z
      .union([
        z.boolean(),
        z
          .object({
            /** Offsets after first seen (default 1h, 6h, 24h, 3d, 7d). */
            schedule: z.array(atLeastAMinute).min(1).optional(),
            /** After the last offset, every this long (default 7d)… */
            every: atLeastAMinute.optional(),
            /** …until this long after first seen (default 30d). */
            horizon: atLeastAMinute.optional(),
          })
          .strict(),
      ])
      .optional(),
    /** Fetch new comments of tracked notes on each tick. */
    newComments: z.union([z.boolean(), z.object({ limit: positive.optional() }).strict()]).optional(),
    /** Refresh the watched users' counts on each tick. */
    refreshUsers: z.boolean().optional(),
  })
  .strict();

const ruleNames = ALERT_RULES.map((r) => JSON.stringify(r)).join(", ");
const Metric = z.enum(WATCH_METRICS);
export const AlertRuleSchema = z.discriminatedUnion(
  "rule",
  [
    z
      .object({ rule: z.literal("new_note"), authors: z.array(UserRef).min(1).optional(), words: words.optional() })
      .strict(),
    z.object({ rule: z.literal("count_above"), metric: Metric, threshold: positive }).strict(),
    z
      .object({
        rule: z.literal("taking_off"),
        metric: Metric,
        /** Growth per hour at least, over the window. */
        perHour: z.number().positive(),
        /** How far back the growth is measured (default 6h). */
        window: atLeastAMinute.optional(),
      })
      .strict(),
    z.object({ rule: z.literal("new_comment"), words }).strict(),
    z.object({ rule: z.literal("followers_above"), threshold: positive }).strict(),
  ],
  { error: (issue) => (issue.code === "invalid_union" ? `unknown rule: expected one of ${ruleNames}` : undefined) },
);

/** One delivery: exactly one of `webhook`, `stdout`, `file`. */
export const DeliverySchema = z
  .object({
    webhook: z.url({ protocol: /^https?$/, error: "expected an http(s) URL" }).optional(),
    /** The environment variable that holds the webhook's signing secret (default XHS_WEBHOOK_SECRET). */
    secretEnv: z
      .string()
      .regex(/^[A-Z_][A-Z0-9_]*$/, "expected an environment variable name like XHS_WEBHOOK_SECRET")
      .optional(),
    /** Tries before the alert goes to the dead letters (default 10). */
    maxAttempts: positive.max(50).optional(),
    stdout: z.literal(true).optional(),
    file: z.string().min(1).optional(),
  })
  .strict()
  .superRefine((value, ctx) => {
    const kinds = (["webhook", "stdout", "file"] as const).filter((k) => value[k] !== undefined);
    if (kinds.length !== 1)
      ctx.addIssue({
        code: "custom",
        message: `give exactly one of webhook, stdout, file (got ${kinds.length === 0 ? "none" : kinds.join(", ")})`,
      });
    else if (kinds[0] !== "webhook" && (value.secretEnv !== undefined || value.maxAttempts !== undefined))
      ctx.addIssue({ code: "custom", message: "secretEnv and maxAttempts are for a webhook only" });
  });

export const WatchSchema = z
  .object({
    /** Names the watch in state, alerts and budgets: keep it stable (renaming starts it over). */
    name: z.string().trim().min(1).max(64),
    every: atLeastAMinute,
    keywords: z.array(KeywordWatchSchema).optional(),
    users: z.array(UserRef).optional(),
    topics: z.array(TopicWatchSchema).optional(),
    notes: z.array(NoteRef).optional(),
    actions: ActionsSchema.optional(),
    budget: BudgetSchema.optional(),
    alerts: z.array(AlertRuleSchema).optional(),
    deliver: z.array(DeliverySchema).optional(),
  })
  .strict()
  .superRefine((watch, ctx) => {
    const targets = [watch.keywords, watch.users, watch.topics, watch.notes].reduce((n, l) => n + (l?.length ?? 0), 0);
    if (targets === 0) ctx.addIssue({ code: "custom", message: "give at least one keyword, user, topic or note" });
  });

export const WatchSectionSchema = z
  .object({
    /** Daily budget over every watch. */
    budget: BudgetSchema.optional(),
    /** Where alerts go when a watch does not say. */
    deliver: z.array(DeliverySchema).optional(),
    watches: z.array(WatchSchema).min(1, "give at least one watch"),
  })
  .strict()
  .superRefine((section, ctx) => {
    const seen = new Map<string, number>();
    section.watches.forEach((watch, i) => {
      const first = seen.get(watch.name);
      if (first !== undefined)
        ctx.addIssue({
          code: "custom",
          path: ["watches", i, "name"],
          message: `"${watch.name}" is already the name of watches[${first}]`,
        });
      else seen.set(watch.name, i);
    });
  });
