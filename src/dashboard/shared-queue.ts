/**
 * The job queue a dashboard crawls a Postgres database through: pg-boss, as `xhs crawl --db postgres://` and
 * `xhs worker` do, so the runs it starts are shared with the workers (and theirs with it). pg-boss runs on the
 * store's own connections (its documented `db` option, the store's `executeSql`): the store knows no password
 * to open another pool with, and a job's writes and its completion still commit in one transaction.
 * A SQLite store has no shared queue: its runs are one process's.
 */
import PgBoss from "pg-boss";
import type { JobQueue, Store } from "../store/port.js";
import { PgBossQueue } from "../store/sql/pgboss/pgboss-queue.js";
import { SqlStore } from "../store/sql/sql-store.js";

export interface SharedQueue {
  queue: JobQueue;
  stop(): Promise<void>;
}

export interface SharedQueueOptions {
  /** How often pg-boss looks for expired deliveries (s, default 10, as `xhs worker`). */
  superviseIntervalSeconds?: number;
  onError?: (error: Error) => void;
}

/** Starts pg-boss over a Postgres store (null for any other store). */
export async function startSharedQueue(store: Store, options: SharedQueueOptions = {}): Promise<SharedQueue | null> {
  if (!(store instanceof SqlStore) || store.dialect !== "postgres") return null;
  const boss = new PgBoss({
    db: {
      executeSql: (text: string, values?: unknown[]) =>
        store.executeSql(text, values ?? []) as Promise<{ rows: unknown[] }>,
    },
    schema: "pgboss",
    supervise: true,
    maintenanceIntervalSeconds: Math.max(1, Math.trunc(options.superviseIntervalSeconds ?? 10)),
    schedule: false,
    migrate: true,
  });
  boss.on("error", (error: Error) => options.onError?.(error));
  await boss.start();
  return {
    queue: new PgBossQueue(boss, store, store),
    stop: () => boss.stop({ graceful: false, close: false }),
  };
}
