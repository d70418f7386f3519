/**
 * A list's first-page hedge on the fake clock: the same rule as a record's (run-failover.ts), its timer counts
 * from the send, not from the start of the call (waiting for our own rate-limit token is not the series being slow).
 */
import { describe, expect, it } from "vitest";
import { endpoint } from "../../src/catalog/endpoints.js";
import { createFakeClock } from "../../src/core/clock.js";
import type { HedgeMark } from "../../src/core/types.js";
import { HealthBoard } from "../../src/failover/health.js";
import { COLD_HEDGE_MS } from "../../src/failover/latency.js";
import type { ListDefinition, ListRoute } from "../../src/failover/list-definition.js";
import { firstPageHedge, ListPageFetcher, SlowProbe } from "../../src/failover/list-page-fetch.js";
import type { Note } from "../../src/model/types.js";
import { keyId } from "../../src/simulator/index.js";
import { simClient } from "../client/sim-helpers.js";
import { type FakeAnswer, fakeClient, fakeNormalizers, fakePort, hexId, note } from "./fakes.js";

const USER = hexId(900);
const v2Notes: Note[] = [note(hexId(1000), { source: "app_v2", author: USER })];
const v1Notes: Note[] = [note(hexId(2000), { source: "app_v1", author: USER })];

/** App V2's first page waits `queueMs` in our own queue (told through the hedge mark), then takes `answerMs` (or hangs). */
function setup(queueMs: number, answerMs: number | "hang") {
  const asked: { endpoint: string; at: number; mark: HedgeMark | undefined }[] = [];
  const env = fakeClient({
    "app_v2/get_user_posted_notes": async (_params, ctx) => {
      asked.push({ endpoint: "app_v2", at: env.fake.now(), mark: ctx.hedge });
      // As the transport does: told after the attempt started, then again when it leaves the queue.
      await Promise.resolve();
      ctx.hedge?.onQueued?.();
      await env.fake.sleep(queueMs, ctx.signal);
      ctx.hedge?.onSent?.();
      if (answerMs === "hang") return new Promise<never>(() => {});
      await env.fake.sleep(answerMs, ctx.signal);
      return { items: v2Notes, hasMore: false } satisfies FakeAnswer;
    },
    "app/get_user_notes": (_params, ctx) => {
      asked.push({ endpoint: "app_v1", at: env.fake.now(), mark: ctx.hedge });
      return { items: v1Notes, hasMore: false };
    },
  });
  return { ...env, asked };
}

describe("a list's first-page hedge", () => {
  it("counts its delay from the send: a page queued 10 s in our own rate limiter is hedged 10 s + the delay after its start", async () => {
    const { xhs, fake, asked } = setup(10_000, "hang");
    const t0 = fake.now();
    const pending = xhs.users.notes(USER).collect(10);
    await fake.advance(10_000 + COLD_HEDGE_MS - 1);
    // Timed from the start (the old rule), the hedge would have gone out at COLD_HEDGE_MS, in the queue.
    expect(asked.map((a) => a.endpoint)).toEqual(["app_v2"]);
    await fake.advance(1);
    expect((await pending).map((n) => n.id)).toEqual(v1Notes.map((n) => n.id));
    expect(asked.map((a) => [a.endpoint, a.at - t0])).toEqual([
      ["app_v2", 0],
      ["app_v1", 10_000 + COLD_HEDGE_MS],
    ]);
    expect(asked[0]!.mark).toMatchObject({ started: false, lost: true });
    expect(asked[1]!.mark).toMatchObject({ started: true, lost: false });
  });

  it("is not fired for a page that waited long in our queue but answers soon after it is sent", async () => {
    const { xhs, fake, asked } = setup(8_000, 500);
    const pending = xhs.users.notes(USER).collect(10);
    await fake.runAll();
    expect((await pending).map((n) => n.id)).toEqual(v2Notes.map((n) => n.id));
    expect(asked.map((a) => a.endpoint)).toEqual(["app_v2"]);
    expect(asked[0]!.mark).toMatchObject({ started: false, lost: false });
  });
});

describe("a demoted series' probe on a list's first page", () => {
  it("is handed out only with a hedge token, and its hedge after probeHedgeMs spends it", async () => {
    const fake = createFakeClock();
    // Half a hedge per call: two calls refill one.
    const health = new HealthBoard(fake.clock, {}, { hedgeShare: 0.5 });
    const { latency } = health;
    for (let i = 0; i < 5; i++) {
      latency.observe("app_v2", "userNotes", 9_000);
      latency.observe("app_v1", "userNotes", 500);
    }
    while (latency.canHedge()) latency.takeHedge();
    const both = ["app_v2", "app_v1"] as const;
    expect(health.order("userNotes", both)).toEqual(["app_v1", "app_v2"]);
    await fake.advance(30_000);
    // Due for a probe, but the budget is empty: App V2 stays behind.
    expect(health.order("userNotes", both)).toEqual(["app_v1", "app_v2"]);
    latency.countCall();
    latency.countCall();
    expect(health.order("userNotes", both)).toEqual(["app_v2", "app_v1"]);

    const hedge = firstPageHedge(health, "userNotes", "app_v2", { halfOpen: false, firstPage: true, othersLeft: true });
    expect(hedge).toMatchObject({ delayMs: health.probeHedgeMs, breakerProbe: false, latencyProbe: true });
    const { port } = fakePort({ "app_v2/get_user_posted_notes": () => new Promise<never>(() => {}) });
    const def: ListDefinition<Note> = {
      capability: "userNotes",
      key: "userNotes:u",
      subject: "the notes of user u",
      routes: [],
      ordering: "stable",
      idOf: (n) => n.id,
    };
    const route: ListRoute = {
      series: "app_v2",
      endpoint: endpoint("app_v2/get_user_posted_notes"),
      params: {},
      degradedReasons: [],
    };
    const fetcher = new ListPageFetcher(def, { port, sleep: fake.sleep, normalizers: fakeNormalizers, health });
    const pending = fetcher.fetchFirst(route, {}, health.breaker("app_v2", "userNotes"), hedge!).catch((e) => e);
    await fake.advance(health.probeHedgeMs);
    expect(await pending).toBeInstanceOf(SlowProbe);
    // The page's call (0.5) and the probe's hedge (-1) leave half a hedge: none for the next call.
    expect(latency.canHedge()).toBe(false);
  });
});

describe("a list's first-page hedge is a real race", () => {
  const v2Page2: Note[] = [note(hexId(1001), { source: "app_v2", author: USER })];

  /** App V2's first page answers `v2Ms` after it is sent (its second page at once); App V1's after `v1Ms`. */
  function race(v2Ms: number, v1Ms: number) {
    const asked: { endpoint: string; at: number; mark: HedgeMark | undefined; signal: AbortSignal | undefined }[] = [];
    const env = fakeClient({
      "app_v2/get_user_posted_notes": async (params, ctx) => {
        asked.push({ endpoint: "app_v2", at: env.fake.now(), mark: ctx.hedge, signal: ctx.signal });
        if (params.cursor) return { items: v2Page2, hasMore: false } satisfies FakeAnswer;
        await env.fake.sleep(v2Ms, ctx.signal);
        return { items: v2Notes, hasMore: true, next: { cursor: v2Notes[0]!.id } } satisfies FakeAnswer;
      },
      "app/get_user_notes": async (_params, ctx) => {
        asked.push({ endpoint: "app_v1", at: env.fake.now(), mark: ctx.hedge, signal: ctx.signal });
        await env.fake.sleep(v1Ms, ctx.signal);
        return { items: v1Notes, hasMore: false } satisfies FakeAnswer;
      },
    });
    return { ...env, asked };
  }

  it("takes the slow first page when it answers before the hedge, aborts the hedge and goes on on the first series", async () => {
    // App V2 answers at 3.5 s, past the hedge delay (3 s); App V1, asked at 3 s, would answer at 5 s.
    const { xhs, fake, asked, calls } = race(COLD_HEDGE_MS + 500, 2_000);
    const t0 = fake.now();
    const pending = xhs.users.notes(USER).collect(10);
    await fake.runAll();
    // Before: App V2's page was thrown away and App V1's (2 s later) used.
    expect((await pending).map((n) => n.id)).toEqual([...v2Notes, ...v2Page2].map((n) => n.id));
    expect(asked.map((a) => [a.endpoint, a.at - t0])).toEqual([
      ["app_v2", 0],
      ["app_v1", COLD_HEDGE_MS],
      ["app_v2", COLD_HEDGE_MS + 500],
    ]);
    const [first, hedge] = asked;
    expect(first!.mark).toMatchObject({ started: false, lost: false });
    expect(hedge!.mark).toMatchObject({ started: true, lost: true });
    expect(hedge!.signal?.aborted).toBe(true);
    // The second page is no failover: the list never left App V2 in the end.
    expect(calls[2]).toMatchObject({ series: "app_v2", failover: false });
  });

  it("still takes the hedge when it answers first, and aborts the slow page", async () => {
    const { xhs, fake, asked } = race(10_000, 500);
    const pending = xhs.users.notes(USER).collect(10);
    await fake.runAll();
    expect((await pending).map((n) => n.id)).toEqual(v1Notes.map((n) => n.id));
    const [slow, hedge] = asked;
    expect(slow!.mark).toMatchObject({ started: false, lost: true });
    expect(slow!.signal?.aborted).toBe(true);
    expect(hedge!.mark).toMatchObject({ started: true, lost: false });
  });
});

describe("a list's hedge loser in the ledger (against the simulator)", () => {
  const slowV2 = (ms: number) => ({
    name: "slow-v2",
    defaults: { latency: { kind: "fixed" as const, ms: 1_000 } },
    series: { app_v2: { latency: { kind: "fixed" as const, ms } } },
  });

  it("the hedge that lost to a first page answering before it is marked hedgeLost; the simulator billed it anyway", async () => {
    const setup = simClient(slowV2(COLD_HEDGE_MS + 500));
    const { world } = setup.sim;
    const user = world.users().find((u) => world.userNotes(u.id).length > 0)!;
    const billed = () => setup.sim.ledger.spent(keyId("test-key")).billableCalls;
    const got = await setup.run(setup.xhs.users.notes(user.id).collect(1));
    expect(got.map((n) => [n.id, n.source])).toEqual([[world.userNotes(user.id)[0]!.id, "app_v2"]]);
    await setup.fake.flush();
    const v2 = setup.events.filter((e) => e.series === "app_v2");
    const v1 = setup.events.filter((e) => e.series === "app_v1");
    expect(v2).toHaveLength(1);
    expect(v2[0]).toMatchObject({ outcome: "ok", billable: true });
    expect(v2[0]!.hedgeLost).toBeUndefined();
    expect(v1).toHaveLength(1);
    // Aborted before its answer came: the client never saw it billed, but it is marked as the race's loser…
    expect(v1[0]).toMatchObject({ outcome: "aborted", hedge: true, hedgeLost: true });
    // …and the simulator, which bills on arrival, charged both: the hedge was paid twice.
    expect(billed()).toBe(2);
  });
});
