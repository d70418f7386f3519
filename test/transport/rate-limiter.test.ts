import { describe, expect, it } from "vitest";
import { endpoint } from "../../src/catalog/endpoints.js";
import { createFakeClock } from "../../src/core/clock.js";
import { AdaptiveBucket, RateLimiter, Semaphore } from "../../src/transport/rate-limiter.js";
import { createTransport } from "../../src/transport/transport.js";
import { json, KEY, ok, scriptedFetch } from "./helpers.js";

/** Starts `n` acquisitions at once and returns the virtual time each one got its token (ms from start). */
async function grantTimes(n: number, acquire: () => Promise<unknown>, fake: ReturnType<typeof createFakeClock>) {
  const start = fake.now();
  const times: number[] = [];
  const all = Array.from({ length: n }, () => acquire().then(() => times.push(fake.now() - start)));
  await fake.runAll();
  await Promise.all(all);
  return times.sort((a, b) => a - b);
}

describe("AdaptiveBucket", () => {
  it("lets a burst of 10 through, then spaces requests 100 ms apart at 10 req/s", async () => {
    const fake = createFakeClock();
    const bucket = new AdaptiveBucket({ qps: 10 }, fake.clock, fake.sleep);
    const times = await grantTimes(30, () => bucket.acquire(), fake);
    expect(times.slice(0, 10)).toEqual(Array(10).fill(0));
    expect(times.slice(10)).toEqual(Array.from({ length: 20 }, (_, i) => (i + 1) * 100));
  });

  it("holds the rate over a long virtual window", async () => {
    const fake = createFakeClock();
    const bucket = new AdaptiveBucket({ qps: 10 }, fake.clock, fake.sleep);
    let granted = 0;
    let stop = false;
    const worker = (async () => {
      while (!stop) {
        await bucket.acquire();
        if (fake.now() - Date.UTC(2026, 0, 1) <= 60_000) granted++;
        else stop = true;
      }
    })();
    await fake.runAll();
    await worker;
    // 60 s at 10 req/s plus the initial burst of 10.
    expect(granted).toBe(610);
  });

  it("halves the rate on a 429 (not below the floor) and owes the Retry-After wait", async () => {
    const fake = createFakeClock();
    const bucket = new AdaptiveBucket({ qps: 4, burst: 1 }, fake.clock, fake.sleep);
    await bucket.acquire();
    bucket.onRateLimited(3);
    expect(bucket.qps).toBe(2);
    const times = await grantTimes(2, () => bucket.acquire(), fake);
    // 3 s owed, then 1/2 s per token: the first token at 3.5 s, the next at 4 s.
    expect(times).toEqual([3_500, 4_000]);
    for (let i = 0; i < 10; i++) bucket.onRateLimited();
    expect(bucket.qps).toBe(0.5);
  });

  it("recovers slowly: +10 % of the configured rate per 5 s without a 429", async () => {
    const fake = createFakeClock();
    const bucket = new AdaptiveBucket({ qps: 10 }, fake.clock, fake.sleep);
    bucket.onRateLimited();
    expect(bucket.qps).toBe(5);
    await fake.advance(4_999);
    bucket.onAnswer();
    expect(bucket.qps).toBe(5);
    await fake.advance(1);
    bucket.onAnswer();
    expect(bucket.qps).toBe(6);
    await fake.advance(12_000);
    bucket.onAnswer();
    expect(bucket.qps).toBe(8);
    await fake.advance(60_000);
    bucket.onAnswer();
    expect(bucket.qps).toBe(10);
  });

  it("qps 0 means no limit", async () => {
    const fake = createFakeClock();
    const bucket = new AdaptiveBucket({ qps: 0 }, fake.clock, fake.sleep);
    expect(await grantTimes(100, () => bucket.acquire(), fake)).toEqual(Array(100).fill(0));
  });

  it("an aborted wait gives its token back", async () => {
    const fake = createFakeClock();
    const bucket = new AdaptiveBucket({ qps: 1, burst: 1 }, fake.clock, fake.sleep);
    await bucket.acquire();
    const controller = new AbortController();
    const waiting = bucket.acquire(controller.signal);
    controller.abort(new Error("stop"));
    await expect(waiting).rejects.toThrow("stop");
    expect(await grantTimes(1, () => bucket.acquire(), fake)).toEqual([1_000]);
  });
});

describe("Semaphore", () => {
  it("caps concurrency and serves waiters in order; an aborted waiter leaves the queue", async () => {
    const sem = new Semaphore(2);
    const r1 = await sem.acquire();
    const r2 = await sem.acquire();
    const order: string[] = [];
    const controller = new AbortController();
    const aborted = sem.acquire(controller.signal);
    const third = sem.acquire().then((r) => {
      order.push("third");
      return r;
    });
    expect(sem.waiting).toBe(2);
    controller.abort(new Error("gone"));
    await expect(aborted).rejects.toThrow("gone");
    expect(sem.waiting).toBe(1);
    r1();
    r1(); // releasing twice is harmless
    const r3 = await third;
    expect(order).toEqual(["third"]);
    expect(sem.inUse).toBe(2);
    r2();
    r3();
    expect(sem.inUse).toBe(0);
  });
});

describe("RateLimiter", () => {
  it("holds Web V3 note detail to one call per 1.1 s by default, on top of the client's rate", async () => {
    const fake = createFakeClock();
    const limiter = new RateLimiter({}, fake.clock, fake.sleep);
    const detail = await grantTimes(3, () => limiter.acquire("web_v3/fetch_note_detail").then((r) => r()), fake);
    expect(detail).toEqual([0, 1_100, 2_200]);
    const other = await grantTimes(3, () => limiter.acquire("app_v2/get_user_info").then((r) => r()), fake);
    expect(other).toEqual([0, 0, 0]);
  });

  it("grants the endpoint's token last, so a wait for the client's token never bunches two detail calls", async () => {
    const fake = createFakeClock();
    const limiter = new RateLimiter({ qps: 1 }, fake.clock, fake.sleep);
    // Another call takes the client's only token: both detail calls then wait for the client's rate first.
    await limiter.acquire("app_v2/get_user_info").then((r) => r());
    const detail = await grantTimes(2, () => limiter.acquire("web_v3/fetch_note_detail").then((r) => r()), fake);
    expect(detail[0]).toBe(1_000);
    expect(detail[1]! - detail[0]!).toBeGreaterThanOrEqual(1_100);
  });

  it("never spends the client's token while waiting for the endpoint's: other calls are not held up", async () => {
    const fake = createFakeClock();
    const limiter = new RateLimiter({ qps: 2 }, fake.clock, fake.sleep);
    const start = fake.now();
    const order: string[] = [];
    const detail = (name: string) =>
      limiter.acquire("web_v3/fetch_note_detail").then((r) => {
        order.push(`${name}@${fake.now() - start}`);
        r();
      });
    const other = (name: string) =>
      limiter.acquire("app_v2/get_user_info").then((r) => {
        order.push(`${name}@${fake.now() - start}`);
        r();
      });
    const all = [detail("d1"), detail("d2"), detail("d3"), other("u1")];
    await fake.runAll();
    await Promise.all(all);
    // d1 and u1 use the client's burst of 2; d2 waits for its endpoint (1.1 s), d3 1.1 s after d2: in order.
    expect(order).toEqual(["d1@0", "u1@0", "d2@1100", "d3@2200"]);
  });

  it("per-endpoint overrides can add or remove limits", async () => {
    const fake = createFakeClock();
    const limiter = new RateLimiter(
      { endpointQps: { "web_v3/fetch_note_detail": 0, "app_v2/search_notes": 2 } },
      fake.clock,
      fake.sleep,
    );
    expect(limiter.bucketFor("web_v3/fetch_note_detail")).toBeUndefined();
    expect(await grantTimes(3, () => limiter.acquire("app_v2/search_notes").then((r) => r()), fake)).toEqual([
      0, 500, 1_000,
    ]);
  });
});

describe("through the transport", () => {
  it("never has more than `concurrency` requests in flight", async () => {
    const fake = createFakeClock();
    let inFlight = 0;
    let peak = 0;
    const f = scriptedFetch(async () => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      await fake.sleep(250);
      inFlight--;
      return ok();
    });
    const transport = createTransport({
      apiKey: KEY,
      fetch: f.fetch,
      clock: fake.clock,
      sleep: fake.sleep,
      env: {},
      concurrency: 3,
      qps: 0,
    });
    const spec = endpoint("app_v2/get_user_info");
    const calls = Array.from({ length: 10 }, (_, i) =>
      transport.executeOnSeries(spec, { user_id: i.toString(16).padStart(24, "0") }, (b) => b, {
        capability: "user",
        failover: false,
      }),
    );
    await fake.runAll();
    await Promise.all(calls);
    expect(peak).toBe(3);
    expect(f.calls).toHaveLength(10);
    // 10 calls, 3 at a time, 250 ms each: 4 waves.
    expect(fake.now() - Date.UTC(2026, 0, 1)).toBe(1_000);
  });

  it("spaces requests at the client's rate and lowers it after a 429", async () => {
    const fake = createFakeClock();
    const f = scriptedFetch(json(429, {}), ok());
    const transport = createTransport({
      apiKey: KEY,
      fetch: f.fetch,
      clock: fake.clock,
      sleep: fake.sleep,
      env: {},
      qps: 2,
      random: () => 0.5,
    });
    const spec = endpoint("app_v2/get_user_info");
    const pending = transport.executeOnSeries(spec, { user_id: "5a8cf39111be10466d285d6b" }, (b) => b, {
      capability: "user",
      failover: false,
    });
    await fake.runAll();
    await pending;
    expect(transport.limiter.global.qps).toBe(1);
  });
});
