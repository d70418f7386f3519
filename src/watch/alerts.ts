/**
 * Alert rules, evaluated on what a tick learnt (pure). Every alert has a stable id, a hash of the watch,
 * the rule as written and the subject: finding the same thing again (a replayed tick, a restart, the next
 * refresh of a note still above its threshold) raises the same id, which the state store keeps once, so it
 * is delivered once. Editing a rule gives its alerts new ids (the new rule has not alerted yet).
 */
import { createHash } from "node:crypto";
import type { AlertRule, WatchDefinition, WatchMetric } from "../crawl/plan/watch.js";
import type { Comment, Note } from "../model/types.js";
import type { NoteObservation, UserObservation } from "../store/port.js";
import type { AlertRecord } from "./state.js";

export function alertId(watch: string, rule: AlertRule, subject: string): string {
  const text = JSON.stringify([watch, rule, subject]);
  return createHash("sha256").update(text).digest("hex").slice(0, 24);
}

/** `new_note` rules over notes the watch had not seen: every rule whose authors and words fit. */
export function newNoteAlerts(watch: WatchDefinition, notes: readonly Note[], now: number): AlertRecord[] {
  const out: AlertRecord[] = [];
  for (const rule of watch.alerts) {
    if (rule.rule !== "new_note") continue;
    for (const note of notes) {
      if (rule.authors && !rule.authors.some((a) => a === note.author?.id)) continue;
      const matched = rule.words ? matchedWords(`${note.title ?? ""}\n${note.text ?? ""}`, rule.words) : [];
      if (rule.words && matched.length === 0) continue;
      out.push({
        id: alertId(watch.name, rule, note.id),
        watch: watch.name,
        kind: "new_note",
        subject: note.id,
        raisedAt: now,
        detail: {
          noteId: note.id,
          title: note.title,
          author: note.author?.nickname ?? note.author?.id ?? null,
          publishedAt: note.publishedAt,
          url: note.url,
          ...(matched.length > 0 ? { words: matched } : {}),
        },
      });
    }
  }
  return out;
}

/** `new_comment` rules over comments the store did not have. */
export function newCommentAlerts(watch: WatchDefinition, comments: readonly Comment[], now: number): AlertRecord[] {
  const out: AlertRecord[] = [];
  for (const rule of watch.alerts) {
    if (rule.rule !== "new_comment") continue;
    for (const comment of comments) {
      const matched = matchedWords(comment.text ?? "", rule.words);
      if (matched.length === 0) continue;
      out.push({
        id: alertId(watch.name, rule, comment.id),
        watch: watch.name,
        kind: "new_comment",
        subject: comment.id,
        raisedAt: now,
        detail: {
          noteId: comment.noteId,
          commentId: comment.id,
          text: comment.text,
          author: comment.author?.nickname ?? comment.author?.id ?? null,
          words: matched,
        },
      });
    }
  }
  return out;
}

/** A point of a count series (epoch ms, value). */
export interface SeriesPoint {
  at: number;
  value: number;
}

/** One metric of a note's observations, oldest first, unknown values left out. */
export function noteSeries(observations: readonly NoteObservation[], metric: WatchMetric): SeriesPoint[] {
  return observations
    .map((o) => ({ at: Date.parse(o.fetchedAt), value: o[metric] }))
    .filter((p): p is SeriesPoint => p.value !== null && Number.isFinite(p.at))
    .sort((a, b) => a.at - b.at);
}

export function followerSeries(observations: readonly UserObservation[]): SeriesPoint[] {
  return observations
    .map((o) => ({ at: Date.parse(o.fetchedAt), value: o.followers }))
    .filter((p): p is SeriesPoint => p.value !== null && Number.isFinite(p.at))
    .sort((a, b) => a.at - b.at);
}

/**
 * A crossing: the latest value is at or over the threshold and an earlier one was under it. A note first
 * seen already over the threshold did not cross it while watched, so it raises nothing (else the first tick
 * of a watch would alert on every popular old note).
 */
export function crossed(series: readonly SeriesPoint[], threshold: number): boolean {
  const last = series.at(-1);
  if (!last || last.value < threshold) return false;
  return series.slice(0, -1).some((p) => p.value < threshold);
}

/**
 * Growth per hour over the window that ends at the latest point: from the latest point at least `windowMs`
 * before it (else the oldest, when the series spans at least half the window: two close points of a flat
 * note must not look like a take-off). Null when the series is too short to say.
 */
export function growthPerHour(series: readonly SeriesPoint[], windowMs: number): number | null {
  const last = series.at(-1);
  if (!last || series.length < 2) return null;
  const before = series.filter((p) => p.at <= last.at - windowMs).at(-1);
  const base = before ?? series[0];
  if (!base || base === last) return null;
  const span = last.at - base.at;
  if (span <= 0 || (!before && span < windowMs / 2)) return null;
  return ((last.value - base.value) * 3_600_000) / span;
}

/** `count_above` and `taking_off` rules over a note's observations (after its latest refresh). */
export function noteCountAlerts(
  watch: WatchDefinition,
  noteId: string,
  observations: readonly NoteObservation[],
  now: number,
): AlertRecord[] {
  const out: AlertRecord[] = [];
  for (const rule of watch.alerts) {
    if (rule.rule === "count_above") {
      const series = noteSeries(observations, rule.metric);
      if (!crossed(series, rule.threshold)) continue;
      out.push(countAlert(watch, rule, "count_above", noteId, now, { value: series.at(-1)?.value ?? null }));
    } else if (rule.rule === "taking_off") {
      const series = noteSeries(observations, rule.metric);
      const rate = growthPerHour(series, rule.windowMs);
      if (rate === null || rate < rule.perHour) continue;
      out.push(
        countAlert(watch, rule, "taking_off", noteId, now, {
          value: series.at(-1)?.value ?? null,
          perHour: Math.round(rate * 10) / 10,
        }),
      );
    }
  }
  return out;
}

/** `followers_above` rules over a user's observations. */
export function followerAlerts(
  watch: WatchDefinition,
  userId: string,
  observations: readonly UserObservation[],
  now: number,
): AlertRecord[] {
  const out: AlertRecord[] = [];
  for (const rule of watch.alerts) {
    if (rule.rule !== "followers_above") continue;
    const series = followerSeries(observations);
    if (!crossed(series, rule.threshold)) continue;
    out.push({
      id: alertId(watch.name, rule, userId),
      watch: watch.name,
      kind: "followers_above",
      subject: userId,
      raisedAt: now,
      detail: { userId, followers: series.at(-1)?.value ?? null, threshold: rule.threshold },
    });
  }
  return out;
}

function countAlert(
  watch: WatchDefinition,
  rule: Extract<AlertRule, { rule: "count_above" | "taking_off" }>,
  kind: "count_above" | "taking_off",
  noteId: string,
  now: number,
  extra: Record<string, unknown>,
): AlertRecord {
  const { rule: _kind, ...settings } = rule;
  return {
    id: alertId(watch.name, rule, noteId),
    watch: watch.name,
    kind,
    subject: noteId,
    raisedAt: now,
    detail: { noteId, ...settings, ...extra },
  };
}

/** The rule's words found in the text (case-insensitive; whitespace runs count as one space). */
function matchedWords(text: string, words: readonly string[]): string[] {
  const norm = (s: string) => s.toLowerCase().replace(/\s+/g, " ");
  const hay = norm(text);
  return words.filter((w) => hay.includes(norm(w)));
}
