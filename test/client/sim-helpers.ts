/**
 * A client wired to the in-process simulator on one fake clock (no socket, no real waits).
 */
import { createClient } from "../../src/client/create-client.js";
import type { AttemptEvent, XhsClient } from "../../src/client/types.js";
import type { FaultProfileInput } from "../../src/simulator/fault-profile.js";
import { createSimulator, type Simulator } from "../../src/simulator/index.js";
import { createFakeClock, type FakeClock } from "../../src/transport/clock.js";

export interface SimSetup {
  sim: Simulator;
  fake: FakeClock;
  xhs: XhsClient;
  events: AttemptEvent[];
  /** Runs a call to the end, moving virtual time whenever the call waits (backoff, timeouts, latency). */
  run<T>(work: Promise<T>): Promise<T>;
}

export function simClient(faults: FaultProfileInput | string = "healthy", options: { seed?: number } = {}): SimSetup {
  const fake = createFakeClock(Date.UTC(2026, 0, 15));
  const sim = createSimulator({
    seed: options.seed ?? 7,
    rateLimit: 0,
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
    qps: 0,
    onEvent: (e) => events.push(e),
  });
  const run = async <T>(work: Promise<T>): Promise<T> => {
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
  return { sim, fake, xhs, events, run };
}
