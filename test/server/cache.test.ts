import { describe, expect, it } from "vitest";
import { createFakeClock } from "../../src/core/clock.js";
import { ClientRateLimiter } from "../../src/server/rate-limit.js";
import { ServerProblem } from "../../src/service/problem.js";
import { ResponseCache } from "../../src/service/response-cache.js";
import { SpendGuard } from "../../src/service/spend-guard.js";

function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe("ResponseCache", () => {
  it("coalesces concurrent identical requests into one load (single flight)", async () => {
    const fake = createFakeClock();
    const cache = new ResponseCache({ clock: fake.clock });
    const gate = deferred<string>();
    let loads = 0;
    const load = () => {
      loads++;
      return gate.promise;
    };
    const answers = Array.from({ length: 50 }, () => cache.get("k", "record", load));
    gate.resolve('{"id":1}');
    const results = await Promise.all(answers);
    expect(loads).toBe(1);
    expect(results.map((r) => r.body)).toEqual(Array(50).fill('{"id":1}'));
    expect(results.filter((r) => r.outcome === "MISS")).toHaveLength(1);
    expect(results.filter((r) => r.outcome === "COALESCED")).toHaveLength(49);
    expect((await cache.get("k", "record", load)).outcome).toBe("HIT");
    expect(loads).toBe(1);
  });

  it("never stores a failure: every waiter gets the error and the next request loads again", async () => {
    const fake = createFakeClock();
    const cache = new ResponseCache({ clock: fake.clock });
    const gate = deferred<string>();
    let loads = 0;
    const first = [1, 2, 3].map(() =>
      cache.get("k", "record", () => {
        loads++;
        return gate.promise;
      }),
    );
    gate.reject(new Error("upstream down"));
    for (const p of first) await expect(p).rejects.toThrow("upstream down");
    const again = await cache.get("k", "record", async () => {
      loads++;
      return "ok";
    });
    expect(again).toMatchObject({ body: "ok", outcome: "MISS" });
    expect(loads).toBe(2);
    expect(cache.stats().entries).toBe(1);
  });

  it("expires answers after their class's TTL and reports the remaining max-age", async () => {
    const fake = createFakeClock();
    const cache = new ResponseCache({ clock: fake.clock, ttlSec: { comments: 60 } });
    let n = 0;
    const load = async () => `v${++n}`;
    expect((await cache.get("c", "comments", load)).maxAgeSec).toBe(60);
    await fake.advance(45_000);
    expect(await cache.get("c", "comments", load)).toMatchObject({ body: "v1", outcome: "HIT", maxAgeSec: 15 });
    await fake.advance(15_000);
    expect(await cache.get("c", "comments", load)).toMatchObject({ body: "v2", outcome: "MISS" });
  });

  it("fresh bypasses the stored answer and replaces it", async () => {
    const fake = createFakeClock();
    const cache = new ResponseCache({ clock: fake.clock });
    let n = 0;
    const load = async () => `v${++n}`;
    await cache.get("k", "record", load);
    expect(await cache.get("k", "record", load, { fresh: true })).toMatchObject({ body: "v2", outcome: "BYPASS" });
    expect(await cache.get("k", "record", load)).toMatchObject({ body: "v2", outcome: "HIT" });
  });

  it("stays within its byte bound, evicting the least recently used answers", async () => {
    const fake = createFakeClock();
    const cache = new ResponseCache({ clock: fake.clock, maxBytes: 1000 });
    const body = "x".repeat(200);
    for (const key of ["a", "b", "c", "d"]) await cache.get(key, "record", async () => body);
    await cache.get("a", "record", async () => "unused"); // touch a: b is now the oldest
    await cache.get("e", "record", async () => body);
    const stats = cache.stats();
    expect(stats.bytes).toBeLessThanOrEqual(1000);
    expect(stats.evictions).toBe(1);
    expect((await cache.get("a", "record", async () => "reloaded")).outcome).toBe("HIT");
    expect((await cache.get("b", "record", async () => "reloaded")).body).toBe("reloaded");
    // An answer over a quarter of the bound is served but not kept.
    expect((await cache.get("big", "record", async () => "y".repeat(400))).outcome).toBe("MISS");
    expect((await cache.get("big", "record", async () => "again")).body).toBe("again");
  });
});

describe("ClientRateLimiter", () => {
  it("allows a burst, then refuses with a Retry-After, per client, and refills with time", async () => {
    const fake = createFakeClock();
    const limiter = new ClientRateLimiter({ perSecond: 2, burst: 3 }, fake.clock);
    expect([1, 2, 3].map(() => limiter.take("a").ok)).toEqual([true, true, true]);
    expect(limiter.take("a")).toEqual({ ok: false, retryAfterSec: 1 });
    expect(limiter.take("b").ok).toBe(true);
    await fake.advance(500);
    expect(limiter.take("a").ok).toBe(true);
    expect(limiter.take("a").ok).toBe(false);
    expect(limiter.rejectedCount).toBe(2);
  });
});

describe("SpendGuard", () => {
  it("refuses once today's spend reaches the cap, and resets at 00:00 UTC", async () => {
    const fake = createFakeClock(Date.UTC(2026, 0, 1, 23, 0, 0));
    const guard = new SpendGuard(0.01, fake.clock);
    const event = { billable: true, costUsd: 0.004 } as Parameters<SpendGuard["record"]>[0];
    guard.record(event);
    guard.record(event);
    expect(() => guard.check()).not.toThrow();
    guard.record(event);
    let thrown: unknown;
    try {
      guard.check();
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ServerProblem);
    expect((thrown as ServerProblem).body).toMatchObject({
      status: 503,
      type: "urn:xhs-kit:problem:spending-cap",
      retryAfterSec: 3600,
    });
    await fake.advance(3_600_000);
    expect(() => guard.check()).not.toThrow();
    expect(guard.today()).toEqual({ spentUsd: 0, billableCalls: 0 });
  });
});
