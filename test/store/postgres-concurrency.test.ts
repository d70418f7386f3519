/**
 * Concurrent writers on Postgres are real: two store instances (two pools) upsert the same notes and users at once,
 * many versions each, in batches that share ids in different orders. The final rows must equal the sequential merge
 * of every version (no lost update, no degraded body), and every fetch must be in the count time series.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Note, User } from "../../src/model/types.js";
import { mergeNote, mergeUser } from "../../src/store/merge.js";
import { openPostgresStore } from "../../src/store/postgres/open.js";
import type { SqlStore } from "../../src/store/sql/sql-store.js";
import { type FreshDatabase, freshPostgresDatabase, hasPostgres } from "../support/services.js";
import { note, searchHit, user } from "./fixtures.js";

const BASE_MS = Date.parse("2026-01-30T00:00:00.000Z");
const at = (i: number) => new Date(BASE_MS + i * 1000).toISOString();
const VERSIONS = 48;
const IDS = ["n1", "n2", "n3"];

/**
 * Version i of a note: truncated search hits, with one full detail in the middle, and fields missing here and there.
 * The newest version (VERSIONS) has every field, so the merge of all versions does not depend on their order (with
 * a sparse newest version, the rules keep a value by the time of the record, not of the value, and order would tell).
 */
function noteVersion(id: string, i: number): Note {
  const base = i === 17 ? note(id, { title: `完整 ${id}` }) : searchHit(id, { title: `标题 ${id} v${i}` });
  const gap = (every: number) => i % every === 0 && i !== VERSIONS;
  return {
    ...base,
    stats: { likes: i * 10, collects: gap(3) ? null : i, comments: gap(5) ? null : i, shares: null },
    approx: i % 2 === 0 ? ["likes"] : [],
    ipLocation: gap(4) ? null : `地点${i}`,
    xsecToken: gap(6) ? null : `tok${i}`,
    url: gap(6)
      ? `https://www.xiaohongshu.com/explore/${id}`
      : `https://www.xiaohongshu.com/explore/${id}?xsec_token=tok${i}`,
    source: (["app_v2", "app_v1", "web_v3"] as const)[i % 3]!,
    fetchedAt: at(i),
  };
}

function userVersion(i: number): User {
  const gap = (every: number) => i % every === 0 && i !== VERSIONS;
  return user("u1", {
    nickname: gap(3) ? null : `昵称${i}`,
    bio: i === 5 ? "只在第 5 次抓取里有简介" : null,
    followers: i * 100,
    following: gap(4) ? null : i,
    approx: i % 2 === 0 ? ["followers"] : [],
    fetchedAt: at(i),
  });
}

/** A deterministic shuffle (the test must not depend on a seed, only on the merge rules). */
function shuffled<T>(items: readonly T[], salt: number): T[] {
  return items
    .map((item, i) => ({ item, k: (i * 7919 + salt * 104729) % 1009 }))
    .sort((a, b) => a.k - b.k)
    .map((x) => x.item);
}

function sequentialMerge<T>(versions: readonly T[], merge: (a: T, b: T) => { merged: T }): T {
  return versions.slice(1).reduce((acc, v) => merge(acc, v).merged, versions[0]!);
}

describe.skipIf(!hasPostgres())("postgres store: concurrent writers", () => {
  let database: FreshDatabase;
  let first: SqlStore;
  let second: SqlStore;

  beforeAll(async () => {
    database = await freshPostgresDatabase("concurrent");
    first = await openPostgresStore(database.url, { poolSize: 8 });
    second = await openPostgresStore(database.url, { poolSize: 8 });
  });
  afterAll(async () => {
    await first?.close();
    await second?.close();
    await database?.drop();
  });

  it("merges many simultaneous upserts of the same notes and user exactly as one after the other", async () => {
    const indices = Array.from({ length: VERSIONS }, (_, i) => i + 1);
    // The expected rows: the merge of every version in time order, which (the rules say) any order gives too.
    const expectedNotes = IDS.map((id) =>
      sequentialMerge(
        indices.map((i) => noteVersion(id, i)),
        mergeNote,
      ),
    );
    expect(
      IDS.map((id) =>
        sequentialMerge(
          shuffled(indices, 3).map((i) => noteVersion(id, i)),
          mergeNote,
        ),
      ),
    ).toEqual(expectedNotes);
    const expectedUser = sequentialMerge(indices.map(userVersion), mergeUser);
    expect(sequentialMerge(shuffled(indices, 5).map(userVersion), mergeUser)).toEqual(expectedUser);
    expect(expectedNotes[0]).toMatchObject({ textTruncated: false, title: "完整 n1", stats: { likes: VERSIONS * 10 } });
    expect(expectedUser.bio).toBe("只在第 5 次抓取里有简介");

    // Every version written at once, half through each store, in batches that hold the ids in different orders.
    const writes = shuffled(indices, 11).flatMap((i, n) => {
      const store = n % 2 === 0 ? first : second;
      const ids = n % 3 === 0 ? [...IDS].reverse() : n % 3 === 1 ? IDS : [IDS[1]!, IDS[2]!, IDS[0]!];
      return [
        store.upsertNotes(
          ids.map((id) => noteVersion(id, i)),
          { runId: "r1" },
        ),
        store.upsertUsers([userVersion(i)], { runId: n % 2 === 0 ? "r1" : "r2" }),
      ];
    });
    const results = await Promise.all(writes);

    for (const [k, id] of IDS.entries()) expect(await first.getNote(id)).toEqual(expectedNotes[k]);
    expect(await second.getUser("u1")).toEqual(expectedUser);
    // Exactly one writer saw each record as new; every fetch is in the time series once.
    const outcomes = results.flat();
    for (const id of [...IDS, "u1"]) {
      expect(outcomes.filter((r) => r.id === id && r.outcome === "new")).toHaveLength(1);
    }
    expect(await first.noteObservations("n2")).toHaveLength(VERSIONS);
    expect((await second.userObservations("u1")).map((o) => o.followers)).toEqual(indices.map((i) => i * 100));
    expect(await first.countRecords("notes", { runId: "r1" })).toBe(IDS.length);
    expect(await first.countRecords("users", { runId: "r2" })).toBe(1);
  });

  it("never leases the same job to two workers taking jobs at the same time", async () => {
    const jobs = Array.from({ length: 200 }, (_, i) => ({ runId: "lease-race", key: `k${i}`, kind: "note_detail" }));
    await first.enqueueMany(jobs);
    const workers = Array.from({ length: 16 }, (_, w) => ({ store: w % 2 === 0 ? first : second, owner: `w${w}` }));
    const taken: string[] = [];
    await Promise.all(
      workers.map(async ({ store, owner }) => {
        for (;;) {
          const batch = await store.lease("lease-race", { owner, limit: 3 });
          if (batch.length === 0) return;
          taken.push(...batch.map((j) => j.key));
          for (const job of batch) await store.complete(job);
        }
      }),
    );
    expect(taken).toHaveLength(200);
    expect(new Set(taken).size).toBe(200);
    expect(await second.jobCounts("lease-race")).toEqual({ pending: 0, leased: 0, done: 200, failed: 0 });
  });
});
