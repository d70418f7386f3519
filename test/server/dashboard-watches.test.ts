/**
 * The watches page's data (issue #16): "not configured" on a database without watch tasks, and the tasks and
 * alerts (linked to stored notes) once `xhs watch` has written them, with the stored title of every note a task or
 * alert names, looked up in batches. The tables are made here as the watch state's migration makes them
 * (src/store/sql/watch-tables.ts), IF NOT EXISTS so the real migration may have run.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDashboard } from "../../src/dashboard/index.js";
import { noteTitles, TITLE_BATCH } from "../../src/dashboard/watches.js";
import { openSqliteStore, type SqliteStore } from "../../src/store/sqlite/sqlite-store.js";
import { makeNote } from "../cli/helpers.js";

let dir = "";
let store: SqliteStore;
const NOTE = "65f0a1b2000000001203abcd";
/** A note a refresh task watches, stored, that no alert names (so no alert carries its title). */
const QUIET = "65f0a1b2000000001203bbbb";
/** A note a task watches that this database does not hold. */
const ABSENT = "65f0a1b2000000001203cccc";
const noteId = (n: number) => `65f0a1b20000000012${n.toString(16).padStart(6, "0")}`;

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), "xhs-dash-watch-"));
  store = openSqliteStore(path.join(dir, "x.db"));
});

afterAll(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("watches", () => {
  it("says not configured, then shows tasks and alerts linked to stored notes", async () => {
    const { app } = createDashboard({ store, assetsDir: dir });
    const before = (await (await app.request("/api/dashboard/watches")).json()) as { configured: boolean };
    expect(before.configured).toBe(false);

    await store.executeSql(`CREATE TABLE IF NOT EXISTS watch_tasks (key TEXT PRIMARY KEY, watch TEXT NOT NULL,
      kind TEXT NOT NULL, target TEXT NOT NULL, runs INTEGER NOT NULL, last_run_ms INTEGER, next_due_ms INTEGER)`);
    await store.executeSql(`CREATE TABLE IF NOT EXISTS watch_alerts (id TEXT PRIMARY KEY, watch TEXT NOT NULL,
      kind TEXT NOT NULL, subject TEXT NOT NULL, raised_ms INTEGER NOT NULL, detail TEXT NOT NULL)`);
    const empty = (await (await app.request("/api/dashboard/watches")).json()) as { configured: boolean };
    expect(empty.configured).toBe(false);

    await store.upsertNotes([makeNote(NOTE, { title: "露营清单" })]);
    await store.executeSql("INSERT INTO watch_tasks VALUES (?, ?, ?, ?, ?, ?, ?)", [
      `refresh_note|camping|${NOTE}`,
      "camping",
      "refresh_note",
      NOTE,
      3,
      Date.UTC(2026, 11, 1),
      Date.UTC(2026, 11, 2),
    ]);
    await store.executeSql("INSERT INTO watch_alerts VALUES (?, ?, ?, ?, ?, ?)", [
      "a1",
      "camping",
      "taking_off",
      NOTE,
      Date.UTC(2026, 11, 1),
      JSON.stringify({ title: "露营清单" }),
    ]);
    await store.executeSql("INSERT INTO watch_alerts VALUES (?, ?, ?, ?, ?, ?)", [
      "a2",
      "camping",
      "new_note",
      "65f0a1b2000000001203ffff",
      Date.UTC(2026, 11, 2),
      "{}",
    ]);
    const view = (await (await app.request("/api/dashboard/watches")).json()) as {
      configured: boolean;
      tasks: { watch: string; runs: number; lastRunAt: string; nextDueAt: string }[];
      alerts: { id: string; noteStored: boolean; detail: Record<string, unknown> }[];
      notes: Record<string, string | null>;
    };
    expect(view.configured).toBe(true);
    expect(view.tasks).toEqual([
      expect.objectContaining({ watch: "camping", runs: 3, lastRunAt: "2026-12-01T00:00:00.000Z" }),
    ]);
    expect(view.alerts.map((a) => [a.id, a.noteStored])).toEqual([
      ["a2", false],
      ["a1", true],
    ]);
    expect(view.alerts[1]!.detail).toEqual({ title: "露营清单" });
    expect(view.notes).toEqual({ [NOTE]: "露营清单" });
  });

  it("gives the stored title of every note a task watches, whether or not an alert names it", async () => {
    const { app } = createDashboard({ store, assetsDir: dir });
    await store.upsertNotes([makeNote(QUIET, { title: "没人提醒的笔记" })]);
    const task = (kind: string, target: string) => [
      `${kind}|camping|${target}`,
      "camping",
      kind,
      target,
      0,
      null,
      null,
    ];
    await store.executeSql("INSERT INTO watch_tasks VALUES (?, ?, ?, ?, ?, ?, ?)", task("refresh_note", QUIET));
    await store.executeSql("INSERT INTO watch_tasks VALUES (?, ?, ?, ?, ?, ?, ?)", task("new_comments", ABSENT));
    // A user's id looks like a note id: a user task's target is not looked up as a note.
    await store.executeSql("INSERT INTO watch_tasks VALUES (?, ?, ?, ?, ?, ?, ?)", task("refresh_user", NOTE));
    const view = (await (await app.request("/api/dashboard/watches")).json()) as { notes: Record<string, unknown> };
    expect(view.notes[QUIET]).toBe("没人提醒的笔记");
    expect(ABSENT in view.notes).toBe(false);
    expect(view.notes[NOTE]).toBe("露营清单"); // still named by its alert
  });

  it("looks titles up in batches, finding notes past the first batch and leaving out the ids not stored", async () => {
    const late = noteId(TITLE_BATCH + 7);
    await store.upsertNotes([makeNote(late, { title: "第二批" }), makeNote(noteId(3), { title: null })]);
    const ids = Array.from({ length: TITLE_BATCH * 2 + 1 }, (_, i) => noteId(i));
    const titles = await noteTitles(store, [...ids, late]);
    expect([...titles.entries()].sort()).toEqual([
      [noteId(3), null],
      [late, "第二批"],
    ]);
  });
});
