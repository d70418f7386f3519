/**
 * The notes table's SQL on both backends (issue #16): keyword (wildcards taken literally), author, type and
 * date filters, every sort with unknown counts last in either order, paging and the total. SQLite always;
 * Postgres when XHS_TEST_DATABASE_URL is set (.ci/run sets it).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createClient } from "../../src/client/create-client.js";
import { DASHBOARD_PROBLEM_TYPES } from "../../src/dashboard/errors.js";
import { createDashboard, parseNoteQuery, queryNotes } from "../../src/dashboard/index.js";
import { countNotes, iterateNotes, queryUsers } from "../../src/dashboard/records.js";
import type { Note } from "../../src/model/types.js";
import { startServer } from "../../src/server/start.js";
import { PROBLEM_TYPES } from "../../src/service/problem.js";
import { openStore } from "../../src/store/open-store.js";
import { rebuildNoteSearch } from "../../src/store/sql/note-search.js";
import type { SqlStore } from "../../src/store/sql/sql-store.js";
import { makeNote, makeUser } from "../cli/helpers.js";
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

/** 240 notes with many equal counts, unknown counts and times, two types, three authors, a word in some. */
function manyNotes() {
  return Array.from({ length: 240 }, (_, i) =>
    makeNote(id(0x1000 + ((i * 37) % 240)), {
      title: i % 3 === 0 ? `露营 第${i}篇` : `日常 ${i}`,
      type: i % 4 === 0 ? "video" : "image",
      author: author(["山野", "阿林", "小周"][i % 3]!, (i % 3) + 1),
      publishedAt: i % 11 === 0 ? null : new Date(Date.UTC(2026, 0, 1 + (i % 20))).toISOString(),
      stats: {
        likes: i % 7 === 0 ? null : i % 5,
        collects: i % 2,
        comments: i % 13 === 0 ? null : 3,
        shares: null,
      },
      fetchedAt: new Date(Date.UTC(2026, 1, 1, 0, 0, i % 9)).toISOString(),
    }),
  );
}

type Listed = { id: string; value: number | string | null };

/** The documented order: known values by (value, id) in the chosen direction, then unknown ones by id. */
function expectedOrder(rows: Listed[], order: "asc" | "desc"): string[] {
  const sign = order === "asc" ? 1 : -1;
  const cmp = (a: string | number, b: string | number) => (a < b ? -1 : a > b ? 1 : 0);
  const known = rows.filter((r) => r.value !== null);
  const unknown = rows.filter((r) => r.value === null);
  known.sort((a, b) => sign * cmp(a.value!, b.value!) || sign * cmp(a.id, b.id));
  unknown.sort((a, b) => cmp(a.id, b.id));
  return [...known, ...unknown].map((r) => r.id);
}

describe.each(backends())("notes table paging on ties (%s)", (_name, open) => {
  let store: SqlStore;
  let done: () => Promise<void>;
  const notes = manyNotes();
  beforeAll(async () => {
    ({ store, done } = await open());
    await store.upsertNotes(notes);
  }, 30_000);
  afterAll(async () => done?.());

  const value = (sort: string, n: (typeof notes)[number]): number | string | null =>
    sort === "published"
      ? n.publishedAt
      : sort === "fetched"
        ? Date.parse(n.fetchedAt)
        : n.stats[sort as "likes" | "collects" | "comments" | "shares"];

  /** Every page of a listing, concatenated, with the totals each page reported. */
  async function allPages(filter: string, textCountLimit?: number) {
    const ids: string[] = [];
    const totals = new Set<string>();
    for (let page = 1; page < 100; page += 1) {
      const query = parseNoteQuery(new URLSearchParams(`${filter}&pageSize=7&page=${page}`));
      const result = await queryNotes(store, query, textCountLimit === undefined ? {} : { textCountLimit });
      totals.add(`${result.total}/${result.totalExact}`);
      expect(result.page).toBe(page);
      if (result.notes.length === 0) break;
      ids.push(...result.notes.map((n) => n.id));
    }
    return { ids, totals: [...totals] };
  }

  const SORTS = ["likes", "collects", "comments", "shares", "published", "fetched"] as const;
  const FILTERS: [string, (n: (typeof notes)[number]) => boolean][] = [
    ["", () => true],
    ["type=video", (n) => n.type === "video"],
    [
      "from=2026-01-05&to=2026-01-09",
      (n) => !!n.publishedAt && n.publishedAt >= "2026-01-05" && n.publishedAt < "2026-01-10",
    ],
    [`author=${author("", 2).id}`, (n) => n.author?.nickname === "阿林"],
    ["q=露营", (n) => (n.title ?? "").includes("露营")],
    ["author=小周&type=image", (n) => n.author?.nickname === "小周" && n.type === "image"],
  ];

  it("page N of every sort, order and filter is that slice of the whole sorted list: no note repeated or skipped", async () => {
    for (const [filter, matches] of FILTERS) {
      const matching = notes.filter(matches);
      expect(matching.length).toBeGreaterThan(7);
      for (const sort of SORTS) {
        for (const order of ["asc", "desc"] as const) {
          const want = expectedOrder(
            matching.map((n) => ({ id: n.id, value: value(sort, n) })),
            order,
          );
          const got = await allPages(`${filter}&sort=${sort}&order=${order}`);
          expect(got.ids, `${filter} ${sort} ${order}`).toEqual(want);
          expect(got.totals).toEqual([`${want.length}/true`]);
        }
      }
    }
  });

  it("a text search over the count bound pages the same, with the bound as a lower total", async () => {
    const matching = notes.filter((n) => (n.title ?? "").includes("露营"));
    for (const sort of SORTS) {
      for (const order of ["asc", "desc"] as const) {
        const want = expectedOrder(
          matching.map((n) => ({ id: n.id, value: value(sort, n) })),
          order,
        );
        const got = await allPages(`q=露营&sort=${sort}&order=${order}`, 10);
        expect(got.ids, `${sort} ${order}`).toEqual(want);
        expect(got.totals).toEqual(["10/false"]);
      }
    }
    // Exactly at the bound, the count is exact.
    const at = await queryNotes(store, parseNoteQuery(new URLSearchParams("q=露营")), {
      textCountLimit: matching.length,
    });
    expect([at.total, at.totalExact]).toEqual([matching.length, true]);
  });

  it("downloads every matching note once, in the table's order, and counts them exactly", async () => {
    for (const [filter, matches] of FILTERS) {
      for (const sort of ["likes", "published"] as const) {
        const query = parseNoteQuery(new URLSearchParams(`${filter}&sort=${sort}&order=asc`));
        const want = expectedOrder(
          notes.filter(matches).map((n) => ({ id: n.id, value: value(sort, n) })),
          "asc",
        );
        const got: string[] = [];
        for await (const note of iterateNotes(store, query)) got.push(note.id);
        expect(got, `${filter} ${sort}`).toEqual(want);
        expect(await countNotes(store, query)).toBe(want.length);
      }
    }
  });
});

/** Notes whose words differ in script, case, wildcards, JSON punctuation and field boundaries. */
function searchNotes() {
  const texts: [string | null, string | null, string[]][] = [
    ["露营清单 100%好用", "第一次去露营，带了帐篷。", ["露营", "户外"]],
    ["Camping VLOG", "Tent and STOVE\n第二行", ["OOTD"]],
    ["美食_推荐", "a_b 与 a%b", []],
    ["周末", "露", ["咖啡"]],
    ["Éclair 甜点", "éclair recipe", ["Dessert"]],
    ['引号"和反斜杠\\', null, ["a,b", "[x]"]],
    [null, "只有正文 camping", ["tag one", "tag two"]],
    ["标题结尾", "开头正文", ["标签甲", "标签乙"]],
    ["emoji 😀😃 笑", "plain", ["😃😄"]],
    // "q" followed by 320 different characters: more trigrams start with "q" than a 1-character search widens to.
    ["many", Array.from({ length: 320 }, (_, i) => `q${String.fromCodePoint(0x4e00 + i)}`).join(""), []],
  ];
  return texts.map(([title, text, tags], i) =>
    makeNote(id(0x2000 + i), {
      title,
      text,
      tags,
      type: i % 2 === 0 ? "image" : "video",
      stats: { likes: 100 - i, collects: i % 3, comments: null, shares: 1 },
    }),
  );
}

/** The search's meaning, written out plainly: the words inside the title, the text or one tag, ASCII case ignored. */
function plainSearch(notes: Note[], q: string): string[] {
  const fold = (x: string) => x.replace(/[A-Z]/g, (c) => c.toLowerCase());
  const words = fold(q.trim());
  return notes
    .filter((n) => [n.title ?? "", n.text ?? "", ...n.tags].some((field) => fold(field).includes(words)))
    .map((n) => n.id);
}

const SEARCHES = [
  "露",
  "露营",
  "露营清单",
  "第一次去露营",
  "camping",
  "CAMPING",
  "Camping vlog",
  "tent and stove",
  "ootd",
  "O",
  "100%",
  "%",
  "_",
  "a_b",
  "a%b",
  "%b",
  "Éclair",
  "éclair",
  "ÉCLAIR",
  "eclair",
  "dessert",
  '"',
  "\\",
  "a,b",
  '","',
  "[x]",
  "[",

  "结尾开头",
  "标签甲标签乙",
  "tag",
  "tag two",
  "😃",
  "😀😃",
  "😃😄",
  "😀😃 笑",
  "不存在的词",
  "外",
  "啡",
  "q",
  "q一",
  "q丁q",
  "Q",
  "y",
  "zz",
  "正文 camping",
];

describe.each(backends())("text search equals a plain filter over every note (%s)", (_name, open) => {
  let store: SqlStore;
  let done: () => Promise<void>;
  let notes: Note[];
  beforeAll(async () => {
    ({ store, done } = await open());
    notes = searchNotes();
    await store.upsertNotes(notes);
  }, 30_000);
  afterAll(async () => done?.());

  const search = async (q: string, extra = "") => {
    const query = parseNoteQuery(new URLSearchParams(`${extra}&pageSize=100`));
    return queryNotes(store, { ...query, q, sort: "likes", order: "desc" });
  };

  it("finds exactly the notes whose title, text or a tag holds the words, for CJK, Latin, mixed case, % _ and more", async () => {
    for (const q of SEARCHES) {
      const want = plainSearch(notes, q);
      const page = await search(q);
      expect(
        page.notes.map((n) => n.id),
        q,
      ).toEqual(want);
      expect([page.total, page.totalExact], q).toEqual([want.length, true]);
      expect(await countNotes(store, { ...parseNoteQuery(new URLSearchParams()), q }), q).toBe(want.length);
    }
    // With an index-served filter too (the notes are read first, each checked against its search text).
    for (const q of ["露营", "camping", "q", "%", "不存在的词"]) {
      const images = new Set(notes.filter((n) => n.type === "image").map((n) => n.id));
      const page = await search(q, "type=image");
      expect(
        page.notes.map((n) => n.id),
        q,
      ).toEqual(plainSearch(notes, q).filter((i) => images.has(i)));
    }
    // Sanity: the list covers both matches and misses, 1-, 2- and 3+-character words.
    expect(SEARCHES.filter((q) => plainSearch(notes, q).length === 0).length).toBeGreaterThan(3);
    expect(plainSearch(notes, "露")).toHaveLength(2);
  });

  it("walks the sort index with the same matches when the count bound is passed", async () => {
    for (const q of ["露营", "camping", "a", "%", "😃"]) {
      const want = plainSearch(notes, q);
      const query = parseNoteQuery(new URLSearchParams("pageSize=100"));
      const page = await queryNotes(store, { ...query, q }, { textCountLimit: 1 });
      expect(
        page.notes.map((n) => n.id),
        q,
      ).toEqual(want);
    }
  });

  it("follows a note's new words when it is stored again, and a rebuild gives the same bodies as the upserts", async () => {
    const changed = { ...notes[3]!, title: "Surfing 冲浪", tags: ["海边"], fetchedAt: "2026-03-01T00:00:00.000Z" };
    await store.upsertNotes([changed]);
    const now = notes.map((n) => (n.id === changed.id ? changed : n));
    for (const q of ["周末", "咖啡", "surfing", "冲浪", "海边"]) {
      expect(
        (await search(q)).notes.map((n) => n.id),
        q,
      ).toEqual(plainSearch(now, q));
    }
    const bodies = async () =>
      (await store.executeSql("SELECT id, body FROM note_search ORDER BY id")).rows.map((r) => [r.id, r.body]);
    const before = await bodies();
    expect(before).toHaveLength(notes.length);
    await store.transaction(() => rebuildNoteSearch(store.db(), store.dialect));
    expect(await bodies()).toEqual(before);
    expect((await search("冲浪")).notes.map((n) => n.id)).toEqual([changed.id]);
  });

  it("refuses control characters in a search (the body's field separator) with a clear 400", () => {
    expect(() => parseNoteQuery(new URLSearchParams("q=结尾\n开头"))).toThrow(/control characters/);
  });
});

/** 130 users with equal and unknown counts. */
function manyUsers() {
  return Array.from({ length: 130 }, (_, i) =>
    makeUser(`5a8cf391${(0x1000 + ((i * 53) % 130)).toString(16).padStart(16, "0")}`, {
      nickname: i % 4 === 0 ? `露营人${i}` : `用户${i}`,
      followers: i % 9 === 0 ? null : i % 6,
      following: i % 2,
      likesAndCollects: i % 5 === 0 ? null : i * 7,
      noteCount: null,
      fetchedAt: new Date(Date.UTC(2026, 1, 1, 0, 0, i % 4)).toISOString(),
    }),
  );
}

describe.each(backends())("users table paging (%s)", (_name, open) => {
  let store: SqlStore;
  let done: () => Promise<void>;
  const users = manyUsers();
  beforeAll(async () => {
    ({ store, done } = await open());
    await store.upsertUsers(users);
  }, 30_000);
  afterAll(async () => done?.());

  /** Largest first, ties by id ascending, unknown counts last by id. */
  function expected(list: typeof users, value: (u: (typeof users)[number]) => number | null): string[] {
    const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
    const known = list.filter((u) => value(u) !== null);
    const unknown = list.filter((u) => value(u) === null);
    known.sort((a, b) => value(b)! - value(a)! || cmp(a.id, b.id));
    unknown.sort((a, b) => cmp(a.id, b.id));
    return [...known, ...unknown].map((u) => u.id);
  }

  const SORTS: [string, (u: (typeof users)[number]) => number | null][] = [
    ["followers", (u) => u.followers],
    ["following", (u) => u.following],
    ["likesAndCollects", (u) => u.likesAndCollects],
    ["noteCount", (u) => u.noteCount],
    ["fetched", (u) => Date.parse(u.fetchedAt)],
  ];

  it("page N of every sort, with and without a search, is that slice of the whole sorted list", async () => {
    for (const [filter, keep] of [
      ["", () => true],
      ["q=露营", (u: (typeof users)[number]) => (u.nickname ?? "").includes("露营")],
    ] as const) {
      for (const [sort, value] of SORTS) {
        const want = expected(users.filter(keep), value);
        const got: string[] = [];
        for (let page = 1; page < 50; page += 1) {
          const result = await queryUsers(store, new URLSearchParams(`${filter}&sort=${sort}&pageSize=9&page=${page}`));
          expect(result.total).toBe(want.length);
          if (result.users.length === 0) break;
          got.push(...result.users.map((u) => u.id));
        }
        expect(got, `${filter} ${sort}`).toEqual(want);
      }
    }
  });
});

describe("the dashboard's problem bodies (RFC 9457, as the JSON API's)", () => {
  let store: SqlStore;
  let done: () => Promise<void>;
  beforeAll(async () => {
    ({ store, done } = await backends()[0]![1]());
    await store.upsertNotes(NOTES);
  });
  afterAll(async () => done?.());

  async function problemOf(response: Response) {
    expect(response.headers.get("content-type")).toBe("application/problem+json; charset=utf-8");
    expect(response.headers.get("cache-control")).toBe("no-store");
    return (await response.json()) as Record<string, unknown>;
  }

  it("names the type, a Chinese title, the status, the detail and the path for 400, 404 and 409", async () => {
    const { app } = createDashboard({ store, assetsDir: "/nonexistent" });
    const missing = await app.request("/api/dashboard/notes/65f0a1b20000000012030fff?x=1");
    expect(missing.status).toBe(404);
    expect(await problemOf(missing)).toEqual({
      type: PROBLEM_TYPES.notFound,
      title: "找不到",
      status: 404,
      detail: 'no note "65f0a1b20000000012030fff" in this database',
      instance: "/api/dashboard/notes/65f0a1b20000000012030fff",
    });
    const bad = await app.request("/api/dashboard/notes?sort=views&q=露营");
    expect(bad.status).toBe(400);
    const badBody = await problemOf(bad);
    expect(badBody).toMatchObject({
      type: PROBLEM_TYPES.invalidInput,
      title: "请求无效",
      status: 400,
      instance: "/api/dashboard/notes",
    });
    expect(badBody.detail).toMatch(/^bad note filter: sort: /);
    const route = await app.request("/api/dashboard/nothing-here", { method: "DELETE" });
    expect(await problemOf(route)).toEqual({
      type: PROBLEM_TYPES.unknownRoute,
      title: "没有这个接口",
      status: 404,
      detail: "DELETE /api/dashboard/nothing-here：仪表盘没有这个接口。",
      instance: "/api/dashboard/nothing-here",
    });
    const file = await app.request("/assets/missing.js");
    expect(file.status).toBe(404);
    expect(await problemOf(file)).toMatchObject({ type: PROBLEM_TYPES.unknownRoute, title: "没有这个文件" });
    // No client: starting a run conflicts with what this server can do.
    const start = await app.request("/api/dashboard/runs", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "{}",
    });
    expect(start.status).toBe(409);
    expect(await problemOf(start)).toMatchObject({
      type: DASHBOARD_PROBLEM_TYPES.conflict,
      title: "与当前状态冲突",
      status: 409,
      instance: "/api/dashboard/runs",
    });
  });

  it("answers an unexpected error with a 500 problem that keeps its message on the server", async () => {
    const seen: unknown[] = [];
    const broken = new Proxy(store, {
      get(target, property, receiver) {
        if (property === "countRecords") return async () => Promise.reject(new Error("disk on fire at /secret/path"));
        const value = Reflect.get(target, property, receiver) as unknown;
        return typeof value === "function" ? value.bind(target) : value;
      },
    });
    const { app } = createDashboard({ store: broken, assetsDir: "/nonexistent", onError: (e) => seen.push(e) });
    const response = await app.request("/api/dashboard/overview");
    expect(response.status).toBe(500);
    const body = await problemOf(response);
    expect(body).toMatchObject({ type: PROBLEM_TYPES.internal, title: "服务器内部错误", status: 500 });
    expect(body.instance).toBe("/api/dashboard/overview");
    expect(JSON.stringify(body)).not.toContain("secret");
    expect(seen.map((e) => (e as Error).message)).toEqual(["disk on fire at /secret/path"]);
  });

  it("passes every problem's text through the redactor", async () => {
    const { app } = createDashboard({
      store,
      assetsDir: "/nonexistent",
      redact: (text) => text.replaceAll("65f0a1b20000000012030fff", "[id]"),
    });
    const body = await problemOf(await app.request("/api/dashboard/notes/65f0a1b20000000012030fff"));
    expect(JSON.stringify(body)).not.toContain("65f0a1b20000000012030fff");
    expect(body.instance).toBe("/api/dashboard/notes/[id]");
  });

  it("uses the JSON API's problem type URIs for the kinds both have", () => {
    for (const key of ["invalidInput", "notFound", "unknownRoute", "internal"] as const) {
      expect(DASHBOARD_PROBLEM_TYPES[key]).toBe(PROBLEM_TYPES[key]);
    }
  });
});

/** One request written byte for byte on a socket (no client library to encode it); the raw answer. */
async function rawRequest(port: number, target: Buffer): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, "127.0.0.1", () => {
      socket.write(
        Buffer.concat([
          Buffer.from("GET "),
          target,
          Buffer.from(" HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"),
        ]),
      );
    });
    let answer = "";
    socket.on("data", (chunk) => {
      answer += chunk.toString("utf8");
    });
    socket.on("end", () => resolve(answer));
    socket.on("error", reject);
  });
}

describe("query strings on the wire", () => {
  it("decodes a percent-encoded keyword; raw UTF-8 bytes get Node's own bare 400 before any route runs", async () => {
    const { store, done } = await backends()[0]![1]();
    const client = createClient({
      apiKey: "sk-raw-query-0123456789",
      fetch: async () => Promise.reject(new Error("no upstream in this test")),
      qps: 0,
    });
    const dashboard = createDashboard({ store, assetsDir: "/nonexistent" });
    const server = await startServer({
      client,
      port: 0,
      rateLimit: false,
      mcp: false,
      dashboard: { app: dashboard.app, writeToken: "raw-query-token-0123456789" },
    });
    try {
      await store.upsertNotes(NOTES);
      const encoded = await rawRequest(
        server.port,
        Buffer.from(`/api/dashboard/notes?q=${encodeURIComponent("露营")}&sort=likes`),
      );
      expect(encoded).toMatch(/^HTTP\/1\.1 200 /);
      const body = JSON.parse(encoded.slice(encoded.indexOf("\r\n\r\n") + 4)) as { notes: { id: string }[] };
      expect(body.notes.map((n) => n.id)).toEqual([id(1), id(4), id(2)]);
      // The same bytes unencoded: llhttp refuses the request line ("Invalid char in url query"); docs/decisions.md.
      const raw = await rawRequest(server.port, Buffer.from("/api/dashboard/notes?q=露营&sort=likes", "utf8"));
      expect(raw).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n/);
      expect(raw).not.toContain("problem");
    } finally {
      await server.close();
      await dashboard.close();
      await done();
    }
  });
});
