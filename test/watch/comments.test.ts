/**
 * The moving world's comments (timeline.ts, comments.ts): new top-level comments arrive on a note as its likes
 * grow, deterministic from the seed and the clock, while the comments already there keep their ids; and the
 * `new_comment` rule end to end: every matching comment that arrives while the note is watched alerts once,
 * none that was there before the watch.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { createFakeClock } from "../../src/core/clock.js";
import { normalizeWatchPlan } from "../../src/crawl/plan/watch.js";
import { createSimulator } from "../../src/simulator/index.js";
import { growthCurve } from "../../src/simulator/world/timeline.js";
import { WORLD_NOW } from "../../src/simulator/world/world.js";
import { openWatchProcess, TICK_MS } from "./support/e2e-rig.js";

const H = 3_600_000;
const SEED = 1;
/** A note of seed 1's world that takes off about 11 hours after the world starts moving. */
const NOTE = "6879392b0000000059c5342b";
const WORD = "的";
const dir = mkdtempSync(join(tmpdir(), "xhs-watch-comments-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function movingSim(start: number) {
  const fake = createFakeClock(start);
  const sim = createSimulator({
    seed: SEED,
    rateLimit: 0,
    faults: "healthy",
    clock: fake.clock,
    sleep: fake.sleep,
    worldClock: fake.clock,
  });
  return { fake, sim };
}

describe("comments in a moving world", () => {
  it("arrive on a note taking off, newest first, the earlier ones keeping their ids; the same however the clock got there", async () => {
    expect(growthCurve(SEED, NOTE).kind).toBe("take_off");
    const start = Date.UTC(2026, 8, 1);
    const stepped = movingSim(start);
    const before = stepped.sim.world.comments(NOTE).map((c) => c.id);
    expect(before.length).toBeGreaterThan(0);
    for (let t = 0; t < 30 * H; t += TICK_MS) {
      await stepped.fake.advance(TICK_MS);
      stepped.sim.world.sync();
    }
    const after = stepped.sim.world.comments(NOTE);
    const late = after.slice(0, after.length - before.length);
    expect(late.length).toBeGreaterThan(50);
    expect(after.slice(late.length).map((c) => c.id)).toEqual(before);
    // Newest first, each after the world started moving, none in the future.
    const times = late.map((c) => c.time);
    expect([...times].sort((a, b) => b - a)).toEqual(times);
    expect(Math.min(...times)).toBeGreaterThan(WORLD_NOW);
    expect(Math.max(...times)).toBeLessThanOrEqual(stepped.sim.world.now + 60);
    // One jump to the same time: the same comments.
    const jumped = movingSim(start);
    await jumped.fake.advance(30 * H);
    jumped.sim.world.sync();
    expect(jumped.sim.world.comments(NOTE).map((c) => c.id)).toEqual(after.map((c) => c.id));
    // A late comment resolves by id like any other.
    const first = late[0];
    if (!first) throw new Error("no late comment");
    expect(stepped.sim.world.comment(NOTE, first.id)?.content).toBe(first.content);
  });

  it("a new_comment watch alerts once on every matching comment that arrived while watched, and on none before", async () => {
    const start = Date.UTC(2026, 8, 1);
    const end = start + 36 * H;
    const { fake, sim } = movingSim(start);
    const existing = new Set(sim.world.comments(NOTE).map((c) => c.id));
    const plan = normalizeWatchPlan(
      {
        watch: {
          watches: [
            {
              name: "c",
              every: "1h",
              notes: [NOTE],
              actions: { refreshCounts: false, newComments: { limit: 200 } },
              alerts: [{ rule: "new_comment", words: [WORD] }],
              deliver: [{ stdout: true }],
            },
          ],
        },
      },
      "comments",
    );
    const lines: string[] = [];
    const watch = openWatchProcess({
      dbPath: join(dir, "c.db"),
      sim,
      fake,
      startMs: start,
      plan,
      out: (l) => lines.push(...l.split("\n").filter(Boolean)),
    });
    try {
      while (fake.now() < end) {
        await watch.pass();
        await watch.sleep();
      }
      const alerts = await watch.state.alerts();
      const subjects = new Set(alerts.map((a) => a.subject));
      const arrived = sim.world.comments(NOTE).filter((c) => !existing.has(c.id));
      // Those that arrived an interval (and a tick) before the end were fetched by then.
      const due = arrived.filter((c) => start + (c.time - WORLD_NOW) * 1000 <= end - H - TICK_MS);
      const matching = due.filter((c) => c.content.includes(WORD));
      expect(matching.length).toBeGreaterThan(5);
      expect(matching.length).toBeLessThan(due.length);
      for (const c of matching) expect(subjects.has(c.id), c.id).toBe(true);
      for (const a of alerts) {
        expect(existing.has(a.subject), `${a.subject} was there before the watch`).toBe(false);
        expect(String(a.detail.text)).toContain(WORD);
      }
      // Delivered once each.
      const ids = lines.map((l) => (JSON.parse(l) as { id: string }).id);
      expect(ids.sort()).toEqual(alerts.map((a) => a.id).sort());
    } finally {
      await watch.close();
    }
  }, 120_000);
});
