import { describe, expect, it } from "vitest";
import { normalizeWatchPlan, type WatchPlan } from "../../src/crawl/plan/watch.js";
import { budgetLeft, estimateTask, fitBudget } from "../../src/watch/budget.js";
import { completeTick, dueTasks, nextRefreshAt, nextWakeAt, refreshTimes } from "../../src/watch/schedule.js";

const H = 3_600_000;
const D = 24 * H;
const T0 = Date.UTC(2026, 8, 1);
const NOTE = "697c0eee000000000a03c308";

function plan(watch: Record<string, unknown>, extra: Record<string, unknown> = {}): WatchPlan {
  return normalizeWatchPlan({ watch: { watches: [{ name: "w", every: "6h", ...watch }], ...extra } }, "test");
}

describe("the decaying refresh schedule", () => {
  it("is 1h, 6h, 24h, 3d, 7d, then weekly up to the 30-day horizon", () => {
    const schedule = plan({ keywords: ["露营"] }).watches[0]?.actions.refreshCounts;
    if (!schedule) throw new Error("no schedule");
    expect(refreshTimes(0, schedule)).toEqual([H, 6 * H, D, 3 * D, 7 * D, 14 * D, 21 * D, 28 * D]);
    expect(nextRefreshAt(T0, schedule, T0 + 2 * H)).toBe(T0 + 6 * H);
    // A process down over two refresh times does the latest due one once, then the next.
    expect(nextRefreshAt(T0, schedule, T0 + 4 * D)).toBe(T0 + 7 * D);
    expect(nextRefreshAt(T0, schedule, T0 + 28 * D)).toBeNull();
  });

  it("honours a custom schedule, horizon and interval", () => {
    const schedule = plan({
      keywords: ["露营"],
      actions: { refreshCounts: { schedule: ["2h", "30m"], every: "1d", horizon: "3d" } },
    }).watches[0]?.actions.refreshCounts;
    if (!schedule) throw new Error("no schedule");
    expect(refreshTimes(0, schedule)).toEqual([30 * 60_000, 2 * H, 2 * H + D, 2 * H + 2 * D]);
  });
});

describe("what is due", () => {
  it("every planned task is due at the first tick, in a stable order", () => {
    const p = plan({ keywords: ["露营", "口红"], users: ["61b46d790000000010008153"], notes: [NOTE] });
    const due = dueTasks(p, [], T0);
    expect(due.map((d) => d.task.key)).toEqual([
      "discover|w|keyword|口红|latest|all|all",
      "discover|w|keyword|露营|latest|all|all",
      "discover|w|user|61b46d790000000010008153",
      `refresh_note|w|${NOTE}`,
      "refresh_user|w|61b46d790000000010008153",
    ]);
    expect(due.every((d) => d.slot === T0 && d.tickId === `${d.task.key}@${T0}`)).toBe(true);
  });

  it("a discovery tracks its new notes, schedules their first refresh and its own next slot", () => {
    const p = plan({ keywords: ["露营"], actions: { newComments: true } });
    const [due] = dueTasks(p, [], T0);
    if (!due) throw new Error("nothing due");
    const commit = completeTick(
      due,
      { ranAt: T0 + 5000, newNoteIds: ["a", "b"], calls: 1, usd: 0.01, alerts: [], targets: [] },
      [],
    );
    expect(commit.task).toMatchObject({ runs: 1, lastRunAt: T0 + 5000, nextDueAt: T0 + 6 * H });
    expect(commit.track).toEqual([
      { watch: "w", noteId: "a", firstSeenAt: T0 + 5000 },
      { watch: "w", noteId: "b", firstSeenAt: T0 + 5000 },
    ]);
    expect(commit.newTasks.map((t) => [t.key, t.nextDueAt])).toEqual([
      ["refresh_note|w|a", T0 + 5000 + H],
      ["new_comments|w|a", T0 + 5000 + 6 * H],
      ["refresh_note|w|b", T0 + 5000 + H],
      ["new_comments|w|b", T0 + 5000 + 6 * H],
    ]);
    expect(commit.spend).toEqual({ day: "2026-09-01", watch: "w", calls: 1, usd: 0.01 });
  });

  it("slots missed while down are one tick for the latest slot, then the grid goes on", () => {
    const p = plan({ keywords: ["露营"] });
    const stored = [
      {
        key: "discover|w|keyword|露营|latest|all|all",
        watch: "w",
        kind: "discover" as const,
        target: "keyword|露营|latest|all|all",
        runs: 3,
        lastRunAt: T0,
        nextDueAt: T0 + 6 * H,
      },
    ];
    expect(dueTasks(p, stored, T0 + 6 * H - 1)).toEqual([]);
    expect(nextWakeAt(p, stored, T0)).toBe(T0 + 6 * H);
    const [late] = dueTasks(p, stored, T0 + 20 * H);
    expect(late?.slot).toBe(T0 + 18 * H);
    if (!late) throw new Error("nothing due");
    const commit = completeTick(late, { ranAt: T0 + 20 * H, calls: 1, usd: 0.01, alerts: [], targets: [] }, []);
    expect(commit.task.nextDueAt).toBe(T0 + 24 * H);
  });

  it("a task of a watch or an action the plan dropped is not run", () => {
    const p = plan({ keywords: ["露营"], actions: { refreshCounts: false } });
    const stored = [
      {
        key: "refresh_note|w|a",
        watch: "w",
        kind: "refresh_note" as const,
        target: "a",
        runs: 1,
        lastRunAt: T0,
        nextDueAt: T0,
      },
      {
        key: "discover|gone|keyword|x",
        watch: "gone",
        kind: "discover" as const,
        target: "keyword|x",
        runs: 1,
        lastRunAt: T0,
        nextDueAt: T0,
      },
    ];
    expect(dueTasks(p, stored, T0 + H).map((d) => d.task.key)).toEqual(["discover|w|keyword|露营|latest|all|all"]);
  });
});

describe("budgets, before paying", () => {
  it("a task runs only if its estimate fits both the watch's and the total daily budget", () => {
    const p = plan({ keywords: ["露营", "口红", "咖啡"], budget: { calls: 2 } }, { budget: { usd: 0.025 } });
    const due = dueTasks(p, [], T0);
    expect(due.map((d) => estimateTask(d))).toEqual([
      { calls: 1, usd: 0.01 },
      { calls: 1, usd: 0.01 },
      { calls: 1, usd: 0.01 },
    ]);
    const { run, wait } = fitBudget(p, due, []);
    expect(run).toHaveLength(2);
    expect(wait.map((w) => w.reason)).toEqual(["needs up to 1 calls, 0 left today"]);
    const spent = [{ day: "2026-09-01", watch: "w", calls: 0, usd: 0.02 }];
    expect(budgetLeft(p, "w", spent)).toEqual({ calls: 2, usd: expect.closeTo(0.005, 6) });
    expect(fitBudget(p, due, spent).wait[0]?.reason).toBe("needs up to $0.01, $0.01 left today");
  });
});

// Ticks across crashes (replays, seven days with crashes mid-tick) are in state-conformance.ts: they run against
// every WatchStateStore (memory, SQLite, Postgres).
