/**
 * The shared load generator against a tiny local HTTP server: what it sends and what it counts.
 * Bounded by request caps (never by time), so nothing here depends on the machine's speed.
 */
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { driveLoad, loadFigures } from "../../src/bench/load-driver.js";

const OK_BODY = "ok-body-of-23-bytes....";
const FAIL_BODY = "nope";

describe("driveLoad", () => {
  const seen: { path: string; headers: IncomingHttpHeaders }[] = [];
  let server: Server;
  let url: string;

  beforeAll(async () => {
    server = createServer((req, res) => {
      seen.push({ path: req.url ?? "", headers: req.headers });
      const fail = req.url?.startsWith("/fail");
      res.writeHead(fail ? 500 : 200, { "content-type": "text/plain" });
      res.end(fail ? FAIL_BODY : OK_BODY);
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it("warms up, then counts requests, non-200 errors, bytes and tags in round-robin order", async () => {
    seen.length = 0;
    let seenAtWarm = -1;
    const run = await driveLoad({
      url,
      schedule: [
        { path: "/ok/1", tag: "a" },
        { path: "/fail", tag: "b" },
        { path: "/ok/2?x=1", tag: "a" },
        { path: "/untagged" },
      ],
      concurrency: 3,
      durationMs: 60_000,
      maxRequests: 40,
      warmupRequests: 4,
      headers: { authorization: "Bearer test-key" },
      onWarm: () => {
        seenAtWarm = seen.length;
      },
    });
    // The warm-up took one full turn of the schedule, so the 40 measured requests are 10 turns.
    expect(seenAtWarm).toBeGreaterThanOrEqual(4);
    expect(seen).toHaveLength(44);
    expect(seen.filter((s) => s.path === "/fail")).toHaveLength(11);
    expect(seen.every((s) => s.headers.authorization === "Bearer test-key")).toBe(true);
    expect(run.requests).toBe(40);
    expect(run.errors).toBe(10);
    expect(run.bytes).toBe(30 * OK_BODY.length + 10 * FAIL_BODY.length);
    expect(run.perTag).toEqual({ a: 20, b: 10 });
    expect(run.latencies).toHaveLength(40);
    expect(run.latencies.every((ms) => ms > 0)).toBe(true);

    const figures = loadFigures(run);
    expect(figures).toMatchObject({ requests: 40, errors: 10 });
    expect(figures.requestsPerSecond).toBeGreaterThan(0);
    expect(figures.p99Ms).toBeGreaterThanOrEqual(figures.p50Ms);
    expect(figures.p50Ms).toBeGreaterThan(0);
  });

  it("sends no headers of its own unless asked, and stops at a zero deadline after the warm-up", async () => {
    seen.length = 0;
    const run = await driveLoad({
      url,
      schedule: [{ path: "/ok" }],
      concurrency: 2,
      durationMs: 0,
      maxRequests: Number.POSITIVE_INFINITY,
      warmupRequests: 3,
    });
    expect(seen).toHaveLength(3);
    expect(seen[0]?.headers.authorization).toBeUndefined();
    expect(run).toMatchObject({ requests: 0, errors: 0, bytes: 0, perTag: {} });
    expect(loadFigures(run)).toMatchObject({ requests: 0, requestsPerSecond: 0, p50Ms: 0, p99Ms: 0 });
  });

  it("counts refused connections as errors in the measured window, and fails when the warm-up cannot connect", async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const deadUrl = `http://127.0.0.1:${(closed.address() as AddressInfo).port}`;
    await new Promise<void>((resolve) => closed.close(() => resolve()));

    const base = { url: deadUrl, schedule: [{ path: "/x", tag: "x" }], concurrency: 2, durationMs: 60_000 };
    const run = await driveLoad({ ...base, maxRequests: 6, warmupRequests: 0 });
    expect(run).toMatchObject({ requests: 6, errors: 6, bytes: 0, perTag: { x: 6 } });
    await expect(driveLoad({ ...base, maxRequests: 6, warmupRequests: 1 })).rejects.toThrow(/ECONNREFUSED/);
  });

  it("rejects an empty schedule", async () => {
    await expect(
      driveLoad({ url, schedule: [], concurrency: 1, durationMs: 10, maxRequests: 1, warmupRequests: 0 }),
    ).rejects.toThrow(/empty schedule/);
  });
});
