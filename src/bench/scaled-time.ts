/**
 * One time base for a whole measurement: every wait anyone makes (the simulator's latency, the clients'
 * timeouts, backoff, Retry-After, rate limiters, breaker cool-downs) goes through this clock and sleep,
 * so they all shrink by the same factor, whatever the strategy.
 *
 * - `createScaledTime(0.2)`: real time, every wait × 0.2 (one virtual second takes 200 real ms). The
 *   machine's CPU cost shows, magnified by 1/scale.
 * - `createVirtualTime()`: a discrete-event clock: a wait takes no real time; the clock jumps to the next
 *   sleeper once every running task is idle. Results do not depend on the machine's load (CPU cost is 0).
 *
 * Latencies are always reported in virtual ms (what a user would see at full scale).
 */
import { performance } from "node:perf_hooks";
import { setTimeout as delay } from "node:timers/promises";
import { createFakeClock } from "../core/clock.js";
import type { Clock, Sleep } from "../core/types.js";

export interface BenchTime {
  /** Real duration = virtual duration × scale; 0 for the virtual (discrete-event) clock. */
  scale: number;
  /** How the results name this time base, e.g. "virtual clock" or "real time × 0.2". */
  label: string;
  clock: Clock;
  sleep: Sleep;
  /** Runs `work` to its end (on the virtual clock: moving time whenever everything waits). */
  run<T>(work: Promise<T>): Promise<T>;
}

const START_MS = Date.UTC(2026, 0, 15);

/** Real time with every wait multiplied by `scale` in (0, 1]. */
export function createScaledTime(scale: number, startMs = START_MS): BenchTime {
  if (!(scale > 0 && scale <= 1)) throw new RangeError(`the time scale must be in (0, 1], got ${scale}`);
  const realStart = performance.now();
  return {
    scale,
    label: `real time × ${scale}`,
    clock: { now: () => startMs + (performance.now() - realStart) / scale },
    sleep: async (ms, signal) => {
      await delay(Math.max(0, ms * scale), undefined, signal ? { signal } : undefined);
    },
    run: (work) => work,
  };
}

/** Lets every queued callback run (a few macrotask turns: response bodies are read through streams). */
async function settle(turns = 3): Promise<void> {
  for (let i = 0; i < turns; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}

/** The discrete-event clock. Only one `run` at a time. */
export function createVirtualTime(startMs = START_MS): BenchTime {
  const fake = createFakeClock(startMs);
  return {
    scale: 0,
    label: "virtual clock (discrete events; no real waits)",
    clock: fake.clock,
    sleep: fake.sleep,
    async run<T>(work: Promise<T>): Promise<T> {
      let done = false;
      const tracked = work.finally(() => {
        done = true;
      });
      tracked.catch(() => {});
      while (!done) {
        await settle();
        if (done) break;
        // Nothing asleep: something waits on real I/O; give it a real moment.
        if (!(await fake.next())) await delay(1);
      }
      return tracked;
    },
  };
}
