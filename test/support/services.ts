/**
 * The real services some suites need (Postgres for the store and the job engine, Redis for the shared rate
 * limiter). Their URLs come from the environment: `XHS_TEST_DATABASE_URL` (a Postgres database the tests may
 * create databases from) and `XHS_TEST_REDIS_URL`. `.ci/run` sets both and fails when a server is not
 * reachable, so CI never skips these suites; elsewhere they skip, and the global setup says so once.
 *
 * Each suite works in a database of its own (`freshPostgresDatabase`), so suites running in parallel and
 * earlier runs never see each other's rows.
 */
import { randomBytes } from "node:crypto";
import pg from "pg";

export const POSTGRES_URL: string | undefined = process.env.XHS_TEST_DATABASE_URL || undefined;
export const REDIS_URL: string | undefined = process.env.XHS_TEST_REDIS_URL || undefined;

export const hasPostgres = (): boolean => POSTGRES_URL !== undefined;
export const hasRedis = (): boolean => REDIS_URL !== undefined;

export interface FreshDatabase {
  /** A URL of a new, empty database on the same server. */
  url: string;
  name: string;
  /** Drops it (closing other connections first). */
  drop(): Promise<void>;
}

function withDatabase(url: string, name: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${name}`;
  return parsed.toString();
}

/** Creates an empty database named `xhs_test_<label>_<born>_<random>` on the XHS_TEST_DATABASE_URL server. */
export async function freshPostgresDatabase(label = "t"): Promise<FreshDatabase> {
  if (POSTGRES_URL === undefined) throw new Error("XHS_TEST_DATABASE_URL is not set");
  const safeLabel = label
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "_")
    .slice(0, 20);
  // The creation time (base 36 seconds) lets a later run drop what a killed run left (dropStaleDatabases).
  const born = Math.floor(Date.now() / 1000).toString(36);
  const name = `xhs_test_${safeLabel}_${born}_${randomBytes(4).toString("hex")}`;
  const admin = new pg.Client({ connectionString: POSTGRES_URL });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  return {
    url: withDatabase(POSTGRES_URL, name),
    name,
    async drop() {
      const client = new pg.Client({ connectionString: POSTGRES_URL });
      await client.connect();
      try {
        await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await client.end();
      }
    },
  };
}

/** A key prefix no other suite or run uses, for Redis keys. */
export function freshRedisPrefix(label = "t"): string {
  return `xhs-test:${label}:${randomBytes(5).toString("hex")}:`;
}

/** Drops the test databases older than `maxAgeMs` (those a killed run could not drop); returns how many. */
export async function dropStaleDatabases(maxAgeMs = 6 * 3600_000): Promise<number> {
  if (POSTGRES_URL === undefined) return 0;
  const client = new pg.Client({ connectionString: POSTGRES_URL });
  await client.connect();
  try {
    const { rows } = await client.query<{ datname: string }>(
      "SELECT datname FROM pg_database WHERE datname LIKE 'xhs\\_test\\_%'",
    );
    let dropped = 0;
    for (const { datname } of rows) {
      const born = Number.parseInt(datname.split("_").at(-2) ?? "", 36);
      if (!Number.isFinite(born) || Date.now() - born * 1000 < maxAgeMs) continue;
      await client.query(`DROP DATABASE IF EXISTS ${datname} WITH (FORCE)`);
      dropped += 1;
    }
    return dropped;
  } finally {
    await client.end();
  }
}
