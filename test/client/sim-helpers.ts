/**
 * A client wired to the in-process simulator on one fake clock (no socket, no real waits).
 */
import { createClient } from "../../src/client/create-client.js";
import type { XhsClient } from "../../src/client/types.js";
import { createFakeClock, type FakeClock } from "../../src/core/clock.js";
import type { AttemptEvent } from "../../src/core/types.js";
import type { FaultProfileInput } from "../../src/simulator/fault-profile.js";
import { createSimulator, type Simulator } from "../../src/simulator/index.js";

export interface SimSetup {
  sim: Simulator;
  fake: FakeClock;
  xhs: XhsClient;
  events: AttemptEvent[];
  /** Runs a call to the end, moving virtual time whenever the call waits (backoff, timeouts, latency). */
  run<T>(work: Promise<T>): Promise<T>;
}

export interface SimClientOptions {
  seed?: number;
  size?: "tiny" | "default";
  /** Keep the simulator's and the client's default rate limits (off by default: tests run unthrottled). */
  rateLimited?: boolean;
}

export function simClient(faults: FaultProfileInput | string = "healthy", options: SimClientOptions = {}): SimSetup {
  const fake = createFakeClock(Date.UTC(2026, 0, 15));
  const limits = options.rateLimited === true;
  const sim = createSimulator({
    seed: options.seed ?? 7,
    ...(options.size ? { size: options.size } : {}),
    ...(limits ? {} : { rateLimit: 0 }),
    faults,
    clock: fake.clock,
    sleep: fake.sleep,
  });
  const events: AttemptEvent[] = [];
  const xhs = createClient({
    apiKey: "test-key",
    fetch: sim.fetch,
    baseUrl: sim.url,
    clock: fake.clock,
    sleep: fake.sleep,
    ...(limits ? {} : { qps: 0 }),
    onEvent: (e) => events.push(e),
  });
  return { sim, fake, xhs, events, run: runOn(fake) };
}

/** Runs a call to the end on `fake`, moving virtual time whenever everything waits. */
export function runOn(fake: FakeClock): <T>(work: Promise<T>) => Promise<T> {
  return async <T>(work: Promise<T>): Promise<T> => {
    let done = false;
    const tracked = work.finally(() => {
      done = true;
    });
    tracked.catch(() => {});
    for (let i = 0; i < 100_000 && !done; i++) {
      await fake.flush();
      if (done) break;
      if (!(await fake.next())) await new Promise((r) => setTimeout(r, 0));
    }
    return tracked;
  };
}
