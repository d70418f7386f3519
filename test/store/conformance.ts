/**
 * The conformance suite every Store/JobQueue backend runs (SQLite now; Postgres or a distributed
 * queue later): `runStoreConformance("postgres", () => makePostgresFactory())` in a *.test.ts file.
 * It checks the contracts written in src/store/port.ts, through the ports only.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { isXhsError } from "../../src/core/errors.js";
import type { AttemptEvent } from "../../src/core/types.js";
import type { JobQueue, NewJob, Store, StoreOptions } from "../../src/store/port.js";
import { LeaseLostError } from "../../src/store/port.js";
import { comment, note, searchHit, T0, T1, T2, topic, user, userRef } from "./fixtures.js";

export interface StoreBackend {
  store: Store;
  queue: JobQueue;
}

export interface BackendFactory {
  /** Opens the backend over its data (persistent across opens of the same factory; empty at first). */
  open(options?: StoreOptions): Promise<StoreBackend>;
  /** Ends the backend abruptly, as a crash would. Default: `store.close()` without any other cleanup. */
  crash?(backend: StoreBackend): Promise<void>;
  /** Deletes the data (after each test). */
  destroy(): Promise<void>;
}

const SECRET = "tk-SECRET-0123456789abcdef";

function event(over: Partial<AttemptEvent> = {}): AttemptEvent {
  return {
    at: T0,
    capability: "note_detail" as AttemptEvent["capability"],
    endpoint: "app_v2/get_image_note_detail",
    series: "app_v2",
    httpStatus: 200,
    outcome: "ok",
    latencyMs: 120,
    billable: true,
    costUsd: 0.01,
    retry: 0,
    failover: false,
    ...over,
  };
}

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve = () => {};
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

export function runStoreConformance(name: string, makeFactory: () => BackendFactory | Promise<BackendFactory>): void {
  describe(`${name}: Store and JobQueue conformance`, () => {
    let factory: BackendFactory;
    let backend: StoreBackend;
    let store: Store;
    let queue: JobQueue;
    let nowMs = Date.parse("2026-02-01T00:00:00.000Z");
    const clock = { now: () => nowMs };
    const open = async (options: StoreOptions = {}) => {
      backend = await factory.open({ clock, secrets: [SECRET], ...options });
      store = backend.store;
      queue = backend.queue;
    };
    const reopen = async (options: StoreOptions = {}) => {
      await store.close();
      await open(options);
    };

    beforeEach(async () => {
      nowMs = Date.parse("2026-02-01T00:00:00.000Z");
      factory = await makeFactory();
      await open();
    });
    afterEach(async () => {
      await store.close();
      await factory.destroy();
    });

    describe("upserts", () => {
      it("reports new, updated and unchanged, and reads records back exactly", async () => {
        const n = note("n1");
        expect(await store.upsertNotes([n])).toEqual([{ id: "n1", outcome: "new" }]);
        expect(await store.getNote("n1")).toEqual(n);
        expect(await store.upsertNotes([{ ...n, fetchedAt: T1, source: "app_v1" }])).toEqual([
          { id: "n1", outcome: "unchanged" },
        ]);
        const seenAgain = await store.getNote("n1");
        expect(seenAgain).toEqual({ ...n, fetchedAt: T1, source: "app_v1" });
        const liked = { ...n, stats: { ...n.stats, likes: 999 }, fetchedAt: T2 };
        expect(await store.upsertNotes([liked])).toEqual([{ id: "n1", outcome: "updated" }]);
        expect(await store.getNote("n1")).toEqual(liked);

        const u = user("u1");
        const c = comment("c1", "n1", { rootId: null, pictures: ["https://p.example/1.jpg"] });
        const reply = comment("c2", "n1", { rootId: "c1", replyToUser: userRef("a-c1") });
        const t = topic("t1");
        expect(await store.upsertUsers([u])).toEqual([{ id: "u1", outcome: "new" }]);
        expect(await store.upsertComments([c, reply])).toEqual([
          { id: "c1", outcome: "new" },
          { id: "c2", outcome: "new" },
        ]);
        expect(await store.upsertTopics([t])).toEqual([{ id: "t1", outcome: "new" }]);
        expect(await store.getUser("u1")).toEqual(u);
        expect(await store.getComment("c2")).toEqual(reply);
        expect(await store.getTopic("t1")).toEqual(t);
        expect(await store.getNote("missing")).toBeNull();
      });

      it("never replaces a known value with null", async () => {
        await store.upsertNotes([note("n1")]);
        const sparse = note("n1", {
          title: null,
          text: null,
          author: null,
          stats: { likes: null, collects: null, comments: null, shares: null },
          video: null,
          publishedAt: null,
          updatedAt: null,
          ipLocation: null,
          xsecToken: null,
          url: "https://www.xiaohongshu.com/explore/n1",
          fetchedAt: T1,
        });
        expect(await store.upsertNotes([sparse])).toEqual([{ id: "n1", outcome: "unchanged" }]);
        expect(await store.getNote("n1")).toEqual({ ...note("n1"), fetchedAt: T1 });

        await store.upsertUsers([user("u1")]);
        await store.upsertUsers([
          user("u1", { nickname: null, bio: null, gender: null, followers: null, redId: null, fetchedAt: T1 }),
        ]);
        expect(await store.getUser("u1")).toEqual({ ...user("u1"), fetchedAt: T1 });

        await store.upsertComments([comment("c1", "n1", { pictures: ["https://p.example/1.jpg"] })]);
        await store.upsertComments([comment("c1", "n1", { text: null, likes: null, pictures: [], fetchedAt: T1 })]);
        expect(await store.getComment("c1")).toEqual(
          comment("c1", "n1", { pictures: ["https://p.example/1.jpg"], fetchedAt: T1 }),
        );

        await store.upsertTopics([topic("t1")]);
        await store.upsertTopics([topic("t1", { name: null, views: null, approx: [], fetchedAt: T1 })]);
        expect(await store.getTopic("t1")).toEqual({ ...topic("t1"), fetchedAt: T1 });
      });

      it("never replaces a full note body with a truncated one (a search hit does not degrade a detail)", async () => {
        const detail = note("n1");
        await store.upsertNotes([detail]);
        const hit = searchHit("n1", { title: "露营装备清单（新标题）", text: "第一次去…" });
        expect(await store.upsertNotes([hit])).toEqual([{ id: "n1", outcome: "updated" }]);
        const stored = await store.getNote("n1");
        expect(stored).toMatchObject({
          title: detail.title,
          text: detail.text,
          textTruncated: false,
          tags: detail.tags,
          images: detail.images,
          publishedAt: detail.publishedAt,
          ipLocation: detail.ipLocation,
          xsecToken: detail.xsecToken,
          url: detail.url,
          source: "web_v3",
          fetchedAt: T1,
        });
        // The counts are the newer ones where known, each with its own approx flag.
        expect(stored?.stats).toEqual({ likes: 12000, collects: 30, comments: 12, shares: 4 });
        expect(stored?.approx).toEqual(["likes"]);
        expect(await store.hasFullNote("n1")).toBe(true);
      });

      it("lets a full body replace a truncated one, and the result does not depend on write order", async () => {
        const detail = note("n1");
        const hit = searchHit("n1");
        await store.upsertNotes([hit]);
        expect(await store.hasFullNote("n1")).toBe(false);
        expect(await store.upsertNotes([detail])).toEqual([{ id: "n1", outcome: "updated" }]);
        const hitFirst = await store.getNote("n1");
        expect(hitFirst?.text).toBe(detail.text);
        expect(hitFirst?.textTruncated).toBe(false);

        await store.upsertNotes([note("n2")]);
        await store.upsertNotes([searchHit("n2")]);
        const detailFirst = await store.getNote("n2");
        expect(JSON.parse(JSON.stringify(detailFirst).replaceAll("n2", "n1"))).toEqual(hitFirst);
      });

      it("keeps the most recently fetched values when an older record arrives late", async () => {
        await store.upsertNotes([
          note("n1", { stats: { likes: 200, collects: 1, comments: 2, shares: 3 }, fetchedAt: T2 }),
        ]);
        const result = await store.upsertNotes([note("n1", { fetchedAt: T0, ipLocation: "广东" })]);
        expect(result[0]?.outcome).toBe("unchanged");
        const stored = await store.getNote("n1");
        expect(stored?.stats.likes).toBe(200);
        expect(stored?.ipLocation).toBe("浙江");
        expect(stored?.fetchedAt).toBe(T2);
      });

      it("keeps each count's approx flag with the value it describes", async () => {
        await store.upsertUsers([user("u1", { followers: 12000, following: 30, approx: ["followers", "following"] })]);
        await store.upsertUsers([user("u1", { followers: 12345, following: null, approx: [], fetchedAt: T1 })]);
        const stored = await store.getUser("u1");
        expect(stored?.followers).toBe(12345);
        expect(stored?.following).toBe(30);
        expect(stored?.approx).toEqual(["following"]);
      });

      it("appends every observation of counts (once per fetch) and skips count-less records", async () => {
        await store.upsertNotes([note("n1", { fetchedAt: T0 })]);
        await store.upsertNotes([
          note("n1", { stats: { likes: 130, collects: 31, comments: 12, shares: 4 }, fetchedAt: T1 }),
        ]);
        await store.upsertNotes([searchHit("n1", { fetchedAt: T2 })]);
        await store.upsertNotes([searchHit("n1", { fetchedAt: T2 })]);
        const series = await store.noteObservations("n1");
        expect(series.map((o) => [o.fetchedAt, o.likes, o.approx])).toEqual([
          [T0, 120, []],
          [T1, 130, []],
          [T2, 12000, ["likes"]],
        ]);
        expect(series[2]).toMatchObject({ source: "web_v3", collects: null });

        await store.upsertNotes([note("n2", { stats: { likes: null, collects: null, comments: null, shares: null } })]);
        expect(await store.noteObservations("n2")).toEqual([]);

        await store.upsertUsers([user("u1")], { runId: "r1" });
        await store.upsertUsers([user("u1", { followers: 1001, fetchedAt: T1 })]);
        const users = await store.userObservations("u1");
        expect(users.map((o) => [o.followers, o.runId])).toEqual([
          [1000, "r1"],
          [1001, null],
        ]);
      });

      it("rejects an invalid record with a clear error and writes nothing of its batch", async () => {
        const bad = { ...note("bad"), stats: { likes: -1, collects: 0, comments: 0, shares: 0 } };
        const attempt = store.upsertNotes([note("ok"), bad]);
        await expect(attempt).rejects.toThrow(/bad.*stats\.likes/);
        await attempt.catch((error: unknown) => {
          expect(isXhsError(error) && error.kind).toBe("invalid_input");
        });
        expect(await store.getNote("ok")).toBeNull();
      });

      it("handles the same id twice in one batch", async () => {
        const result = await store.upsertComments([
          comment("c1", "n1"),
          comment("c1", "n1", { likes: 4, fetchedAt: T1 }),
        ]);
        expect(result.map((r) => r.outcome)).toEqual(["new", "updated"]);
        expect((await store.getComment("c1"))?.likes).toBe(4);
      });
    });

    describe("lookups for incremental crawls", () => {
      it("answers what is already known", async () => {
        await store.upsertNotes([
          note("n1", { publishedAt: "2026-01-01T00:00:00.000Z" }),
          note("n2", { publishedAt: "2026-01-05T00:00:00Z" }),
          searchHit("n3", { publishedAt: "2026-01-03T00:00:00.000Z" }),
          note("n4", { author: userRef("u2"), publishedAt: "2026-03-01T00:00:00.000Z" }),
        ]);
        await store.upsertComments([
          comment("c1", "n1"),
          comment("c2", "n1", { rootId: "c1" }),
          comment("c3", "n1", { rootId: "c1" }),
          comment("c4", "n2"),
        ]);
        expect(await store.hasNote("n1")).toBe(true);
        expect(await store.hasNote("zz")).toBe(false);
        expect(await store.knownNoteIds(["n1", "zz", "n3"])).toEqual(new Set(["n1", "n3"]));
        const many = Array.from({ length: 1200 }, (_, i) => `x${i}`).concat("n2");
        expect(await store.knownNoteIds(many)).toEqual(new Set(["n2"]));
        expect(await store.hasFullNote("n1")).toBe(true);
        expect(await store.hasFullNote("n3")).toBe(false);
        expect(await store.latestNotePublishedAt("u1")).toBe("2026-01-05T00:00:00Z");
        expect(await store.latestNotePublishedAt("nobody")).toBeNull();
        expect(await store.knownCommentIds("n1")).toEqual(new Set(["c1", "c2", "c3"]));
        expect(await store.countComments("n1")).toBe(3);
        expect(await store.countComments("n1", { rootId: "c1" })).toBe(2);
        expect(await store.countComments("n9")).toBe(0);
      });
    });

    describe("streaming records", () => {
      it("iterates in first-seen order, filtered by run and by fetched time", async () => {
        const ids = Array.from({ length: 1203 }, (_, i) => `c${String(1202 - i).padStart(4, "0")}`);
        await store.upsertComments(
          ids.map((id, i) => comment(id, "n1", { fetchedAt: i < 600 ? T0 : T2 })),
          { runId: "run-a" },
        );
        await store.upsertComments([comment("c0001", "n1", { fetchedAt: T2 })], { runId: "run-b" });
        const all: string[] = [];
        for await (const c of store.iterateRecords("comments")) all.push(c.id);
        expect(all).toEqual(ids);
        expect(await store.countRecords("comments")).toBe(1203);
        const runB: string[] = [];
        for await (const c of store.iterateRecords("comments", { runId: "run-b" })) runB.push(c.id);
        expect(runB).toEqual(["c0001"]);
        expect(await store.countRecords("comments", { runId: "run-a" })).toBe(1203);
        expect(await store.countRecords("comments", { since: T1 })).toBe(1203 - 600);
        expect(await store.countRecords("comments", { since: T1, runId: "run-b" })).toBe(1);
        expect(await store.countRecords("notes", { runId: "run-a" })).toBe(0);
        await expect(store.countRecords("comments", { since: "yesterday-ish" })).rejects.toThrow(/date/);
      });
    });

    describe("queue", () => {
      const job = (key: string, over: Partial<NewJob> = {}): NewJob => ({
        runId: "r1",
        key,
        kind: "note_detail",
        payload: { noteId: key },
        ...over,
      });

      it("enqueues idempotently per run and key", async () => {
        const first = await queue.enqueue(job("note:n1"));
        expect(first.added).toBe(true);
        expect(first.job).toMatchObject({
          key: "note:n1",
          state: "pending",
          attempts: 0,
          payload: { noteId: "note:n1" },
        });
        const again = await queue.enqueue(job("note:n1", { payload: { other: true }, priority: 99 }));
        expect(again.added).toBe(false);
        expect(again.job.id).toBe(first.job.id);
        expect(again.job.payload).toEqual({ noteId: "note:n1" });
        expect((await queue.enqueue(job("note:n1", { runId: "r2" }))).added).toBe(true);
        expect(await queue.enqueueMany([job("note:n1"), job("note:n2"), job("note:n3"), job("note:n2")])).toBe(2);
        expect(await queue.jobCounts("r1")).toEqual({ pending: 3, leased: 0, done: 0, failed: 0 });
        await expect(queue.enqueue(job(""))).rejects.toThrow(/key/);
      });

      it("leases by priority, then depth (breadth-first), then enqueue order, never twice", async () => {
        await queue.enqueueMany([
          job("a", { priority: 0, depth: 2 }),
          job("b", { priority: 0, depth: 1 }),
          job("c", { priority: 10, depth: 3, kind: "comments" }),
          job("d", { priority: 0, depth: 1 }),
          job("e", { priority: 10, depth: 3 }),
        ]);
        const first = await queue.lease("r1", { limit: 3, owner: "w1" });
        expect(first.map((j) => j.key)).toEqual(["c", "e", "b"]);
        expect(first.every((j) => j.state === "leased" && j.attempts === 1 && j.leaseToken !== null)).toBe(true);
        expect(first[0]?.leaseOwner).toBe("w1");
        expect((await queue.lease("r1", { kinds: ["comments"] })).length).toBe(0);
        const rest = await queue.lease("r1", { limit: 10 });
        expect(rest.map((j) => j.key)).toEqual(["d", "a"]);
        expect(await queue.lease("r1")).toEqual([]);
        expect(await queue.lease("other-run")).toEqual([]);
        expect(await queue.jobCounts("r1")).toEqual({ pending: 0, leased: 5, done: 0, failed: 0 });
      });

      it("completes with a checkpoint, refuses stale handles, and does not re-run done keys", async () => {
        await queue.enqueue(job("list:u1", { kind: "user_notes" }));
        const [leased] = await queue.lease("r1");
        await queue.complete(leased!, { cursor: null, itemsSoFar: 57 });
        await expect(queue.complete(leased!)).rejects.toBeInstanceOf(LeaseLostError);
        const done = await queue.getJob("r1", "list:u1");
        expect(done).toMatchObject({ state: "done", checkpoint: { cursor: null, itemsSoFar: 57 }, leaseToken: null });
        expect((await queue.enqueue(job("list:u1"))).added).toBe(false);
        expect(await queue.lease("r1")).toEqual([]);
        expect(await queue.getJob("r1", "nope")).toBeNull();
      });

      it("fails for good or for another try, with the error kind and a scrubbed message", async () => {
        await queue.enqueueMany([job("x"), job("y")]);
        const [x, y] = await queue.lease("r1", { limit: 2 });
        await queue.fail(x!, { errorKind: "timeout", message: "timed out", retry: true });
        await queue.fail(y!, { errorKind: "auth", message: `401 for key ${SECRET}` });
        expect(await queue.jobCounts("r1")).toEqual({ pending: 1, leased: 0, done: 0, failed: 1 });
        const failed = await queue.getJob("r1", "y");
        expect(failed).toMatchObject({ state: "failed", lastErrorKind: "auth" });
        expect(failed?.lastErrorMessage).not.toContain(SECRET);
        const [again] = await queue.lease("r1");
        expect(again).toMatchObject({ key: "x", attempts: 2, lastErrorKind: "timeout" });
        await expect(queue.fail(x!, { errorKind: "timeout", message: "stale" })).rejects.toBeInstanceOf(LeaseLostError);
        expect((await queue.listJobs("r1", { state: "failed" })).map((j) => j.key)).toEqual(["y"]);
        expect((await queue.listJobs("r1")).map((j) => j.key)).toEqual(["x", "y"]);
      });

      it("checkpoints a long job so a released job resumes mid-list", async () => {
        await queue.enqueue(job("search:露营", { kind: "search_notes" }));
        const [leased] = await queue.lease("r1");
        await queue.checkpoint(leased!, { cursor: "page-3", itemsSoFar: 60, data: { pagesSeen: 3 } });
        await queue.release(leased!);
        const [resumed] = await queue.lease("r1");
        expect(resumed?.checkpoint).toEqual({ cursor: "page-3", itemsSoFar: 60, data: { pagesSeen: 3 } });
        await expect(queue.checkpoint(leased!, { cursor: "x", itemsSoFar: 0 })).rejects.toBeInstanceOf(LeaseLostError);
      });

      it("recovers the leases of a crashed process on reopen, checkpoints kept", async () => {
        await queue.enqueueMany([job("a"), job("b", { kind: "comments" }), job("c")]);
        const leased = await queue.lease("r1", { limit: 2 });
        await queue.checkpoint(leased[1]!, { cursor: "cursor-after-page-2", itemsSoFar: 40 });
        await queue.complete(leased[0]!);
        const lost = leased[1]!;
        if (factory.crash) await factory.crash(backend);
        else await store.close();
        await open();
        expect(await queue.jobCounts("r1")).toEqual({ pending: 1, leased: 1, done: 1, failed: 0 });
        expect(await queue.recoverLeases("other-run")).toBe(0);
        expect(await queue.recoverLeases("r1")).toBe(1);
        const next = await queue.lease("r1", { limit: 5 });
        expect(next.map((j) => [j.key, j.attempts])).toEqual([
          ["b", 2],
          ["c", 1],
        ]);
        expect(next[0]?.checkpoint).toEqual({ cursor: "cursor-after-page-2", itemsSoFar: 40 });
        // The dead process's lease is gone: its late result must not land.
        await expect(queue.complete(lost)).rejects.toBeInstanceOf(LeaseLostError);
        expect(await queue.recoverLeases()).toBe(2);
      });
    });

    describe("leases: owner, expiry, heartbeat", () => {
      const job = (key: string): NewJob => ({ runId: "r1", key, kind: "note_detail" });
      const TTL = 60_000;

      it("a lease carries its owner and an expiry; a live lease is never taken, an expired one is", async () => {
        await queue.enqueueMany([job("a"), job("b")]);
        const [a] = await queue.lease("r1", { owner: "w1", ttlMs: TTL });
        expect(a).toMatchObject({ key: "a", leaseOwner: "w1", leaseExpiresAt: new Date(nowMs + TTL).toISOString() });
        // Another worker gets only the free job, however long before the expiry it asks.
        nowMs += TTL - 1;
        expect((await queue.lease("r1", { owner: "w2", limit: 5, ttlMs: TTL })).map((j) => j.key)).toEqual(["b"]);
        expect(await queue.lease("r1", { owner: "w2", limit: 5, ttlMs: TTL })).toEqual([]);
        // w1 stopped renewing (it died): at its expiry, the job is taken, checkpoint and all, by w2.
        nowMs += 1;
        const [again] = await queue.lease("r1", { owner: "w2", limit: 5, ttlMs: TTL });
        expect(again).toMatchObject({ key: "a", leaseOwner: "w2", attempts: 2, state: "leased" });
        expect(again?.leaseToken).not.toBe(a?.leaseToken);
        // The dead owner's late result does not land; the new owner's does.
        await expect(queue.complete(a!)).rejects.toBeInstanceOf(LeaseLostError);
        await queue.complete(again!);
        expect((await queue.getJob("r1", "a"))?.state).toBe("done");
        expect((await queue.getJob("r1", "a"))?.leaseExpiresAt).toBeNull();
        expect(await queue.jobCounts("r1")).toEqual({ pending: 0, leased: 1, done: 1, failed: 0 });
      });

      it("a heartbeat keeps a live owner's leases (only its own) past the first expiry", async () => {
        await queue.enqueueMany([job("a"), job("b"), { ...job("c"), runId: "r2" }]);
        const [a] = await queue.lease("r1", { owner: "w1", ttlMs: TTL });
        const [b] = await queue.lease("r1", { owner: "w2", ttlMs: TTL });
        await queue.lease("r2", { owner: "w1", ttlMs: TTL });
        // w1 renews every third of the TTL; w2 has stopped.
        for (let i = 0; i < 6; i++) {
          nowMs += TTL / 3;
          expect(await queue.renewLeases("w1", { runId: "r1", ttlMs: TTL })).toBe(1);
        }
        expect((await queue.getJob("r1", "a"))?.leaseExpiresAt).toBe(new Date(nowMs + TTL).toISOString());
        const taken = await queue.lease("r1", { owner: "w3", limit: 5, ttlMs: TTL });
        expect(taken.map((j) => j.key)).toEqual(["b"]);
        // A renewal does not bring back a lease that was taken over.
        expect(await queue.renewLeases("w2", { ttlMs: TTL })).toBe(0);
        await expect(queue.complete(b!)).rejects.toBeInstanceOf(LeaseLostError);
        await queue.checkpoint(a!, { cursor: "p2", itemsSoFar: 20 });
        await queue.complete(a!);
        // Without a run, a renewal covers the owner's leases in every run: r2's lapsed lease is still w1's (nobody took it).
        expect(await queue.renewLeases("w1", { ttlMs: TTL })).toBe(1);
        await expect(queue.lease("r1", { ttlMs: 0 })).rejects.toThrow(/positive/);
      });

      it("recovers one dead owner's leases at once, leaving a live owner's alone", async () => {
        await queue.enqueueMany([job("a"), job("b"), job("c")]);
        await queue.lease("r1", { owner: "dead", limit: 2, ttlMs: TTL });
        const [live] = await queue.lease("r1", { owner: "live", ttlMs: TTL });
        expect(await queue.recoverLeases("r1", { owner: "dead" })).toBe(2);
        expect((await queue.getJob("r1", live!.key))?.leaseOwner).toBe("live");
        const next = await queue.lease("r1", { owner: "new", limit: 5, ttlMs: TTL });
        expect(next.map((j) => j.key).sort()).toEqual(["a", "b"]);
        await queue.complete(live!);
      });

      it("holds across stores: a lease taken through one handle is respected by a second handle", async () => {
        await queue.enqueueMany([job("a"), job("b")]);
        const [a] = await queue.lease("r1", { owner: "w1", ttlMs: TTL });
        const second = await factory.open({ clock, secrets: [SECRET] });
        try {
          expect((await second.queue.lease("r1", { owner: "w2", limit: 5, ttlMs: TTL })).map((j) => j.key)).toEqual([
            "b",
          ]);
          nowMs += TTL;
          const [taken] = await second.queue.lease("r1", { owner: "w2", limit: 5, ttlMs: TTL });
          expect(taken?.key).toBe(a?.key);
          await expect(queue.complete(a!)).rejects.toBeInstanceOf(LeaseLostError);
        } finally {
          await second.store.close();
        }
      });
    });

    describe("transactions", () => {
      it("commits a step's writes and its queue completion together, or rolls both back", async () => {
        await queue.enqueueMany([
          { runId: "r1", key: "note:n1", kind: "note_detail" },
          { runId: "r1", key: "note:n2", kind: "note_detail" },
        ]);
        const [j1, j2] = await queue.lease("r1", { limit: 2 });
        await expect(
          store.transaction(async () => {
            await store.upsertNotes([note("n1")], { runId: "r1" });
            await queue.complete(j1!);
            await queue.enqueue({ runId: "r1", key: "comments:n1", kind: "comments" });
            throw new Error("handler crashed");
          }),
        ).rejects.toThrow("handler crashed");
        expect(await store.getNote("n1")).toBeNull();
        expect(await queue.getJob("r1", "comments:n1")).toBeNull();
        expect((await queue.getJob("r1", "note:n1"))?.state).toBe("leased");
        expect(await store.countRecords("notes", { runId: "r1" })).toBe(0);

        const value = await store.transaction(async () => {
          await store.upsertNotes([note("n2")], { runId: "r1" });
          await queue.complete(j2!);
          return 42;
        });
        expect(value).toBe(42);
        expect(await store.hasNote("n2")).toBe(true);
        expect((await queue.getJob("r1", "note:n2"))?.state).toBe("done");
      });

      it("keeps other callers' writes out of an open transaction", async () => {
        const gate = deferred();
        const inside = store.transaction(async () => {
          await store.upsertNotes([note("inside")]);
          await gate.promise;
          throw new Error("roll back");
        });
        let outsideDone = false;
        const outside = store.upsertNotes([note("outside")]).then((r) => {
          outsideDone = true;
          return r;
        });
        await new Promise((r) => setTimeout(r, 20));
        expect(outsideDone).toBe(false);
        gate.resolve();
        await expect(inside).rejects.toThrow("roll back");
        expect(await outside).toEqual([{ id: "outside", outcome: "new" }]);
        expect(await store.hasNote("outside")).toBe(true);
        expect(await store.hasNote("inside")).toBe(false);
      });
    });

    describe("ledger", () => {
      it("appends attempts and sums calls, billable calls and cost exactly", async () => {
        await store.appendLedger("r1", [
          event(),
          event({ outcome: "upstream", httpStatus: 200, reason: `inner failure, key=${SECRET}` }),
          event({ series: "web_v3", endpoint: "web_v3/fetch_note_detail", failover: true, requestId: "req-1" }),
        ]);
        await store.appendLedger("r2", [
          event({ billable: false, costUsd: 0, httpStatus: 503, outcome: "upstream", retry: 1 }),
        ]);
        await store.appendLedger(null, []);
        const r1 = await store.ledgerTotals({ runId: "r1" });
        expect(r1).toMatchObject({ calls: 3, billableCalls: 3, costUsd: 0.03 });
        expect(r1.bySeries).toEqual({
          app_v2: { calls: 2, billableCalls: 2, costUsd: 0.02 },
          web_v3: { calls: 1, billableCalls: 1, costUsd: 0.01 },
        });
        expect(r1.byOutcome).toEqual({ ok: 2, upstream: 1 });
        expect(r1.byEndpoint["web_v3/fetch_note_detail"]).toEqual({ calls: 1, billableCalls: 1, costUsd: 0.01 });
        expect(await store.ledgerTotals()).toMatchObject({ calls: 4, billableCalls: 3, costUsd: 0.03 });
        expect(await store.ledgerTotals({ runId: "none" })).toMatchObject({ calls: 0, costUsd: 0 });
        const entries = await store.ledgerEntries({ runId: "r1" });
        expect(entries[0]).toEqual({ ...event(), runId: "r1" });
        expect(entries[2]).toMatchObject({ failover: true, requestId: "req-1", series: "web_v3" });
        expect(entries[1]?.reason).toContain("inner failure");
        expect(entries[1]?.reason).not.toContain(SECRET);
      });

      it("keeps hedging's marks: a hedge, and a hedge loser that was billed anyway, told apart from plain calls", async () => {
        await store.appendLedger("r1", [
          event({ hedgeLost: true, outcome: "aborted", httpStatus: null, billable: false, costUsd: 0 }),
          event({ series: "web_v3", endpoint: "web_v3/fetch_note_detail", hedge: true, failover: true }),
          event({ hedgeLost: true }),
          event(),
        ]);
        const entries = await store.ledgerEntries({ runId: "r1" });
        expect(entries.map((e) => [e.hedge ?? false, e.hedgeLost ?? false, e.billable])).toEqual([
          [false, true, false],
          [true, false, true],
          [false, true, true],
          [false, false, true],
        ]);
        // A plain call carries no mark at all (the event's own shape, not false-valued fields).
        expect(entries[3]).toEqual({ ...event(), runId: "r1" });
      });
    });

    describe("runs", () => {
      it("creates, updates, finds and lists runs", async () => {
        const a = await store.createRun({ planKey: "plan-1", plan: { seeds: ["露营"] } });
        expect(a).toMatchObject({ status: "running", planKey: "plan-1", plan: { seeds: ["露营"] }, finishedAt: null });
        nowMs += 1000;
        const b = await store.createRun({ id: "run-b", planKey: "plan-2" });
        expect(b.id).toBe("run-b");
        await expect(store.createRun({ id: "run-b" })).rejects.toThrow(/already exists/);
        nowMs += 1000;
        const done = await store.updateRun(a.id, { status: "completed", stats: { notes: 3 }, report: { ok: true } });
        expect(done).toMatchObject({ status: "completed", stats: { notes: 3 }, report: { ok: true } });
        expect(done.finishedAt).toBe(new Date(nowMs).toISOString());
        const resumed = await store.updateRun(a.id, { status: "running" });
        expect(resumed.finishedAt).toBeNull();
        expect(resumed.stats).toEqual({ notes: 3 });
        expect(await store.getRun("nope")).toBeNull();
        const missing = store.updateRun("nope", { status: "failed" });
        await expect(missing).rejects.toThrow(/nope/);
        await missing.catch((error: unknown) => expect(isXhsError(error) && error.kind).toBe("not_found"));
        expect((await store.listRuns()).map((r) => r.id)).toEqual(["run-b", a.id]);
        expect((await store.listRuns({ planKey: "plan-1" })).map((r) => r.id)).toEqual([a.id]);
        expect((await store.listRuns({ status: ["running", "interrupted"], limit: 1 })).map((r) => r.id)).toEqual([
          "run-b",
        ]);
        await store.updateRun("run-b", { report: { secret: SECRET } });
        expect(JSON.stringify(await store.getRun("run-b"))).not.toContain(SECRET);
        const ids = new Set<string>();
        for (let i = 0; i < 20; i++) ids.add((await store.createRun()).id);
        expect(ids.size).toBe(20);
      });
    });

    describe("raw answers", () => {
      it("are not kept unless asked for", async () => {
        const answer = {
          runId: "r1",
          endpoint: "app_v2/get_image_note_detail",
          series: "app_v2" as const,
          params: { note_id: "n1" },
          httpStatus: 200,
          requestId: "req-9",
          fetchedAt: T0,
          body: { code: 200, data: { note: "…" } },
        };
        expect(await store.saveRawAnswer(answer)).toBe(false);
        expect(await store.rawAnswers()).toEqual([]);
        await reopen({ keepRawAnswers: true });
        expect(await store.saveRawAnswer(answer)).toBe(true);
        expect(
          await store.saveRawAnswer({ ...answer, runId: "r2", httpStatus: 401, body: { detail: `bad key ${SECRET}` } }),
        ).toBe(true);
        expect(await store.rawAnswers({ runId: "r1" })).toEqual([answer]);
        const all = await store.rawAnswers();
        expect(all).toHaveLength(2);
        expect(JSON.stringify(all)).not.toContain(SECRET);
      });
    });

    it("keeps everything across close and reopen", async () => {
      await store.upsertNotes([note("n1")], { runId: "r1" });
      await store.upsertComments([comment("c1", "n1")]);
      await store.createRun({ id: "r1" });
      await store.appendLedger("r1", [event()]);
      await queue.enqueue({ runId: "r1", key: "k", kind: "note_detail" });
      await reopen();
      expect(await store.getNote("n1")).toEqual(note("n1"));
      expect(await store.getComment("c1")).toEqual(comment("c1", "n1"));
      expect((await store.getRun("r1"))?.status).toBe("running");
      expect((await store.ledgerTotals()).calls).toBe(1);
      expect(await queue.jobCounts("r1")).toMatchObject({ pending: 1 });
      expect(await store.countRecords("notes", { runId: "r1" })).toBe(1);
    });
  });
}
