import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough, Writable } from "node:stream";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { CSV_COLUMNS, exportRecords, openSqliteStore, type SqliteStore } from "../../src/store/index.js";
import { parseCsv } from "../support/csv.js";
import { comment, note, T0, T2, topic, user } from "./fixtures.js";

async function exportToBuffer(
  store: SqliteStore,
  kind: Parameters<typeof exportRecords>[1],
  format: Parameters<typeof exportRecords>[2],
  filter: { runId?: string; since?: string } = {},
): Promise<{ bytes: Buffer; records: number; ended: boolean }> {
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on("data", (c: Buffer) => chunks.push(c));
  const { records } = await exportRecords(store, kind, format, { ...filter, out });
  return { bytes: Buffer.concat(chunks), records, ended: out.writableEnded };
}

describe("export", () => {
  let dir: string;
  let store: SqliteStore;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "xhs-export-"));
    store = openSqliteStore(join(dir, "x.db"));
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("writes CSV with a BOM and the documented columns; Chinese text reads back; formulas are escaped", async () => {
    await store.upsertNotes([
      note("n1", { title: '=HYPERLINK("http://evil")', text: '露营，"第一次"\n带了帐篷' }),
      note("n2", { title: "+86 电话", text: "-负面评价", tags: ["@提到", "露营"], ipLocation: null }),
      note("n3", { title: "@某人", text: "\t制表符开头", stats: { likes: 0, collects: null, comments: 5, shares: 1 } }),
    ]);
    const { bytes, records, ended } = await exportToBuffer(store, "notes", "csv");
    expect(records).toBe(3);
    expect(ended).toBe(false);
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const rows = parseCsv(bytes.subarray(3).toString("utf8"));
    expect(rows[0]).toEqual(CSV_COLUMNS.notes);
    expect(rows).toHaveLength(4);
    const byId = new Map(
      rows.slice(1).map((r) => [r[0], Object.fromEntries(CSV_COLUMNS.notes.map((c, i) => [c, r[i]]))]),
    );
    const n1 = byId.get("n1")!;
    expect(n1.title).toBe('\'=HYPERLINK("http://evil")');
    expect(n1.text).toBe('露营，"第一次"\n带了帐篷');
    expect(n1.textTruncated).toBe("false");
    expect(n1.likes).toBe("120");
    expect(JSON.parse(n1.images!)).toEqual(note("n1").images);
    expect(n1.authorNickname).toBe("昵称u1");
    const n2 = byId.get("n2")!;
    expect(n2.title).toBe("'+86 电话");
    expect(n2.text).toBe("'-负面评价");
    expect(JSON.parse(n2.tags!)).toEqual(["@提到", "露营"]);
    expect(n2.ipLocation).toBe("");
    expect(n2.video).toBe("");
    const n3 = byId.get("n3")!;
    expect(n3.title).toBe("'@某人");
    expect(n3.text).toBe("'\t制表符开头");
    expect([n3.likes, n3.collects, n3.comments]).toEqual(["0", "", "5"]);
  });

  it("writes CSV for users, comments and topics in their documented column order", async () => {
    await store.upsertUsers([user("u1", { bio: "=1+1" })]);
    await store.upsertComments([
      comment("c1", "n1", { rootId: "c0", text: "回复：好看", pictures: ["https://p.example/a.jpg"] }),
    ]);
    await store.upsertTopics([topic("t1")]);
    for (const kind of ["users", "comments", "topics"] as const) {
      const { bytes } = await exportToBuffer(store, kind, "csv");
      const rows = parseCsv(bytes.subarray(3).toString("utf8"));
      expect(rows[0]).toEqual(CSV_COLUMNS[kind]);
      expect(rows).toHaveLength(2);
    }
    const users = parseCsv((await exportToBuffer(store, "users", "csv")).bytes.subarray(3).toString("utf8"));
    expect(users[1]?.[CSV_COLUMNS.users.indexOf("bio")]).toBe("'=1+1");
    const comments = parseCsv((await exportToBuffer(store, "comments", "csv")).bytes.subarray(3).toString("utf8"));
    expect(comments[1]?.slice(0, 3)).toEqual(["c1", "n1", "c0"]);
    expect(comments[1]?.[CSV_COLUMNS.comments.indexOf("text")]).toBe("回复：好看");
  });

  it("writes JSONL and JSON that read back as the stored records", async () => {
    const notes = [note("n1"), note("n2", { text: "多行\n文本", video: null })];
    await store.upsertNotes(notes);
    const jsonl = await exportToBuffer(store, "notes", "jsonl");
    const lines = jsonl.bytes.toString("utf8").trimEnd().split("\n");
    expect(lines.map((l) => JSON.parse(l))).toEqual(notes);
    const json = await exportToBuffer(store, "notes", "json");
    expect(JSON.parse(json.bytes.toString("utf8"))).toEqual(notes);
    const empty = await exportToBuffer(store, "topics", "json");
    expect(JSON.parse(empty.bytes.toString("utf8"))).toEqual([]);
    expect(empty.records).toBe(0);
    expect((await exportToBuffer(store, "topics", "jsonl")).bytes.length).toBe(0);
    await store.upsertTopics(Array.from({ length: 450 }, (_, i) => topic(`t${i}`)));
    const many = JSON.parse((await exportToBuffer(store, "topics", "json")).bytes.toString("utf8")) as { id: string }[];
    expect(many.map((t) => t.id)).toEqual(Array.from({ length: 450 }, (_, i) => `t${i}`));
    const manyCsv = parseCsv((await exportToBuffer(store, "topics", "csv")).bytes.subarray(3).toString("utf8"));
    expect(manyCsv).toHaveLength(451);
    expect(manyCsv.filter((row) => row[0] === "id")).toHaveLength(1);
    await store.close();
    store = openSqliteStore(join(dir, "empty.db"));
    const emptyCsv = (await exportToBuffer(store, "topics", "csv")).bytes;
    expect(emptyCsv.toString("utf8")).toBe(`\uFEFF${CSV_COLUMNS.topics.join(",")}\n`);
  });

  it("filters by run (records the run fetched) and by fetched time", async () => {
    await store.upsertComments([comment("c1", "n1"), comment("c2", "n1")], { runId: "run-1" });
    await store.upsertComments([comment("c2", "n1", { fetchedAt: T2 }), comment("c3", "n1", { fetchedAt: T2 })], {
      runId: "run-2",
    });
    const ids = async (filter: { runId?: string; since?: string }) =>
      (await exportToBuffer(store, "comments", "jsonl", filter)).bytes
        .toString("utf8")
        .trimEnd()
        .split("\n")
        .map((l) => (JSON.parse(l) as { id: string }).id);
    expect(await ids({ runId: "run-1" })).toEqual(["c1", "c2"]);
    expect(await ids({ runId: "run-2" })).toEqual(["c2", "c3"]);
    expect(await ids({ since: "2026-01-30T02:30:00Z" })).toEqual(["c2", "c3"]);
    expect(await ids({ since: T0, runId: "run-1" })).toEqual(["c1", "c2"]);
    await expect(exportToBuffer(store, "comments", "csv", { since: "not a date" })).rejects.toThrow(/date/);
  });

  it("refuses an unknown kind or format clearly", async () => {
    const out = new PassThrough();
    await expect(exportRecords(store, "posts" as never, "csv", { out })).rejects.toThrow(
      /notes, users, comments, topics/,
    );
    await expect(exportRecords(store, "notes", "xlsx" as never, { out })).rejects.toThrow(/csv, jsonl, json/);
  });

  it("respects backpressure: a slow destination never holds more than a few pages", async () => {
    const total = 3000;
    for (let i = 0; i < total; i += 1000) {
      await store.upsertComments(
        Array.from({ length: 1000 }, (_, j) => comment(`c${i + j}`, "n1", { text: "很长的评论".repeat(40) })),
      );
    }
    let received = 0;
    let bytes = 0;
    let maxBuffered = 0;
    const slow = new Writable({
      highWaterMark: 16 * 1024,
      write(chunk: Buffer, _enc, done) {
        bytes += chunk.length;
        // What the destination holds queued while it works on this chunk.
        maxBuffered = Math.max(maxBuffered, this.writableLength);
        received += chunk.toString("utf8").split("\n").length - 1;
        setImmediate(done);
      },
    });
    const { records } = await exportRecords(store, "comments", "jsonl", { out: slow });
    await new Promise<void>((r) => slow.end(r));
    expect(records).toBe(total);
    expect(received).toBe(total);
    expect(bytes).toBeGreaterThan(1_000_000);
    expect(maxBuffered).toBeLessThan(bytes / 4);
  });
});
