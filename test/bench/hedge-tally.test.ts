import { describe, expect, it } from "vitest";
import { createHedgeTally } from "../../src/bench/hedge-tally.js";
import { HEALTHY_BILLABLE_WITHOUT_HEDGING, seedTargets } from "../../src/bench/seed-targets.js";
import type { SeedSum } from "../../src/bench/seeds.js";
import { findEndpoint } from "../../src/catalog/endpoints.js";
import { createFakeClock } from "../../src/core/clock.js";
import type { AttemptEvent } from "../../src/core/types.js";

const IMAGE = findEndpoint("app_v2/get_image_note_detail")!;
const WEB = findEndpoint("web_v3/fetch_note_detail")!;

/** A server that bills on arrival every request whose path is in `billing`, and answers later. */
function billingServer(billing: Set<string>) {
  let billed = 0;
  const fetch = ((input: string | URL | Request) => {
    if (billing.has(new URL(String(input)).pathname)) billed++;
    return new Promise<Response>(() => {});
  }) as typeof globalThis.fetch;
  return { fetch, billed: () => billed };
}

function event(endpoint: string, atMs: number, extra: Partial<AttemptEvent>): AttemptEvent {
  return {
    at: new Date(atMs).toISOString(),
    capability: "note",
    endpoint,
    series: endpoint.startsWith("web_v3") ? "web_v3" : "app_v2",
    httpStatus: null,
    outcome: "aborted",
    latencyMs: 0,
    billable: false,
    costUsd: 0,
    retry: 0,
    failover: false,
    ...extra,
  };
}

describe("hedge tally", () => {
  it("counts a cancelled loser as billed twice when the server billed it on arrival, matched by its start", async () => {
    const fake = createFakeClock(1_000_000);
    const server = billingServer(new Set([IMAGE.path, WEB.path]));
    const tally = createHedgeTally(server.fetch, fake.clock, server.billed);
    void tally.fetch(`http://sim${IMAGE.path}?note_id=a`);
    const firstAt = fake.clock.now();
    await fake.advance(3_000);
    void tally.fetch(`http://sim${WEB.path}?note_id=a`);
    tally.onEvent(event(WEB.name, fake.clock.now(), { hedge: true, outcome: "ok", httpStatus: 200, billable: true }));
    // The loser's event has no status on the client's side (cancelled), but the server billed it.
    tally.onEvent(event(IMAGE.name, firstAt, { hedgeLost: true, latencyMs: 3_000 }));
    expect(tally.counts()).toEqual({
      hedges: 1,
      hedgeLosers: 1,
      hedgeLosersBilled: 1,
      unmatched: 0,
      requestsBilled: 2,
    });
  });

  it("a loser the server did not bill is not billed twice; a hedge's retries are not new hedges", async () => {
    const fake = createFakeClock(1_000_000);
    const server = billingServer(new Set([WEB.path]));
    const tally = createHedgeTally(server.fetch, fake.clock, server.billed);
    void tally.fetch(`http://sim${IMAGE.path}?note_id=a`);
    const firstAt = fake.clock.now();
    await fake.advance(2_500);
    void tally.fetch(`http://sim${WEB.path}?note_id=a`);
    tally.onEvent(event(WEB.name, fake.clock.now(), { hedge: true, outcome: "upstream", httpStatus: 502 }));
    tally.onEvent(event(WEB.name, fake.clock.now(), { hedge: true, retry: 1, outcome: "ok", httpStatus: 200 }));
    tally.onEvent(event(IMAGE.name, firstAt, { hedgeLost: true }));
    // A loser with no request seen (another client's, say) is reported, not guessed.
    tally.onEvent(event(IMAGE.name, firstAt + 1, { hedgeLost: true }));
    expect(tally.counts()).toMatchObject({ hedges: 1, hedgeLosers: 2, hedgeLosersBilled: 0, unmatched: 1 });
  });
});

const healthySum = (calls: number, hedges: number, twice: number): SeedSum => ({
  strategy: "xhs-kit",
  profile: "healthy",
  seeds: 20,
  requests: 20_000,
  correct: 20_000,
  wrong: 0,
  failedUnservable: 0,
  failedOtherwise: 0,
  calls,
  billableCalls: calls,
  billablePerCorrect: calls / 20_000,
  hedges,
  hedgesBilledTwice: twice,
  seedsWithWrong: [],
  worstP99Ms: 0,
  medianP50Ms: 0,
});

describe("the healthy double-billing target", () => {
  const healthy = healthySum;
  const target = (sum: SeedSum) => seedTargets([sum]).find((t) => t.name.startsWith("healthy hedges billed twice"));

  it("is met up to 2 % of calls and missed above, whatever the hedges that were not paid twice", () => {
    expect(target(healthy(21_000, 900, 420))?.met).toBe(true);
    expect(target(healthy(21_000, 900, 421))?.met).toBe(false);
    expect(target(healthy(21_000, 2, 2))?.figure).toContain("2 billed twice (0.01 %) of 21000 calls");
  });

  it("is left out for results from before hedges were counted", () => {
    const { hedges: _h, hedgesBilledTwice: _t, ...older } = healthy(21_000, 0, 0);
    expect(target(older)).toBeUndefined();
  });
});

describe("the healthy cost target", () => {
  const sum = (billable: number): SeedSum => healthySum(billable, 0, 0);
  const oneToTwenty = Array.from({ length: 20 }, (_, i) => i + 1);
  const target = (billable: number, seeds: number[]) =>
    seedTargets([sum(billable)], "xhs-kit", seeds).find((t) => t.name.startsWith("healthy billable calls"));

  it("compares with the code without hedging on seeds 1-20: equal is met, one call more is not", () => {
    expect(target(HEALTHY_BILLABLE_WITHOUT_HEDGING.billable, oneToTwenty)?.met).toBe(true);
    expect(target(HEALTHY_BILLABLE_WITHOUT_HEDGING.billable + 1, oneToTwenty)?.met).toBe(false);
  });

  it("is not judged on another seed list, which has no baseline", () => {
    const other = target(10, [1, 2, 3]);
    expect(other?.met).toBeNull();
    expect(other?.note).toContain("no baseline");
  });
});
