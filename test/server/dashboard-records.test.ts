/**
 * The notes table's SQL on both backends (issue #16): keyword (wildcards taken literally), author, type and
 * date filters, every sort with unknown counts last in either order, paging and the total. SQLite always;
 * Postgres when XHS_TEST_DATABASE_URL is set (.ci/run sets it).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDashboard, parseNoteQuery, queryNotes } from "../../src/dashboard/index.js";
import { openStore } from "../../src/store/open-store.js";
import type { SqlStore } from "../../src/store/sql/sql-store.js";
import { makeNote } from "../cli/helpers.js";
import { parseCsv } from "../support/csv.js";
import { type FreshDatabase, freshPostgresDatabase, hasPostgres } from "../support/services.js";

const id = (n: number) => `65f0a1b2000000001203${n.toString(16).padStart(4, "0")}`;
const author = (nickname: string, n: number) => ({
  id: `5a8cf39111be1046${n}d285d6b`.slice(0, 24),
  nickname,
  avatarUrl: null,
  redId: null,
});

const NOTES = [
  makeNote(id(1), {
    title: "露营清单 100%好用",
    type: "image",
    author: author("山野", 1),
    publishedAt: "2026-01-01T08:00:00.000Z",
    stats: { likes: 50, collects: 5, comments: 3, shares: 1 },
  }),
  makeNote(id(2), {
    title: "露营 装备",
    type: "video",
    author: author("阿林", 2),
    publishedAt: "2026-01-15T23:59:00.000Z",
    stats: { likes: null, collects: 9, comments: 8, shares: null },
  }),
  makeNote(id(3), {
    title: "美食_推荐",
    type: "image",
    author: author("山野", 1),
    publishedAt: "2026-02-01T00:00:00.000Z",
    stats: { likes: 900, collects: null, comments: 1, shares: 7 },
  }),
  makeNote(id(4), {
    title: "周末露营",
    type: "image",
    author: author("小周", 4),
    publishedAt: "2025-12-31T23:00:00.000Z",
    stats: { likes: 10, collects: 1, comments: null, shares: 2 },
  }),
];

function backends(): [string, () => Promise<{ store: SqlStore; done: () => Promise<void> }>][] {
  const list: [string, () => Promise<{ store: SqlStore; done: () => Promise<void> }>][] = [
    [
      "sqlite",
      async () => {
        const dir = mkdtempSync(path.join(tmpdir(), "xhs-dash-records-"));
        const store = await openStore(path.join(dir, "x.db"));
        return {
          store,
          done: async () => {
            await store.close();
            rmSync(dir, { recursive: true, force: true });
          },
        };
      },
    ],
  ];
  if (hasPostgres()) {
    list.push([
      "postgres",
      async () => {
        const db: FreshDatabase = await freshPostgresDatabase("dash_records");
        const store = await openStore(db.url);
        return {
          store,
          done: async () => {
            await store.close();
            await db.drop();
          },
        };
      },
    ]);
  }
  return list;
}

describe.each(backends())("notes table queries (%s)", (_name, open) => {
  let store: SqlStore;
  let done: () => Promise<void>;
  beforeAll(async () => {
    ({ store, done } = await open());
    await store.upsertNotes(NOTES);
  }, 30_000);
  afterAll(async () => done?.());

  const ids = async (query: string) =>
    (await queryNotes(store, parseNoteQuery(new URLSearchParams(query)))).notes.map((n) => n.id);

  it("filters by keyword (LIKE wildcards literal), author, type and inclusive dates", async () => {
    expect(await ids("q=露营")).toEqual([id(1), id(4), id(2)]);
    expect(await ids("q=100%")).toEqual([id(1)]);
    expect(await ids("q=_")).toEqual([id(3)]);
    expect(await ids("author=山野")).toEqual([id(3), id(1)]);
    expect(await ids(`author=${author("", 4).id}`)).toEqual([id(4)]);
    expect(await ids("type=video")).toEqual([id(2)]);
    expect(await ids("from=2026-01-01&to=2026-01-15")).toEqual([id(1), id(2)]);
  });

  it("sorts by every count with unknown counts last, in both orders, and pages with the total", async () => {
    expect(await ids("sort=likes")).toEqual([id(3), id(1), id(4), id(2)]);
    expect(await ids("sort=likes&order=asc")).toEqual([id(4), id(1), id(3), id(2)]);
    expect(await ids("sort=collects")).toEqual([id(2), id(1), id(4), id(3)]);
    expect(await ids("sort=comments&order=asc")).toEqual([id(3), id(1), id(2), id(4)]);
    expect(await ids("sort=shares")).toEqual([id(3), id(4), id(1), id(2)]);
    expect(await ids("sort=published&order=asc")).toEqual([id(4), id(1), id(2), id(3)]);
    const page = await queryNotes(store, parseNoteQuery(new URLSearchParams("sort=likes&page=2&pageSize=3")));
    expect(page.total).toBe(4);
    expect(page.notes.map((n) => n.id)).toEqual([id(2)]);
  });

  it("downloads the filtered notes as CSV in the table's order, and refuses an unknown format", async () => {
    const { app } = createDashboard({ store, assetsDir: "/nonexistent" });
    const response = await app.request("/api/dashboard/notes/download?format=csv&q=露营&sort=collects");
    expect(response.status).toBe(200);
    expect(response.headers.get("content-disposition")).toMatch(/attachment; filename="notes-\d{8}-\d{6}\.csv"/);
    const [header, ...rows] = parseCsv((await response.text()).replace(/^\uFEFF/, ""));
    const idColumn = header!.indexOf("id");
    expect(rows.filter((r) => r.length > 1).map((r) => r[idColumn])).toEqual([id(2), id(1), id(4)]);
    expect((await app.request("/api/dashboard/notes/download?format=pdf")).status).toBe(400);
  });
});
