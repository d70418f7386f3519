/**
 * The run report's comment completeness shows what the comment order costs: crawled against the simulator
 * (whose App V2 `sort_strategy=default` paging loses and repeats comments, as TikHub documents), a plan with
 * no comment sort stores every comment the notes report, and the same plan with `sort: default` comes up
 * short, which the report says, per note and in its text.
 */
import { describe, expect, it } from "vitest";
import { runCrawl } from "../../src/crawl/engine.js";
import { normalizePlan } from "../../src/crawl/plan/normalize.js";
import type { PlanFile } from "../../src/crawl/plan/schema.js";
import { buildReport, renderReport } from "../../src/crawl/report.js";
import type { Comment } from "../../src/model/types.js";
import type { WorldNote } from "../../src/simulator/world/index.js";
import { openSqliteStore } from "../../src/store/sqlite/sqlite-store.js";
import { simClient } from "../client/sim-helpers.js";
import { comment, note as storedNote } from "../store/fixtures.js";
import { buildWorld, createFakeClient } from "./fake-client.js";

const SEEDS = [1, 2, 3];

async function crawl(seed: number, sort: "default" | undefined) {
  const s = simClient("healthy", { seed, size: "tiny" });
  const notes = [...s.sim.world.notes()]
    .filter((n) => !n.deleted && !n.webRestricted && n.commentsL1 > 30 && n.commentsL1 < 150)
    .slice(0, 3) as WorldNote[];
  expect(notes.length).toBeGreaterThan(0);
  const file: PlanFile = {
    seeds: { notes: notes.map((n) => n.id) },
    expand: {
      comments: { maxPerNote: 10_000, replies: true, maxRepliesPerThread: 10_000, ...(sort ? { sort } : {}) },
    },
  };
  const store = openSqliteStore(":memory:");
  const result = await s.run(runCrawl({ client: s.xhs, store, queue: store }, { plan: normalizePlan(file, "t") }));
  return { result, notes, store };
}

describe("comment completeness: newest first versus the relevance order", () => {
  for (const seed of SEEDS) {
    it(`seed ${seed}: no sort stores every comment; sort default is short and the report says so`, async () => {
      const complete = await crawl(seed, undefined);
      expect(complete.result.status).toBe("completed");
      expect(complete.result.report.commentSort).toBeNull();
      expect(complete.result.report.comments).toHaveLength(complete.notes.length);
      for (const note of complete.result.report.comments) {
        expect(note.reported).not.toBeNull();
        expect(note.fetched).toBe(note.reported);
        expect(note.missing).toBeNull();
      }
      expect(renderReport(complete.result.report)).not.toMatch(/missing|short by/);

      const relevance = await crawl(seed, "default");
      expect(relevance.result.status).toBe("completed");
      const report = relevance.result.report;
      expect(report.commentSort).toBe("default");
      const short = report.comments.filter((n) => n.missing !== null);
      expect(short.length).toBeGreaterThan(0);
      for (const n of short) {
        expect(n.missing).toBe(n.reported! - n.fetched);
        expect(n.missing).toBeGreaterThan(0);
        expect(n.capped).toBe(false);
      }
      // Nothing stored twice: the repeats were dropped, the losses are what is missing.
      for (const note of relevance.notes) {
        expect(await relevance.store.countComments(note.id)).toBeLessThanOrEqual(
          await complete.store.countComments(note.id),
        );
      }
      const text = renderReport(report);
      expect(text).toContain("paged in sort default");
      expect(text).toMatch(
        /note\(s\) short by \d+ comment\(s\) with no cap to blame: TikHub's paging of the relevance order/,
      );
    });
  }

  it("a cap explains a shortfall: top-level capped notes are not counted as missing", async () => {
    const s = simClient("healthy", { seed: 2, size: "tiny" });
    const note = [...s.sim.world.notes()].find((n) => !n.deleted && n.commentsL1 > 30 && n.commentsL1 < 150)!;
    const store = openSqliteStore(":memory:");
    const plan = normalizePlan({ seeds: { notes: [note.id] }, expand: { comments: { maxPerNote: 5 } } }, "t");
    const { report } = await s.run(runCrawl({ client: s.xhs, store, queue: store }, { plan }));
    expect(report.comments[0]).toMatchObject({ capped: true, missing: null });
  });
});

describe("comment completeness mid-run", () => {
  it("a note whose reply jobs are still pending is pending, not missing; once they are done it is missing", async () => {
    const N = "697c0eee000000000a03c308";
    const store = openSqliteStore(":memory:");
    const plan = normalizePlan({ seeds: { notes: [N] }, expand: { comments: { replies: true } } }, "t");
    const run = await store.createRun({ id: "r1", plan });
    await store.upsertNotes([storedNote(N, { stats: { likes: 0, collects: 0, comments: 10, shares: 0 } })]);
    await store.upsertComments([comment("c1", N), comment("c2", N), comment("c3", N)]);
    const key = (k: string) => ({ runId: run.id, key: k, priority: 0, depth: 1 });
    await store.enqueue({ ...key(`comments:${N}`), kind: "comments", payload: { noteId: N, xsecToken: null } });
    const [comments] = await store.lease(run.id, { limit: 1, owner: "w" });
    await store.complete(comments!, { cursor: null, itemsSoFar: 3 });
    await store.enqueue({
      ...key(`replies:${N}:c1`),
      kind: "replies",
      payload: { noteId: N, commentId: "c1", xsecToken: null, replyCount: 7 },
    });
    const midway = await buildReport(store, store, run.id);
    expect(midway.comments).toEqual([
      expect.objectContaining({ noteId: N, fetched: 3, reported: 10, missing: null, pending: true }),
    ]);
    const text = renderReport(midway);
    expect(text).toContain("comments pending");
    expect(text).not.toMatch(/missing|short by/);
    // The reply job done and the note still short: now that is missing.
    const [replies] = await store.lease(run.id, { limit: 1, owner: "w" });
    await store.complete(replies!, { cursor: null, itemsSoFar: 0 });
    const after = await buildReport(store, store, run.id);
    expect(after.comments).toEqual([expect.objectContaining({ noteId: N, missing: 7, pending: false })]);
    expect(renderReport(after)).toContain("7 missing");
    await store.close();
  });
});

describe("incremental comment lists and pinned comments", () => {
  it("a pinned comment already stored, on top of the newest-first list, does not stop the list", async () => {
    const world = buildWorld({ notes: 1, users: 1, topLevelComments: 4, repliesPerComment: 0 });
    const noteId = world.notes[0]!.id;
    const store = openSqliteStore(":memory:");
    const plan = normalizePlan(
      { seeds: { notes: [noteId] }, expand: { comments: { maxPerNote: 100, replies: false } }, incremental: true },
      "t",
    );
    const opts = { world, commentPageSize: 3 };
    await runCrawl({ client: createFakeClient(opts), store, queue: store }, { plan });
    expect(await store.countComments(noteId)).toBe(4);
    // The author pins an old comment (shown on top), and four new comments arrive.
    const old = world.comments.get(noteId)!;
    const fresh: Comment[] = [1, 2, 3, 4].map((k) => ({ ...old[1]!, id: `${noteId}n${k}`, text: `新 ${k}` }));
    world.comments.set(noteId, [{ ...old[3]!, pinned: true }, ...fresh, ...old.filter((_, i) => i !== 3)]);
    const second = await runCrawl({ client: createFakeClient(opts), store, queue: store }, { plan });
    expect(await store.countComments(noteId)).toBe(8);
    // It still stops early, at the first page with a known comment that is not pinned (page 2 of 3).
    expect(second.report.stoppedEarly).toEqual([expect.objectContaining({ reason: "incremental", pages: 2 })]);
  });
});
