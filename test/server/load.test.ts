import { describe, expect, it } from "vitest";
import { measureServerLoad } from "../../src/bench/server-load.js";

describe("server load run (bounded)", () => {
  it("reports throughput, latency and cache figures per mix, with no error under the configured limits", async () => {
    const results = await measureServerLoad({
      mixes: ["cached", "uncached"],
      durationMs: 500,
      maxRequests: 120,
      warmupRequests: 40,
      concurrency: 4,
    });
    const [cached, uncached] = results;
    for (const r of results) {
      expect(r.errors, r.mix).toBe(0);
      expect(r.requests).toBeGreaterThan(0);
      expect(r.requests).toBeLessThanOrEqual(120);
      expect(r.requestsPerSecond).toBeGreaterThan(0);
      expect(r.p99Ms).toBeGreaterThanOrEqual(r.p50Ms);
    }
    expect(cached).toMatchObject({ mix: "cached", cacheHitRatio: 1, upstreamCalls: 0 });
    expect(uncached!.mix).toBe("uncached");
    expect(uncached!.cacheHitRatio).toBe(0);
    // Nearly every request went upstream (two identical ones in flight at once share one call).
    expect(uncached!.upstreamCalls).toBeGreaterThanOrEqual(Math.floor(uncached!.requests * 0.9));
  }, 60_000);
});
