// The results.md sections drawn from the separately measured parts judge issue #13's goals from their figures.
import { describe, expect, it } from "vitest";
import {
  renderDashboardNotes,
  renderScale,
  renderStoreBefore,
  type StoreBeforeRun,
} from "../../src/bench/report-parts.js";
import type { ScaleCell, ScaleResult } from "../../src/bench/scale.js";

const cell = (workers: number, keys: number, share: number, extra: Partial<ScaleCell> = {}): ScaleCell => ({
  workers,
  keys,
  calls: 100 * keys,
  usefulCalls: 100 * keys,
  http429: 0,
  usefulPerSecond: share * keys * 10,
  shareOfLimit: share,
  lost: 0,
  duplicates: 0,
  status: "completed",
  realSeconds: 12,
  ...extra,
});

const pass = (cells: ScaleCell[], seed = 1): ScaleResult => ({
  seed,
  notesPerKey: 15,
  measuredAt: "2026-12-03T20:47:03.000Z",
  loadAverage: { start: 0.7, end: 1.6 },
  cells,
  postgres: { upsertsPerSecond: 10_880, leasesPerSecond: 215, connections: 4 },
});

describe("renderScale", () => {
  it("meets the goal only when every cell of every pass reaches 95 % with no 429 and nothing lost", () => {
    const good = renderScale([
      pass([cell(1, 1, 1.0), cell(4, 4, 0.98)]),
      pass([cell(1, 1, 0.99), cell(4, 4, 0.96)], 2),
    ]);
    expect(good).toContain("**met** ≥ 95 % of keys × 10 calls/s in every cell: lowest 96 % (4 × 4)");
    expect(good).toContain("**met** 0 × 429");
    expect(good).not.toContain("not met");
    // One slow cell in the second pass fails the whole table.
    const slow = renderScale([
      pass([cell(1, 1, 1.0), cell(4, 4, 0.98)]),
      pass([cell(1, 1, 0.99), cell(4, 4, 0.93)], 2),
    ]);
    expect(slow).toContain("**not met** ≥ 95 % of keys × 10 calls/s in every cell: lowest 93 % (4 × 4)");
    expect(renderScale(pass([cell(2, 1, 1.0, { http429: 3 })]))).toContain("**not met** 0 × 429: 3 in 1 cells");
    expect(renderScale(pass([cell(2, 1, 1.0, { duplicates: 1 })]))).toContain(
      "**not met** 0 lost or duplicate records",
    );
  });

  it("lines the passes up by workers × keys and sizes Postgres from the lower pass", () => {
    const first = pass([cell(1, 1, 1.0), cell(2, 4, 0.99)]);
    const second = {
      ...pass([cell(2, 4, 0.97), cell(1, 1, 0.98)], 2),
      postgres: { upsertsPerSecond: 4_000, leasesPerSecond: 300, connections: 4 },
    };
    const text = renderScale([first, second]);
    expect(text).toContain("| 1 × 1 | 10 | 100 % | 100 | 9.8 | 98 % | 100 |");
    expect(text).toContain("| 2 × 4 | 39.6 | 99 % | 400 | 38.8 | 97 % | 400 |");
    // 215 leases/s ÷ 10 steps per key; 4,000 upserts/s ÷ 200 per key.
    expect(text).toContain("serve about 21 keys by leases and 20 by upserts");
  });
});

describe("renderStoreBefore", () => {
  const run = (upserts: number, steps: number, leases: number): StoreBeforeRun => ({
    pages: 100,
    rounds: 8,
    before: "d8a7bde",
    backends: [
      { name: "before", upsertsPerSecond: 1000, stepsPerSecond: 100, leasesPerSecond: 200, ratio: null },
      {
        name: "today",
        upsertsPerSecond: 1000 * upserts,
        stepsPerSecond: 100 * steps,
        leasesPerSecond: 200 * leases,
        ratio: { upsertsPerSecond: upserts, stepsPerSecond: steps, leasesPerSecond: leases },
      },
    ],
  });

  it("judges the lowest ratio of every run against 0.8×", () => {
    expect(renderStoreBefore([run(0.9, 0.85, 0.93), run(0.88, 0.86, 0.9)])).toContain(
      "**met** ≥ 0.8× of the store before Kysely: lowest 0.85×",
    );
    expect(renderStoreBefore([run(0.9, 0.85, 0.93), run(0.88, 0.79, 0.9)])).toContain(
      "**not met** ≥ 0.8× of the store before Kysely: lowest 0.79×",
    );
  });
});

describe("renderDashboardNotes", () => {
  const kind = (name: string, query: string, p95Ms: number, totalExact = true) => ({
    kind: name,
    query,
    total: 100_000,
    totalExact,
    p50Ms: p95Ms / 2,
    p95Ms,
    maxMs: p95Ms + 1,
    withinBound: p95Ms <= 250,
  });
  const result = (kinds: ReturnType<typeof kind>[]) => ({
    measuredAt: "2026-12-03T22:09:12.873Z",
    notes: 100_000,
    rounds: 20,
    buildSeconds: 25.4,
    databaseMb: 236.1,
    loadAverage: { start: [11.1], end: [9.2] },
    boundMs: 250,
    met: kinds.every((k) => k.withinBound),
    deepOverFirst: 2,
    kinds,
  });

  it("names the kinds over the bound, marks bounded totals, and keeps the hand-written notes", () => {
    const ok = renderDashboardNotes(
      result([kind("first", "", 6), kind("deep", "page=2000", 9)]),
      "<!-- x -->\n\nProse.",
    );
    expect(ok).toContain("**met** every kind's p95 ≤ 250 ms: all 2 kinds (slowest p95: deep, 9 ms).");
    expect(ok).toContain("(4.5 vs 3 ms)");
    expect(ok.trim().endsWith("Prose.")).toBe(true);
    expect(ok).not.toContain("<!--");
    const slow = renderDashboardNotes(result([kind("first", "", 6), kind("rare word", "q=x", 302, false)]), null);
    expect(slow).toContain("**not met** every kind's p95 ≤ 250 ms: 1 of 2 over it (rare word 302 ms).");
    expect(slow).toContain("| rare word | `q=x` | more than 100,000 | 151 | 302 | 303 | **no** |");
  });
});
