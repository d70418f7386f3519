import { describe, expect, it } from "vitest";
import { createFakeClock } from "../../src/core/clock.js";
import { TokenBucket } from "../../src/core/token-bucket.js";

describe("TokenBucket (core)", () => {
  it("starts full, refills at its rate on the clock, and never holds more than its burst", async () => {
    const fake = createFakeClock();
    const bucket = new TokenBucket({ perSecond: 2, burst: 3 }, fake.clock);
    expect(bucket.tryTake(3)).toBe(true);
    expect(bucket.tryTake()).toBe(false);
    expect(bucket.secondsUntil(1)).toBeCloseTo(0.5);
    await fake.advance(500);
    expect(bucket.tryTake()).toBe(true);
    await fake.advance(60_000);
    expect(bucket.tokens).toBe(3);
  });

  it("tryTake is all or none; take goes into debt that later callers wait behind", () => {
    const fake = createFakeClock();
    const bucket = new TokenBucket({ perSecond: 10, burst: 1 }, fake.clock);
    expect(bucket.tryTake(2)).toBe(false);
    expect(bucket.tokens).toBe(1);
    bucket.take();
    bucket.take();
    expect(bucket.tokens).toBe(-1);
    expect(bucket.secondsUntil(1)).toBeCloseTo(0.2);
    bucket.giveBack();
    expect(bucket.tokens).toBe(0);
  });

  it("setRate keeps what was earned at the old rate; owe empties the bucket and adds a debt", async () => {
    const fake = createFakeClock();
    const bucket = new TokenBucket({ perSecond: 4, burst: 4 }, fake.clock);
    bucket.take(4);
    await fake.advance(500); // 2 tokens at 4/s
    bucket.setRate(1);
    expect(bucket.tokens).toBe(2);
    bucket.owe(3);
    expect(bucket.tokens).toBe(-3);
    expect(bucket.secondsUntil(1)).toBe(4);
  });
});
