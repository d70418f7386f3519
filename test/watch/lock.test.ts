/**
 * One scheduler per database: two schedulers on one Postgres database (the advisory lock) and on one SQLite
 * file (the lease) — the second is refused while the first holds it, and gets it once the first lets go or dies.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { createFakeClock } from "../../src/core/clock.js";
import { openPostgresStore } from "../../src/store/postgres/open.js";
import { openSqliteStore } from "../../src/store/sqlite/sqlite-store.js";
import { acquireSchedulerLock, deadLocalOwner, LEASE_TTL_MS, ownerName } from "../../src/watch/lock.js";
import { freshPostgresDatabase, hasPostgres } from "../support/services.js";

const dir = mkdtempSync(join(tmpdir(), "xhs-watch-lock-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.skipIf(!hasPostgres())("the scheduler lock on Postgres", () => {
  it("two schedulers on one database: one holds the advisory lock; the other gets it when the first releases or its connection dies", async () => {
    const database = await freshPostgresDatabase("watch_lock");
    const a = await openPostgresStore(database.url);
    const b = await openPostgresStore(database.url);
    const clock = createFakeClock().clock;
    try {
      const first = await acquireSchedulerLock(a, "a", clock);
      expect(first).not.toBeNull();
      expect(await acquireSchedulerLock(b, "b", clock)).toBeNull();
      expect(await first?.renew()).toBe(true);
      await first?.release();
      const second = await acquireSchedulerLock(b, "b", clock);
      expect(second).not.toBeNull();
      expect(await acquireSchedulerLock(a, "a", clock)).toBeNull();
      await second?.release();
      // A holder whose connection goes away without unlocking (a killed process): the lock is free at once.
      const raw = new pg.Client({ connectionString: database.url });
      await raw.connect();
      await raw.query("SELECT pg_advisory_lock(hashtextextended('xhs-watch-scheduler', 0))");
      expect(await acquireSchedulerLock(a, "a", clock)).toBeNull();
      await raw.end();
      const third = await acquireSchedulerLock(a, "a", clock);
      expect(third).not.toBeNull();
      await third?.release();
    } finally {
      await a.close();
      await b.close();
      await database.drop();
    }
  });
});

describe("the scheduler lease on SQLite", () => {
  it("the second scheduler is refused until the first releases, its lease runs out, or its process is gone", async () => {
    const path = join(dir, "lease.db");
    const a = openSqliteStore(path);
    const b = openSqliteStore(path);
    const fake = createFakeClock();
    try {
      const first = await acquireSchedulerLock(a, "host:1:a", fake.clock);
      expect(first?.renewEveryMs).toBe(LEASE_TTL_MS / 3);
      expect(await acquireSchedulerLock(b, "host:2:b", fake.clock)).toBeNull();
      await first?.release();
      const second = await acquireSchedulerLock(b, "host:2:b", fake.clock);
      expect(second).not.toBeNull();
      // The holder stalls past its expiry: another takes over, and the stalled one learns it lost the lease.
      await fake.advance(LEASE_TTL_MS + 1);
      const third = await acquireSchedulerLock(a, "host:1:a", fake.clock);
      expect(third).not.toBeNull();
      expect(await second?.renew()).toBe(false);
      // A lease of a process of this machine that no longer runs is taken at once.
      const gone = deadLocalOwner("here");
      expect(gone(ownerName("here", process.pid, "x"))).toBe(false);
      expect(gone(ownerName("elsewhere", 999_999_999, "x"))).toBe(false);
      expect(gone(ownerName("here", 2 ** 22 + 12345, "x"))).toBe(true);
      const taken = await acquireSchedulerLock(b, "here:2:b", fake.clock, { ownerGone: () => true });
      expect(taken).not.toBeNull();
    } finally {
      await a.close();
      await b.close();
    }
  });
});
