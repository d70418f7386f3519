import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { createFakeClock } from "../../src/core/clock.js";
import type { Page, Paginator } from "../../src/core/types.js";
import { normalizeWatchPlan } from "../../src/crawl/plan/watch.js";
import type { Note } from "../../src/model/types.js";
import { openSqliteStore } from "../../src/store/sqlite/sqlite-store.js";
import { createExecutor } from "../../src/watch/executor.js";
import { MemoryWatchState } from "../../src/watch/memory-state.js";
import { completeTick, dueTasks } from "../../src/watch/schedule.js";
import { fakeClient, makeNote } from "../cli/helpers.js";

const dir = mkdtempSync(join(tmpdir(), "xhs-watch-exec-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const id = (n: number) => `6a00000000000000000000${n.toString(16).padStart(2, "0")}`;

/** A newest-first list served as one page per call, each page counted as a paid call. */
function listOf(notes: Note[], pages: { count: number }): Paginator<Note> {
  return {
    async *[Symbol.asyncIterator]() {
      yield* notes;
    },
    async *pages(): AsyncIterable<Page<Note>> {
      for (let i = 0; i < notes.length; i += 2) {
        pages.count++;
        yield {
          items: notes.slice(i, i + 2),
          cursor: null,
          hasMore: i + 2 < notes.length,
          source: "app_v2",
          degraded: false,
          degradedReasons: [],
        };
      }
    },
    collect: async () => notes,
    cursor: null,
    degraded: false,
    degradedReasons: [],
  };
}

describe("the executor's discovery", () => {
  it("a tick killed after storing its notes but before its commit finds the same notes new when it runs again", async () => {
    const fake = createFakeClock();
    const store = openSqliteStore(join(dir, "kill.db"), { clock: fake.clock });
    const state = new MemoryWatchState();
    const plan = normalizeWatchPlan(
      { watch: { watches: [{ name: "w", every: "1h", keywords: ["露营"], alerts: [{ rule: "new_note" }] }] } },
      "t",
    );
    let newest: Note[] = [1, 2].map((n) => makeNote(id(n)));
    const pages = { count: 0 };
    const client = fakeClient({ search: { notes: () => listOf(newest, pages), users: () => undefined } });
    const execute = createExecutor({ client, store, state, clock: fake.clock });
    try {
      // The baseline: both notes tracked, no alert.
      const [first] = dueTasks(plan, await state.tasks(), fake.now());
      if (!first) throw new Error("nothing due");
      const baseline = await execute(first, { calls: null, usd: null });
      expect(baseline.newNoteIds).toEqual([id(1), id(2)]);
      expect(baseline.alerts).toEqual([]);
      await state.commitTick(completeTick(first, { ...baseline, targets: [] }, []));

      // Two notes appear; the tick stores them, then dies before its commit.
      newest = [4, 3, 1, 2].map((n) => makeNote(id(n)));
      await fake.advance(3_600_000);
      const [second] = dueTasks(plan, await state.tasks(), fake.now());
      if (!second) throw new Error("nothing due");
      const lost = await execute(second, { calls: null, usd: null });
      expect(lost.newNoteIds).toEqual([id(4), id(3)]);
      expect(await store.hasNote(id(4))).toBe(true);

      // Run again for the same slot: the same notes, the same alert ids, and it stopped at the first tracked note.
      const [again] = dueTasks(plan, await state.tasks(), fake.now());
      expect(again?.tickId).toBe(second.tickId);
      if (!again) throw new Error("nothing due");
      pages.count = 0;
      const retried = await execute(again, { calls: null, usd: null });
      expect(retried.newNoteIds).toEqual([id(4), id(3)]);
      expect(retried.alerts.map((a) => a.id)).toEqual(lost.alerts.map((a) => a.id));
      expect(retried.alerts).toHaveLength(2);
      expect(pages.count).toBe(2);
    } finally {
      await store.close();
    }
  });
});
