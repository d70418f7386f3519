/**
 * Time, injected. Everything in xhs-kit that waits (backoff, Retry-After, the rate limiter, per-attempt
 * timeouts) goes through a `Clock` and a `Sleep`, so tests run on virtual time and never really wait.
 *
 * Production code uses `systemClock` / `systemSleep`. Tests use `createFakeClock()`:
 *
 * ```ts
 * const fake = createFakeClock(Date.parse("2026-01-01T00:00:00Z"));
 * const client = createClient({ fetch, clock: fake.clock, sleep: fake.sleep });
 * const pending = client.notes.get(id);     // starts; may sleep (backoff, rate limit, timeout)
 * await fake.runAll();                      // jump virtual time past every sleep until nothing waits
 * await pending;
 * ```
 *
 * `advance(ms)` moves virtual time forward by `ms`, waking sleepers in due order and letting the code
 * they resume run (so a sleeper that schedules a new sleep inside the window is woken too).
 */
import { setTimeout as delay } from "node:timers/promises";
import type { Clock, Sleep } from "./types.js";

export const systemClock: Clock = { now: () => Date.now() };

/** Real sleep; rejects with the signal's reason (an AbortError by default) when `signal` aborts. */
/** Rejects with the signal's own reason when aborted, exactly as the fake clock's sleep does. */
export const systemSleep: Sleep = async (ms, signal) => {
  if (signal?.aborted) throw abortReason(signal);
  try {
    await delay(Math.max(0, ms), undefined, signal ? { signal } : undefined);
  } catch (error) {
    if (signal?.aborted) throw abortReason(signal);
    throw error;
  }
};

/** The reason an aborted sleep rejects with: the signal's own reason, else a DOMException AbortError. */
export function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException("The operation was aborted.", "AbortError");
}

export interface FakeClock {
  /** Reads virtual time (ms since the epoch). */
  readonly clock: Clock;
  /** Resolves when virtual time reaches now + ms; rejects with the signal's reason on abort. */
  readonly sleep: Sleep;
  /** Virtual now, ms since the epoch. */
  now(): number;
  /** Moves virtual time forward by `ms`, waking due sleepers in order (and anything they schedule in the window). */
  advance(ms: number): Promise<void>;
  /** Advances to each next sleeper until none is left (at most `maxSteps` wake-ups; default 10 000). */
  runAll(maxSteps?: number): Promise<void>;
  /** Advances to the earliest pending sleeper only. Returns false when nothing sleeps. */
  next(): Promise<boolean>;
  /** How many sleeps are pending. */
  pending(): number;
  /** Every sleep duration asked for so far (ms), in call order: handy to assert backoff values. */
  readonly sleeps: readonly number[];
  /** Lets pending promise callbacks run without moving time. */
  flush(): Promise<void>;
}

interface Sleeper {
  dueAt: number;
  seq: number;
  resolve: () => void;
}

/** Lets every queued microtask (and promise chains they start) run: one macrotask turn, no timed wait. */
function flushMicrotasks(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** A virtual clock for tests; starts at `startMs` (default 2026-01-01T00:00:00Z). */
export function createFakeClock(startMs = Date.UTC(2026, 0, 1)): FakeClock {
  let current = startMs;
  let seq = 0;
  const sleepers: Sleeper[] = [];
  const sleeps: number[] = [];

  const sleep: Sleep = (ms, signal) => {
    sleeps.push(ms);
    if (signal?.aborted) return Promise.reject(abortReason(signal));
    return new Promise<void>((resolve, reject) => {
      const sleeper: Sleeper = {
        dueAt: current + Math.max(0, ms),
        seq: seq++,
        resolve: () => {
          signal?.removeEventListener("abort", onAbort);
          resolve();
        },
      };
      const onAbort = () => {
        const index = sleepers.indexOf(sleeper);
        if (index >= 0) sleepers.splice(index, 1);
        reject(abortReason(signal as AbortSignal));
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      sleepers.push(sleeper);
    });
  };

  const earliest = (): Sleeper | undefined => {
    let best: Sleeper | undefined;
    for (const s of sleepers)
      if (!best || s.dueAt < best.dueAt || (s.dueAt === best.dueAt && s.seq < best.seq)) best = s;
    return best;
  };

  const wake = async (sleeper: Sleeper) => {
    sleepers.splice(sleepers.indexOf(sleeper), 1);
    current = Math.max(current, sleeper.dueAt);
    sleeper.resolve();
    await flushMicrotasks();
  };

  return {
    clock: { now: () => current },
    sleep,
    now: () => current,
    sleeps,
    pending: () => sleepers.length,
    flush: flushMicrotasks,
    async advance(ms) {
      await flushMicrotasks();
      const target = current + Math.max(0, ms);
      for (;;) {
        const next = earliest();
        if (!next || next.dueAt > target) break;
        await wake(next);
      }
      current = target;
      await flushMicrotasks();
    },
    async next() {
      await flushMicrotasks();
      const next = earliest();
      if (!next) return false;
      await wake(next);
      return true;
    },
    async runAll(maxSteps = 10_000) {
      await flushMicrotasks();
      for (let step = 0; step < maxSteps; step++) {
        const next = earliest();
        if (!next) return;
        await wake(next);
      }
      throw new Error(
        `fake clock: still ${sleepers.length} sleeper(s) after ${maxSteps} wake-ups (a loop that never ends?)`,
      );
    },
  };
}
