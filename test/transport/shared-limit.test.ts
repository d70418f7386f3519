/**
 * Rate limits shared across processes. The rule (GCRA bookings) on its own, then N ≥ 3 limiter instances
 * with connections of their own (as N processes would have) sharing one Redis and one Postgres, each
 * hammering the same key, judged by the simulator's own per-key token buckets (10 req/s burst 10; Web V3
 * note detail 1 req/s burst 1) on one fake clock: 0 × 429, the aggregate rate within the limit, and two keys
 * carrying twice what one does. Last, whole clients through createClient({ sharedLimits }) against the
 * in-process simulator: 0 × 429 with the shared limits, and 429s without them (the test has teeth).
 *
 * Virtual time moves only while no instance waits on its backend, so every booking is made at the virtual
 * instant it is asked for.
 */
import { RateLimiterMemory } from "rate-limiter-flexible";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createClient } from "../../src/client/create-client.js";
import { createFakeClock, type FakeClock } from "../../src/core/clock.js";
import { keyFingerprint } from "../../src/core/key-fingerprint.js";
import type { AttemptEvent, Sleep } from "../../src/core/types.js";
import { createSimulator } from "../../src/simulator/index.js";
import { KeyRateLimiter } from "../../src/simulator/rate-limit.js";
import {
  type BucketRule,
  gcraBook,
  MemorySharedLimiter,
  SharedLimitError,
  type SharedRateLimiter,
  sharedLimiterFrom,
} from "../../src/transport/shared-limit.js";
import { PostgresSharedLimiter } from "../../src/transport/shared-limit-postgres.js";
import { RedisSharedLimiter } from "../../src/transport/shared-limit-redis.js";
import { runOn } from "../client/sim-helpers.js";
import {
  type FreshDatabase,
  freshPostgresDatabase,
  freshRedisPrefix,
  hasPostgres,
  hasRedis,
  REDIS_URL,
} from "../support/services.js";

/** As the transport books a key: 10 req/s, no burst (the server keeps its burst of 10 as slack). */
const KEY_RULE = (key: string): BucketRule => ({ id: keyFingerprint(key), perSecond: 10, burst: 1 });
const DETAIL = "web_v3/fetch_note_detail";
const DETAIL_RULE = (key: string): BucketRule => ({
  id: `${keyFingerprint(key)}:${DETAIL}`,
  perSecond: 1 / 1.1,
  burst: 1,
});

describe("the GCRA booking rule", () => {
  it("lets a burst go at once, then spaces calls one interval apart", () => {
    const rule: BucketRule = { id: "k", perSecond: 10, burst: 3 };
    let tats: Array<number | undefined> = [undefined];
    const sends: number[] = [];
    for (let i = 0; i < 6; i++) {
      const booked = gcraBook([rule], tats, 1_000);
      sends.push(booked.sendAt);
      tats = booked.tats;
    }
    expect(sends).toEqual([1_000, 1_000, 1_000, 1_100, 1_200, 1_300]);
  });

  it("books one send time for all buckets of a call: the latest any of them allows", () => {
    const rules: BucketRule[] = [
      { id: "key", perSecond: 10, burst: 5 },
      { id: "endpoint", perSecond: 1, burst: 1 },
    ];
    const first = gcraBook(rules, [undefined, undefined], 0);
    const second = gcraBook(rules, first.tats, 0);
    expect([first.sendAt, second.sendAt]).toEqual([0, 1_000]);
    // The key's bucket moved past the booked send, not past the request time.
    expect(second.tats).toEqual([1_100, 2_000]);
  });

  it("forgets nothing an idle spell did not earn back, and earns back no more than the burst", () => {
    const rule: BucketRule = { id: "k", perSecond: 1, burst: 2 };
    const busy = gcraBook([rule], [5_000], 0); // booked 5 s ahead by others
    expect(busy.sendAt).toBe(4_000);
    const idle = gcraBook([rule], [0], 60_000); // long idle: a burst of 2, no more
    expect(idle.sendAt).toBe(60_000);
    expect(gcraBook([rule], idle.tats, 60_000).sendAt).toBe(60_000);
    expect(gcraBook([rule], gcraBook([rule], idle.tats, 60_000).tats, 60_000).sendAt).toBe(61_000);
  });
});

/** Moves virtual time only while no instance waits on its backend, until `done`. */
async function drive(fake: FakeClock, busy: () => number, done: () => boolean): Promise<void> {
  const realTick = () => new Promise((resolve) => setTimeout(resolve, 1));
  while (!done()) {
    await fake.flush();
    if (done()) break;
    if (busy() > 0 || !(await fake.next())) await realTick();
  }
}

/** A limiter that counts its bookings in flight (what `drive` waits for). */
function counted(inner: SharedRateLimiter, inFlight: { n: number }): SharedRateLimiter {
  return {
    reserve: async (rules, nowMs) => {
      inFlight.n++;
      try {
        return await inner.reserve(rules, nowMs);
      } finally {
        inFlight.n--;
      }
    },
  };
}

interface Hammered {
  /** Calls the server let through, per key. */
  allowed: Map<string, number>;
  tooMany: number;
  seconds: number;
}

/**
 * `instances.length` workers (one per limiter instance) each send calls to `endpoint` as fast as their
 * bookings allow for `seconds` of virtual time, using `keys` in turn; the simulator's per-key buckets judge
 * each send at the instant it is made.
 */
async function hammer(
  instances: readonly SharedRateLimiter[],
  keys: readonly string[],
  endpoint: string,
  seconds: number,
): Promise<Hammered> {
  const fake = createFakeClock(Date.UTC(2026, 0, 15));
  const server = new KeyRateLimiter({ perSecond: 10 }, () => fake.now());
  const inFlight = { n: 0 };
  const start = fake.now();
  const end = start + seconds * 1000;
  const result: Hammered = { allowed: new Map(), tooMany: 0, seconds };
  let running = instances.length;
  const worker = async (limiter: SharedRateLimiter, index: number) => {
    try {
      for (let call = index; ; call++) {
        const key = keys[call % keys.length] as string;
        const rules = endpoint === DETAIL ? [KEY_RULE(key), DETAIL_RULE(key)] : [KEY_RULE(key)];
        const sendAt = await limiter.reserve(rules, fake.now());
        await fake.sleep(Math.max(0, Math.ceil(sendAt - fake.now())));
        if (fake.now() >= end) return;
        const verdict = server.take(keyFingerprint(key), endpoint);
        if (verdict.allowed) result.allowed.set(key, (result.allowed.get(key) ?? 0) + 1);
        else result.tooMany++;
      }
    } finally {
      running--;
    }
  };
  const work = Promise.all(instances.map((limiter, i) => worker(counted(limiter, inFlight), i)));
  await drive(
    fake,
    () => inFlight.n,
    () => running === 0,
  );
  await work;
  return result;
}

const total = (result: Hammered) => [...result.allowed.values()].reduce((a, b) => a + b, 0);

/** The claims every backend must meet, with `make()` giving one instance per simulated process. */
function sharedLimitClaims(make: () => SharedRateLimiter) {
  const N = 3;
  const instances = () => Array.from({ length: N }, make);

  it(`holds one key to 10 req/s across ${N} instances: 0 × 429, the aggregate within the limit`, async () => {
    const result = await hammer(instances(), ["key-A-shared"], "app_v2/get_image_note_detail", 10);
    expect(result.tooMany).toBe(0);
    // At most the bucket's burst plus 10 a second; and the key is used, not starved.
    expect(total(result)).toBeLessThanOrEqual(10 * 10 + 10);
    expect(total(result)).toBeGreaterThanOrEqual(0.95 * 10 * 10);
  });

  it("holds Web V3 note detail to its own 1 req/s per key across instances", async () => {
    const result = await hammer(instances(), ["key-B-shared"], DETAIL, 20);
    expect(result.tooMany).toBe(0);
    expect(total(result)).toBeLessThanOrEqual(20 + 1);
    expect(total(result)).toBeGreaterThanOrEqual(17);
  });

  it("carries twice the calls with two keys, each key within its own limit", async () => {
    const one = await hammer(instances(), ["key-C-shared"], "app_v2/search_notes", 10);
    const two = await hammer(instances(), ["key-D-shared", "key-E-shared"], "app_v2/search_notes", 10);
    expect(one.tooMany + two.tooMany).toBe(0);
    const ratio = total(two) / total(one);
    expect(ratio).toBeGreaterThan(1.9);
    expect(ratio).toBeLessThan(2.1);
    for (const count of two.allowed.values()) expect(count).toBeLessThanOrEqual(10 * 10 + 10);
    console.info(
      `shared limits: 1 key ${(total(one) / one.seconds).toFixed(2)} calls/s, 2 keys ${(total(two) / two.seconds).toFixed(2)} calls/s (x${ratio.toFixed(2)})`,
    );
  });
}

describe("shared limits in one memory (the rule, no backend)", () => {
  const memory = new MemorySharedLimiter();
  sharedLimitClaims(() => memory);

  it("has teeth: the same workers with a limiter each (per process, not shared) meet 429s", async () => {
    const result = await hammer(
      Array.from({ length: 3 }, () => new MemorySharedLimiter()),
      ["key-F-alone"],
      "app_v2/get_image_note_detail",
      10,
    );
    expect(result.tooMany).toBeGreaterThan(100);
  });
});

describe("why not a fixed window (rate-limiter-flexible's rule)", () => {
  it("10 points a second let 19 calls through within 3 ms across a window edge, where the server's bucket refuses 8", async () => {
    vi.useFakeTimers({ now: Date.UTC(2026, 0, 15) });
    try {
      const window = new RateLimiterMemory({ points: 10, duration: 1 });
      const server = new KeyRateLimiter({ perSecond: 10 }, () => Date.now());
      let passed = 0;
      let refused = 0;
      const send = async () => {
        await window.consume("key");
        passed++;
        if (!server.take("key").allowed) refused++;
      };
      await send(); // opens the window
      vi.advanceTimersByTime(998);
      for (let i = 0; i < 9; i++) await send(); // the window's last 9 points
      vi.advanceTimersByTime(3); // the next window
      for (let i = 0; i < 9; i++) await send();
      expect(passed).toBe(19);
      expect(refused).toBe(8);
    } finally {
      vi.useRealTimers();
    }
  });
});

describe.skipIf(!hasRedis())("shared limits on Redis (3 connections, as 3 processes)", () => {
  const opened: RedisSharedLimiter[] = [];
  const prefix = freshRedisPrefix("shared-limit");
  afterAll(async () => {
    await Promise.all(opened.map((limiter) => limiter.close()));
  });
  sharedLimitClaims(() => {
    const limiter = new RedisSharedLimiter(REDIS_URL as string, prefix);
    opened.push(limiter);
    return limiter;
  });
});

describe.skipIf(!hasPostgres())("shared limits on Postgres (3 pools, as 3 processes)", () => {
  const opened: PostgresSharedLimiter[] = [];
  let database: FreshDatabase | undefined;
  beforeAll(async () => {
    database = await freshPostgresDatabase("shared_limit");
  });
  afterAll(async () => {
    await Promise.all(opened.map((limiter) => limiter.close()));
    await database?.drop();
  });
  sharedLimitClaims(() => {
    const limiter = new PostgresSharedLimiter((database as FreshDatabase).url);
    opened.push(limiter);
    return limiter;
  });
});

describe("a backend that does not answer", () => {
  it("is a SharedLimitError that names the URL without its password, and nothing is sent", async () => {
    const limiter = sharedLimiterFrom({ postgresUrl: "postgres://user:hunter2@127.0.0.1:9/none" });
    const error = await limiter.reserve([KEY_RULE("k")], 0).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(SharedLimitError);
    expect((error as Error).message).toContain("127.0.0.1:9");
    expect((error as Error).message).not.toContain("hunter2");
    await limiter.close?.();
  });
});

/** `clients` whole clients on one key against one simulator, each firing `calls` Web V3 details at once. */
async function clientsOnOneKey(clients: number, calls: number, sharedLimits: () => SharedRateLimiter | undefined) {
  const fake = createFakeClock(Date.UTC(2026, 0, 15));
  const sim = createSimulator({ seed: 3, size: "tiny", faults: "healthy", clock: fake.clock, sleep: fake.sleep });
  const notes = sim.world.notes().filter((n) => !n.deleted && !n.webRestricted);
  const inFlight = { n: 0 };
  const events: AttemptEvent[] = [];
  const xs = Array.from({ length: clients }, () => {
    const shared = sharedLimits();
    return createClient({
      apiKey: "tk_one_shared_key_0123",
      fetch: sim.fetch,
      baseUrl: sim.url,
      clock: fake.clock,
      sleep: fake.sleep,
      hedge: false,
      onEvent: (event) => events.push(event),
      ...(shared ? { sharedLimits: counted(shared, inFlight) } : {}),
    });
  });
  let settled = 0;
  const work = Promise.allSettled(
    xs.flatMap((xhs, c) =>
      Array.from({ length: calls }, (_, i) => {
        const note = notes[(c * calls + i) % notes.length];
        if (!note) throw new Error("no note");
        return xhs.raw(DETAIL, { note_id: note.id, xsec_token: note.xsecToken }).finally(() => settled++);
      }),
    ),
  );
  const start = fake.now();
  await drive(
    fake,
    () => inFlight.n,
    () => settled === clients * calls,
  );
  await work;
  await Promise.all(xs.map((xhs) => xhs.close?.()));
  const status = sim.ledger.snapshot().totals.byStatus;
  return { ok: status["200"] ?? 0, tooMany: status["429"] ?? 0, seconds: (fake.now() - start) / 1000, events };
}

describe.skipIf(!hasRedis())("whole clients sharing one key through Redis", () => {
  it("3 clients × 8 Web V3 note details: 0 × 429 with shared limits, 429s without", async () => {
    const prefix = freshRedisPrefix("clients");
    const shared = await clientsOnOneKey(3, 8, () => new RedisSharedLimiter(REDIS_URL as string, prefix));
    expect(shared.tooMany).toBe(0);
    expect(shared.ok).toBe(24);
    // 24 sends at most 1 per 1.1 s.
    expect(shared.seconds).toBeGreaterThanOrEqual(23 * 1.1);
    expect(shared.events.every((e) => e.keyFingerprint === keyFingerprint("tk_one_shared_key_0123"))).toBe(true);

    const alone = await clientsOnOneKey(3, 8, () => undefined);
    expect(alone.tooMany).toBeGreaterThan(0);
  });
});

describe("a call that wakes late after its booking", () => {
  it("books again instead of going late and bunching with the calls booked after it", async () => {
    const fake = createFakeClock(Date.UTC(2026, 0, 15));
    const sim = createSimulator({ seed: 3, size: "tiny", rateLimit: 0, clock: fake.clock, sleep: fake.sleep });
    const note = sim.world.notes().find((n) => !n.deleted);
    const bookedAt: number[] = [];
    const limiter: SharedRateLimiter = {
      reserve: async (_rules, nowMs) => {
        bookedAt.push(nowMs);
        return nowMs + 1_000;
      },
    };
    // The first wait for a booking oversleeps by 300 ms (a starved process).
    let starved = false;
    const sleep: Sleep = async (ms, signal) => {
      await fake.sleep(ms, signal);
      if (!starved && ms === 1_000) {
        starved = true;
        await fake.sleep(300, signal);
      }
    };
    const sentAt: number[] = [];
    const xhs = createClient({
      apiKey: "tk_late_key_0123",
      fetch: (input, init) => {
        sentAt.push(fake.now());
        return sim.fetch(input, init);
      },
      baseUrl: sim.url,
      clock: fake.clock,
      sleep,
      qps: 0,
      sharedLimits: limiter,
    });
    const start = fake.now();
    await runOn(fake)(xhs.raw("app_v2/get_image_note_detail", { note_id: note?.id ?? "" }));
    // Booked at 0, woke at 1 300 (300 ms late): booked again at 1 300, sent at its new time, 2 300.
    expect(bookedAt.map((t) => t - start)).toEqual([0, 1_300]);
    expect(sentAt.map((t) => t - start)).toEqual([2_300]);
  });
});
