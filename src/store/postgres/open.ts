/**
 * Opening a Postgres store: the URL checked (a malformed one is refused before any connection), one connection tried
 * with a short timeout (an unreachable or refusing server is a `StoreOpenError`, exit 2, before anything is paid),
 * the database checked to be empty or xhs-kit's, and the missing migrations applied under an advisory lock, so two
 * workers starting at once do not both apply them. Messages show the URL without its password.
 */
import { Kysely, PostgresDialect } from "kysely";
import pg from "pg";
import { createRedactor } from "../../core/redact.js";
import { StoreOpenError } from "../errors.js";
import type { StoreOptions } from "../port.js";
import { SqlContext } from "../sql/context.js";
import { POSTGRES_DIALECT, type Tables } from "../sql/dialect.js";
import {
  LATEST_SCHEMA_VERSION,
  MIGRATIONS,
  migrationRowsAreOurs,
  SCHEMA_MIGRATIONS_DDL,
  SchemaTooNewError,
  STORE_TABLES,
} from "../sql/migrations.js";
import { SqlStore } from "../sql/sql-store.js";

export interface PostgresStoreOptions extends StoreOptions {
  /** How long to wait for a connection, in ms (default 5000): an unreachable server fails within it. */
  connectTimeoutMs?: number;
  /** Connections in the pool (default 10). */
  poolSize?: number;
  /** Read only (export, reports): no migration, and every transaction is read-only. */
  readOnly?: boolean;
}

const DEFAULT_CONNECT_TIMEOUT_MS = 5_000;
/** The advisory lock key migrations run under (any constant; "xhs-kit" in ASCII). */
const MIGRATION_LOCK = 0x78_68_73_2d_6b_69_74;

/** Whether a `--db` value names a Postgres database rather than a SQLite file. */
export function isPostgresTarget(target: string): boolean {
  return /^postgres(ql)?:/i.test(target.trim());
}

/** The URL as it may be shown: the password replaced by `***` (also when the URL does not parse). */
export function displayUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password !== "") parsed.password = "***";
    const params = [...parsed.searchParams.keys()];
    for (const key of params) if (/pass|secret|key/i.test(key)) parsed.searchParams.set(key, "***");
    return parsed.toString();
  } catch {
    return url.replace(/(\/\/[^:/@?#]*):[^@/?#]*@/, "$1:***@").replace(/(pass\w*=)[^&]*/gi, "$1***");
  }
}

function checkedUrl(url: string): URL {
  let parsed: URL;
  try {
    parsed = new URL(url.trim());
  } catch {
    throw new StoreOpenError(
      `Not a valid Postgres URL: ${displayUrl(url)} (expected postgres://user:password@host:5432/database)`,
      displayUrl(url),
    );
  }
  if (!/^postgres(ql)?:$/i.test(parsed.protocol) || !url.trim().slice(parsed.protocol.length).startsWith("//")) {
    throw new StoreOpenError(
      `Not a valid Postgres URL: ${displayUrl(url)} (expected postgres://user:password@host:5432/database)`,
      displayUrl(url),
    );
  }
  if (parsed.hostname === "" && !parsed.searchParams.has("host")) {
    throw new StoreOpenError(`The Postgres URL ${displayUrl(url)} names no host`, displayUrl(url));
  }
  return parsed;
}

/** BIGINT and NUMERIC (COUNT, SUM) read as numbers: every value the store keeps is well inside 2^53. */
const NUMBER_OIDS = new Set([20, 1700]);
const types = {
  getTypeParser: ((oid: number, format?: "text" | "binary") =>
    NUMBER_OIDS.has(oid) && format !== "binary"
      ? (value: string) => Number(value)
      : pg.types.getTypeParser(oid, format ?? "text")) as typeof pg.types.getTypeParser,
};

/**
 * Opens (creating the tables and migrating if needed) a Postgres store. Throws StoreOpenError (exit code 2) on a
 * malformed URL, a server that cannot be reached or refuses us, a database that is not xhs-kit's, or a newer schema.
 */
export async function openPostgresStore(url: string, options: PostgresStoreOptions = {}): Promise<SqlStore> {
  const parsed = checkedUrl(url);
  const shown = displayUrl(url);
  const redact = createRedactor(parsed.password === "" ? [] : [decodeURIComponent(parsed.password)], {
    credentialPatterns: false,
  });
  const pool = new pg.Pool({
    connectionString: url.trim(),
    connectionTimeoutMillis: Math.max(1, Math.trunc(options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS)),
    max: Math.max(1, Math.trunc(options.poolSize ?? 10)),
    application_name: "xhs-kit",
    types,
    ...(options.readOnly ? { options: "-c default_transaction_read_only=on" } : {}),
  });
  // An idle connection the server drops must not crash the process; the next query reconnects.
  pool.on("error", () => {});
  try {
    const client = await pool.connect().catch((error: unknown) => {
      throw new StoreOpenError(`Cannot connect to Postgres at ${shown}: ${redact(describe(error))}`, shown, error);
    });
    try {
      await prepareSchema(client, shown, options.readOnly === true, options);
    } finally {
      client.release();
    }
  } catch (error) {
    await pool.end().catch(() => {});
    if (error instanceof SchemaTooNewError) {
      throw new StoreOpenError(`Cannot open ${shown}: ${error.message}`, shown, error);
    }
    if (error instanceof StoreOpenError) throw error;
    throw new StoreOpenError(`Cannot open the Postgres database ${shown}: ${redact(describe(error))}`, shown, error);
  }
  const db = new Kysely<Tables>({ dialect: new PostgresDialect({ pool }) });
  const context = new SqlContext(db, POSTGRES_DIALECT, options);
  return new SqlStore(context, { target: shown, keepRawAnswers: options.keepRawAnswers ?? false });
}

function describe(error: unknown): string {
  if (error instanceof AggregateError && error.errors.length > 0) return describe(error.errors[0]);
  const message = error instanceof Error ? error.message : String(error);
  const code = (error as { code?: unknown }).code;
  return message !== "" ? message : typeof code === "string" ? code : "unknown error";
}

/** Refuses a database that is not ours or is newer; applies the missing migrations (unless read-only). */
async function prepareSchema(
  client: pg.PoolClient,
  shown: string,
  readOnly: boolean,
  options: StoreOptions,
): Promise<void> {
  await client.query("BEGIN");
  try {
    if (!readOnly) await client.query("SELECT pg_advisory_xact_lock($1)", [MIGRATION_LOCK]);
    const tables = await tablesHere(client);
    let applied = new Set<number>();
    if (tables.has("schema_migrations")) {
      const { rows } = await client.query<{ version: unknown; name: unknown }>(
        "SELECT version, name FROM schema_migrations",
      );
      const columns = await columnsOf(client, "schema_migrations");
      if (!["version", "name", "applied_at"].every((c) => columns.has(c)) || !migrationRowsAreOurs(rows)) {
        throw foreign(shown);
      }
      applied = new Set(rows.map((r) => Number(r.version)));
    } else if (STORE_TABLES.some((t) => tables.has(t))) {
      throw foreign(shown);
    }
    const newest = Math.max(0, ...applied);
    if (newest > LATEST_SCHEMA_VERSION) throw new SchemaTooNewError(newest, LATEST_SCHEMA_VERSION, shown);
    if (readOnly) {
      if (newest === 0) throw new StoreOpenError(`${shown} holds no xhs-kit data yet`, shown);
    } else {
      await client.query(SCHEMA_MIGRATIONS_DDL);
      const now = () => new Date((options.clock ?? { now: Date.now }).now()).toISOString();
      for (const migration of MIGRATIONS) {
        if (applied.has(migration.version)) continue;
        await client.query(migration.sql(POSTGRES_DIALECT));
        await client.query("INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)", [
          migration.version,
          migration.name,
          now(),
        ]);
      }
    }
    await client.query("COMMIT");
  } catch (error) {
    await client.query("ROLLBACK").catch(() => {});
    throw error;
  }
}

async function tablesHere(client: pg.PoolClient): Promise<Set<string>> {
  const { rows } = await client.query<{ table_name: string }>(
    "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()",
  );
  return new Set(rows.map((r) => r.table_name));
}

async function columnsOf(client: pg.PoolClient, table: string): Promise<Set<string>> {
  const { rows } = await client.query<{ column_name: string }>(
    "SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = $1",
    [table],
  );
  return new Set(rows.map((r) => r.column_name));
}

function foreign(shown: string): StoreOpenError {
  return new StoreOpenError(
    `Cannot use ${shown}: it has tables of the same names that are not xhs-kit's; give an empty database (or another schema in its search_path)`,
    shown,
  );
}
