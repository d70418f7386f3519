/**
 * One scheduler per database: whoever runs ticks holds the lock, a second `xhs watch` on the same database is
 * refused (exit 2) instead of paying for every tick twice.
 *
 * - Postgres: a session advisory lock (`pg_try_advisory_lock`) held on one connection of the pool for as long
 *   as the scheduler runs. A killed process's connection closes and the lock goes with it: a restart after
 *   SIGKILL takes over at once.
 * - SQLite: a lease row (`watch_lease`) with an expiry, renewed on every pass and while sleeping. A killed
 *   process's lease runs out after `ttlMs`, or at once when its owner (`<host>:<pid>:<nonce>`) is a process of this
 *   machine that no longer runs (`deadLocalOwner`).
 */
import { sql } from "kysely";
import type { Clock } from "../core/types.js";
import type { Db, DialectName } from "../store/sql/dialect.js";

export interface LockHost {
  readonly dialect: DialectName;
  db(): Db;
  transaction<T>(fn: () => Promise<T>): Promise<T>;
}

export interface SchedulerLock {
  /** Keeps the lock; false when it was lost (a SQLite lease that ran out and was taken). */
  renew(): Promise<boolean>;
  release(): Promise<void>;
  /** How often `renew` must run at least (ms). */
  readonly renewEveryMs: number;
}

const LOCK_NAME = "xhs-watch-scheduler";
export const LEASE_TTL_MS = 60_000;

/** The lock, or null when another scheduler holds it. */
export async function acquireSchedulerLock(
  host: LockHost,
  owner: string,
  clock: Clock,
  options: { ttlMs?: number; ownerGone?: (owner: string) => boolean } = {},
): Promise<SchedulerLock | null> {
  if (host.dialect === "postgres") return advisoryLock(host.db());
  return leaseRow(host, owner, clock, options.ttlMs ?? LEASE_TTL_MS, options.ownerGone ?? (() => false));
}

/** An owner name for this process: `<host>:<pid>:<nonce>` (two schedulers of one process are two owners). */
export function ownerName(host: string, pid: number, nonce: string): string {
  return `${host}:${pid}:${nonce}`;
}

/** For an `ownerName`: true when it names a process of this machine that is no longer running. */
export function deadLocalOwner(hostname: string): (owner: string) => boolean {
  return (owner) => {
    const parts = owner.split(":");
    const pid = Number(parts.at(-2));
    if (parts.slice(0, -2).join(":") !== hostname || !Number.isInteger(pid) || pid <= 0) return false;
    try {
      process.kill(pid, 0);
      return false;
    } catch (error) {
      return (error as NodeJS.ErrnoException).code === "ESRCH";
    }
  };
}

async function advisoryLock(db: Db): Promise<SchedulerLock | null> {
  let release = () => {};
  const released = new Promise<void>((resolve) => {
    release = resolve;
  });
  let answer: (held: boolean) => void = () => {};
  const acquired = new Promise<boolean>((resolve) => {
    answer = resolve;
  });
  const held = db
    .connection()
    .execute(async (conn) => {
      const { rows } = await sql<{
        ok: boolean;
      }>`SELECT pg_try_advisory_lock(hashtextextended(${LOCK_NAME}, 0)) AS ok`.execute(conn);
      const ok = rows[0]?.ok === true;
      answer(ok);
      if (!ok) return;
      await released;
      await sql`SELECT pg_advisory_unlock(hashtextextended(${LOCK_NAME}, 0))`.execute(conn);
    })
    .catch((error: unknown) => {
      answer(false);
      throw error;
    });
  if (!(await acquired)) {
    await held;
    return null;
  }
  return {
    renewEveryMs: Number.POSITIVE_INFINITY,
    renew: async () => true,
    release: async () => {
      release();
      await held.catch(() => {});
    },
  };
}

async function leaseRow(
  host: LockHost,
  owner: string,
  clock: Clock,
  ttlMs: number,
  ownerGone: (owner: string) => boolean,
): Promise<SchedulerLock | null> {
  const take = () =>
    host.transaction(async () => {
      const now = clock.now();
      const row = await host
        .db()
        .selectFrom("watch_lease")
        .selectAll()
        .where("name", "=", LOCK_NAME)
        .executeTakeFirst();
      const other = row ? String(row.owner) : owner;
      if (other !== owner && Number(row?.expires_ms) > now && !ownerGone(other)) return false;
      await host
        .db()
        .insertInto("watch_lease")
        .values({ name: LOCK_NAME, owner, expires_ms: now + ttlMs })
        .onConflict((oc) => oc.column("name").doUpdateSet({ owner, expires_ms: now + ttlMs }))
        .execute();
      return true;
    });
  if (!(await take())) return null;
  return {
    renewEveryMs: Math.floor(ttlMs / 3),
    renew: take,
    release: async () => {
      await host.transaction(() =>
        host.db().deleteFrom("watch_lease").where("name", "=", LOCK_NAME).where("owner", "=", owner).execute(),
      );
    },
  };
}

/** Who holds a SQLite lease (for the message when it is taken); null on Postgres or when free. */
export async function leaseHolder(host: LockHost): Promise<{ owner: string; expiresAt: number } | null> {
  if (host.dialect === "postgres") return null;
  const row = await host.db().selectFrom("watch_lease").selectAll().where("name", "=", LOCK_NAME).executeTakeFirst();
  return row ? { owner: String(row.owner), expiresAt: Number(row.expires_ms) } : null;
}
