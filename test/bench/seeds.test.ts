/**
 * The multi-seed comparison's own parts: the `--seeds` argument, which failures count as "no series can
 * serve" (from the world's truth), and the sums over seeds.
 */
import { describe, expect, it } from "vitest";
import { servingSeries } from "../../src/bench/checker.js";
import type { CellResult } from "../../src/bench/compare.js";
import { benchProfile } from "../../src/bench/profiles.js";
import { parseSeeds, sumCells } from "../../src/bench/seeds.js";
import type { BenchRequest } from "../../src/bench/workload.js";
import { createSimulator } from "../../src/simulator/index.js";

describe("--seeds", () => {
  it("takes a count (seeds 1..N) or a list", () => {
    expect(parseSeeds("3")).toEqual([1, 2, 3]);
    expect(parseSeeds("4, 9,12")).toEqual([4, 9, 12]);
  });
  it("refuses anything else", () => {
    for (const bad of ["0", "abc", "1,x", "1,1", "-2", "2.5", "1,0"]) expect(() => parseSeeds(bad)).toThrow(/--seeds/);
  });
});

describe("servingSeries: who can serve a request, from the world's truth", () => {
  for (const seed of [1, 2, 3]) {
    const world = createSimulator({ seed, size: "tiny", rateLimit: 0 }).world;
    const live = world.notes().filter((n) => !n.deleted);
    const note = (kind: BenchRequest["kind"], n: (typeof live)[number]): BenchRequest =>
      kind === "comments"
        ? { index: 0, kind, noteId: n.id, xsecToken: n.xsecToken }
        : {
            index: 0,
            kind: kind as "note-video-known",
            noteId: n.id,
            xsecToken: n.xsecToken,
            knownType: null,
          };

    it(`seed ${seed}: a video note has no App V1; hidden from the web, no Web V3; with App V2 down, nobody`, () => {
      const video = live.find((n) => n.type === "video")!;
      expect(servingSeries(world, note("note-video-known", video), benchProfile("healthy"))).toEqual(
        video.webRestricted ? ["app_v2"] : ["app_v2", "web_v3"],
      );
      const hidden = { ...video, webRestricted: true };
      const fakeWorld = { note: () => hidden } as unknown as typeof world;
      expect(servingSeries(fakeWorld, note("note-video-known", hidden), benchProfile("primary-down"))).toEqual([]);
      // Its comments: App V1 serves them.
      expect(servingSeries(fakeWorld, note("comments", hidden), benchProfile("primary-down"))).toEqual(["app_v1"]);
    });

    it(`seed ${seed}: an image note, a user's notes and a search: every series that is not down`, () => {
      const image = live.find((n) => n.type === "normal" && !n.webRestricted)!;
      expect(servingSeries(world, note("note-image-known", image), benchProfile("mixed-30"))).toEqual([
        "app_v2",
        "app_v1",
        "web_v3",
      ]);
      const user: BenchRequest = { index: 0, kind: "user-notes", userId: image.userId };
      expect(servingSeries(world, user, benchProfile("primary-down"))).toEqual(["app_v1", "web_v3"]);
      const deleted = world.notes().find((n) => n.deleted);
      if (deleted) expect(servingSeries(world, note("comments", deleted), benchProfile("healthy"))).toEqual([]);
    });
  }
});

describe("sums over seeds", () => {
  it("adds cells and splits failures into unservable and otherwise", () => {
    const cell = (correct: number, wrong: number, failed: number, unservable: number, billable: number) =>
      ({
        requests: correct + wrong + failed,
        correct,
        wrong,
        failed,
        failedUnservable: unservable,
        calls: billable + 1,
        billableCalls: billable,
        p50Ms: 600,
        p99Ms: 2_000 + wrong,
      }) as CellResult;
    const sum = sumCells([cell(98, 1, 1, 1, 110), cell(97, 0, 3, 1, 100)]);
    expect(sum).toMatchObject({
      seeds: 2,
      requests: 200,
      correct: 195,
      wrong: 1,
      failedUnservable: 2,
      failedOtherwise: 2,
      calls: 212,
      billableCalls: 210,
      billablePerCorrect: 1.077,
      worstP99Ms: 2_001,
    });
  });
});
