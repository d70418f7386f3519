/**
 * The offline TikHub simulator (package entry `xhs-kit/simulator`).
 *
 *   const sim = createSimulator({ seed: 1, rateLimit: 0 });        // in-process: sim.fetch is the test seam
 *   const client = createClient({ apiKey: "k", fetch: sim.fetch, baseUrl: sim.url });
 *
 *   const server = await startSimulator({ port: 0, faults: "mild" }); // real HTTP on 127.0.0.1
 *   console.log(server.url); await server.close();
 *
 * The core (world, per-series shapes, validation, quirks) is in core.ts; service.ts wraps it with auth,
 * the rate limits, balance, faults, the billing ledger and admin routes; in-process-fetch.ts and server.ts
 * (node:http) are the two ways to reach the service.
 */
import type { Clock } from "../core/types.js";
import type { BillingLedger } from "./billing.js";
import { CDN_PATH_PREFIX, type CdnOptions, createCdnFetch, routeMediaToCdn, SimulatedCdn } from "./cdn/index.js";
import {
  createSimulatorCore,
  renderEmptyPayload,
  renderInnerFailure,
  type SimulatorCore,
  type SimulatorCoreOptions,
} from "./core.js";
import type { FaultProfile, FaultProfileInput } from "./fault-profile.js";
import type { FaultEngine } from "./faults.js";
import { createInProcessFetch, IN_PROCESS_BASE_URL } from "./in-process-fetch.js";
import { type ListenOptions, listen } from "./server.js";
import { SimulatorService, type SimulatorServiceOptions } from "./service.js";

export { ADMIN_PREFIX } from "./admin.js";
export { BillingLedger, keyId, type LedgerSnapshot, type PriceTable } from "./billing.js";
export {
  type CdnFaults,
  type CdnOptions,
  type CdnStats,
  cdnUrlFor,
  createCdnFetch,
  type RunningCdn,
  SimulatedCdn,
  startCdnServer,
} from "./cdn/index.js";
export { createSimulatorCore, type SimulatorCore, type SimulatorCoreOptions } from "./core.js";
export {
  BUILT_IN_PROFILES,
  FAULT_KINDS,
  type FaultKind,
  type FaultProfile,
  FaultProfileError,
  type FaultProfileInput,
  loadFaultProfile,
  parseFaultProfile,
  parseRateLimit,
  profileByValueOrName,
  type RateLimit,
} from "./fault-profile.js";
export { FaultEngine } from "./faults.js";
export { IN_PROCESS_BASE_URL } from "./in-process-fetch.js";
export {
  type BucketLimit,
  DEFAULT_ENDPOINT_RATE_LIMITS,
  DEFAULT_RATE_LIMIT,
  type EffectiveRateLimit,
  effectiveRateLimit,
} from "./rate-limit.js";
export { DEFAULT_MAX_BODY_BYTES, type ListenOptions } from "./server.js";
export { SimulatorService, type SimulatorServiceOptions } from "./service.js";
export { GUIDE, WORLD_NOW } from "./world/guide.js";

export interface SimulatorOptions extends SimulatorCoreOptions, SimulatorServiceOptions {
  /** Seed of the world and of the fault draws. Default 1. */
  seed?: number;
  /** The media CDN's faults and sizes (src/simulator/cdn). */
  cdn?: CdnOptions;
}

export interface Simulator {
  /** A `fetch` served in-process (no socket): fast and deterministic; honours AbortSignal. Media URLs go to `cdn`. */
  fetch: typeof globalThis.fetch;
  /** The media CDN of the same world (`*.xhscdn.com`, `ci.xiaohongshu.com`), with its counters. */
  cdn: SimulatedCdn;
  /** Base URL to give a client: IN_PROCESS_BASE_URL for createSimulator, the HTTP URL for startSimulator. */
  url: string;
  world: SimulatorCore["world"];
  core: SimulatorCore;
  ledger: BillingLedger;
  faults: FaultEngine;
  service: SimulatorService<SimulatorCore["world"]>;
  /** Replaces the fault profile (validated; a name, a file path or an object). */
  setFaults(profile: FaultProfileInput | string): FaultProfile;
  /** Forgets attempt and outage counters, rate buckets and the ledger: the same requests meet the same faults. */
  reset(): void;
}

export interface RunningSimulator extends Simulator {
  /** e.g. "http://127.0.0.1:41234" (no trailing slash). */
  url: string;
  /** The media CDN on the same port, e.g. "http://127.0.0.1:41234/__cdn" (`xhs media --cdn-base-url`). */
  cdnUrl: string;
  close(): Promise<void>;
}

/** The simulator in-process: no socket, for tests and library users who inject `fetch`. */
export function createSimulator(options: SimulatorOptions = {}): Simulator {
  const clock: Clock | undefined = options.clock ?? (options.now ? { now: options.now } : undefined);
  const core = createSimulatorCore({
    ...(options.seed !== undefined ? { seed: options.seed } : {}),
    ...(options.size !== undefined ? { size: options.size } : {}),
    ...(options.quirks !== undefined ? { quirks: options.quirks } : {}),
    ...(clock ? { now: () => clock.now() } : {}),
    ...(options.worldClock ? { worldClock: options.worldClock } : {}),
  });
  const service = new SimulatorService(
    { core, renderInnerFailure, renderEmptyPayload },
    { ...options, ...(clock ? { clock } : {}) },
  );
  const cdn = new SimulatedCdn(core.world, options.cdn);
  const cdnFetch = createCdnFetch(cdn, options.sleep ? { sleep: options.sleep } : {});
  return {
    fetch: routeMediaToCdn(createInProcessFetch(service), cdnFetch),
    cdn,
    url: IN_PROCESS_BASE_URL,
    world: core.world,
    core,
    ledger: service.ledger,
    faults: service.faults,
    service,
    setFaults: (profile) => service.setProfile(profile),
    reset: () => service.reset(),
  };
}

/** The simulator over a real keep-alive HTTP server (default 127.0.0.1, any free port). */
export async function startSimulator(options: SimulatorOptions & ListenOptions = {}): Promise<RunningSimulator> {
  const sim = createSimulator(options);
  const listening = await listen(
    sim.service,
    {
      ...(options.host !== undefined ? { host: options.host } : {}),
      ...(options.port !== undefined ? { port: options.port } : {}),
      ...(options.allowedHosts !== undefined ? { allowedHosts: options.allowedHosts } : {}),
      ...(options.maxBodyBytes !== undefined ? { maxBodyBytes: options.maxBodyBytes } : {}),
    },
    { cdn: sim.cdn },
  );
  return { ...sim, url: listening.url, cdnUrl: `${listening.url}${CDN_PATH_PREFIX}`, close: () => listening.close() };
}
