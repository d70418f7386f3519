import { describe, expect, it } from "vitest";
import { endpoint } from "../../src/catalog/endpoints.js";
import { createFakeClock } from "../../src/core/clock.js";
import {
  AbortedError,
  AuthError,
  BudgetExceededError,
  ConnectionError,
  InvalidInputError,
  RateLimitError,
  ShapeError,
  TimeoutError,
  UpstreamError,
  WrongItemError,
} from "../../src/core/errors.js";
import type { AttemptEvent } from "../../src/core/types.js";
import { backoffDelay } from "../../src/transport/backoff.js";
import { createTransport, type Interpret, type TransportOptions } from "../../src/transport/transport.js";
import { envelope, hang, json, KEY, ok, scriptedFetch, text } from "./helpers.js";

const NOTE = "64f1a2b3c4d5e6f7a8b9c0d1";
const image = endpoint("app_v2/get_image_note_detail");
const body = (b: Record<string, unknown>) => b;

function setup(fetch: typeof globalThis.fetch, options: TransportOptions = {}) {
  const fake = createFakeClock();
  const events: AttemptEvent[] = [];
  const transport = createTransport({
    apiKey: KEY,
    fetch,
    clock: fake.clock,
    sleep: fake.sleep,
    random: () => 0.5,
    env: {},
    onEvent: (e) => events.push(e),
    ...options,
  });
  const call = (
    interpret: Interpret<Record<string, unknown>> = body,
    ctx: Partial<Parameters<typeof transport.executeOnSeries>[3]> = {},
  ) => transport.executeOnSeries(image, { note_id: NOTE }, interpret, { capability: "note", failover: false, ...ctx });
  return { fake, events, transport, call };
}

/** Runs `promise` to its end on virtual time. */
async function settle<T>(fake: ReturnType<typeof createFakeClock>, promise: Promise<T>): Promise<T> {
  promise.catch(() => {});
  await fake.runAll();
  return promise;
}

describe("HTTP request", () => {
  it("sends the key as a Bearer token, JSON accept, a normal User-Agent, and the params", async () => {
    const f = scriptedFetch(ok());
    const { call } = setup(f.fetch);
    await call();
    expect(f.calls).toHaveLength(1);
    const [first] = f.calls;
    expect(first?.url).toBe(`https://api.tikhub.io/api/v1/xiaohongshu/app_v2/get_image_note_detail?note_id=${NOTE}`);
    expect(first?.headers["authorization"]).toBe(`Bearer ${KEY}`);
    expect(first?.headers["accept"]).toBe("application/json");
    expect(first?.headers["user-agent"]).toMatch(/^Mozilla\/5\.0 .*xhs-kit/);
  });

  it("takes the base URL from the option, else TIKHUB_BASE_URL, else the default", async () => {
    const f = scriptedFetch(ok());
    await setup(f.fetch, { env: { TIKHUB_BASE_URL: "https://api.tikhub.dev/" } }).call();
    await setup(f.fetch, { env: { TIKHUB_BASE_URL: "https://api.tikhub.dev" }, baseUrl: "http://127.0.0.1:9/" }).call();
    expect(f.calls.map((c) => new URL(c.url).origin)).toEqual(["https://api.tikhub.dev", "http://127.0.0.1:9"]);
    expect(() => createTransport({ apiKey: KEY, baseUrl: "not a url" })).toThrow(InvalidInputError);
  });

  it("reads the key from TIKHUB_API_KEY, and refuses to call without one", async () => {
    const f = scriptedFetch(ok());
    await setup(f.fetch, { apiKey: undefined, env: { TIKHUB_API_KEY: "env-key-123456" } }).call();
    expect(f.calls[0]?.headers["authorization"]).toBe("Bearer env-key-123456");
    const none = setup(f.fetch, { apiKey: undefined, env: {} });
    await expect(none.call()).rejects.toBeInstanceOf(AuthError);
    expect(f.calls).toHaveLength(1);
  });

  it("validates parameters locally before any call", async () => {
    const f = scriptedFetch(ok());
    const { transport } = setup(f.fetch);
    await expect(
      transport.executeOnSeries(endpoint("app_v2/search_notes"), { keyword: "猫", sort_type: "hot" }, body, {
        capability: "searchNotes",
        failover: false,
      }),
    ).rejects.toThrow(/sort_type/);
    expect(f.calls).toHaveLength(0);
  });
});

describe("success and the ledger", () => {
  it("hands the envelope and the attempt's meta to interpret and records a billable event", async () => {
    const f = scriptedFetch(json(200, envelope({ code: 0, success: true, data: [] }), { "x-request-id": "rid-9" }));
    const { call, events, transport } = setup(f.fetch);
    const seen = await call((b) => b);
    expect(seen["code"]).toBe(200);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      capability: "note",
      endpoint: "app_v2/get_image_note_detail",
      series: "app_v2",
      httpStatus: 200,
      outcome: "ok",
      billable: true,
      costUsd: 0.01,
      retry: 0,
      failover: false,
      requestId: "rid-9",
      at: "2026-01-01T00:00:00.000Z",
    });
    const stats = transport.stats();
    expect(stats).toMatchObject({ calls: 1, billableCalls: 1, costUsd: 0.01, retries: 0, failovers: 0 });
    expect(stats.bySeries.app_v2).toMatchObject({ calls: 1, ok: 1, failed: 0, billableCalls: 1 });
  });

  it("passes meta with params, status, request id and fetch time", async () => {
    const f = scriptedFetch(json(200, envelope({}), { "x-request-id": "rid-3" }));
    const { call, fake } = setup(f.fetch);
    await fake.advance(1_500);
    let meta: unknown;
    await call((b, m) => {
      meta = m;
      return b;
    });
    expect(meta).toMatchObject({
      series: "app_v2",
      httpStatus: 200,
      requestId: "rid-3",
      params: { note_id: NOTE },
      fetchedAt: "2026-01-01T00:00:01.500Z",
      retry: 0,
    });
  });
});

describe("retries and backoff", () => {
  it("backoffDelay: 500 ms doubling, ±25 % jitter, capped at 30 s", () => {
    expect([1, 2, 3, 4].map((r) => backoffDelay(r, () => 0.5))).toEqual([500, 1000, 2000, 4000]);
    expect([1, 2, 3].map((r) => backoffDelay(r, () => 0))).toEqual([375, 750, 1500]);
    expect(backoffDelay(1, () => 0.999_999)).toBe(625);
    expect(backoffDelay(10, () => 0.5)).toBe(30_000);
    expect(backoffDelay(10, () => 0.999_999)).toBe(30_000);
    expect(backoffDelay(7, () => 0)).toBe(22_500);
  });

  it("retries 5xx with backoff and succeeds; events number the retries", async () => {
    const f = scriptedFetch(json(503, { detail: "busy" }), text(502, "<html>bad gateway</html>"), ok());
    const { call, fake, events, transport } = setup(f.fetch, { random: () => 0 });
    const result = await settle(fake, call());
    expect(result["code"]).toBe(200);
    expect(f.calls).toHaveLength(3);
    const backoffs = fake.sleeps.filter((ms) => ms !== 30_000); // 30 s = the per-attempt timeout timers
    expect(backoffs).toEqual([375, 750]);
    expect(events.map((e) => [e.retry, e.outcome, e.billable])).toEqual([
      [0, "upstream", false],
      [1, "upstream", false],
      [2, "ok", true],
    ]);
    expect(events[2]?.reason).toMatch(/^retry after upstream/);
    expect(transport.stats()).toMatchObject({ calls: 3, billableCalls: 1, retries: 2 });
  });

  it("gives up after maxRetries with the last error", async () => {
    const f = scriptedFetch(json(500, { detail: "boom" }));
    const { call, fake } = setup(f.fetch, { maxRetries: 1 });
    await expect(settle(fake, call())).rejects.toBeInstanceOf(UpstreamError);
    expect(f.calls).toHaveLength(2);
  });

  it("does not retry a dropped connection by default (fails over at once), but the caller can ask to", async () => {
    const f = scriptedFetch(new TypeError("fetch failed"), ok());
    const { call, fake, events } = setup(f.fetch);
    await expect(settle(fake, call())).rejects.toBeInstanceOf(ConnectionError);
    expect(f.calls).toHaveLength(1);
    await settle(fake, call(undefined, { retryable: () => true }));
    expect(events.map((e) => [e.outcome, e.httpStatus])).toEqual([
      ["connection", null],
      ["ok", 200],
    ]);
  });

  it("reports a connection failure that lasts as ConnectionError", async () => {
    const f = scriptedFetch(Object.assign(new TypeError("fetch failed"), { cause: { code: "ECONNREFUSED" } }));
    const { call, fake } = setup(f.fetch, { maxRetries: 0 });
    const error = await settle(fake, call()).catch((e) => e);
    expect(error).toBeInstanceOf(ConnectionError);
    expect(error.message).toContain("ECONNREFUSED");
  });

  it.each([
    [401, { detail: { message: "bad key" } }],
    [402, { detail: { message: "pay" } }],
    [403, { detail: { message: "scope" } }],
    [422, { detail: [{ loc: ["query", "note_id"], msg: "bad" }] }],
    [404, { detail: "Not Found" }],
    [400, { detail: { message: "This endpoint has been deprecated." } }],
  ])("does not retry HTTP %i", async (status, errorBody) => {
    const f = scriptedFetch(json(status, errorBody));
    const { call, fake } = setup(f.fetch);
    await expect(settle(fake, call())).rejects.toMatchObject({ httpStatus: status });
    expect(f.calls).toHaveLength(1);
  });

  it("does not retry a wrong item or an unknown shape; both are billed", async () => {
    const f = scriptedFetch(ok());
    const { call, fake, events } = setup(f.fetch);
    await expect(
      settle(
        fake,
        call(() => {
          throw new WrongItemError("asked n1, got n2");
        }),
      ),
    ).rejects.toMatchObject({ kind: "wrong_item", endpoint: image.name, series: "app_v2", httpStatus: 200 });
    const shape = await settle(
      fake,
      call(() => {
        throw new TypeError("cannot read x of undefined");
      }),
    ).catch((e) => e);
    expect(shape).toBeInstanceOf(ShapeError);
    expect(shape.requestId).toBe("req-200");
    expect(f.calls).toHaveLength(2);
    expect(events.map((e) => [e.outcome, e.billable])).toEqual([
      ["wrong_item", true],
      ["shape", true],
    ]);
  });

  it("does not retry an empty payload by default (fail over instead), but the caller can ask to", async () => {
    const empty = () => {
      throw new UpstreamError("empty note_list", { emptyPayload: true });
    };
    const f = scriptedFetch(ok());
    const { call, fake } = setup(f.fetch);
    await expect(settle(fake, call(empty))).rejects.toMatchObject({ emptyPayload: true });
    expect(f.calls).toHaveLength(1);
    await expect(settle(fake, call(empty, { retryable: () => true }))).rejects.toBeInstanceOf(UpstreamError);
    // A 200 is billed: even when asked to, it is retried at most once (MAX_BILLED_RETRIES).
    expect(f.calls).toHaveLength(3);
  });

  it("retries a billed inner failure (服务异常 on a 200) at most once, then throws for failover", async () => {
    const f = scriptedFetch(ok());
    const { call, fake, events } = setup(f.fetch, { maxRetries: 3 });
    const failing = () => {
      throw new UpstreamError("服务异常", { upstreamMessage: "服务异常" });
    };
    await expect(settle(fake, call(failing))).rejects.toMatchObject({ upstreamMessage: "服务异常" });
    expect(f.calls).toHaveLength(2);
    expect(events.filter((e) => e.billable)).toHaveLength(2);
  });

  it("still retries an unbilled 5xx up to maxRetries", async () => {
    const f = scriptedFetch(json(503, { detail: "down" }));
    const { call, fake } = setup(f.fetch, { maxRetries: 3 });
    await expect(settle(fake, call())).rejects.toBeInstanceOf(UpstreamError);
    expect(f.calls).toHaveLength(4);
  });

  it("retries an inner failure (upstream jitter on a 200)", async () => {
    let n = 0;
    const f = scriptedFetch(ok());
    const { call, fake } = setup(f.fetch);
    const result = await settle(
      fake,
      call((b) => {
        if (++n < 2) throw new UpstreamError("服务异常", { upstreamMessage: "服务异常" });
        return b;
      }),
    );
    expect(result["code"]).toBe(200);
    expect(f.calls).toHaveLength(2);
  });
});

describe("Retry-After", () => {
  it("waits the seconds a 429 asks for (longer than the backoff) and lowers the rate", async () => {
    const f = scriptedFetch(
      json(429, { detail: { code: 429, message: "Too Many Requests" } }, { "retry-after": "5" }),
      ok(),
    );
    const { call, fake, transport } = setup(f.fetch);
    const started = fake.now();
    await settle(fake, call());
    expect(fake.sleeps.filter((ms) => ms !== 30_000)).toContain(5_000);
    expect(fake.now() - started).toBeGreaterThanOrEqual(5_000);
    // Halved to 5 req/s by the 429, then one recovery step (+1 req/s) for the 5 s without a 429.
    expect(transport.limiter.global.qps).toBe(6);
  });

  it("honours an HTTP-date Retry-After", async () => {
    const fake0 = createFakeClock();
    const at = new Date(fake0.now() + 8_000).toUTCString();
    const f = scriptedFetch(json(429, {}, { "retry-after": at }), ok());
    const { call, fake } = setup(f.fetch);
    await settle(fake, call());
    expect(fake.sleeps.filter((ms) => ms !== 30_000)).toContain(8_000);
  });

  it("does not wait on the same series when Retry-After is too long: the router can fail over", async () => {
    const f = scriptedFetch(json(429, {}, { "retry-after": "3600" }), ok());
    const { call, fake } = setup(f.fetch);
    const error = await settle(fake, call()).catch((e) => e);
    expect(error).toBeInstanceOf(RateLimitError);
    expect(error.retryAfterSec).toBe(3600);
    expect(f.calls).toHaveLength(1);
  });

  it("gives up with RateLimitError after the retries allowed", async () => {
    const f = scriptedFetch(json(429, {}, { "retry-after": "1" }));
    const { call, fake } = setup(f.fetch);
    await expect(settle(fake, call())).rejects.toBeInstanceOf(RateLimitError);
    expect(f.calls).toHaveLength(3);
  });
});

describe("timeout and abort", () => {
  it("times out an attempt on virtual time and does not retry it by default (fails over at once)", async () => {
    const f = scriptedFetch(hang, ok());
    const { call, fake, events } = setup(f.fetch, { timeoutMs: 10_000 });
    const pending = call();
    pending.catch(() => {});
    await fake.advance(9_999);
    expect(events).toHaveLength(0);
    await fake.advance(1);
    await expect(pending).rejects.toBeInstanceOf(TimeoutError);
    expect(f.calls).toHaveLength(1);
  });

  it("times out an attempt on virtual time and retries it when the caller asks to", async () => {
    const f = scriptedFetch(hang, ok());
    const { call, fake, events } = setup(f.fetch, { timeoutMs: 10_000 });
    const pending = call(undefined, { retryable: () => true });
    pending.catch(() => {});
    await fake.advance(9_999);
    expect(events).toHaveLength(0);
    await fake.advance(1);
    expect(events[0]).toMatchObject({ outcome: "timeout", httpStatus: null, billable: false, latencyMs: 10_000 });
    await fake.runAll();
    await expect(pending).resolves.toMatchObject({ code: 200 });
  });

  it("reports TimeoutError when every attempt times out, and aborts fetch's own signal", async () => {
    const f = scriptedFetch(hang);
    const { call, fake } = setup(f.fetch, { timeoutMs: 1_000, maxRetries: 1 });
    await expect(settle(fake, call())).rejects.toBeInstanceOf(TimeoutError);
    expect(f.calls.every((c) => c.signal?.aborted)).toBe(true);
  });

  it("a timeout also covers a body that never finishes", async () => {
    const stalled = new Response(new ReadableStream({ start() {} }), { status: 200 });
    const f = scriptedFetch(async () => stalled);
    const { call, fake } = setup(f.fetch, { timeoutMs: 2_000, maxRetries: 0 });
    await expect(settle(fake, call())).rejects.toBeInstanceOf(TimeoutError);
  });

  it("the caller's abort during a request ends it at once with AbortedError, with no retry", async () => {
    const f = scriptedFetch(hang);
    const { call, fake } = setup(f.fetch);
    const controller = new AbortController();
    const pending = call(body, { signal: controller.signal });
    pending.catch(() => {});
    await fake.flush();
    controller.abort();
    await expect(pending).rejects.toBeInstanceOf(AbortedError);
    expect(f.calls).toHaveLength(1);
    expect(f.calls[0]?.signal?.aborted).toBe(true);
  });

  it("the caller's abort during a backoff sleep does not sleep on", async () => {
    const f = scriptedFetch(json(503, {}), ok());
    const { call, fake } = setup(f.fetch);
    const controller = new AbortController();
    const pending = call(body, { signal: controller.signal });
    pending.catch(() => {});
    await fake.flush();
    await fake.flush();
    expect(f.calls).toHaveLength(1);
    controller.abort();
    await expect(pending).rejects.toBeInstanceOf(AbortedError);
    expect(fake.pending()).toBe(0);
    expect(f.calls).toHaveLength(1);
  });

  it("an already aborted signal sends nothing", async () => {
    const f = scriptedFetch(ok());
    const { call } = setup(f.fetch);
    await expect(call(body, { signal: AbortSignal.abort() })).rejects.toBeInstanceOf(AbortedError);
    expect(f.calls).toHaveLength(0);
  });
});

describe("budget", () => {
  it("stops before the call that would pass maxCalls", async () => {
    const f = scriptedFetch(ok());
    const { call } = setup(f.fetch, { maxCalls: 2 });
    await call();
    await call();
    await expect(call()).rejects.toBeInstanceOf(BudgetExceededError);
    expect(f.calls).toHaveLength(2);
  });

  it("stops before the call that would pass maxCostUsd, with prices overridden per endpoint", async () => {
    const f = scriptedFetch(ok());
    const { call, transport } = setup(f.fetch, { maxCostUsd: 0.05, prices: { "app_v2/get_image_note_detail": 0.02 } });
    await call();
    await call();
    const error = await call().catch((e) => e);
    expect(error).toBeInstanceOf(BudgetExceededError);
    expect(error.fatal).toBe(true);
    expect(f.calls).toHaveLength(2);
    expect(transport.stats().costUsd).toBe(0.04);
  });

  it("counts attempts in flight, so concurrent calls never pay past the budget", async () => {
    const f = scriptedFetch(ok());
    const { call } = setup(f.fetch, { maxCalls: 2, concurrency: 10 });
    const results = await Promise.allSettled([call(), call(), call(), call()]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(2);
    expect(results.filter((r) => r.status === "rejected" && r.reason instanceof BudgetExceededError)).toHaveLength(2);
    expect(f.calls).toHaveLength(2);
  });

  it("unbilled failures (5xx) do not use the call budget", async () => {
    const f = scriptedFetch(json(500, {}), ok());
    const { call, fake, transport } = setup(f.fetch, { maxCalls: 1 });
    await settle(fake, call());
    expect(transport.stats()).toMatchObject({ calls: 2, billableCalls: 1 });
  });
});

describe("raw calls", () => {
  it("returns TikHub's exact answer, inner failure included", async () => {
    const answer = envelope({ code: -1, success: false, msg: "服务异常" });
    const f = scriptedFetch(json(200, answer, { "x-request-id": "rid-raw" }));
    const { transport, events } = setup(f.fetch);
    const result = await transport.raw("app_v2/get_image_note_detail", { note_id: NOTE });
    expect(result).toEqual({
      endpoint: "app_v2/get_image_note_detail",
      httpStatus: 200,
      body: answer,
      requestId: "rid-raw",
    });
    expect(events[0]).toMatchObject({ capability: "raw", billable: true });
  });

  it("accepts app_v1/ for app/, and rejects unknown endpoints and bad params before calling", async () => {
    const f = scriptedFetch(ok());
    const { transport } = setup(f.fetch);
    const result = await transport.raw("app_v1/get_user_info", { user_id: "5a8cf39111be10466d285d6b" });
    expect(result.endpoint).toBe("app/get_user_info");
    await expect(transport.raw("app_v9/nope", {})).rejects.toThrow(/unknown endpoint "app_v9\/nope"/);
    await expect(transport.raw("app/get_user_info", {})).rejects.toBeInstanceOf(InvalidInputError);
    expect(f.calls).toHaveLength(1);
  });
});

describe("stats", () => {
  it("aggregates per series, per endpoint errors, failovers, latency percentiles, drift and breakers", async () => {
    let latency = 0;
    const fakeRef: { sleep?: (ms: number) => Promise<void> } = {};
    const f = scriptedFetch(async () => {
      latency += 100;
      await fakeRef.sleep?.(latency);
      return ok();
    });
    const { transport, fake } = setup(f.fetch, { qps: 0 });
    fakeRef.sleep = (ms) => fake.sleep(ms);
    for (let i = 0; i < 10; i++)
      await settle(
        fake,
        transport.executeOnSeries(image, { note_id: NOTE }, body, { capability: "note", failover: false }),
      );
    await settle(
      fake,
      transport.executeOnSeries(endpoint("app/get_note_info"), { note_id: NOTE }, body, {
        capability: "note",
        failover: true,
        failoverReason: "app_v2 failed: upstream",
      }),
    );
    transport.recordDrift("app_v2/get_image_note_detail", "data.data[0].note_list[0].desc");
    transport.recordDrift("app_v2/get_image_note_detail", "data.data[0].note_list[0].desc");
    transport.setBreakerReport(() => ({ app_v2: { note: "open" } }));
    const stats = transport.stats();
    expect(stats.bySeries.app_v2).toMatchObject({ calls: 10, ok: 10, latencyMsP50: 500, latencyMsP95: 1000 });
    expect(stats.bySeries.app_v2.breakers).toEqual({ note: "open" });
    expect(stats.bySeries.app_v1).toMatchObject({ calls: 1, failovers: 1, latencyMsP50: 1100 });
    expect(stats.bySeries.web_v3).toMatchObject({ calls: 0, latencyMsP50: null });
    expect(stats.failovers).toBe(1);
    expect(stats.shapeDrift).toEqual({ "app_v2/get_image_note_detail": { "data.data[0].note_list[0].desc": 2 } });
    expect(stats.byEndpoint["app/get_note_info"]).toMatchObject({ calls: 1, billableCalls: 1, costUsd: 0.01 });
  });

  it("counts errors by kind per endpoint, and subscribe/unsubscribe works", async () => {
    const f = scriptedFetch(json(401, { detail: "bad" }), json(500, {}), ok());
    const { transport, fake } = setup(f.fetch);
    const seen: string[] = [];
    const off = transport.subscribe((e) => seen.push(e.outcome));
    await expect(transport.raw("app_v2/get_image_note_detail", { note_id: NOTE })).rejects.toBeInstanceOf(AuthError);
    off();
    await settle(fake, transport.raw("app_v2/get_image_note_detail", { note_id: NOTE }));
    expect(seen).toEqual(["auth"]);
    expect(transport.stats().byEndpoint["app_v2/get_image_note_detail"]?.errors).toEqual({ auth: 1, upstream: 1 });
  });
});
