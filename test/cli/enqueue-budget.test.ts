/**
 * `xhs crawl --enqueue-only --max-calls/--max-cost --db postgres://…` stores the budget with the run, so the workers
 * that take its jobs count toward it and `xhs runs show` reports it; without budget flags none is stored.
 * Runs when XHS_TEST_DATABASE_URL is set (CI sets it).
 */
import { describe, expect, it } from "vitest";
import { openPostgresStore } from "../../src/store/postgres/open.js";
import { freshPostgresDatabase, hasPostgres } from "../support/services.js";
import { runCli } from "./helpers.js";

const noteId = (n: number) => `bb${String(n).padStart(22, "0")}`;

describe.skipIf(!hasPostgres())("xhs crawl --enqueue-only with a budget", () => {
  it("stores the budget with the queued run, and none when no budget flag is given", async () => {
    const database = await freshPostgresDatabase("enqbudget");
    const fetch = async (): Promise<Response> => {
      throw new Error("--enqueue-only pays nothing");
    };
    const env = { TIKHUB_API_KEY: "enqueue-budget-test-key" };
    try {
      const budgeted = await runCli(
        [
          "crawl",
          "--note",
          noteId(1),
          "--db",
          database.url,
          "--enqueue-only",
          "--max-calls",
          "7",
          "--max-cost",
          "0.05",
          "--json",
        ],
        { env, fetch },
      );
      expect(budgeted.code).toBe(0);
      const { runId } = JSON.parse(budgeted.stdout) as { runId: string };
      const plain = await runCli(["crawl", "--note", noteId(2), "--db", database.url, "--enqueue-only", "--json"], {
        env,
        fetch,
      });
      expect(plain.code).toBe(0);
      const plainRun = (JSON.parse(plain.stdout) as { runId: string }).runId;

      const store = await openPostgresStore(database.url);
      try {
        expect((await store.getRun(runId))?.budget).toMatchObject({ maxCalls: 7, maxCostUsd: 0.05, callsBefore: 0 });
        expect((await store.getRun(plainRun))?.budget).toBeNull();
      } finally {
        await store.close();
      }
      const shown = await runCli(["runs", "show", runId, "--db", database.url, "--json"], { env, fetch });
      expect(shown.code).toBe(0);
      expect(JSON.parse(shown.stdout).budget).toMatchObject({ maxCalls: 7, maxCostUsd: 0.05, callsUsed: 0 });
    } finally {
      await database.drop();
    }
  });
});
