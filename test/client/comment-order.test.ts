/**
 * Comment lists are complete by default: with no sort, App V2 is asked for `sort_strategy=latest_v2` (and App V1 for
 * `2`), never TikHub's `default`, whose paging loses or repeats comments
 * (docs/reference-notes.md#comment-sort-and-paging). The relevance order is there for callers who ask, and says so in
 * degradedReasons once it is paged past its first page.
 */
import { describe, expect, it } from "vitest";
import { createClient } from "../../src/client/create-client.js";
import type { CommentListOptions } from "../../src/client/types.js";
import { createFakeClock } from "../../src/core/clock.js";
import { InvalidInputError } from "../../src/core/errors.js";
import type { Page } from "../../src/core/types.js";
import type { Comment } from "../../src/model/types.js";
import { RELEVANCE_PAGING_REASON } from "../../src/series/app_v2/traits.js";
import { createSimulator } from "../../src/simulator/index.js";
import type { WorldNote } from "../../src/simulator/world/index.js";
import { runOn } from "./sim-helpers.js";

const SEEDS = [1, 4, 7, 12];

function setup(seed: number) {
  const fake = createFakeClock(Date.UTC(2026, 0, 15));
  const sim = createSimulator({
    seed,
    size: "tiny",
    rateLimit: 0,
    faults: "healthy",
    clock: fake.clock,
    sleep: fake.sleep,
  });
  const queries: URLSearchParams[] = [];
  const xhs = createClient({
    apiKey: "test-key",
    baseUrl: sim.url,
    clock: fake.clock,
    sleep: fake.sleep,
    qps: 0,
    fetch: (input, init) => {
      const url = new URL(typeof input === "string" ? input : input instanceof URL ? input.href : input.url);
      if (url.pathname.includes("comments")) queries.push(url.searchParams);
      return sim.fetch(input, init);
    },
  });
  const run = runOn(fake);
  const note = [...sim.world.notes()].find(
    (n) => !n.deleted && !n.webRestricted && n.commentsL1 > 35 && n.commentsL1 < 300,
  ) as WorldNote;
  if (!note) throw new Error(`seed ${seed}: no busy note`);
  async function pages(ref: string, options: CommentListOptions = {}): Promise<Page<Comment>[]> {
    const out: Page<Comment>[] = [];
    await run(
      (async () => {
        for await (const page of xhs.comments.list(ref, options).pages()) out.push(page);
      })(),
    );
    return out;
  }
  return { sim, xhs, run, queries, note, pages };
}

describe("comment lists default to the complete order", () => {
  for (const seed of SEEDS) {
    it(`seed ${seed}: no sort → sort_strategy=latest_v2 on every page, every comment once, not degraded`, async () => {
      const s = setup(seed);
      const pages = await s.pages(s.note.id);
      expect(s.queries.length).toBeGreaterThan(2);
      expect(s.queries.every((q) => q.get("sort_strategy") === "latest_v2")).toBe(true);
      const ids = pages.flatMap((p) => p.items.map((c) => c.id));
      expect(ids).toEqual(s.sim.world.comments(s.note.id, "latest").map((c) => c.id));
      expect(pages.every((p) => !p.degraded && p.degradedReasons.length === 0)).toBe(true);
    });

    it(`seed ${seed}: sort default → sort_strategy=default; comments lost past page 1, and the pages say so`, async () => {
      const s = setup(seed);
      const pages = await s.pages(s.note.id, { sort: "default" });
      expect(s.queries.every((q) => q.get("sort_strategy") === "default")).toBe(true);
      const ids = pages.flatMap((p) => p.items.map((c) => c.id));
      // Repeats are dropped by the list; what the upstream lost is missing.
      expect(new Set(ids).size).toBe(ids.length);
      expect(ids.length).toBeLessThan(s.note.commentsL1);
      // The first page (a full one) is fine; every later page carries the reason.
      expect(pages[0]!.degradedReasons).toEqual([]);
      expect(pages.length).toBeGreaterThan(1);
      for (const page of pages.slice(1)) expect(page.degradedReasons).toContain(RELEVANCE_PAGING_REASON);
    });
  }

  it("the model marks the pinned comment (first in the relevance order) and the note author's comments", async () => {
    for (const seed of SEEDS) {
      const s = setup(seed);
      const note = [...s.sim.world.notes()].find(
        (n) =>
          !n.deleted && n.commentsL1 > 10 && n.commentsL1 < 300 && s.sim.world.comments(n.id).some((c) => c.pinned),
      )!;
      const truth = new Map(s.sim.world.comments(note.id).map((c) => [c.id, c]));
      const relevance = await s.run(s.xhs.comments.list(note.id, { sort: "default", limit: 10 }).collect(10));
      expect(relevance[0]).toMatchObject({ id: s.sim.world.comments(note.id, "relevance")[0]!.id, pinned: true });
      const all = await s.run(s.xhs.comments.list(note.id).collect(1000));
      expect(all).toHaveLength(note.commentsL1);
      for (const c of all) {
        expect(c.pinned).toBe(truth.get(c.id)!.pinned);
        expect(c.byNoteAuthor).toBe(truth.get(c.id)!.userId === note.userId);
      }
      expect(all.filter((c) => c.pinned)).toHaveLength(1);
    }
  });

  it("App V1 is asked for sort_strategy=2 (newest) with no sort, 1 when the relevance order is asked", async () => {
    const s = setup(7);
    await s.run(s.xhs.comments.list(s.note.id, { series: ["app_v1"], limit: 25 }).collect(25));
    expect(s.queries.map((q) => q.get("sort_strategy"))).toEqual(["2", "2", "2"]);
    s.queries.length = 0;
    const list = s.xhs.comments.list(s.note.id, { series: ["app_v1"], sort: "default", limit: 25 });
    await s.run(list.collect(25));
    expect(s.queries.map((q) => q.get("sort_strategy"))).toEqual(["1", "1", "1"]);
    // Only App V2's relevance paging is documented to lose comments.
    expect(list.degradedReasons).toEqual([]);
  });

  it("Web V3 (no sort parameter) still serves a list with no sort; an explicit latest needs acceptDegraded there", async () => {
    const s = setup(7);
    const token = s.note.xsecToken;
    const ref = `https://www.xiaohongshu.com/explore/${s.note.id}?xsec_token=${encodeURIComponent(token)}`;
    const all = await s.run(s.xhs.comments.list(ref, { series: ["web_v3"] }).collect(1000));
    expect(all).toHaveLength(s.note.commentsL1);
    expect(s.queries.every((q) => !q.has("sort_strategy"))).toBe(true);
    await expect(s.run(s.xhs.comments.list(ref, { series: ["web_v3"], sort: "latest" }).collect(5))).rejects.toThrow(
      InvalidInputError,
    );
  });
});
