/**
 * Deletes every row of a database's data tables in one transaction, its schema kept (`xhs demo` on Postgres starts
 * from an empty database as it does from a new SQLite file). The caller checks the database is one it may empty.
 */
import { sql } from "kysely";
import { NOT_DATA_TABLES } from "./copy.js";
import { dialectNamed } from "./dialect.js";
import type { SqlStore } from "./sql-store.js";

export async function deleteAllRows(store: SqlStore): Promise<void> {
  const tables = await dialectNamed(store.dialect).tables(store.db());
  await store.transaction(async () => {
    for (const { name } of tables) {
      if (!NOT_DATA_TABLES.has(name)) await sql`DELETE FROM ${sql.table(name)}`.execute(store.db());
    }
  });
}
