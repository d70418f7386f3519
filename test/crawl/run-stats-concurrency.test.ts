/**
 * The run's statistics are read, changed and written back by every job commit of every worker. Two workers (two
 * store instances, two connection pools on one Postgres) committing at the same time must add up: no commit's
 * counts may be lost to another's write (before the run row was locked for the commit, about half were).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { XhsClient } from "../../src/client/types.js";
import { CrawlSession } from "../../src/crawl/engine/session.js";
import { normalizePlan } from "../../src/crawl/plan/normalize.js";
import { loadStats } from "../../src/crawl/statistics.js";
import { openPostgresStore } from "../../src/store/postgres/open.js";
import type { SqlStore } from "../../src/store/sql/sql-store.js";
import { type FreshDatabase, freshPostgresDatabase, hasPostgres } from "../support/services.js";

const PLAN = normalizePlan({ name: "stats", seeds: { keywords: [{ keyword: "露营" }] } }, "stats");
const COMMITS = 20;

describe.skipIf(!hasPostgres())("run statistics under concurrent workers (Postgres)", () => {
  let database: FreshDatabase;
  let stores: SqlStore[] = [];

  beforeAll(async () => {
    database = await freshPostgresDatabase("run_stats");
    stores = [await openPostgresStore(database.url), await openPostgresStore(database.url)];
  }, 60_000);

  afterAll(async () => {
    for (const store of stores) await store.close();
    await database?.drop();
  });

  it("two workers' commits both count: every increment of both is in the saved stats", async () => {
    const run = await stores[0]!.createRun({ plan: PLAN });
    const sessions = stores.map(
      (store) =>
        new CrawlSession({ client: {} as XhsClient, store, queue: store }, { runId: run.id, shared: true }, run, PLAN),
    );
    // Each commit reads the stats, waits a moment (a job's page writes), then adds one followed note and one
    // taken for its seed: two workers interleave their reads and writes.
    const commitMany = async (session: CrawlSession, seed: string) => {
      for (let i = 0; i < COMMITS; i += 1) {
        await session.commit(async (stats) => {
          await new Promise((r) => setTimeout(r, 2));
          stats.notesFollowed += 1;
          stats.seedTaken[seed] = (stats.seedTaken[seed] ?? 0) + 1;
          stats.items.notes.new += 1;
        });
      }
    };
    await Promise.all([commitMany(sessions[0]!, "a"), commitMany(sessions[1]!, "b")]);
    const saved = loadStats((await stores[0]!.getRun(run.id))?.stats);
    expect(saved.notesFollowed).toBe(2 * COMMITS);
    expect(saved.items.notes.new).toBe(2 * COMMITS);
    expect(saved.seedTaken).toEqual({ a: COMMITS, b: COMMITS });
  }, 60_000);
});
