/**
 * A watch end to end on a fake clock: the simulator's world moves with the same clock (new notes, growing
 * counts), the scheduler runs what is due every 15 minutes through the real client into a SQLite store, and
 * the alerts go through the outbox to stdout.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { createClient } from "../../src/client/create-client.js";
import { createFakeClock } from "../../src/core/clock.js";
import { normalizeWatchPlan } from "../../src/crawl/plan/watch.js";
import { createSimulator } from "../../src/simulator/index.js";
import { growthCurve } from "../../src/simulator/world/timeline.js";
import { WORLD_NOW } from "../../src/simulator/world/world.js";
import { openSqliteStore } from "../../src/store/sqlite/sqlite-store.js";
import { DeliveryWorker, targetKey } from "../../src/watch/deliver.js";
import { createExecutor } from "../../src/watch/executor.js";
import { MemoryWatchState } from "../../src/watch/memory-state.js";
import { runDuePass } from "../../src/watch/scheduler.js";
import { runOn } from "../client/sim-helpers.js";

const MIN = 60_000;
const H = 60 * MIN;
const SEED = 1;
const KEYWORD = "美食推荐";
const dir = mkdtempSync(join(tmpdir(), "xhs-watch-e2e-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("a watch over two simulated days", () => {
  it("finds every new note within one interval, alerts on take-offs only, once each, within its budget", async () => {
    const fake = createFakeClock(Date.UTC(2026, 8, 1));
    const start = fake.now();
    const sim = createSimulator({
      seed: SEED,
      rateLimit: 0,
      faults: "healthy",
      clock: fake.clock,
      sleep: fake.sleep,
      worldClock: fake.clock,
    });
    const connect = () =>
      createClient({
        apiKey: "test-key",
        fetch: sim.fetch,
        baseUrl: sim.url,
        clock: fake.clock,
        sleep: fake.sleep,
        qps: 0,
      });
    const dbPath = join(dir, "watch.db");
    let store = openSqliteStore(dbPath, { clock: fake.clock });
    const state = new MemoryWatchState();
    const plan = normalizeWatchPlan(
      {
        watch: {
          budget: { calls: 600 },
          watches: [
            {
              name: "food",
              every: "1h",
              keywords: [KEYWORD],
              actions: { refreshCounts: { schedule: ["1h", "3h", "6h", "12h"], every: "6h", horizon: "3d" } },
              alerts: [{ rule: "new_note" }, { rule: "taking_off", metric: "likes", perHour: 40, window: "3h" }],
              deliver: [{ stdout: true }],
            },
          ],
        },
      },
      "e2e",
    );
    const out: string[] = [];
    const target = plan.watches[0]?.deliver[0];
    if (!target) throw new Error("no target");
    const worker = new DeliveryWorker(state, new Map([[targetKey(target), target]]), {
      fetch,
      clock: fake.clock,
      sleep: fake.sleep,
      env: {},
      stdout: { write: (text: string) => out.push(text) },
    });
    let real = createExecutor({ client: connect(), store, state, clock: fake.clock });
    // Twice the process dies after a tick paid and wrote its records but before its state was committed.
    const killFrom = [21, 130];
    let passes = 0;
    let kills = 0;
    const execute: typeof real = async (due, left) => {
      const outcome = await real(due, left);
      if (passes >= (killFrom[kills] ?? Number.POSITIVE_INFINITY)) {
        kills++;
        throw new Error("SIGKILL");
      }
      return outcome;
    };
    const run = runOn(fake);
    const end = start + 48 * H;
    try {
      while (fake.now() <= end) {
        passes++;
        if (passes === 100) {
          // A restart: the store reopened, a new client (nothing learnt), the same watch state.
          await store.close();
          store = openSqliteStore(dbPath, { clock: fake.clock });
          real = createExecutor({ client: connect(), store, state, clock: fake.clock });
        }
        const pass = await run(runDuePass(plan, state, fake.now(), execute));
        expect(pass.failed.length).toBeLessThanOrEqual(1);
        expect(pass.replayed).toEqual([]);
        await worker.runDue();
        await fake.advance(15 * MIN - ((fake.now() - start) % (15 * MIN)));
      }
    } finally {
      await store.close();
    }
    expect(kills).toBe(2);

    // Every note born for the keyword (and still there) was tracked within one interval of its appearance.
    const world = sim.world;
    const tracked = new Map((await state.trackedNotes("food")).map((t) => [t.noteId, t.firstSeenAt]));
    const born = world
      .notes()
      .filter((n) => n.time > WORLD_NOW && !n.deleted && n.keywords.includes(KEYWORD))
      .map((n) => ({ id: n.id, appearedAt: start + (n.time - WORLD_NOW) * 1000, curve: growthCurve(SEED, n.id).kind }));
    const checkable = born.filter((n) => n.appearedAt <= end - H - 15 * MIN);
    expect(checkable.length).toBeGreaterThan(5);
    for (const note of checkable) {
      const seen = tracked.get(note.id);
      expect(seen, note.id).toBeDefined();
      expect((seen ?? 0) - note.appearedAt).toBeLessThanOrEqual(H + 15 * MIN);
    }
    // New-note alerts for the notes born while watched (the first tick is the baseline: none).
    const alerts = await state.alerts();
    const newNotes = alerts.filter((a) => a.kind === "new_note").map((a) => a.subject);
    expect(new Set(newNotes)).toEqual(new Set(born.filter((n) => tracked.has(n.id)).map((n) => n.id)));
    // "Taking off" only for notes on a take-off curve; never for a flat one.
    const takeOffs = alerts.filter((a) => a.kind === "taking_off");
    for (const a of takeOffs) expect(growthCurve(SEED, a.subject).kind, a.subject).toBe("take_off");
    // Each alert delivered once.
    const lines = out.map((l) => JSON.parse(l) as { id: string });
    expect(lines.map((l) => l.id).sort()).toEqual(alerts.map((a) => a.id).sort());
    // Spend within the daily budget, every day.
    for (const day of ["2026-09-01", "2026-09-02", "2026-09-03"]) {
      const calls = (await state.spend(day)).reduce((n, r) => n + r.calls, 0);
      expect(calls).toBeLessThanOrEqual(600);
    }
    console.info(
      `e2e: ${tracked.size} notes tracked, ${born.length} born for ${KEYWORD}, ${newNotes.length} new-note alerts, ${takeOffs.length} take-off alerts, calls/day ${(await state.spend("2026-09-01")).reduce((n, r) => n + r.calls, 0)}`,
    );
  }, 300_000);
});
