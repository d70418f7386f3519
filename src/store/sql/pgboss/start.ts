/**
 * Starting pg-boss beside a Postgres store: its schema (`pgboss`, migrated by pg-boss itself under its own
 * advisory lock, so many workers may start at once), its maintenance (which expires the jobs of dead workers)
 * and the `PgBossQueue` over the store's jobs table.
 */
import PgBoss from "pg-boss";
import { StoreOpenError } from "../../errors.js";
import type { JobQueue } from "../../port.js";
import { PgBossQueue, type PgBossQueueOptions, type SqlExecutor } from "./pgboss-queue.js";

export interface PgBossStartOptions extends PgBossQueueOptions {
  /**
   * How often pg-boss looks for jobs whose lease ran out (seconds, default 10). A SIGKILLed worker's job is
   * delivered again within lease TTL + this + the first retry delay.
   */
  superviseIntervalSeconds?: number;
  /** Connections of pg-boss's own pool (fetches and maintenance; default 3). */
  poolSize?: number;
  /** Told pg-boss's background errors (a lost connection during maintenance, say). */
  onError?: (error: Error) => void;
}

export interface StartedPgBossQueue {
  queue: PgBossQueue;
  boss: PgBoss;
  stop(): Promise<void>;
}

/** Starts pg-boss on `url` and returns the queue over `store`'s jobs (the store's own `JobQueue`). */
export async function startPgBossQueue(
  url: string,
  store: JobQueue & SqlExecutor,
  options: PgBossStartOptions = {},
): Promise<StartedPgBossQueue> {
  const boss = new PgBoss({
    connectionString: url,
    schema: "pgboss",
    max: options.poolSize ?? 3,
    supervise: true,
    maintenanceIntervalSeconds: Math.max(1, Math.trunc(options.superviseIntervalSeconds ?? 10)),
    schedule: false,
    migrate: true,
    application_name: "xhs-worker",
  });
  boss.on("error", (error: Error) => options.onError?.(error));
  try {
    await boss.start();
  } catch (error) {
    throw new StoreOpenError(
      `could not start the job engine (pg-boss): ${(error as Error).message}`,
      withoutPassword(url),
      error,
    );
  }
  const queue = new PgBossQueue(boss, store, store, options);
  return {
    queue,
    boss,
    stop: () => boss.stop({ graceful: false, close: true }),
  };
}

function withoutPassword(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.password = "";
    return parsed.toString();
  } catch {
    return "postgres://…";
  }
}
