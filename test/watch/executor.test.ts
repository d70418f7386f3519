import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { createFakeClock } from "../../src/core/clock.js";
import { NotFoundError } from "../../src/core/errors.js";
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

describe("the executor's refreshes and budget", () => {
  it("a deleted note ends its refreshes instead of being paid for on every pass", async () => {
    const fake = createFakeClock();
    const store = openSqliteStore(join(dir, "gone.db"), { clock: fake.clock });
    const state = new MemoryWatchState();
    const note = id(9);
    const plan = normalizeWatchPlan({ watch: { watches: [{ name: "w", every: "1h", notes: [note] }] } }, "t");
    const client = fakeClient({
      notes: {
        get: async () => {
          throw new NotFoundError("deleted");
        },
      },
    });
    try {
      const execute = createExecutor({ client, store, state, clock: fake.clock });
      const [due] = dueTasks(plan, [], fake.now());
      if (!due) throw new Error("nothing due");
      const outcome = await execute(due, { calls: null, usd: null });
      expect(outcome.gone).toBe(true);
      await state.commitTick(completeTick(due, { ...outcome, targets: [] }, []));
      expect((await state.tasks())[0]?.nextDueAt).toBeNull();
      expect(dueTasks(plan, await state.tasks(), fake.now() + 400 * 24 * 3_600_000)).toEqual([]);
    } finally {
      await store.close();
    }
  });

  it("a discovery stops paging when the next page would pass the dollars left today", async () => {
    const fake = createFakeClock();
    const store = openSqliteStore(join(dir, "budget.db"), { clock: fake.clock });
    const state = new MemoryWatchState();
    const plan = normalizeWatchPlan({ watch: { watches: [{ name: "w", every: "1h", keywords: ["露营"] }] } }, "t");
    const pages = { count: 0 };
    const notes = [1, 2, 3, 4, 5, 6].map((n) => makeNote(id(n)));
    let subscriber: ((e: { billable: boolean; costUsd: number }) => void) | null = null;
    const client = fakeClient({
      search: {
        notes: () => {
          const inner = listOf(notes, pages);
          return {
            ...inner,
            async *pages() {
              for await (const page of inner.pages()) {
                subscriber?.({ billable: true, costUsd: 0.01 });
                yield page;
              }
            },
          };
        },
        users: () => undefined,
      },
      subscribe: (listener: (e: { billable: boolean; costUsd: number }) => void) => {
        subscriber = listener;
        return () => {
          subscriber = null;
        };
      },
    });
    try {
      const execute = createExecutor({ client, store, state, clock: fake.clock, pricePerCall: 0.01 });
      const [due] = dueTasks(plan, [], fake.now());
      if (!due) throw new Error("nothing due");
      const outcome = await execute(due, { calls: null, usd: 0.025 });
      expect(pages.count).toBe(2);
      expect(outcome.newNoteIds).toHaveLength(4);
      expect(outcome.calls).toBe(2);
      expect(outcome.usd).toBeCloseTo(0.02, 6);
    } finally {
      await store.close();
    }
  });
});
