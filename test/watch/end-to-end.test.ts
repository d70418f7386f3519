/**
 * A watch end to end over 7 simulated days on a fake clock, through the real client, the SQLite store and the
 * SQL watch state, with 3 restarts: two stop/starts in-process and one SIGKILL of a real child process in the
 * middle of a tick (after its calls, before its writes). The simulator's world moves with the clock (new notes
 * for the keyword and the account, counts growing along their curves, a few deletions). Checked over several
 * world seeds, summed: every new note of the keyword and of the account is tracked within one interval of its
 * appearance; every note taking off (by its true curve, with a 2× margin) raises its alert once and no flat note
 * does; every alert is delivered exactly once across the processes (none lost, none twice); every scheduled
 * refresh has its observation point within one tick; each day's spend is within the budget.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { createFakeClock } from "../../src/core/clock.js";
import { normalizeWatchPlan } from "../../src/crawl/plan/watch.js";
import { createSimulator } from "../../src/simulator/index.js";
import { growthCurve, likesAdded } from "../../src/simulator/world/timeline.js";
import { WORLD_NOW } from "../../src/simulator/world/world.js";
import { openSqliteStore } from "../../src/store/sqlite/sqlite-store.js";
import { refreshTimes } from "../../src/watch/schedule.js";
import { SqlWatchState } from "../../src/watch/sql-state.js";
import { utcDay } from "../../src/watch/state.js";
import { openWatchProcess, TICK_MS, type WatchProcess } from "./support/e2e-rig.js";

const REPO = resolve(import.meta.dirname, "../..");
const TSX = join(REPO, "node_modules/tsx/dist/esm/index.mjs");
const CHILD = join(REPO, "test/watch/support/watch-child.ts");
const MIN = 60_000;
const H = 60 * MIN;
const D = 24 * H;
/** XHS_WATCH_E2E_SEEDS=1,4 runs other seeds (for a failure's replay). */
const SEEDS = (process.env.XHS_WATCH_E2E_SEEDS ?? "1,2,3").split(",").map(Number);
const KEYWORD = "美食推荐";
const EVERY = 2 * H;
const BUDGET_CALLS = 1500;
const PER_HOUR = 40;
const dir = mkdtempSync(join(tmpdir(), "xhs-watch-e2e-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function planInput(user: string) {
  return {
    watch: {
      budget: { calls: BUDGET_CALLS },
      watches: [
        {
          name: "food",
          every: "2h",
          keywords: [KEYWORD],
          users: [user],
          actions: { newNotes: { limit: 10 }, refreshCounts: { schedule: ["2h"], every: "2h", horizon: "3d" } },
          alerts: [{ rule: "new_note" }, { rule: "taking_off", metric: "likes", perHour: PER_HOUR, window: "3h" }],
          deliver: [{ stdout: true }],
        },
      ],
    },
  };
}

/** The child: runs from `fromMs` until its first discovery at or after `hangFromMs`, where it is SIGKILLed. */
async function runChildUntilKilled(args: Record<string, unknown>): Promise<{ lines: string[]; lastPass: number }> {
  const child = spawn(process.execPath, ["--import", TSX, CHILD, JSON.stringify(args)], {
    cwd: REPO,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  let err = "";
  child.stdout.on("data", (c: Buffer) => {
    out += c.toString("utf8");
  });
  const exited = new Promise<number | null>((done) => child.on("exit", (code, signal) => done(signal ? -1 : code)));
  await new Promise<void>((done, fail) => {
    child.stderr.on("data", (c: Buffer) => {
      err += c.toString("utf8");
      if (/^hang$/m.test(err)) done();
    });
    exited.then(() => fail(new Error(`the child ended before hanging:\n${err.slice(-2000)}`)));
  });
  child.kill("SIGKILL");
  expect(await exited).toBe(-1);
  const passes = [...err.matchAll(/^pass (\d+)$/gm)].map((m) => Number(m[1]));
  return { lines: out.split("\n").filter((l) => l.trim() !== ""), lastPass: passes.at(-1) ?? 0 };
}

interface SeedTotals {
  born: number;
  takeOffs: number;
  takeOffAlerts: number;
  newNoteAlerts: number;
  delivered: number;
  refreshChecks: number;
  maxCallsPerDay: number;
}

async function runSeed(seed: number): Promise<SeedTotals> {
  const start = Date.UTC(2026, 8, 1);
  const end = start + 7 * D;
  const fake = createFakeClock(start);
  const sim = createSimulator({
    seed,
    rateLimit: 0,
    faults: "healthy",
    clock: fake.clock,
    sleep: fake.sleep,
    worldClock: fake.clock,
  });
  // The account that posts most, so the week brings it new notes.
  const user = [...sim.world.users()].sort(
    (a, b) => sim.world.userNotes(b.id).length - sim.world.userNotes(a.id).length || (a.id < b.id ? -1 : 1),
  )[0]?.id;
  if (!user) throw new Error("no user");
  const input = planInput(user);
  const plan = normalizeWatchPlan(input, "e2e");
  const dbPath = join(dir, `seed-${seed}.db`);
  const lines: string[] = [];
  const open = () =>
    openWatchProcess({
      dbPath,
      sim,
      fake,
      startMs: start,
      plan,
      out: (l) => lines.push(...l.split("\n").filter(Boolean)),
    });
  const runUntil = async (watch: WatchProcess, until: number) => {
    while (fake.now() < until) {
      await watch.pass();
      await watch.sleep();
    }
  };

  const began = Date.now();
  const phase = (what: string) =>
    console.info(`seed ${seed}: ${what} after ${((Date.now() - began) / 1000).toFixed(1)} s`);
  let watch = open();
  await runUntil(watch, start + 2 * D);
  phase("day 2");
  // Restart 1: stop and start.
  await watch.close();
  watch = open();
  await runUntil(watch, start + 3 * D);
  await watch.close();
  // Restart 2: a child process carries on and is SIGKILLed in the middle of a tick about 20 hours later.
  const child = await runChildUntilKilled({
    dbPath,
    seed,
    startMs: start,
    fromMs: fake.now(),
    hangFromMs: fake.now() + 20 * H,
    plan: input,
  });
  lines.push(...child.lines);
  phase("child killed");
  expect(child.lastPass).toBeGreaterThan(fake.now());
  await fake.advance(child.lastPass - fake.now());
  watch = open();
  await runUntil(watch, start + 5 * D);
  // Restart 3: stop and start.
  await watch.close();
  watch = open();
  await runUntil(watch, end);
  await watch.close();
  phase("day 7");

  const store = openSqliteStore(dbPath);
  const reopened = new SqlWatchState(store);
  try {
    const world = sim.world;
    const tracked = new Map((await reopened.trackedNotes("food")).map((t) => [t.noteId, t.firstSeenAt]));
    const appearedAt = (time: number) => start + (time - WORLD_NOW) * 1000;
    // Every note born for the keyword or the account within one interval (and a tick) of its appearance.
    const born = world.notes().filter((n) => n.time > WORLD_NOW && (n.keywords.includes(KEYWORD) || n.userId === user));
    const checkable = born.filter((n) => !n.deleted && appearedAt(n.time) <= end - EVERY - TICK_MS);
    for (const note of checkable) {
      const seen = tracked.get(note.id);
      expect(seen, `seed ${seed}: ${note.id} never found`).toBeDefined();
      expect((seen ?? 0) - appearedAt(note.time), `seed ${seed}: ${note.id} late`).toBeLessThanOrEqual(EVERY + TICK_MS);
    }
    const alerts = await reopened.alerts();
    // New-note alerts: exactly the born notes the watch tracked (its first tick is the baseline).
    const newNotes = alerts.filter((a) => a.kind === "new_note").map((a) => a.subject);
    expect(new Set(newNotes).size).toBe(newNotes.length);
    expect(new Set(newNotes)).toEqual(new Set(born.filter((n) => tracked.has(n.id)).map((n) => n.id)));

    // Taking off: by the note's true curve over the refresh times it was tracked for.
    const schedule = plan.watches[0]?.actions.refreshCounts;
    if (!schedule) throw new Error("no schedule");
    const takeOffAlerts = new Set(alerts.filter((a) => a.kind === "taking_off").map((a) => a.subject));
    let takeOffs = 0;
    for (const [noteId, firstSeen] of tracked) {
      const note = world.note(noteId);
      if (!note) continue;
      const curve = growthCurve(seed, noteId);
      if (curve.kind === "flat") {
        expect(takeOffAlerts.has(noteId), `seed ${seed}: flat ${noteId} alerted`).toBe(false);
        continue;
      }
      const origin = appearedAt(Math.max(WORLD_NOW, note.time));
      const likes = (at: number) => likesAdded(curve, (at - origin) / 1000);
      const times = [firstSeen, ...refreshTimes(firstSeen, schedule)].filter((t) => t <= end - TICK_MS);
      // Growth per hour over 4 hours (the 3h window on a 2h grid), at the refreshes before the note was deleted.
      const fastest = Math.max(
        0,
        ...times.filter((t) => t - 4 * H >= firstSeen && !note.deleted).map((t) => (likes(t) - likes(t - 4 * H)) / 4),
      );
      if (fastest >= 2 * PER_HOUR) {
        takeOffs++;
        expect(takeOffAlerts.has(noteId), `seed ${seed}: ${noteId} took off (${fastest}/h) without an alert`).toBe(
          true,
        );
      }
    }

    // Delivered exactly once across all the processes, and nothing left pending.
    const ids = lines.map((l) => (JSON.parse(l) as { id: string }).id);
    expect(ids.length - new Set(ids).size, `seed ${seed}: duplicate deliveries`).toBe(0);
    expect(new Set(ids)).toEqual(new Set(alerts.map((a) => a.id)));
    expect(await reopened.deliveries({ status: "pending" })).toEqual([]);

    // Observation points at the scheduled refresh times, within one tick (notes still there).
    let refreshChecks = 0;
    for (const [noteId, firstSeen] of tracked) {
      if (world.note(noteId)?.deleted) continue;
      const points = (await store.noteObservations(noteId)).map((o) => Date.parse(o.fetchedAt));
      for (const due of refreshTimes(firstSeen, schedule).filter((t) => t <= end - TICK_MS)) {
        refreshChecks++;
        expect(
          points.some((p) => p >= due && p <= due + TICK_MS),
          `seed ${seed}: ${noteId} has no point for ${new Date(due).toISOString()}`,
        ).toBe(true);
      }
    }

    // Spend per UTC day within the budget.
    let maxCallsPerDay = 0;
    for (let day = start; day < end + D; day += D) {
      const calls = (await reopened.spend(utcDay(day))).reduce((n, r) => n + r.calls, 0);
      maxCallsPerDay = Math.max(maxCallsPerDay, calls);
    }
    expect(maxCallsPerDay).toBeLessThanOrEqual(BUDGET_CALLS);
    return {
      born: checkable.length,
      takeOffs,
      takeOffAlerts: takeOffAlerts.size,
      newNoteAlerts: newNotes.length,
      delivered: ids.length,
      refreshChecks,
      maxCallsPerDay,
    };
  } finally {
    await store.close();
  }
}

describe("a watch over seven simulated days with three restarts (one SIGKILL)", () => {
  const totals: SeedTotals[] = [];
  for (const seed of SEEDS) {
    it(`seed ${seed}: finds, alerts and delivers exactly once, on schedule and within budget`, async () => {
      totals.push(await runSeed(seed));
    }, 600_000);
  }

  it(`summed over seeds ${SEEDS.join(", ")}: notes were born and some took off`, () => {
    expect(totals).toHaveLength(SEEDS.length);
    const sum = (k: keyof SeedTotals) => totals.reduce((n, t) => n + t[k], 0);
    console.info(
      `watch e2e over seeds ${SEEDS.join(",")}: ${sum("born")} notes born (all found in time), ${sum("newNoteAlerts")} new-note alerts, ` +
        `${sum("takeOffs")} take-offs (${sum("takeOffAlerts")} take-off alerts), ${sum("delivered")} deliveries (0 duplicate, 0 lost), ` +
        `${sum("refreshChecks")} scheduled points checked, at most ${Math.max(...totals.map((t) => t.maxCallsPerDay))} calls a day`,
    );
    expect(sum("born")).toBeGreaterThan(10);
    expect(sum("takeOffs")).toBeGreaterThan(0);
  });
});
