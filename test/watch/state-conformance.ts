/**
 * What every `WatchStateStore` must do (memory, SQLite, Postgres: state.test.ts runs it on each): a replayed
 * commit changes nothing, a commit that fails half-way leaves nothing, spend adds up per day, a delivery once
 * settled stays settled, and seven simulated days with crashes mid-tick lose and repeat nothing.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { normalizeWatchPlan, type WatchPlan } from "../../src/crawl/plan/watch.js";
import { completeTick, dueTasks, refreshTimes } from "../../src/watch/schedule.js";
import { runDuePass, type TaskExecutor } from "../../src/watch/scheduler.js";
import type { AlertRecord, TaskState, TickCommit, WatchStateStore } from "../../src/watch/state.js";

const H = 3_600_000;
const D = 24 * H;
const T0 = Date.UTC(2026, 8, 1);

export interface StateBackend {
  /** A state over an empty database; `reopen` gives a new state object over the same database (a restart). */
  open(): Promise<WatchStateStore>;
  reopen(): Promise<WatchStateStore>;
  close(): Promise<void>;
}

function plan(watch: Record<string, unknown>): WatchPlan {
  return normalizeWatchPlan({ watch: { watches: [{ name: "w", every: "6h", ...watch }] } }, "test");
}

const task: TaskState = {
  key: "discover|w|x",
  watch: "w",
  kind: "discover",
  target: "x",
  runs: 0,
  lastRunAt: null,
  nextDueAt: T0,
};

function alert(n: number, detail: Record<string, unknown> = { title: `标题 ${n}` }): AlertRecord {
  return { id: `alert-${n}`, watch: "w", kind: "new_note", subject: `note-${n}`, raisedAt: T0 + n, detail };
}

function commitOf(tickId: string, extra: Partial<TickCommit> = {}): TickCommit {
  return {
    tickId,
    task: { ...task, runs: 1, lastRunAt: T0, nextDueAt: T0 + 6 * H },
    track: [],
    newTasks: [],
    spend: null,
    alerts: [],
    targets: [],
    ...extra,
  };
}

export function runStateConformance(name: string, makeBackend: () => Promise<StateBackend>): void {
  describe(`watch state (${name})`, () => {
    let backend: StateBackend;
    let state: WatchStateStore;
    beforeEach(async () => {
      backend = await makeBackend();
      state = await backend.open();
    });
    afterEach(async () => {
      await backend.close();
    });

    it("a commit replayed after a crash changes nothing", async () => {
      const p = plan({ keywords: ["露营"] });
      const [due] = dueTasks(p, [], T0);
      if (!due) throw new Error("nothing due");
      const commit = completeTick(
        due,
        { ranAt: T0, newNoteIds: ["a"], calls: 2, usd: 0.02, alerts: [alert(1)], targets: ["stdout"] },
        [],
      );
      expect(await state.commitTick(commit)).toBe(true);
      const before = {
        tasks: await state.tasks(),
        tracked: await state.trackedNotes(),
        alerts: await state.alerts(),
        deliveries: await state.deliveries(),
      };
      expect(await state.commitTick(commit)).toBe(false);
      state = await backend.reopen();
      expect(await state.commitTick(commit)).toBe(false);
      expect(await state.spend("2026-09-01")).toEqual([{ day: "2026-09-01", watch: "w", calls: 2, usd: 0.02 }]);
      expect(await state.tasks()).toEqual(before.tasks);
      expect(await state.trackedNotes()).toEqual(before.tracked);
      expect(await state.alerts()).toEqual(before.alerts);
      expect(await state.deliveries()).toEqual(before.deliveries);
      expect(before.tracked).toHaveLength(1);
      expect(before.tasks.map((t) => t.kind).sort()).toEqual(["discover", "refresh_note"]);
    });

    it("a commit that fails half-way writes nothing, and the same tick can then commit", async () => {
      // Neither JSON nor structuredClone can copy this detail: the commit throws after its first writes.
      const poisoned = alert(2, {
        f: () => 1,
        toJSON() {
          throw new Error("unserializable");
        },
      });
      const bad = commitOf("t1", {
        track: [{ watch: "w", noteId: "n1", firstSeenAt: T0 }],
        spend: { day: "2026-09-01", watch: "w", calls: 3, usd: 0.03 },
        alerts: [alert(1), poisoned],
        targets: ["stdout"],
      });
      await expect(state.commitTick(bad)).rejects.toThrow();
      expect(await state.tasks()).toEqual([]);
      expect(await state.trackedNotes()).toEqual([]);
      expect(await state.spend("2026-09-01")).toEqual([]);
      expect(await state.alerts()).toEqual([]);
      expect(await state.deliveries()).toEqual([]);
      expect(await state.commitTick({ ...bad, alerts: [alert(1)] })).toBe(true);
      expect((await state.alerts()).map((a) => a.id)).toEqual(["alert-1"]);
    });

    it("keeps what a task row, a tracked note and an alert first were; adds spend per day and watch", async () => {
      const later = {
        ...task,
        key: "refresh_note|w|n1",
        kind: "refresh_note" as const,
        target: "n1",
        nextDueAt: T0 + H,
      };
      await state.commitTick(
        commitOf("t1", {
          newTasks: [later],
          track: [{ watch: "w", noteId: "n1", firstSeenAt: T0 }],
          spend: { day: "2026-09-01", watch: "w", calls: 1, usd: 0.001 },
          alerts: [alert(1)],
          targets: ["stdout", "file|a.jsonl"],
        }),
      );
      await state.commitTick(
        commitOf("t2", {
          task: { ...task, runs: 2, lastRunAt: T0 + 6 * H, nextDueAt: null },
          newTasks: [{ ...later, nextDueAt: T0 + 99 * H }],
          track: [{ watch: "w", noteId: "n1", firstSeenAt: T0 + 6 * H }],
          spend: { day: "2026-09-01", watch: "w", calls: 2, usd: 0.002 },
          alerts: [{ ...alert(1), detail: { title: "changed" } }, alert(3)],
          targets: ["stdout"],
        }),
      );
      const tasks = await state.tasks();
      expect(tasks.find((t) => t.key === task.key)).toEqual({
        ...task,
        runs: 2,
        lastRunAt: T0 + 6 * H,
        nextDueAt: null,
      });
      expect(tasks.find((t) => t.key === later.key)?.nextDueAt).toBe(T0 + H);
      expect(await state.trackedNotes("w")).toEqual([{ watch: "w", noteId: "n1", firstSeenAt: T0 }]);
      expect(await state.trackedNotes("other")).toEqual([]);
      const [spent] = await state.spend("2026-09-01");
      expect(spent?.calls).toBe(3);
      expect(spent?.usd).toBeCloseTo(0.003, 9);
      expect(await state.spend("2026-09-02")).toEqual([]);
      expect((await state.alert("alert-1"))?.detail).toEqual({ title: "标题 1" });
      expect(await state.alert("nope")).toBeNull();
      expect((await state.alerts({ watch: "w" })).map((a) => a.id)).toEqual(["alert-1", "alert-3"]);
      expect(await state.alerts({ watch: "other" })).toEqual([]);
      // alert-1: its two targets from the first commit; alert-3: the second commit's one.
      expect((await state.deliveries()).map((d) => `${d.alertId}>${d.targetKey}`).sort()).toEqual([
        "alert-1>file|a.jsonl",
        "alert-1>stdout",
        "alert-3>stdout",
      ]);
    });

    it("deliveries: due ones oldest first; an update changes a pending one only; a restart sees the same", async () => {
      await state.commitTick(commitOf("t1", { alerts: [alert(5), alert(1)], targets: ["stdout"] }));
      expect(await state.dueDeliveries(T0)).toEqual([]);
      const due = await state.dueDeliveries(T0 + 10);
      expect(due.map((d) => d.alertId)).toEqual(["alert-1", "alert-5"]);
      expect(await state.dueDeliveries(T0 + 10, 1)).toHaveLength(1);
      const [first, second] = due;
      if (!first || !second) throw new Error("no deliveries");
      await state.updateDelivery({ ...first, status: "delivered", attempts: 1, settledAt: T0 + 20 });
      await state.updateDelivery({ ...second, attempts: 1, lastError: "HTTP 503", nextAttemptAt: T0 + 30_000 });
      // A late update of the settled one (a second worker) changes nothing.
      await state.updateDelivery({ ...first, status: "dead", attempts: 9, lastError: "late", settledAt: T0 + 99 });
      state = await backend.reopen();
      expect(await state.deliveries({ status: "delivered" })).toEqual([
        { ...first, status: "delivered", attempts: 1, settledAt: T0 + 20 },
      ]);
      expect(await state.deliveries({ status: "pending" })).toEqual([
        { ...second, attempts: 1, lastError: "HTTP 503", nextAttemptAt: T0 + 30_000 },
      ]);
      expect(await state.dueDeliveries(T0 + 29_999)).toEqual([]);
      expect(await state.deliveries({ status: "dead" })).toEqual([]);
    });

    it("seven days with crashes mid-tick and restarts: no slot runs twice, no new note is found later than one interval, refreshes keep their times", async () => {
      const p = plan({ keywords: ["露营"], alerts: [{ rule: "new_note" }], deliver: [{ stdout: true }] });
      // Notes appear every 5 hours; discovery finds those published since the last known one.
      const appeared = new Map<string, number>();
      for (let t = T0 + 2 * H, n = 0; t < T0 + 7 * D; t += 5 * H, n++) appeared.set(`n${n}`, t);
      const foundAt = new Map<string, number>();
      const refreshedAt = new Map<string, number[]>();
      const committedTicks: string[] = [];
      let crashNext = false;
      let clock = T0;
      const execute: TaskExecutor = async (due) => {
        if (crashNext) {
          crashNext = false;
          throw new Error("SIGKILL");
        }
        const now = clock;
        if (due.task.kind === "refresh_note") {
          refreshedAt.set(due.task.target, [...(refreshedAt.get(due.task.target) ?? []), now]);
          return { ranAt: now, calls: 1, usd: 0.01, alerts: [] };
        }
        const tracked = new Set((await state.trackedNotes()).map((t) => t.noteId));
        const fresh = [...appeared].filter(([id, at]) => at <= now && !tracked.has(id)).map(([id]) => id);
        for (const id of fresh) foundAt.set(id, now);
        const alerts = fresh.map((id) => ({
          id: `alert-${id}`,
          watch: "w",
          kind: "new_note" as const,
          subject: id,
          raisedAt: now,
          detail: {},
        }));
        return { ranAt: now, newNoteIds: fresh, calls: 1, usd: 0.01, alerts };
      };
      let passes = 0;
      // A pass every 10 minutes; every 37th pass the process dies in the middle of a tick; every 200th restarts.
      for (; clock <= T0 + 7 * D; clock += 10 * 60_000) {
        if (++passes % 37 === 0) crashNext = true;
        if (passes % 200 === 0) state = await backend.reopen();
        const result = await runDuePass(p, state, clock, execute);
        committedTicks.push(...result.committed);
        expect(result.replayed).toEqual([]);
      }
      expect(new Set(committedTicks).size).toBe(committedTicks.length);
      for (const [id, at] of appeared) {
        // Notes that appeared in the last interval may be due after the week ends.
        if (at > T0 + 7 * D - 6 * H - 20 * 60_000) continue;
        const found = foundAt.get(id);
        expect(found, id).toBeDefined();
        expect((found ?? 0) - at).toBeLessThanOrEqual(6 * H + 20 * 60_000);
      }
      // Each note's refreshes happened at its schedule (within a pass, or a pass more after a crash).
      const schedule = p.watches[0]?.actions.refreshCounts;
      if (!schedule) throw new Error("no schedule");
      for (const t of await state.trackedNotes()) {
        const expected = refreshTimes(t.firstSeenAt, schedule).filter((at) => at <= T0 + 7 * D - 20 * 60_000);
        const actual = refreshedAt.get(t.noteId) ?? [];
        expect(actual.length, t.noteId).toBe(expected.length);
        for (const [i, at] of actual.entries()) expect(at - (expected[i] ?? 0)).toBeLessThanOrEqual(20 * 60_000);
      }
      // One alert per new note, each with one pending delivery: none lost, none twice.
      expect((await state.alerts()).map((a) => a.subject).sort()).toEqual([...foundAt.keys()].sort());
      expect(await state.deliveries()).toHaveLength(foundAt.size);
      expect(foundAt.size).toBeGreaterThan(30);
    }, 120_000);
  });
}
