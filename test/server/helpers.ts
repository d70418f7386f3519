/**
 * A server app over a client wired to the in-process simulator: no socket, no real waits.
 */
import { createClient } from "../../src/client/create-client.js";
import type { Clock, Sleep } from "../../src/core/types.js";
import { type AppOptions, createApp } from "../../src/server/app.js";
import { createServerRuntime, type RuntimeOptions } from "../../src/service/runtime.js";
import { createSimulator, type SimulatorOptions } from "../../src/simulator/index.js";

export const API_KEY = "sk-test-server-key-0123456789abcdef";
export const instantSleep: Sleep = async (_ms, signal) => {
  if (signal?.aborted) throw signal.reason;
};

export interface Rig {
  sim: ReturnType<typeof createSimulator>;
  app: ReturnType<typeof createApp>;
  runtime: ReturnType<typeof createServerRuntime>;
  get(path: string, headers?: Record<string, string>): Promise<Response>;
  /** Billable + unbillable requests the simulator received. */
  upstreamCalls(): number;
}

export function rig(
  options: {
    sim?: SimulatorOptions;
    app?: Omit<AppOptions, "runtime">;
    runtime?: Omit<RuntimeOptions, "client">;
    clock?: Clock;
  } = {},
): Rig {
  const sim = createSimulator({ seed: 7, rateLimit: 0, sleep: instantSleep, ...options.sim });
  const client = createClient({
    apiKey: API_KEY,
    fetch: sim.fetch,
    baseUrl: sim.url,
    qps: 0,
    // The transport races each attempt against sleep(timeout): keep real sleeps, and no retry backoff.
    maxRetries: 0,
    ...(options.clock ? { clock: options.clock } : {}),
  });
  const runtime = createServerRuntime({
    client,
    secrets: [API_KEY],
    ...(options.clock ? { clock: options.clock } : {}),
    ...options.runtime,
  });
  const app = createApp({ runtime, rateLimit: false, ...options.app });
  return {
    sim,
    app,
    runtime,
    get: async (path, headers = {}) => app.request(path, { headers }),
    upstreamCalls: () => sim.ledger.snapshot().totals.calls,
  };
}

export async function json<T = Record<string, unknown>>(response: Response): Promise<T> {
  return (await response.json()) as T;
}
