import { describe, expect, it } from "vitest";
import { percentile } from "../../src/core/stats.js";

describe("percentile (core)", () => {
  it("is nearest-rank on unsorted values, in percent, and leaves its input alone", () => {
    const values = [50, 10, 40, 20, 30, 60, 70, 80, 90, 100];
    expect(percentile(values, 50)).toBe(50);
    expect(percentile(values, 95)).toBe(100);
    expect(percentile(values, 99)).toBe(100);
    expect(percentile(values, 10)).toBe(10);
    expect(percentile(values, 11)).toBe(20);
    expect(values[0]).toBe(50);
  });

  it("clamps p outside [0, 100] to the ends, and has no value for no data", () => {
    expect(percentile([3, 1, 2], -5)).toBe(1);
    expect(percentile([3, 1, 2], 250)).toBe(3);
    expect(percentile([], 50)).toBeNull();
  });
});
