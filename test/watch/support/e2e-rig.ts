/**
 * One "process" of a watch for the end-to-end test, in-process or in a child (watch-child.ts): a client on the
 * simulator, the SQLite store, the SQL watch state, the executor and the stdout outbox, all on one fake clock.
 * A pass runs what is due, then the deliveries due. Closing it is a stop; a new one on the same file a start.
 */
import { createClient } from "../../../src/client/create-client.js";
import type { FakeClock } from "../../../src/core/clock.js";
import type { WatchPlan } from "../../../src/crawl/plan/watch.js";
import type { Simulator } from "../../../src/simulator/index.js";
import { openSqliteStore } from "../../../src/store/sqlite/sqlite-store.js";
import { DeliveryWorker, targetKey } from "../../../src/watch/deliver.js";
import { createExecutor } from "../../../src/watch/executor.js";
import { type PassResult, runDuePass, type TaskExecutor } from "../../../src/watch/scheduler.js";
import { SqlWatchState } from "../../../src/watch/sql-state.js";
import { runOn } from "../../client/sim-helpers.js";

export const TICK_MS = 15 * 60_000;

export interface WatchProcess {
  state: SqlWatchState;
  pass(): Promise<PassResult>;
  /** Moves the fake clock to the next tick boundary (counted from `startMs`). */
  sleep(): Promise<void>;
  close(): Promise<void>;
}

export interface WatchProcessOptions {
  dbPath: string;
  sim: Simulator;
  fake: FakeClock;
  startMs: number;
  plan: WatchPlan;
  /** Where stdout deliveries go (one JSON line each). */
  out: (line: string) => void;
  /** Wraps the real executor (the child hangs one tick there to be killed in it). */
  wrap?: (real: TaskExecutor) => TaskExecutor;
}

export function openWatchProcess(options: WatchProcessOptions): WatchProcess {
  const { sim, fake, plan } = options;
  const client = createClient({
    apiKey: "test-key",
    fetch: sim.fetch,
    baseUrl: sim.url,
    clock: fake.clock,
    sleep: fake.sleep,
    qps: 0,
  });
  const store = openSqliteStore(options.dbPath, { clock: fake.clock });
  const state = new SqlWatchState(store);
  const real = createExecutor({ client, store, state, clock: fake.clock });
  const execute = options.wrap ? options.wrap(real) : real;
  const targets = new Map(plan.watches.flatMap((w) => w.deliver).map((t) => [targetKey(t), t]));
  const worker = new DeliveryWorker(state, targets, {
    fetch,
    clock: fake.clock,
    sleep: fake.sleep,
    env: {},
    stdout: { write: (text: string) => options.out(text) },
  });
  const run = runOn(fake);
  return {
    state,
    async pass() {
      const result = await run(runDuePass(plan, state, fake.now(), execute));
      await worker.runDue();
      return result;
    },
    async sleep() {
      await fake.advance(TICK_MS - ((fake.now() - options.startMs) % TICK_MS));
    },
    close: () => store.close(),
  };
}
