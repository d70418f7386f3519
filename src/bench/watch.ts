/**
 * What a watch costs (issue #14): K keywords watched at the default schedule (every 6h, newest 20 notes per
 * discovery, each new note refreshed 1h, 6h, 24h, 3d, 7d after it was first seen, then weekly to 30 days)
 * against the simulator's moving world, on a fake clock, through the real scheduler, executor and SQL state.
 * Reports paid calls per keyword per day (all days and the last week, when the 30-day refresh window is full),
 * split by task kind, and what one key at 10 requests/s sustains on that schedule.
 *
 * The simulated world brings far fewer new notes per keyword than a busy real keyword, so the capacity is also
 * given per new note, which does not depend on the world: a note costs its share of a discovery page plus its
 * refreshes over its 30 days.
 */
import { performance } from "node:perf_hooks";
import { normalizeWatchPlan } from "../crawl/plan/watch.js";
import { createSimulator } from "../simulator/index.js";
import { openSqliteStore } from "../store/sqlite/sqlite-store.js";
import { createExecutor } from "../watch/executor.js";
import { refreshTimes } from "../watch/schedule.js";
import { runDuePass, type TaskExecutor } from "../watch/scheduler.js";
import { SqlWatchState } from "../watch/sql-state.js";
import type { TaskKind } from "../watch/state.js";
import { createVirtualTime } from "./scaled-time.js";
import { simClient } from "./sim-client.js";

const H = 3_600_000;
const D = 24 * H;
const TICK_MS = 15 * 60_000;
const RATE_PER_SECOND = 10;
const PAGE_SIZE = 20;

export interface WatchCostResult {
  keywords: string[];
  days: number;
  seed: number;
  /** Paid calls per keyword per day, every day and over the last 7 (the refresh window full). */
  callsPerKeywordDay: { all: number; lastWeek: number };
  usdPerKeywordDay: { all: number; lastWeek: number };
  /** Paid calls per keyword per day in the last week by task kind. */
  byKind: Partial<Record<TaskKind, number>>;
  newNotesPerKeywordDay: number;
  trackedAtEnd: number;
  /** Refreshes a note gets over its life on the default schedule. */
  refreshesPerNote: number;
  /** Paid calls per new note: its refreshes plus its share of a 20-note discovery page. */
  callsPerNewNote: number;
  /** At 10 req/s: new notes a day one key can follow, and the notes tracked at once (×30 days). */
  capacity: { callsPerDay: number; newNotesPerDay: number; trackedAtOnce: number; keywordsAtSimRate: number };
  /** Real time the scheduler took per simulated day (CPU on this machine, not API latency). */
  wallMsPerSimDay: number;
}

export async function measureWatchCost(
  options: { seed?: number; days?: number; keywords?: string[]; log?: (line: string) => void } = {},
): Promise<WatchCostResult> {
  const seed = options.seed ?? 1;
  const days = options.days ?? 35;
  const keywords = options.keywords ?? ["露营", "美食推荐", "口红", "穿搭", "健身"];
  const start = Date.UTC(2026, 8, 1);
  // Discrete-event time: the simulator's latency and the client's timeouts take no real time.
  const time = createVirtualTime(start);
  const fake = { clock: time.clock, now: () => time.clock.now() };
  const sim = createSimulator({
    seed,
    rateLimit: 0,
    faults: "healthy",
    clock: time.clock,
    sleep: time.sleep,
    worldClock: time.clock,
  });
  const client = simClient(sim, time, { qps: 0 });
  // The default schedule: only the sources and the interval's default are given.
  const plan = normalizeWatchPlan(
    { watch: { watches: keywords.map((keyword, i) => ({ name: `k${i}`, every: "6h", keywords: [keyword] })) } },
    "bench",
  );
  const store = openSqliteStore(":memory:", { clock: fake.clock });
  const state = new SqlWatchState(store);
  const real = createExecutor({ client, store, state, clock: fake.clock });
  const lastWeekFrom = start + (days - 7) * D;
  const calls = { all: 0, lastWeek: 0, usdAll: 0, usdLastWeek: 0 };
  const byKind: Partial<Record<TaskKind, number>> = {};
  let newNotes = 0;
  const execute: TaskExecutor = async (due, left, finish) => {
    const outcome = await real(due, left, finish);
    calls.all += outcome.calls;
    calls.usdAll += outcome.usd;
    if (due.task.kind === "discover" && due.task.runs > 0) newNotes += outcome.newNoteIds?.length ?? 0;
    if (fake.now() >= lastWeekFrom) {
      calls.lastWeek += outcome.calls;
      calls.usdLastWeek += outcome.usd;
      byKind[due.task.kind] = (byKind[due.task.kind] ?? 0) + outcome.calls;
    }
    return outcome;
  };
  const began = performance.now();
  try {
    await time.run(
      (async () => {
        for (let day = 0; day < days; day++) {
          for (let t = 0; t < D; t += TICK_MS) {
            await runDuePass(plan, state, fake.now(), execute);
            // To the next tick of the grid (the calls' simulated latency moved the clock a little).
            await time.sleep(TICK_MS - ((fake.now() - start) % TICK_MS));
          }
          if ((day + 1) % 7 === 0) options.log?.(`watch cost: day ${day + 1}/${days}, ${calls.all} calls`);
        }
      })(),
    );
    const wallMs = performance.now() - began;
    const trackedAtEnd = (await state.trackedNotes()).length;
    const schedule = plan.watches[0]?.actions.refreshCounts;
    const refreshesPerNote = schedule ? refreshTimes(0, schedule).length : 0;
    const callsPerNewNote = refreshesPerNote + 1 / PAGE_SIZE;
    const callsPerDay = RATE_PER_SECOND * 86_400;
    const perKeywordDay = (n: number, span: number) => n / keywords.length / span;
    const lastWeek = perKeywordDay(calls.lastWeek, 7);
    for (const kind of Object.keys(byKind) as TaskKind[]) byKind[kind] = perKeywordDay(byKind[kind] ?? 0, 7);
    return {
      keywords,
      days,
      seed,
      callsPerKeywordDay: { all: perKeywordDay(calls.all, days), lastWeek },
      usdPerKeywordDay: { all: perKeywordDay(calls.usdAll, days), lastWeek: perKeywordDay(calls.usdLastWeek, 7) },
      byKind,
      newNotesPerKeywordDay: perKeywordDay(newNotes, days),
      trackedAtEnd,
      refreshesPerNote,
      callsPerNewNote,
      capacity: {
        callsPerDay,
        newNotesPerDay: Math.floor(callsPerDay / callsPerNewNote),
        trackedAtOnce: Math.floor((callsPerDay / callsPerNewNote) * ((schedule?.horizon ?? 30 * D) / D)),
        keywordsAtSimRate: Math.floor(callsPerDay / Math.max(lastWeek, 1e-9)),
      },
      wallMsPerSimDay: wallMs / days,
    };
  } finally {
    await store.close();
  }
}
