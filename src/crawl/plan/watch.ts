/**
 * The normalized `watch:` section: every default filled in, durations in milliseconds, refs trimmed.
 * What the watch layer (src/watch) schedules. A plan file with a `watch:` section may leave out `seeds`.
 */
import type { z } from "zod";
import type { NoteTypeFilter, SearchSort, TimeFilter, TopicSort } from "../../catalog/filters.js";
import { parseTopicRef } from "../../refs/parse-ref.js";
import { formatProblems, issueLines, PlanError } from "./problems.js";
import { PlanFileSchema } from "./schema.js";
import { type AlertRuleSchema, type DeliverySchema, type WATCH_METRICS, WatchSectionSchema } from "./watch-schema.js";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

export const WATCH_DEFAULTS = {
  newNotesLimit: 20,
  newCommentsLimit: 50,
  refreshSchedule: [HOUR, 6 * HOUR, DAY, 3 * DAY, 7 * DAY],
  refreshThen: 7 * DAY,
  refreshHorizon: 30 * DAY,
  takingOffWindow: 6 * HOUR,
  webhookMaxAttempts: 10,
  webhookSecretEnv: "XHS_WEBHOOK_SECRET",
} as const;

export type WatchMetric = (typeof WATCH_METRICS)[number];

/** Per UTC day; null: no limit of that kind. */
export interface DailyBudget {
  calls: number | null;
  usd: number | null;
}

export interface RefreshSchedule {
  /** Offsets after a note is first seen, ascending (ms). */
  offsets: number[];
  /** After the last offset, every this long… */
  thenEvery: number;
  /** …until this long after first seen (ms). */
  horizon: number;
}

export type AlertRule =
  | { rule: "new_note"; authors: string[] | null; words: string[] | null }
  | { rule: "count_above"; metric: WatchMetric; threshold: number }
  | { rule: "taking_off"; metric: WatchMetric; perHour: number; windowMs: number }
  | { rule: "new_comment"; words: string[] }
  | { rule: "followers_above"; threshold: number };

export type DeliveryTarget =
  | { kind: "webhook"; url: string; secretEnv: string; maxAttempts: number }
  | { kind: "stdout" }
  | { kind: "file"; path: string };

export interface WatchDefinition {
  name: string;
  everyMs: number;
  keywords: { keyword: string; sort: SearchSort; type: NoteTypeFilter; time: TimeFilter }[];
  users: string[];
  topics: { pageId: string; sort: TopicSort }[];
  notes: string[];
  actions: {
    newNotes: { limit: number } | null;
    refreshCounts: RefreshSchedule | null;
    newComments: { limit: number } | null;
    refreshUsers: boolean;
  };
  budget: DailyBudget;
  alerts: AlertRule[];
  /** The watch's own deliveries, else the section's. */
  deliver: DeliveryTarget[];
}

export interface WatchPlan {
  name: string | null;
  budget: DailyBudget;
  watches: WatchDefinition[];
}

/**
 * Validates a whole plan file that carries a `watch:` section (`seeds` may then be left out; when given,
 * they are checked as for a crawl). `source` names the file in errors.
 */
export function normalizeWatchPlan(input: unknown, source: string): WatchPlan {
  const parsed = WatchPlanFileSchema.safeParse(input, { reportInput: true });
  if (!parsed.success) throw new PlanError(formatProblems(source, issueLines(parsed.error, undefined)));
  return { name: parsed.data.name ?? null, ...normalizeWatchSection(parsed.data.watch) };
}

const WatchPlanFileSchema = PlanFileSchema.extend({
  seeds: PlanFileSchema.shape.seeds.optional(),
  watch: WatchSectionSchema,
});

function normalizeWatchSection(section: z.output<typeof WatchSectionSchema>): Omit<WatchPlan, "name"> {
  const sharedDeliver = (section.deliver ?? []).map(delivery);
  return {
    budget: budget(section.budget),
    watches: section.watches.map((watch) => {
      const keywords = (watch.keywords ?? []).map((k) =>
        typeof k === "string"
          ? {
              keyword: k.trim(),
              sort: "latest" as SearchSort,
              type: "all" as NoteTypeFilter,
              time: "all" as TimeFilter,
            }
          : { keyword: k.keyword.trim(), sort: k.sort ?? "latest", type: k.type ?? "all", time: k.time ?? "all" },
      );
      const users = (watch.users ?? []).map((u) => u.trim());
      const topics = (watch.topics ?? []).map((t) =>
        typeof t === "string"
          ? { pageId: parseTopicRef(t), sort: "latest" as TopicSort }
          : { pageId: parseTopicRef(t.pageId), sort: t.sort ?? "latest" },
      );
      const discovers = keywords.length + users.length + topics.length > 0;
      const a = watch.actions ?? {};
      const newNotes = a.newNotes ?? discovers;
      const refresh = a.refreshCounts ?? true;
      const comments = a.newComments ?? false;
      return {
        name: watch.name,
        everyMs: watch.every,
        keywords,
        users,
        topics,
        notes: (watch.notes ?? []).map((n) => n.trim()),
        actions: {
          newNotes:
            newNotes === false
              ? null
              : { limit: (newNotes === true ? undefined : newNotes.limit) ?? WATCH_DEFAULTS.newNotesLimit },
          refreshCounts:
            refresh === false
              ? null
              : {
                  offsets: [
                    ...((refresh === true ? undefined : refresh.schedule) ?? WATCH_DEFAULTS.refreshSchedule),
                  ].sort((x, y) => x - y),
                  thenEvery: (refresh === true ? undefined : refresh.every) ?? WATCH_DEFAULTS.refreshThen,
                  horizon: (refresh === true ? undefined : refresh.horizon) ?? WATCH_DEFAULTS.refreshHorizon,
                },
          newComments:
            comments === false
              ? null
              : { limit: (comments === true ? undefined : comments.limit) ?? WATCH_DEFAULTS.newCommentsLimit },
          refreshUsers: a.refreshUsers ?? users.length > 0,
        },
        budget: budget(watch.budget),
        alerts: (watch.alerts ?? []).map(alertRule),
        deliver: watch.deliver ? watch.deliver.map(delivery) : sharedDeliver,
      };
    }),
  };
}

function budget(input: { calls?: number | undefined; usd?: number | undefined } | undefined): DailyBudget {
  return { calls: input?.calls ?? null, usd: input?.usd ?? null };
}

function alertRule(rule: z.output<typeof AlertRuleSchema>): AlertRule {
  switch (rule.rule) {
    case "new_note":
      return { rule: "new_note", authors: rule.authors?.map((a) => a.trim()) ?? null, words: rule.words ?? null };
    case "taking_off":
      return {
        rule: "taking_off",
        metric: rule.metric,
        perHour: rule.perHour,
        windowMs: rule.window ?? WATCH_DEFAULTS.takingOffWindow,
      };
    default:
      return rule;
  }
}

function delivery(input: z.output<typeof DeliverySchema>): DeliveryTarget {
  if (input.webhook !== undefined)
    return {
      kind: "webhook",
      url: input.webhook,
      secretEnv: input.secretEnv ?? WATCH_DEFAULTS.webhookSecretEnv,
      maxAttempts: input.maxAttempts ?? WATCH_DEFAULTS.webhookMaxAttempts,
    };
  if (input.file !== undefined) return { kind: "file", path: input.file };
  return { kind: "stdout" };
}
