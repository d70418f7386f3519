import { describe, expect, it } from "vitest";
import { createFakeClock } from "../../src/core/clock.js";
import { ConnectionError, TimeoutError, UpstreamError, WrongItemError } from "../../src/core/errors.js";
import { CircuitBreaker, failureScope, HealthBoard } from "../../src/failover/health.js";

describe("circuit breaker", () => {
  it("opens after consecutive failures, half-opens after the cool-down, closes on a successful probe", async () => {
    const fake = createFakeClock();
    const breaker = new CircuitBreaker(fake.clock, { failureThreshold: 3, coolDownMs: 10_000 });
    breaker.failure();
    breaker.failure();
    expect(breaker.state).toBe("closed");
    breaker.success(); // a success resets the count
    breaker.failure();
    breaker.failure();
    expect(breaker.state).toBe("closed");
    breaker.failure();
    expect(breaker.state).toBe("open");
    expect(breaker.available).toBe(false);
    await fake.advance(9_999);
    expect(breaker.state).toBe("open");
    await fake.advance(1);
    expect(breaker.state).toBe("half_open");
    expect(breaker.available).toBe(true);
    breaker.begin(); // the probe
    expect(breaker.available).toBe(false); // only one probe at a time
    breaker.success();
    expect(breaker.state).toBe("closed");
  });

  it("re-opens for a full cool-down when the half-open probe fails", async () => {
    const fake = createFakeClock();
    const breaker = new CircuitBreaker(fake.clock, { failureThreshold: 2, coolDownMs: 1_000 });
    breaker.failure();
    breaker.failure();
    await fake.advance(1_000);
    expect(breaker.state).toBe("half_open");
    breaker.begin();
    breaker.failure();
    expect(breaker.state).toBe("open");
    await fake.advance(999);
    expect(breaker.state).toBe("open");
    await fake.advance(1);
    expect(breaker.state).toBe("half_open");
  });

  it("a probe that tells nothing (release) lets the next call probe", async () => {
    const fake = createFakeClock();
    const breaker = new CircuitBreaker(fake.clock, { failureThreshold: 1, coolDownMs: 10 });
    breaker.failure();
    await fake.advance(10);
    breaker.begin();
    expect(breaker.available).toBe(false);
    breaker.release();
    expect(breaker.available).toBe(true);
  });
});

describe("health board", () => {
  it("moves an open series to the back of the order without removing it, per capability", () => {
    const fake = createFakeClock();
    const board = new HealthBoard(fake.clock, { failureThreshold: 1 });
    board.breaker("app_v2", "comments").failure();
    expect(board.order("comments", ["app_v2", "app_v1", "web_v3"])).toEqual(["app_v1", "web_v3", "app_v2"]);
    // Another capability of the same series is unaffected.
    expect(board.order("note", ["app_v2", "app_v1", "web_v3"])).toEqual(["app_v2", "app_v1", "web_v3"]);
    expect(board.snapshot().app_v2).toEqual({ comments: "open", note: "closed" });
  });

  it("tries every series anyway when all are open, in the configured order", () => {
    const fake = createFakeClock();
    const board = new HealthBoard(fake.clock, { failureThreshold: 1 });
    for (const s of ["app_v2", "app_v1"] as const) board.breaker(s, "user").failure();
    expect(board.order("user", ["app_v2", "app_v1"])).toEqual(["app_v2", "app_v1"]);
  });
});

describe("failure scopes", () => {
  it("a timeout, a dropped connection or a 5xx counts toward every capability of the series", async () => {
    const fake = createFakeClock();
    const board = new HealthBoard(fake.clock, { failureThreshold: 2, coolDownMs: 1_000 });
    const timeout = new TimeoutError("hung", { series: "app_v2" });
    const down = new UpstreamError("502", { series: "app_v2", httpStatus: 502 });
    expect(failureScope(timeout)).toBe("series");
    expect(failureScope(new ConnectionError("reset"))).toBe("series");
    expect(failureScope(down)).toBe("series");
    board.breaker("app_v2", "note").failure(failureScope(timeout));
    board.breaker("app_v2", "comments").failure(failureScope(down));
    // Two series-level failures on two capabilities open the series for a third capability too.
    expect(board.order("searchNotes", ["app_v2", "app_v1"])).toEqual(["app_v1", "app_v2"]);
    expect(board.state("app_v2", "user")).toBe("open");
    // Half-open probing: after the cool-down one probe goes through, and its success closes the series.
    await fake.advance(1_000);
    const probe = board.breaker("app_v2", "user");
    expect(probe.available).toBe(true);
    probe.begin();
    expect(board.breaker("app_v2", "note").available).toBe(false); // one probe at a time for the series
    probe.success();
    expect(board.order("note", ["app_v2", "app_v1"])).toEqual(["app_v2", "app_v1"]);
    expect(board.state("app_v2", "comments")).toBe("closed");
  });

  it("payload-level failures (empty, inner failure, wrong item) stay per capability", () => {
    const fake = createFakeClock();
    const board = new HealthBoard(fake.clock, { failureThreshold: 1 });
    const inner = new UpstreamError("服务异常", { httpStatus: 200, upstreamMessage: "服务异常" });
    expect(failureScope(inner)).toBe("capability");
    expect(failureScope(new WrongItemError("other note"))).toBe("capability");
    board.breaker("app_v2", "note").failure(failureScope(inner));
    expect(board.state("app_v2", "note")).toBe("open");
    expect(board.state("app_v2", "comments")).toBe("closed");
  });
});
