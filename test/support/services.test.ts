import pg from "pg";
import { describe, expect, it } from "vitest";
import { freshPostgresDatabase, hasPostgres } from "./services.js";

describe.skipIf(!hasPostgres())("freshPostgresDatabase", () => {
  it("gives each caller an empty database of its own and drops it", async () => {
    const [a, b] = await Promise.all([freshPostgresDatabase("one"), freshPostgresDatabase("one")]);
    expect(a.name).not.toBe(b.name);
    const client = new pg.Client({ connectionString: a.url });
    await client.connect();
    const { rows } = await client.query("SELECT current_database() AS name");
    await client.end();
    expect(rows[0].name).toBe(a.name);
    await Promise.all([a.drop(), b.drop()]);
    const admin = new pg.Client({ connectionString: process.env.XHS_TEST_DATABASE_URL });
    await admin.connect();
    const left = await admin.query("SELECT 1 FROM pg_database WHERE datname = ANY($1)", [[a.name, b.name]]);
    await admin.end();
    expect(left.rowCount).toBe(0);
  });
});
