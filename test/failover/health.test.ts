import { describe, expect, it } from "vitest";
import { CircuitBreaker, HealthBoard } from "../../src/failover/health.js";
import { createFakeClock } from "../../src/transport/clock.js";

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
