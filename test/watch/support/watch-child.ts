/**
 * The end-to-end test's child process (run with `node --import tsx`): the same watch on the same database and
 * world (the simulator's world is a function of the seed and the clock), from `fromMs` on, printing its alerts
 * on stdout and `pass <ms>` on stderr before each pass. At the first discovery at or after `hangFromMs` it pays
 * the tick's calls, prints `hang` and waits before writing anything: the test SIGKILLs it there.
 */
import { createFakeClock } from "../../../src/core/clock.js";
import { normalizeWatchPlan } from "../../../src/crawl/plan/watch.js";
import { createSimulator } from "../../../src/simulator/index.js";
import { openWatchProcess } from "./e2e-rig.js";

interface ChildArgs {
  dbPath: string;
  seed: number;
  startMs: number;
  fromMs: number;
  hangFromMs: number;
  plan: unknown;
}

const args = JSON.parse(process.argv[2] ?? "{}") as ChildArgs;
const fake = createFakeClock(args.startMs);
// Made at startMs, so its world starts where the parent's did.
const sim = createSimulator({
  seed: args.seed,
  rateLimit: 0,
  faults: "healthy",
  clock: fake.clock,
  sleep: fake.sleep,
  worldClock: fake.clock,
});
await fake.advance(args.fromMs - args.startMs);
const watch = openWatchProcess({
  dbPath: args.dbPath,
  sim,
  fake,
  startMs: args.startMs,
  plan: normalizeWatchPlan(args.plan, "child"),
  out: (line) => process.stdout.write(line),
  wrap: (real) => async (due, left, finish) =>
    real(due, left, async (store) => {
      if (due.task.kind === "discover" && fake.now() >= args.hangFromMs) {
        process.stderr.write("hang\n");
        await new Promise(() => setInterval(() => {}, 1000));
      }
      if (!finish) throw new Error("no finish");
      return finish(store);
    }),
});
// At most two simulated days: the test kills it long before.
while (fake.now() < args.fromMs + 2 * 24 * 3_600_000) {
  process.stderr.write(`pass ${fake.now()}\n`);
  await watch.pass();
  await watch.sleep();
}
process.stderr.write("no hang\n");
await watch.close();
