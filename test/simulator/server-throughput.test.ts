/**
 * Smoke test of the throughput benchmark: it runs over real HTTP and returns sane numbers. Speed itself
 * is measured by the benchmark runner, never asserted here.
 */
import { describe, expect, it } from "vitest";
import { measureSimulatorThroughput } from "../../src/bench/simulator-throughput.js";

describe("measureSimulatorThroughput", () => {
  it("drives the endpoint mix over keep-alive HTTP and reports requests/s and latency percentiles", async () => {
    const result = await measureSimulatorThroughput({
      size: "tiny",
      concurrency: 3,
      maxRequests: 90,
      durationMs: 60_000,
      warmupRequests: 5,
    });
    expect(result.requests).toBe(90);
    expect(result.errors).toBe(0);
    expect(result.requestsPerSecond).toBeGreaterThan(0);
    expect(result.requestsPerCpuSecond).toBeGreaterThan(0);
    expect(result.serverCapacityRps).toBeGreaterThan(0);
    expect(result.p50Ms).toBeGreaterThan(0);
    expect(result.p99Ms).toBeGreaterThanOrEqual(result.p50Ms);
    expect(result.meanBodyBytes).toBeGreaterThan(1_000);
    expect(Object.values(result.perEndpoint).reduce((a, b) => a + b, 0)).toBe(90);
    expect(Object.keys(result.perEndpoint).length).toBeGreaterThanOrEqual(4);
  });
});
