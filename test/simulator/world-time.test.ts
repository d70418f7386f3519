import { describe, expect, it } from "vitest";
import { createFakeClock } from "../../src/core/clock.js";
import { createSimulatorCore } from "../../src/simulator/core.js";
import { growthCurve, likesAdded } from "../../src/simulator/world/timeline.js";
import { GUIDE, WORLD_NOW, World } from "../../src/simulator/world/world.js";

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/** The counts and visible lists of a world, to compare two worlds. */
function snapshot(world: World) {
  return {
    now: world.now,
    notes: world.notes().map((n) => [n.id, n.likes, n.collects, n.commentsTotal, n.deleted]),
    search: world.search("美食推荐", { sort: "latest" }).map((n) => n.id),
    userNotes: world.userNotes(GUIDE.userId).map((n) => n.id),
  };
}

describe("the world in time", () => {
  it("with the clock not moved, the world is exactly the static one", () => {
    const fake = createFakeClock();
    const moving = new World(3, "tiny", { clock: fake.clock });
    const still = new World(3, "tiny");
    expect(moving.sync()).toBe(false);
    expect(snapshot(moving)).toEqual(snapshot(still));
    expect(moving.now).toBe(WORLD_NOW);
  });

  it("moves only in whole minutes", async () => {
    const fake = createFakeClock();
    const world = new World(3, "tiny", { clock: fake.clock });
    await fake.advance(59_000);
    expect(world.sync()).toBe(false);
    await fake.advance(1_000);
    expect(world.sync()).toBe(true);
    expect(world.now).toBe(WORLD_NOW + 60);
  });

  it("after a week: new notes for existing keywords and authors, most counts nearly flat, a few taking off, a few deletions", async () => {
    const fake = createFakeClock();
    const world = new World(3, "default", { clock: fake.clock });
    const before = new Map(world.notes().map((n) => [n.id, { likes: n.likes, deleted: n.deleted }]));
    const latestBefore = world.search("美食推荐", { sort: "latest" })[0]?.time ?? 0;
    await fake.advance(7 * DAY_MS);
    expect(world.sync()).toBe(true);
    const born = world.notes().filter((n) => !before.has(n.id));
    expect(born.length).toBeGreaterThanOrEqual(7 * 25);
    expect(born.every((n) => n.time > WORLD_NOW && n.time <= world.now)).toBe(true);
    // They are found where a watch looks: by keyword (newest first) and on their authors' lists.
    const latest = world.search("美食推荐", { sort: "latest" });
    expect(latest[0]?.time).toBeGreaterThan(latestBefore);
    const someBorn = born.find((n) => !n.deleted);
    expect(world.userNotes(someBorn?.userId ?? "").some((n) => n.id === someBorn?.id)).toBe(true);
    const grown = world
      .notes()
      .filter((n) => before.has(n.id))
      .map((n) => n.likes - (before.get(n.id)?.likes ?? 0));
    const flat = grown.filter((g) => g < 7 * 24);
    const takeOff = grown.filter((g) => g >= 2_000);
    expect(grown.every((g) => g >= 0)).toBe(true);
    expect(flat.length / grown.length).toBeGreaterThan(0.9);
    expect(takeOff.length).toBeGreaterThan(grown.length * 0.01);
    const deleted = world.notes().filter((n) => n.deleted && before.get(n.id)?.deleted === false);
    expect(deleted.length).toBeGreaterThan(0);
    expect(deleted.length).toBeLessThan(grown.length * 0.02);
    expect(world.note(GUIDE.imageNoteId)?.deleted).toBe(false);
  });

  it("is a function of the seed and the clock: the same reading gives the same world, however it was reached", async () => {
    const a = createFakeClock();
    const b = createFakeClock();
    const stepped = new World(5, "tiny", { clock: a.clock });
    const jumped = new World(5, "tiny", { clock: b.clock });
    for (let h = 0; h < 50; h++) {
      await a.advance(HOUR_MS);
      stepped.sync();
    }
    await b.advance(50 * HOUR_MS);
    jumped.sync();
    expect(snapshot(stepped)).toEqual(snapshot(jumped));
  });

  it("take-off curves start at zero, rise, and level off; flat ones stay under one like an hour", () => {
    let takeOffs = 0;
    for (let i = 0; i < 400; i++) {
      const curve = growthCurve(1, `note-${i}`);
      expect(likesAdded(curve, 0)).toBe(0);
      if (curve.kind === "flat") {
        expect(likesAdded(curve, 10 * 3600)).toBeLessThanOrEqual(10);
        continue;
      }
      takeOffs++;
      const late = likesAdded(curve, curve.midpoint + 10 * curve.width);
      expect(likesAdded(curve, curve.midpoint)).toBeLessThan(late);
      expect(late).toBeGreaterThan(curve.peak * 0.9);
    }
    expect(takeOffs).toBeGreaterThan(0);
  });

  it("the simulator answers with the moved world: new notes first, not a cached old answer", async () => {
    const fake = createFakeClock();
    const core = createSimulatorCore({ seed: 1, size: "tiny", worldClock: fake.clock, now: fake.clock.now });
    const firstId = () => {
      const answer = core.handle({
        path: "/api/v1/xiaohongshu/app_v2/search_notes",
        query: { keyword: "美食推荐", sort_type: "time_descending" },
      });
      expect(answer.status).toBe(200);
      return /"id":"([0-9a-f]{24})"/.exec(String(answer.body))?.[1] ?? "";
    };
    const before = firstId();
    expect(firstId()).toBe(before);
    await fake.advance(3 * DAY_MS);
    const after = firstId();
    expect(after).not.toBe(before);
    expect(Number.parseInt(after.slice(0, 8), 16)).toBeGreaterThan(WORLD_NOW);
    expect(core.world.note(after)).toBeDefined();
  });
});
