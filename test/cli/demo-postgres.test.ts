/**
 * `xhs demo --db postgres://…` (issue #13: every --db takes a Postgres URL): the demo crawl lands in Postgres, a re-run
 * starts from an empty database again (its schema kept), and a database holding anything but demo runs is refused
 * with exit 2 and left as it was. Runs when XHS_TEST_DATABASE_URL is set (CI sets it).
 */
import { describe, expect, it } from "vitest";
import { EXIT } from "../../src/cli/exit-codes.js";
import { openPostgresStore } from "../../src/store/postgres/open.js";
import { freshPostgresDatabase, hasPostgres } from "../support/services.js";
import { runCli } from "./helpers.js";

describe.skipIf(!hasPostgres())("xhs demo into Postgres", () => {
  it("crawls into the database, starts fresh on a re-run, and refuses a database with other runs", async () => {
    const database = await freshPostgresDatabase("demopg");
    try {
      const first = await runCli(["demo", "--db", database.url, "--json"]);
      expect(first.code, first.stderr).toBe(0);
      const firstRun = (JSON.parse(first.stdout) as { runId: string }).runId;
      let store = await openPostgresStore(database.url);
      const notes = await store.countRecords("notes");
      expect(notes).toBeGreaterThan(0);
      expect((await store.listRuns({ limit: 10 })).map((r) => r.id)).toEqual([firstRun]);
      await store.close();

      // Again: the first run's rows are gone, the same crawl is there once.
      const second = await runCli(["demo", "--db", database.url, "--json"]);
      expect(second.code, second.stderr).toBe(0);
      const secondRun = (JSON.parse(second.stdout) as { runId: string }).runId;
      store = await openPostgresStore(database.url);
      expect((await store.listRuns({ limit: 10 })).map((r) => r.id)).toEqual([secondRun]);
      expect(await store.countRecords("notes")).toBe(notes);
      const ledgerRuns = new Set((await store.ledgerEntries()).map((e) => e.runId));
      expect([...ledgerRuns]).toEqual([secondRun]);

      // A run of another plan: the demo refuses to empty the database, and it stays as it was.
      await store.createRun({ plan: { name: "team crawl" }, planKey: "team" });
      await store.close();
      const refused = await runCli(["demo", "--db", database.url]);
      expect(refused.code).toBe(EXIT.usage);
      expect(refused.stderr).toMatch(/holds more than a demo crawl/);
      store = await openPostgresStore(database.url);
      expect(await store.listRuns({ limit: 10 })).toHaveLength(2);
      expect(await store.countRecords("notes")).toBe(notes);
      await store.close();
    } finally {
      await database.drop();
    }
  });
});
