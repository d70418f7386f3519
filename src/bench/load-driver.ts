/**
 * The benchmark's HTTP load generator, shared by the simulator throughput run and the `xhs serve` load
 * run: keep-alive GETs in a round-robin over a schedule of paths, a warm-up, then N concurrent loops
 * until a deadline or a request cap, with per-request latency, errors, body bytes and per-tag counts.
 *
 * It runs in a worker thread of the calling process, so the server under test keeps a core of its own
 * (the machine has two). The worker's code is plain JS evaluated by the Worker, so it runs the same
 * from tsx (src/) and from dist/ without a loader or a separate file to ship.
 */
import { Worker } from "node:worker_threads";
import { percentile } from "../core/stats.js";
import { round } from "./stats.js";

/** One scheduled request: a path (with its query) and an optional tag counted in `perTag`. */
export interface LoadRequest {
  path: string;
  tag?: string;
}

export interface LoadDriverOptions {
  /** Base URL of the server (http, loopback); only its host and port are used. */
  url: string;
  /** Requested in order, round-robin, warm-up included. Must not be empty. */
  schedule: readonly LoadRequest[];
  /** Concurrent request loops, also the keep-alive socket pool size. */
  concurrency: number;
  /** Stop the measured loops after this long, in ms… */
  durationMs: number;
  /** …or after this many requests (capped at MAX_RECORDED_REQUESTS; Infinity allowed). */
  maxRequests: number;
  /** Untimed requests first, one at a time; their failures are not counted. */
  warmupRequests: number;
  /** Sent with every request (none by default). */
  headers?: Record<string, string>;
  /** Called once the warm-up is done, as the measured window starts (e.g. to snapshot counters). */
  onWarm?: () => void;
}

/** What the measured window saw (warm-up excluded). */
export interface LoadRun {
  requests: number;
  /** Non-200 answers and failed requests. */
  errors: number;
  elapsedMs: number;
  /** Response body bytes received. */
  bytes: number;
  /** Requests per tag of the schedule (untagged requests are not counted here). */
  perTag: Record<string, number>;
  /** Per-request latency in ms, in start order. */
  latencies: Float64Array;
}

/** The figures both load runs report, in their units: ms rounded to 0.01, requests/s to integers. */
export interface LoadFigures {
  /** Requests in the measured window (warm-up excluded). */
  requests: number;
  /** Non-200 answers and failed requests among them. */
  errors: number;
  /** Wall time of the measured window, ms. */
  durationMs: number;
  requestsPerSecond: number;
  /** Nearest-rank latency percentiles, ms. */
  p50Ms: number;
  p99Ms: number;
}

/** Latency buffer bound (16 MB of Float64), so an unbounded request cap still has a finite buffer. */
export const MAX_RECORDED_REQUESTS = 2_000_000;

const DRIVER_SOURCE = `
const { parentPort, workerData } = require("node:worker_threads");
const { Agent, request } = require("node:http");
const { url, schedule, concurrency, durationMs, maxRequests, warmupRequests, headers } = workerData;
const base = new URL(url);
const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
let next = 0;
const pick = () => schedule[next++ % schedule.length];
const get = (path) => new Promise((resolve, reject) => {
  const req = request({ agent, host: base.hostname, port: base.port, path, method: "GET", headers }, (res) => {
    let bytes = 0;
    res.on("data", (chunk) => { bytes += chunk.length; });
    res.on("end", () => resolve({ status: res.statusCode || 0, bytes }));
    res.on("error", reject);
  });
  req.on("error", reject);
  req.end();
});
(async () => {
  for (let i = 0; i < warmupRequests; i++) await get(pick().path);
  parentPort.postMessage({ type: "warm" });
  const latencies = new Float64Array(maxRequests);
  const perTag = {};
  let count = 0, errors = 0, bytes = 0;
  const started = performance.now();
  const deadline = started + durationMs;
  const loop = async () => {
    while (count < maxRequests && performance.now() < deadline) {
      const item = pick();
      const index = count++;
      const t0 = performance.now();
      try {
        const res = await get(item.path);
        if (res.status !== 200) errors++;
        bytes += res.bytes;
      } catch { errors++; }
      latencies[index] = performance.now() - t0;
      if (item.tag !== undefined) perTag[item.tag] = (perTag[item.tag] || 0) + 1;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, loop));
  const elapsedMs = performance.now() - started;
  agent.destroy();
  parentPort.postMessage({ type: "done", requests: count, errors, bytes, elapsedMs, perTag,
    latencies: latencies.slice(0, count) });
})();
`;

/** Runs the load in a worker thread; rejects when the worker fails (e.g. a warm-up request is refused). */
export function driveLoad(options: LoadDriverOptions): Promise<LoadRun> {
  if (options.schedule.length === 0) return Promise.reject(new Error("load driver: empty schedule"));
  const workerData = {
    url: options.url,
    // Plain objects only: the schedule is cloned into the worker.
    schedule: options.schedule.map(({ path, tag }) => (tag === undefined ? { path } : { path, tag })),
    concurrency: options.concurrency,
    durationMs: options.durationMs,
    maxRequests: Math.min(options.maxRequests, MAX_RECORDED_REQUESTS),
    warmupRequests: options.warmupRequests,
    headers: options.headers ?? {},
  };
  return new Promise((resolve, reject) => {
    let settled = false;
    const worker = new Worker(DRIVER_SOURCE, { eval: true, workerData });
    worker.on("message", (message: { type: "warm" } | ({ type: "done" } & LoadRun)) => {
      if (message.type === "warm") return options.onWarm?.();
      settled = true;
      const { type: _, ...run } = message;
      resolve(run);
      void worker.terminate();
    });
    worker.once("error", (error) => {
      settled = true;
      reject(error);
    });
    worker.once("exit", (code) => {
      if (!settled) reject(new Error(`load generator exited with code ${code} before its result`));
    });
  });
}

/** Requests, errors, duration, requests/s and nearest-rank p50/p99 of a run. */
export function loadFigures(run: LoadRun): LoadFigures {
  const latencies = Array.from(run.latencies);
  return {
    requests: run.requests,
    errors: run.errors,
    durationMs: Math.round(run.elapsedMs),
    requestsPerSecond: run.elapsedMs > 0 ? Math.round((run.requests / run.elapsedMs) * 1000) : 0,
    p50Ms: round(percentile(latencies, 50) ?? 0),
    p99Ms: round(percentile(latencies, 99) ?? 0),
  };
}
