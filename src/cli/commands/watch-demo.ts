// `xhs demo --watch`: a simulated day of `xhs watch` against the built-in simulator on an accelerated clock.
import { existsSync, rmSync } from "node:fs";
import { resolve } from "node:path";
import { createClient } from "../../client/create-client.js";
import { createFakeClock, systemSleep } from "../../core/clock.js";
import { normalizeWatchPlan } from "../../crawl/plan/watch.js";
import { openSqliteStore } from "../../store/sqlite/sqlite-store.js";
import { DeliveryWorker, targetKey } from "../../watch/deliver.js";
import { createExecutor } from "../../watch/executor.js";
import { runDuePass } from "../../watch/scheduler.js";
import { SqlWatchState } from "../../watch/sql-state.js";
import { utcDay } from "../../watch/state.js";
import { type CliContext, writeText } from "../context.js";
import { UsageError } from "../errors.js";
import { WATCH_DEMO_DB } from "./demo.js";

/** The demo's watches: also in examples/watch.yaml, to run the same against TikHub. */
export const WATCH_DEMO_PLAN = {
  name: "xhs demo --watch",
  watch: {
    budget: { calls: 2000 },
    deliver: [{ stdout: true }],
    watches: [
      {
        name: "camping",
        every: "1h",
        keywords: ["露营", "周末去哪儿"],
        alerts: [{ rule: "new_note" }, { rule: "taking_off", metric: "likes", perHour: 30, window: "3h" }],
      },
      {
        name: "food",
        every: "1h",
        keywords: ["美食推荐", "探店"],
        actions: { refreshCounts: { schedule: ["1h", "3h", "6h", "12h", "24h"] } },
        alerts: [
          { rule: "new_note" },
          { rule: "count_above", metric: "likes", threshold: 1000 },
          { rule: "taking_off", metric: "likes", perHour: 30, window: "3h" },
        ],
      },
    ],
  },
};

const DEMO_KEY = "xhs-demo-key";
const TICK_MS = 15 * 60_000;
const HOUR = 3_600_000;
const DAY_MS = 24 * HOUR;
const DEMO_WATCHES = new Set(WATCH_DEMO_PLAN.watch.watches.map((w) => w.name));

/** Only a database this demo made is emptied (its watches only, no crawl runs); anything else is refused. */
async function clearPrevious(path: string, shown: string): Promise<void> {
  if (!existsSync(path)) return;
  let ours = false;
  try {
    const store = openSqliteStore(path);
    try {
      const tasks = await new SqlWatchState(store).tasks();
      const runs = await store.listRuns({ limit: 1 });
      ours = runs.length === 0 && tasks.length > 0 && tasks.every((t) => DEMO_WATCHES.has(t.watch));
    } finally {
      await store.close();
    }
  } catch {
    ours = false;
  }
  if (!ours) throw new UsageError(`${shown} is not a watch demo database; give the demo another --db path`);
  for (const suffix of ["", "-wal", "-shm"]) rmSync(`${path}${suffix}`, { force: true });
}

export async function runWatchDemo(ctx: CliContext, opts: { db?: string | undefined; seed?: number | undefined }) {
  const db = opts.db ?? WATCH_DEMO_DB;
  const path = resolve(ctx.cwd, db);
  await clearPrevious(path, db);
  const { createSimulator, WORLD_NOW } = await import("../../simulator/index.js");
  // The simulated day starts at the world's own date (2026-09-01T00:00Z), not the wall clock's: the world's
  // history (its notes, comments, users, the search time filters) is dated around that fixed day, so only
  // there do the new notes' dates, the fetch times and the alerts fall in the same day.
  const fake = createFakeClock(WORLD_NOW * 1000);
  const start = fake.now();
  const noWait = async () => {};
  const sim = createSimulator({
    seed: opts.seed ?? 3,
    rateLimit: 0,
    faults: "healthy",
    clock: fake.clock,
    sleep: noWait,
    worldClock: fake.clock,
  });
  // Timeouts stay real (nothing here is slow); the records' times are the simulated clock's.
  const client = createClient({
    apiKey: DEMO_KEY,
    fetch: sim.fetch,
    baseUrl: sim.url,
    clock: fake.clock,
    sleep: systemSleep,
    qps: 0,
  });
  const plan = normalizeWatchPlan(WATCH_DEMO_PLAN, "demo plan");
  const store = openSqliteStore(path, { clock: fake.clock });
  const state = new SqlWatchState(store);
  const execute = createExecutor({ client, store, state, clock: fake.clock, signal: ctx.signal });
  const targets = new Map(plan.watches.flatMap((w) => w.deliver).map((t) => [targetKey(t), t]));
  const worker = new DeliveryWorker(state, targets, {
    fetch: globalThis.fetch,
    clock: fake.clock,
    sleep: noWait,
    env: {},
    stdout: ctx.stdout,
  });
  const began = Date.now();
  await writeText(
    ctx.stderr,
    "xhs demo --watch: one simulated day of `xhs watch` against the built-in simulator (no key, nothing paid),\n" +
      `15 simulated minutes a pass; the world moves with the clock (new notes, growing counts). Alerts on stdout → ${db}\n` +
      `The simulated day is the simulator world's own, ${new Date(start).toISOString().slice(0, 10)} (UTC), whatever today is: its notes are dated around it.\n` +
      `Watching: ${plan.watches.map((w) => `${w.name} (${w.keywords.map((k) => k.keyword).join(", ")})`).join("; ")}\n\n`,
  );
  try {
    let ticks = 0;
    while (fake.now() < start + DAY_MS && !ctx.signal.aborted) {
      const pass = await runDuePass(plan, state, fake.now(), execute, { signal: ctx.signal });
      ticks += pass.committed.length;
      await worker.runDue();
      await fake.advance(TICK_MS);
      if ((fake.now() - start) % (3 * HOUR) === 0) {
        const alerts = (await state.alerts()).length;
        const tracked = (await state.trackedNotes()).length;
        await writeText(
          ctx.stderr,
          `[+${String((fake.now() - start) / HOUR).padStart(2)}h] ${ticks} ticks, ${tracked} notes tracked, ${alerts} alerts\n`,
        );
      }
    }
    let spent = 0;
    for (const day of new Set([utcDay(start), utcDay(start + DAY_MS - 1)]))
      spent += (await state.spend(day)).reduce((n, r) => n + r.calls, 0);
    const notes = await state.trackedNotes();
    // The note with the most observation points makes the best curve to show.
    let best: { id: string; points: number } | null = null;
    for (const n of notes.slice(0, 200)) {
      const points = (await store.noteObservations(n.noteId)).length;
      if (!best || points > best.points) best = { id: n.noteId, points };
    }
    await writeText(
      ctx.stderr,
      [
        "",
        `Done: a simulated day in ${((Date.now() - began) / 1000).toFixed(1)} s: ${ticks} ticks, ${spent} simulated calls, ` +
          `${notes.length} notes tracked, ${(await state.alerts()).length} alerts. Explore ${db}:`,
        ...(best ? [`  xhs trend ${best.id} --db ${db}`] : []),
        `  xhs export notes --db ${db} --format csv -o notes.csv`,
        `  sqlite3 ${db} "select kind, subject, raised_ms from watch_alerts order by raised_ms"`,
        "",
        "The same against TikHub (paid): put the watches in a plan file's `watch:` section, then",
        "  xhs watch watch.yaml --db watch.db            # or: xhs watch --keyword 露营 --every 1h --alert new_note",
        "",
      ].join("\n"),
    );
  } finally {
    await store.close();
    await client.close?.();
  }
}
