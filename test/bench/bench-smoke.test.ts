/**
 * The benchmark in miniature (tiny world, a few dozen requests, virtual clock), so it cannot rot.
 * Not timed: it checks what each part measures, not how fast anything is.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { judge } from "../../src/bench/checker.js";
import { compareStrategies } from "../../src/bench/compare.js";
import { measureCrawlRate } from "../../src/bench/crawl-rate.js";
import { measureParseCost } from "../../src/bench/parse-cost.js";
import { benchProfile } from "../../src/bench/profiles.js";
import { evaluateTargets, writeResults } from "../../src/bench/report.js";
import { createVirtualTime } from "../../src/bench/scaled-time.js";
import { measureCommentStream } from "../../src/bench/stream-comments.js";
import { buildWorkload, type NoteRequest } from "../../src/bench/workload.js";
import { createSimulator } from "../../src/simulator/index.js";

describe("the correctness checker", () => {
  const sim = createSimulator({ seed: 3, size: "tiny", rateLimit: 0 });
  const world = sim.world;
  const image = world.notes().find((n) => !n.deleted && n.type === "normal")!;
  const video = world.notes().find((n) => !n.deleted && n.type === "video")!;
  const request: NoteRequest = {
    index: 0,
    kind: "note-image-unknown",
    noteId: image.id,
    xsecToken: image.xsecToken,
    knownType: null,
  };
  const raw = async (endpoint: string, params: Record<string, string>) => {
    const r = await sim.fetch(`${sim.url}/api/v1/xiaohongshu/${endpoint}?${new URLSearchParams(params)}`, {
      headers: { authorization: "Bearer k" },
    });
    return { kind: "raw" as const, endpoint, body: await r.json(), params };
  };

  it("a right note is correct; the video endpoint's other notes are a wrong note", async () => {
    expect(judge(world, request, await raw("app_v2/get_image_note_detail", { note_id: image.id }))).toEqual({
      outcome: "correct",
    });
    expect(judge(world, request, await raw("app_v2/get_video_note_detail", { note_id: image.id }))).toEqual({
      outcome: "wrong",
      reason: "wrong_note",
    });
  });

  it("the image endpoint's empty answer on a video note is wrong (empty), App V1's video without video is wrong", async () => {
    const videoRequest = { ...request, kind: "note-video-unknown" as const, noteId: video.id };
    expect(judge(world, videoRequest, await raw("app_v2/get_image_note_detail", { note_id: video.id }))).toMatchObject({
      outcome: "wrong",
      reason: "empty",
    });
    expect(judge(world, videoRequest, await raw("app/get_note_info", { note_id: video.id }))).toMatchObject({
      outcome: "wrong",
      reason: "no_video",
    });
  });

  it("an empty comment page for a note with comments is wrong; a short page claiming to be complete is wrong", () => {
    const note = world.notes().find((n) => !n.deleted && n.commentsL1 >= 12)!;
    const comments = { index: 1, kind: "comments" as const, noteId: note.id, xsecToken: note.xsecToken };
    expect(judge(world, comments, { kind: "page", items: [], hasMore: false })).toMatchObject({ reason: "empty" });
    const cut = world
      .comments(note.id)
      .slice(0, 10)
      .map((c) => ({ id: c.id, noteId: note.id }));
    // biome-ignore lint/suspicious/noExplicitAny: minimal comment records for the checker
    expect(judge(world, comments, { kind: "page", items: cut as any, hasMore: false })).toMatchObject({
      outcome: "wrong",
      reason: "truncated",
    });
    // biome-ignore lint/suspicious/noExplicitAny: minimal comment records for the checker
    expect(judge(world, comments, { kind: "page", items: cut as any, hasMore: true })).toEqual({ outcome: "correct" });
    expect(judge(world, comments, { kind: "failed", reason: "all_failed: no series" })).toMatchObject({
      outcome: "failed",
    });
  });
});

describe("the benchmark in miniature", () => {
  it("compares the strategies on the same faults and writes both result files", async () => {
    const profiles = [benchProfile("healthy"), benchProfile("primary-down")];
    const cells = await compareStrategies({
      seed: 2,
      size: "tiny",
      requests: 40,
      concurrency: 4,
      time: createVirtualTime(),
      profiles,
      strategies: ["guide", "retry-only", "xhs-kit", "xhs-kit-web-first"],
    });
    expect(cells).toHaveLength(8);
    const cell = (profile: string, strategy: string) =>
      cells.find((c) => c.profile === profile && c.strategy === strategy)!;
    for (const c of cells) expect(c.correct + c.wrong + c.failed).toBe(40);

    // Healthy: the guide's unknown-type video notes hit the image endpoint's empty answer (a quirk).
    const unknownVideos = cell("healthy", "guide").byKind["note-video-unknown"];
    expect(unknownVideos.requests).toBeGreaterThan(0);
    expect(unknownVideos.wrong).toBe(unknownVideos.requests);
    expect(cell("healthy", "xhs-kit").wrong).toBe(0);
    expect(cell("healthy", "xhs-kit").correct).toBe(40);
    // Primary down (hangs): the guide waits out its overall timeout every time; retry-only has no failover.
    expect(cell("primary-down", "guide").failed).toBe(40);
    expect(cell("primary-down", "guide").p50Ms).toBe(60_000);
    expect(cell("primary-down", "retry-only").correct).toBe(0);
    expect(cell("primary-down", "xhs-kit").correct).toBe(40);
    // Billing comes from the simulator's ledger.
    expect(cell("healthy", "retry-only").billableCalls).toBe(40);
    // Web V3 first for unknown types: never more calls than the default, never a wrong note; only the
    // normalizing strategies report approximate counts.
    expect(cell("healthy", "xhs-kit-web-first").wrong).toBe(0);
    expect(cell("healthy", "xhs-kit-web-first").billableCalls).toBeLessThanOrEqual(
      cell("healthy", "xhs-kit").billableCalls,
    );
    expect(cell("healthy", "guide").notesWithApproxCounts).toBeNull();
    expect(cell("healthy", "xhs-kit").notesWithApproxCounts).toBe(0);

    const folder = mkdtempSync(join(tmpdir(), "xhs-bench-smoke-"));
    try {
      const base = {
        run: {
          startedAt: "2026-01-15T00:00:00.000Z",
          finishedAt: "2026-01-15T00:01:00.000Z",
          realSeconds: 60,
          seed: 2,
          worldSize: "tiny",
          requestsPerCell: 40,
          concurrency: 4,
          comparisonTime: "virtual clock",
          crawlTime: "virtual clock",
          quick: true,
          versions: { xhsKit: "0.0.0", node: process.versions.node, commit: null, platform: "test", cpus: 2 },
          loadAverage: { start: [1], end: [1] },
        },
        profiles,
        comparison: cells,
        crawl: null,
        parse: null,
        stream: null,
        simulator: null,
        serverLoad: null,
      };
      const targets = evaluateTargets(base);
      expect(targets.find((t) => t.name.includes("0 wrong"))?.met).toBe(true);
      writeResults(folder, { ...base, targets });
      const md = readFileSync(join(folder, "results.md"), "utf8");
      expect(md).toContain("### primary-down");
      expect(md).toMatch(/\| xhs-kit \| 100\.0 % \|/);
      const json = JSON.parse(readFileSync(join(folder, "results.json"), "utf8"));
      expect(json.comparison).toHaveLength(8);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });

  it("the same workload twice is the same list (seeded)", () => {
    const sim = createSimulator({ seed: 2, size: "tiny", rateLimit: 0 });
    expect(buildWorkload(sim.world, 30, 5)).toEqual(buildWorkload(sim.world, 30, 5));
  });

  it("crawls against a known rate limit without a 429", async () => {
    const result = await measureCrawlRate({ seed: 2, size: "tiny", notes: 12, qps: 10, time: createVirtualTime() });
    expect(result.status).toBe("completed");
    expect(result.jobsFailed).toBe(0);
    expect(result.http429).toBe(0);
    expect(result.calls).toBeGreaterThanOrEqual(24);
    expect(result.commentsStored).toBeGreaterThan(0);
    expect(result.achievedQps).toBeLessThanOrEqual(10 * 1.05);
  });

  it("measures parse cost for every series", () => {
    const result = measureParseCost({ seed: 2, iterations: 3, rounds: 1 });
    expect(Object.keys(result.bySeries).sort()).toEqual(["app_v1", "app_v2", "web_v3"]);
    for (const row of result.rows) expect(row.parseAndNormalizeUs).toBeGreaterThan(0);
  });

  it("streams a note's comments into SQLite from a separate process", { timeout: 120_000 }, async () => {
    const result = await measureCommentStream({ seed: 2, size: "tiny", limit: 40, batch: 15 });
    expect(result.rows).toBe(40);
    expect(result.rowsInStore).toBe(40);
    expect(result.expected).toBe(40);
    expect(result.missing).toBe(0);
    expect(result.peakRssMb).toBeGreaterThan(0);
  });
});
