import { describe, expect, it } from "vitest";
import type { MediaBenchResult } from "../../src/bench/media-download.js";
import { renderMedia } from "../../src/bench/report.js";

const run: MediaBenchResult = {
  seed: 1,
  seeds: [1, 2],
  startedAt: "2026-12-03T19:22:10.000Z",
  finishedAt: "2026-12-03T19:29:00.000Z",
  loadAverage: { start: 12.7, end: 20.1 },
  cases: [
    {
      name: "small images",
      seed: 1,
      files: 10,
      megabytes: 2,
      politeMBps: 1,
      unpacedMBps: 4,
      sequentialMBps: 2,
      requestsPerFile: 1,
    },
    {
      name: "small images",
      seed: 2,
      files: 10,
      megabytes: 2,
      politeMBps: 1,
      unpacedMBps: 1,
      sequentialMBps: 2,
      requestsPerFile: 1,
    },
  ],
};

describe("the media section of results.md", () => {
  it("has a row per seed and an all-seeds row of total MB over summed seconds, with when and how loaded", () => {
    const md = renderMedia(run);
    expect(md).toContain("## Media downloads");
    expect(md).toContain("| small images | 1 | 10 | 2 | 1 | 4 | 2 | 2.00× | 1 |");
    // 4 MB in 0.5 + 2 s unpaced = 1.6 MB/s; 4 MB in 1 + 1 s sequential = 2 MB/s (not the mean of the rates, 2.5).
    expect(md).toContain("| **small images, all seeds** | 1, 2 | 20 | 4 | 1 | **1.6** | **2** | 0.80× | – |");
    expect(md).toContain("2026-12-03 19:22-19:29 UTC at load average 12.7-20.1");
  });

  it("renders a file written before several seeds were measured", () => {
    const md = renderMedia({ seed: 1, cases: [{ ...run.cases[0]!, seed: undefined }] });
    expect(md).toContain("| small images | 1 | 10 |");
    expect(md).not.toContain("all seeds**");
  });
});
