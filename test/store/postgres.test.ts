/**
 * The SQL store on Postgres: the conformance suite, each test in a database of its own (test/support/services.ts).
 * Runs when XHS_TEST_DATABASE_URL is set (CI sets it); skipped otherwise.
 */
import { describe } from "vitest";
import { openPostgresStore } from "../../src/store/postgres/open.js";
import { freshPostgresDatabase, hasPostgres } from "../support/services.js";
import { type BackendFactory, runStoreConformance } from "./conformance.js";

describe.skipIf(!hasPostgres())("postgres store", () => {
  runStoreConformance("postgres", async (): Promise<BackendFactory> => {
    const database = await freshPostgresDatabase("conformance");
    return {
      async open(options) {
        const store = await openPostgresStore(database.url, options);
        return { store, queue: store };
      },
      async destroy() {
        await database.drop();
      },
    };
  });
});
