/**
 * A comment's pinned and by-note-author flags survive the store (true, false and null apart), an answer
 * that cannot say does not erase what an earlier one said, and exports carry them.
 */
import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { exportRecords, openSqliteStore } from "../../src/store/index.js";
import { parseCsv } from "../support/csv.js";
import { comment, T0, T2 } from "./fixtures.js";

describe("comment flags in the store", () => {
  it("round-trips true, false and null", async () => {
    const store = openSqliteStore(":memory:");
    await store.upsertComments([
      comment("c1", "n1", { pinned: true, byNoteAuthor: true }),
      comment("c2", "n1", { pinned: false, byNoteAuthor: true }),
      comment("c3", "n1", { pinned: null, byNoteAuthor: null }),
    ]);
    expect((await store.getComment("c1"))?.pinned).toBe(true);
    expect((await store.getComment("c1"))?.byNoteAuthor).toBe(true);
    expect((await store.getComment("c2"))?.pinned).toBe(false);
    expect((await store.getComment("c3"))?.pinned).toBeNull();
    expect((await store.getComment("c3"))?.byNoteAuthor).toBeNull();
    await store.close();
  });

  it("a later answer that cannot say keeps the flags; one that says false (unpinned) wins", async () => {
    const store = openSqliteStore(":memory:");
    await store.upsertComments([comment("c1", "n1", { pinned: true, byNoteAuthor: true, fetchedAt: T0 })]);
    await store.upsertComments([
      comment("c1", "n1", { pinned: null, byNoteAuthor: null, source: "app_v1", fetchedAt: T2 }),
    ]);
    expect(await store.getComment("c1")).toMatchObject({ pinned: true, byNoteAuthor: true });
    // Later again (an equal fetchedAt is a tie, which the content decides, not the write order).
    const later = "2026-01-30T04:00:00.000Z";
    await store.upsertComments([comment("c1", "n1", { pinned: false, byNoteAuthor: true, fetchedAt: later })]);
    expect(await store.getComment("c1")).toMatchObject({ pinned: false, byNoteAuthor: true });
    await store.close();
  });

  it("CSV and JSONL exports carry pinned and byNoteAuthor", async () => {
    const store = openSqliteStore(":memory:");
    await store.upsertComments([
      comment("c1", "n1", { pinned: true, byNoteAuthor: false }),
      comment("c2", "n1", { pinned: null, byNoteAuthor: null }),
    ]);
    const read = async (format: "csv" | "jsonl") => {
      const out = new PassThrough();
      const chunks: Buffer[] = [];
      out.on("data", (c: Buffer) => chunks.push(c));
      await exportRecords(store, "comments", format, { out });
      return Buffer.concat(chunks).toString("utf8");
    };
    const [header, ...rows] = parseCsv(await read("csv"));
    const at = (row: string[] | undefined, name: string) => row?.[header!.indexOf(name)];
    const byId = new Map(rows.map((r) => [at(r, "id"), r]));
    expect(at(byId.get("c1"), "pinned")).toBe("true");
    expect(at(byId.get("c1"), "byNoteAuthor")).toBe("false");
    expect(at(byId.get("c2"), "pinned")).toBe("");
    const lines = (await read("jsonl"))
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as { id: string; pinned: unknown; byNoteAuthor: unknown });
    expect(lines.find((l) => l.id === "c1")).toMatchObject({ pinned: true, byNoteAuthor: false });
    expect(lines.find((l) => l.id === "c2")).toMatchObject({ pinned: null, byNoteAuthor: null });
    await store.close();
  });
});
