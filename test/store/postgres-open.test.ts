/**
 * Opening a Postgres store: every bad input is a StoreOpenError (exit code 2, before anything is paid) whose
 * message shows the URL without its password; a newer schema is refused naming both versions.
 */
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EXIT, exitCodeFor } from "../../src/cli/exit-codes.js";
import { StoreOpenError } from "../../src/store/errors.js";
import { displayUrl, openPostgresStore } from "../../src/store/postgres/open.js";
import { LATEST_SCHEMA_VERSION } from "../../src/store/sql/migrations.js";
import { type FreshDatabase, freshPostgresDatabase, hasPostgres, POSTGRES_URL } from "../support/services.js";
import { note } from "./fixtures.js";

const PASSWORD = "hunter2-s3cret";

async function openError(url: string, options = {}): Promise<StoreOpenError> {
  const error = await openPostgresStore(url, options).then(
    async (store) => {
      await store.close();
      return null;
    },
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(StoreOpenError);
  const opened = error as StoreOpenError;
  expect(exitCodeFor(opened.kind)).toBe(EXIT.usage);
  expect(opened.message).not.toContain(PASSWORD);
  expect(opened.path).not.toContain(PASSWORD);
  return opened;
}

describe("postgres store: URLs", () => {
  it("shows a URL without its password, even one that does not parse", () => {
    expect(displayUrl(`postgres://ann:${PASSWORD}@db.example:5432/xhs`)).toBe("postgres://ann:***@db.example:5432/xhs");
    expect(displayUrl(`postgresql://ann:${PASSWORD}@[bad/xhs`)).not.toContain(PASSWORD);
    expect(displayUrl(`postgres://db.example/xhs?password=${PASSWORD}`)).not.toContain(PASSWORD);
    expect(displayUrl("postgres://db.example/xhs")).toBe("postgres://db.example/xhs");
  });

  it("refuses a malformed URL before connecting", async () => {
    expect((await openError(`postgres://ann:${PASSWORD}@[bad/xhs`)).message).toMatch(/Not a valid Postgres URL/);
    expect((await openError("postgres:xhs")).message).toMatch(/Not a valid Postgres URL/);
    expect((await openError("postgres:///xhs")).message).toMatch(/names no host/);
  });

  it("refuses a server that is not there within the connect timeout", async () => {
    const refused = await openError(`postgres://ann:${PASSWORD}@127.0.0.1:1/xhs`, { connectTimeoutMs: 2000 });
    expect(refused.message).toMatch(
      /Cannot connect to Postgres at postgres:\/\/ann:\*\*\*@127\.0\.0\.1:1\/xhs: .*ECONNREFUSED/,
    );
  });
});

describe.skipIf(!hasPostgres())("postgres store: the database", () => {
  let database: FreshDatabase;
  beforeAll(async () => {
    database = await freshPostgresDatabase("open");
  });
  afterAll(async () => {
    await database?.drop();
  });

  const withPassword = (url: string) => {
    const parsed = new URL(url);
    parsed.password = PASSWORD;
    return parsed.toString();
  };

  it("refuses a database that does not exist, naming it", async () => {
    const url = new URL(POSTGRES_URL!);
    url.pathname = "/xhs_no_such_database";
    const error = await openError(withPassword(url.toString()));
    expect(error.message).toMatch(/xhs_no_such_database.*does not exist/);
  });

  it("refuses a newer schema naming both versions, and someone else's tables of our names", async () => {
    const store = await openPostgresStore(database.url);
    await store.upsertNotes([note("n1")]);
    expect(await store.schemaVersionNow()).toBe(LATEST_SCHEMA_VERSION);
    await store.executeSql("INSERT INTO schema_migrations VALUES ($1, 'from the future', '2030-01-01T00:00:00Z')", [
      LATEST_SCHEMA_VERSION + 7,
    ]);
    await store.close();
    const error = await openError(withPassword(database.url));
    expect(error.message).toContain(`schema version ${LATEST_SCHEMA_VERSION + 7}`);
    expect(error.message).toContain(`(${LATEST_SCHEMA_VERSION})`);
    expect(error.message).toMatch(/upgrade xhs-kit/);

    const other = await freshPostgresDatabase("foreign");
    try {
      const client = new pg.Client({ connectionString: other.url });
      await client.connect();
      await client.query("CREATE TABLE notes (id TEXT PRIMARY KEY, body TEXT)");
      await client.end();
      expect((await openError(other.url)).message).toMatch(/not xhs-kit's/);
    } finally {
      await other.drop();
    }
  });

  it("opens read-only without migrating: reads work, writes are refused", async () => {
    const fresh = await freshPostgresDatabase("readonly");
    try {
      expect((await openError(fresh.url, { readOnly: true })).message).toMatch(/no xhs-kit data/);
      const writer = await openPostgresStore(fresh.url);
      await writer.upsertNotes([note("n1")]);
      await writer.close();
      const reader = await openPostgresStore(fresh.url, { readOnly: true });
      expect(await reader.getNote("n1")).toEqual(note("n1"));
      await expect(reader.upsertNotes([note("n2")])).rejects.toThrow(/read-only/);
      await reader.close();
    } finally {
      await fresh.drop();
    }
  });
});
