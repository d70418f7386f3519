/**
 * What a session looks at while it works, once a tick: it writes its series health (run-health.ts), stops when
 * the run was paused through the store (pause.ts), and re-reads what the whole run spent when the run has a
 * stored budget (every process counts toward it).
 */
import { systemClock } from "../../core/clock.js";
import type { AttemptEvent } from "../../core/types.js";
import { isPaused, PAUSED_MESSAGE } from "./pause.js";
import { type BreakerState, HEALTH_TICK_MS, RunHealthWriter } from "./run-health.js";
import type { CrawlSession } from "./session.js";

/** Starts the watch; the returned function stops it and writes the last health snapshot. */
export function startRunWatch(session: CrawlSession, writer: string): () => Promise<void> {
  const { deps, runId } = session;
  const { store, client, logger } = deps;
  const health = new RunHealthWriter(
    {
      store,
      clock: deps.clock ?? systemClock,
      breakers: () => {
        const bySeries = client.stats().bySeries as Record<string, { breakers?: Record<string, BreakerState> }>;
        return Object.fromEntries(Object.entries(bySeries).map(([series, s]) => [series, s.breakers ?? {}]));
      },
      onError: (error) => logger?.warn("could not write the run's health", { error: String(error) }),
    },
    runId,
    writer,
  );
  const unsubscribe = client.subscribe((event: AttemptEvent) => health.observe(event));
  let busy: Promise<void> | null = null;
  const look = async (): Promise<void> => {
    await health.tick();
    const run = await store.getRun(runId);
    if (run !== null && isPaused(run)) session.stop("paused", PAUSED_MESSAGE);
    if (session.runBudget !== null) session.noteRunTotals(await store.ledgerTotals({ runId }));
  };
  const tick = (): void => {
    if (busy !== null) return; // the last look has not ended: skip this one
    busy = look()
      .catch((error: unknown) => logger?.warn("could not read the run's state", { error: String(error) }))
      .finally(() => {
        busy = null;
      });
  };
  const every =
    deps.watchEvery ??
    ((ms: number, fn: () => void) => {
      const timer = setInterval(fn, ms);
      timer.unref();
      return () => clearInterval(timer);
    });
  const first = health.flush();
  const stopTicking = every(HEALTH_TICK_MS, tick);
  return async () => {
    stopTicking();
    unsubscribe();
    await first;
    if (busy !== null) await busy;
    await health.flush();
  };
}
