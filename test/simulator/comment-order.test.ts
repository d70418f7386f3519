/**
 * App V2 comment order in the simulator: `latest_v2` pages through every top-level comment once; `default` (relevance)
 * loses and repeats some past its first page, deterministically from the seed, as TikHub documents
 * (docs/reference-notes.md#comment-sort-and-paging; quirk defaultSortPagingDrift). Pinned and note-author comments are
 * marked in show_tags_v2 (App V2) and show_tags (App V1, Web V3).
 */
import { describe, expect, it } from "vitest";
import { createSimulatorCore, type SimulatorCore } from "../../src/simulator/core.js";
import type { WorldNote } from "../../src/simulator/world/index.js";

// biome-ignore lint/suspicious/noExplicitAny: answers are checked by the assertions below.
type Json = any;

const SEEDS = [1, 2, 3, 7, 11];

function call(core: SimulatorCore, endpoint: string, query: Record<string, string>): Json {
  const r = core.handle({ path: `/api/v1/xiaohongshu/${endpoint}`, query });
  expect(r.status).toBe(200);
  return typeof r.body === "string" ? JSON.parse(r.body) : r.body;
}

/** Every comment id of every page, in order, following `cursor` until has_more is false. */
function pageAll(core: SimulatorCore, noteId: string, sort: string): string[] {
  const ids: string[] = [];
  let cursor = "";
  for (let guard = 0; guard < 10_000; guard++) {
    const body = call(core, "app_v2/get_note_comments", {
      note_id: noteId,
      cursor,
      index: "0",
      pageArea: "UNFOLDED",
      sort_strategy: sort,
    });
    const data = body.data.data;
    ids.push(...data.comments.map((c: Json) => c.id));
    if (!data.has_more) return ids;
    expect(data.cursor).not.toBe(cursor);
    cursor = data.cursor;
  }
  throw new Error("paging did not end");
}

function busyNotes(core: SimulatorCore, count: number): WorldNote[] {
  return [...core.world.notes()].filter((n) => !n.deleted && n.commentsL1 > 30 && n.commentsL1 < 400).slice(0, count);
}

describe("App V2 comment paging: default versus latest_v2", () => {
  for (const seed of SEEDS) {
    it(`seed ${seed}: latest_v2 gives every comment once; default loses some and repeats some`, () => {
      const core = createSimulatorCore({ seed, size: "tiny" });
      const notes = busyNotes(core, 3);
      expect(notes.length).toBeGreaterThan(0);
      for (const note of notes) {
        const latest = pageAll(core, note.id, "latest_v2");
        expect(latest).toEqual(core.world.comments(note.id, "latest").map((c) => c.id));

        const relevance = pageAll(core, note.id, "default");
        const distinct = new Set(relevance);
        const lost = note.commentsL1 - distinct.size;
        const repeated = relevance.length - distinct.size;
        expect(lost, `note ${note.id}`).toBeGreaterThan(0);
        expect(repeated, `note ${note.id}`).toBeGreaterThan(0);
        // Every page after the first loses 1–2 and repeats 1–2: never more than 2 of each per later page.
        const laterPages = Math.ceil(note.commentsL1 / 10) - 1;
        expect(lost).toBeLessThanOrEqual(2 * laterPages);
        // Nothing invented: every id is one of the note's comments; the first page is the plain relevance order.
        const all = new Set(latest);
        expect(relevance.every((id) => all.has(id))).toBe(true);
        const ranked = core.world.comments(note.id, "relevance").map((c) => c.id);
        expect(relevance.slice(0, 10)).toEqual(ranked.slice(0, 10));
        // Deterministic: the same seed pages the same way.
        expect(pageAll(core, note.id, "default")).toEqual(relevance);
      }
    });
  }

  it("with the quirk off, default pages through every comment once, in relevance order", () => {
    const core = createSimulatorCore({ seed: 3, size: "tiny", quirks: { defaultSortPagingDrift: false } });
    for (const note of busyNotes(core, 2)) {
      expect(pageAll(core, note.id, "default")).toEqual(core.world.comments(note.id, "relevance").map((c) => c.id));
    }
  });
});

describe("the relevance order (default) shows the pinned comment first", () => {
  for (const seed of SEEDS) {
    it(`seed ${seed}: pinned first, then the others most liked first; like_count keeps plain likes order`, () => {
      const core = createSimulatorCore({ seed, size: "tiny", quirks: { defaultSortPagingDrift: false } });
      const notes = [...core.world.notes()].filter((n) => !n.deleted && n.commentsL1 > 12);
      const withPin = notes.filter((n) => core.world.comments(n.id).some((c) => c.pinned));
      expect(withPin.length).toBeGreaterThan(0);
      for (const note of withPin.slice(0, 5)) {
        const relevance = core.world.comments(note.id, "relevance");
        const liked = core.world.comments(note.id, "most_liked");
        const pinned = relevance[0]!;
        expect(pinned.pinned).toBe(true);
        expect(relevance.slice(1).map((c) => c.id)).toEqual(liked.filter((c) => !c.pinned).map((c) => c.id));
        expect(new Set(relevance.map((c) => c.id)).size).toBe(note.commentsL1);
        const first = call(core, "app_v2/get_note_comments", { note_id: note.id, sort_strategy: "default" });
        expect(first.data.data.comments[0].id).toBe(pinned.id);
        const byLikes = call(core, "app_v2/get_note_comments", { note_id: note.id, sort_strategy: "like_count" });
        expect(byLikes.data.data.comments.map((c: Json) => c.id)).toEqual(liked.slice(0, 10).map((c) => c.id));
      }
    });
  }
});

describe("pinned and note-author comments are marked", () => {
  it("App V2 show_tags_v2 carries user_top on the pinned comment and is_author on the author's; show_tags is empty", () => {
    let pinnedSeen = 0;
    let authorSeen = 0;
    for (const seed of SEEDS) {
      const core = createSimulatorCore({ seed, size: "tiny", quirks: { defaultSortPagingDrift: false } });
      for (const note of [...core.world.notes()].filter((n) => !n.deleted && n.commentsL1 > 0).slice(0, 40)) {
        const truth = new Map(core.world.comments(note.id).map((c) => [c.id, c]));
        const body = call(core, "app_v2/get_note_comments", { note_id: note.id, sort_strategy: "latest_v2" });
        for (const c of body.data.data.comments as Json[]) {
          const world = truth.get(c.id)!;
          const types = (c.show_tags_v2 as Json[]).map((t) => t.type);
          expect(c.show_tags).toEqual([]);
          expect(types.includes("user_top")).toBe(world.pinned);
          expect(types.includes("is_author")).toBe(world.userId === note.userId);
          if (world.pinned) pinnedSeen++;
          if (world.userId === note.userId) authorSeen++;
        }
      }
    }
    expect(pinnedSeen).toBeGreaterThan(0);
    expect(authorSeen).toBeGreaterThan(0);
  });

  it("at most one pinned comment per note, top-level only; App V1 puts user_top in show_tags", () => {
    const core = createSimulatorCore({ seed: 5, size: "tiny" });
    const notes = [...core.world.notes()].filter((n) => !n.deleted && n.commentsL1 > 0);
    const pinnedPerNote = notes.map((n) => core.world.comments(n.id).filter((c) => c.pinned).length);
    expect(Math.max(...pinnedPerNote)).toBe(1);
    expect(pinnedPerNote.filter((k) => k === 1).length).toBeGreaterThan(notes.length / 6);
    const note = notes.find((n, i) => pinnedPerNote[i] === 1 && n.commentsL1 <= 10)!;
    const pinned = core.world.comments(note.id).find((c) => c.pinned)!;
    const v1 = call(core, "app/get_note_comments", { note_id: note.id, sort_strategy: "2" });
    const shown = (v1.data.data.comments as Json[]).find((c) => c.id === pinned.id);
    expect(shown.show_tags).toContain("user_top");
  });
});
