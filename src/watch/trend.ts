/**
 * Engagement curves read back from the store's observations (`xhs trend`, and the library's way to the same
 * points): one point per stored fetch of a note's or a user's counts, a compact table, a terminal sparkline.
 * Through the `Store` port only, so it reads any backend.
 */
import type { NoteObservation, Store, UserObservation } from "../store/port.js";

export const NOTE_METRICS = ["likes", "collects", "comments", "shares"] as const;
export const USER_METRICS = ["followers", "following", "likesAndCollects", "noteCount"] as const;

export interface TrendPoint {
  /** ISO time of the fetch. */
  at: string;
  source: string;
  values: Record<string, number | null>;
}

export interface Trend {
  kind: "note" | "user";
  id: string;
  /** The note's title or the user's nickname, when stored. */
  label: string | null;
  metrics: readonly string[];
  points: TrendPoint[];
}

type TrendStore = Pick<Store, "getNote" | "getUser" | "noteObservations" | "userObservations">;

/** The curve of a stored note, oldest first; null when the store has no such note. */
export async function noteTrend(store: TrendStore, id: string): Promise<Trend | null> {
  const note = await store.getNote(id);
  if (!note) return null;
  const observations = await store.noteObservations(id);
  return { kind: "note", id, label: note.title, metrics: NOTE_METRICS, points: observations.map(notePoint) };
}

/** The curve of a stored user, oldest first; null when the store has no such user. */
export async function userTrend(store: TrendStore, id: string): Promise<Trend | null> {
  const user = await store.getUser(id);
  if (!user) return null;
  const observations = await store.userObservations(id);
  return { kind: "user", id, label: user.nickname, metrics: USER_METRICS, points: observations.map(userPoint) };
}

function notePoint(o: NoteObservation): TrendPoint {
  return {
    at: o.fetchedAt,
    source: o.source,
    values: { likes: o.likes, collects: o.collects, comments: o.comments, shares: o.shares },
  };
}

function userPoint(o: UserObservation): TrendPoint {
  return {
    at: o.fetchedAt,
    source: o.source,
    values: {
      followers: o.followers,
      following: o.following,
      likesAndCollects: o.likesAndCollects,
      noteCount: o.noteCount,
    },
  };
}

const BARS = "▁▂▃▄▅▆▇█";

/**
 * A sparkline over time: `width` columns spread evenly from the first point to the last, each showing the
 * latest known value at its time (observations come on a decaying schedule, so plotting them one per column
 * would stretch the first hours). Unknown values are spaces; a flat series is all low bars.
 */
export function sparkline(points: readonly { at: number; value: number | null }[], width = 40): string {
  const known = points.filter((p): p is { at: number; value: number } => p.value !== null).sort((a, b) => a.at - b.at);
  const first = known[0];
  const last = known.at(-1);
  if (!first || !last) return "";
  const columns = known.length === 1 || last.at === first.at ? 1 : Math.max(2, width);
  const values: number[] = [];
  let j = 0;
  for (let c = 0; c < columns; c++) {
    const t = columns === 1 ? last.at : first.at + ((last.at - first.at) * c) / (columns - 1);
    while (j + 1 < known.length && (known[j + 1]?.at ?? Number.POSITIVE_INFINITY) <= t) j++;
    values.push(known[j]?.value ?? 0);
  }
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  return values.map((v) => BARS[hi === lo ? 0 : Math.round(((v - lo) / (hi - lo)) * (BARS.length - 1))]).join("");
}

/** The curve as a compact table: one row per observation, the first metric's growth per hour beside it. */
export function renderTrend(trend: Trend, options: { width?: number } = {}): string {
  const main = trend.metrics[0] ?? "";
  const header = `${trend.kind} ${trend.id}${trend.label ? `  ${trend.label}` : ""}`;
  if (trend.points.length === 0) return `${header}\nno observations stored yet\n`;
  const series = trend.points.map((p) => ({ at: Date.parse(p.at), value: p.values[main] ?? null }));
  const rows: string[][] = [["fetched (UTC)", ...trend.metrics, `${main}/h`, "source"]];
  trend.points.forEach((p, i) => {
    const prev = series[i - 1];
    const cur = series[i];
    let rate = "";
    if (prev && cur && prev.value !== null && cur.value !== null && cur.at > prev.at)
      rate = formatRate(((cur.value - prev.value) * 3_600_000) / (cur.at - prev.at));
    rows.push([
      p.at.slice(0, 16).replace("T", " "),
      ...trend.metrics.map((m) => (p.values[m] === null || p.values[m] === undefined ? "-" : String(p.values[m]))),
      rate,
      p.source,
    ]);
  });
  const widths = rows[0]?.map((_, c) => Math.max(...rows.map((r) => (r[c] ?? "").length))) ?? [];
  const table = rows.map((r) =>
    r
      .map((cell, c) => (c === 0 || c === r.length - 1 ? cell.padEnd(widths[c] ?? 0) : cell.padStart(widths[c] ?? 0)))
      .join("  ")
      .trimEnd(),
  );
  const spark = sparkline(series, options.width ?? 40);
  return `${header}\n${main} ${spark}\n${table.join("\n")}\n`;
}

function formatRate(perHour: number): string {
  const rounded = Math.abs(perHour) >= 10 ? Math.round(perHour) : Math.round(perHour * 10) / 10;
  return `${rounded > 0 ? "+" : ""}${rounded}`;
}

/**
 * The points as flat rows (for CSV): kind, id, time, source, then every metric. Headers are the camelCase
 * names `xhs export observations` and the record exports use for the same columns (fetchedAt, likesAndCollects).
 */
export function trendRows(trend: Trend): { headers: string[]; rows: (string | number | null)[][] } {
  return {
    headers: ["kind", "id", "fetchedAt", "source", ...trend.metrics],
    rows: trend.points.map((p) => [
      trend.kind,
      trend.id,
      p.at,
      p.source,
      ...trend.metrics.map((m) => p.values[m] ?? null),
    ]),
  };
}
