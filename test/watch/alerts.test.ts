import { describe, expect, it } from "vitest";
import { normalizeWatchPlan, type WatchDefinition } from "../../src/crawl/plan/watch.js";
import type { Comment, Note } from "../../src/model/types.js";
import type { NoteObservation, UserObservation } from "../../src/store/port.js";
import {
  crossed,
  followerAlerts,
  growthPerHour,
  newCommentAlerts,
  newNoteAlerts,
  noteCountAlerts,
} from "../../src/watch/alerts.js";

const H = 3_600_000;
const T0 = Date.UTC(2026, 8, 1);
const AUTHOR = "61b46d790000000010008153";

function watch(alerts: unknown[]): WatchDefinition {
  const plan = normalizeWatchPlan(
    { watch: { watches: [{ name: "w", every: "1h", keywords: ["露营"], alerts }] } },
    "t",
  );
  const def = plan.watches[0];
  if (!def) throw new Error("no watch");
  return def;
}

function note(id: string, title: string, authorId = AUTHOR): Note {
  return {
    id,
    type: "image",
    title,
    text: "正文",
    textTruncated: false,
    tags: [],
    author: { id: authorId, nickname: "作者", avatarUrl: null, redId: null },
    stats: { likes: 1, collects: 0, comments: 0, shares: 0 },
    approx: [],
    images: [],
    video: null,
    publishedAt: new Date(T0).toISOString(),
    updatedAt: null,
    ipLocation: null,
    xsecToken: null,
    url: `https://www.xiaohongshu.com/explore/${id}`,
    source: "app_v2",
    fetchedAt: new Date(T0).toISOString(),
  } as unknown as Note;
}

function obs(noteId: string, points: [hours: number, likes: number][]): NoteObservation[] {
  return points.map(([h, likes]) => ({
    noteId,
    fetchedAt: new Date(T0 + h * H).toISOString(),
    source: "app_v2",
    likes,
    collects: null,
    comments: null,
    shares: null,
    approx: [],
    runId: null,
  }));
}

describe("alert rules", () => {
  it("new_note: authors and words filter; the id is stable across ticks and differs per rule and note", () => {
    const w = watch([
      { rule: "new_note", words: ["帐篷"] },
      { rule: "new_note", authors: [AUTHOR] },
    ]);
    const notes = [note("a".repeat(24), "新帐篷开箱"), note("b".repeat(24), "咖啡", "5a8cf39111be10466d285d6b")];
    const first = newNoteAlerts(w, notes, T0);
    expect(first.map((a) => [a.subject, a.detail.words ?? null])).toEqual([
      ["a".repeat(24), ["帐篷"]],
      ["a".repeat(24), null],
    ]);
    expect(new Set(first.map((a) => a.id)).size).toBe(2);
    const again = newNoteAlerts(w, notes, T0 + 5 * H);
    expect(again.map((a) => a.id)).toEqual(first.map((a) => a.id));
  });

  it("taking_off fires on a note growing faster than the rate over the window, never on a flat one", () => {
    const w = watch([{ rule: "taking_off", metric: "likes", perHour: 100, window: "6h" }]);
    const rising = obs("r", [
      [0, 10],
      [1, 40],
      [6, 900],
      [7, 1500],
    ]);
    const flat = obs("f", [
      [0, 10],
      [1, 12],
      [6, 30],
      [24, 80],
    ]);
    const [alert] = noteCountAlerts(w, "r", rising, T0);
    expect(alert).toMatchObject({ kind: "taking_off", subject: "r", detail: { value: 1500, perHour: 243.3 } });
    expect(noteCountAlerts(w, "f", flat, T0)).toEqual([]);
    // Two close points are too short a span to call a take-off.
    expect(
      growthPerHour(
        [
          { at: 0, value: 0 },
          { at: 60_000, value: 500 },
        ],
        6 * H,
      ),
    ).toBeNull();
  });

  it("count_above fires on a crossing only, not on a note first seen above the threshold", () => {
    const w = watch([{ rule: "count_above", metric: "likes", threshold: 1000 }]);
    expect(
      noteCountAlerts(
        w,
        "x",
        obs("x", [
          [0, 500],
          [6, 1200],
        ]),
        T0,
      ),
    ).toHaveLength(1);
    expect(
      noteCountAlerts(
        w,
        "y",
        obs("y", [
          [0, 5000],
          [6, 6000],
        ]),
        T0,
      ),
    ).toEqual([]);
    expect(crossed([{ at: 0, value: 999 }], 1000)).toBe(false);
  });

  it("followers_above and new_comment", () => {
    const w = watch([
      { rule: "followers_above", threshold: 10_000 },
      { rule: "new_comment", words: ["退款", "Broken"] },
    ]);
    const users: UserObservation[] = [9_000, 10_500].map((followers, i) => ({
      userId: AUTHOR,
      fetchedAt: new Date(T0 + i * H).toISOString(),
      source: "app_v2",
      followers,
      following: null,
      likesAndCollects: null,
      noteCount: null,
      approx: [],
      runId: null,
    }));
    expect(followerAlerts(w, AUTHOR, users, T0)[0]?.detail).toEqual({
      userId: AUTHOR,
      followers: 10_500,
      threshold: 10_000,
    });
    const comments = [
      { id: "c1", noteId: "n", text: "要求退款！", author: null },
      { id: "c2", noteId: "n", text: "it is  BROKEN", author: null },
      { id: "c3", noteId: "n", text: "很好", author: null },
    ] as unknown as Comment[];
    expect(newCommentAlerts(w, comments, T0).map((a) => [a.subject, a.detail.words])).toEqual([
      ["c1", ["退款"]],
      ["c2", ["Broken"]],
    ]);
  });
});
