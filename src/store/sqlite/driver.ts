/**
 * The Kysely dialect of the SQLite store: Kysely's own SQLite adapter and query compiler over a driver of ours,
 * which differs from Kysely's SqliteDriver in two ways the store needs:
 * - prepared statements are kept by SQL text (Kysely's prepares every query anew, which is most of the cost of a
 *   small write); the store's statements are a few dozen texts, the cache is bounded all the same;
 * - a transaction begins IMMEDIATE: it takes the write lock first, so a read-then-write (an upsert's merge, a lease)
 *   never fails halfway with SQLITE_BUSY when another process wrote in between (busy_timeout waits instead).
 * One connection, taken by one caller at a time (the mutex), as in Kysely's driver.
 */
import type Database from "better-sqlite3";
import {
  type CompiledQuery,
  type DatabaseConnection,
  type Dialect,
  type Driver,
  type QueryResult,
  SqliteAdapter,
  SqliteIntrospector,
  SqliteQueryCompiler,
} from "kysely";

const MAX_STATEMENTS = 500;

class CachedConnection implements DatabaseConnection {
  private readonly statements = new Map<string, Database.Statement>();

  constructor(private readonly database: Database.Database) {}

  private prepared(sql: string): Database.Statement {
    let statement = this.statements.get(sql);
    if (statement === undefined) {
      statement = this.database.prepare(sql);
      if (this.statements.size >= MAX_STATEMENTS) {
        const oldest = this.statements.keys().next().value;
        if (oldest !== undefined) this.statements.delete(oldest);
      }
      this.statements.set(sql, statement);
    }
    return statement;
  }

  async executeQuery<R>(compiled: CompiledQuery): Promise<QueryResult<R>> {
    return this.executeNow(compiled);
  }

  /** Runs a compiled query at once (better-sqlite3 is synchronous). */
  executeNow<R>(compiled: CompiledQuery): QueryResult<R> {
    const statement = this.prepared(compiled.sql);
    const parameters = compiled.parameters as unknown[];
    if (statement.reader) return { rows: statement.all(parameters) as R[] };
    const { changes, lastInsertRowid } = statement.run(parameters);
    return { numAffectedRows: BigInt(changes), insertId: BigInt(lastInsertRowid), rows: [] };
  }

  // biome-ignore lint/correctness/useYield: the store never streams (it pages with keysets); Kysely's interface asks for it
  async *streamQuery<R>(): AsyncIterableIterator<QueryResult<R>> {
    throw new Error("The SQLite store does not stream queries");
  }

  exec(sql: string): void {
    this.prepared(sql).run();
  }
}

class Mutex {
  private held: Promise<void> | null = null;
  private release: (() => void) | null = null;

  async lock(): Promise<void> {
    while (this.held !== null) await this.held;
    this.held = new Promise((resolve) => {
      this.release = resolve;
    });
  }

  unlock(): void {
    const release = this.release;
    this.held = null;
    this.release = null;
    release?.();
  }
}

class CachedSqliteDriver implements Driver {
  private readonly mutex = new Mutex();

  constructor(
    private readonly database: Database.Database,
    private readonly connection: CachedConnection,
  ) {}

  async init(): Promise<void> {}

  async acquireConnection(): Promise<DatabaseConnection> {
    await this.mutex.lock();
    return this.connection;
  }

  async beginTransaction(): Promise<void> {
    this.connection.exec("BEGIN IMMEDIATE");
  }

  async commitTransaction(): Promise<void> {
    this.connection.exec("COMMIT");
  }

  async rollbackTransaction(): Promise<void> {
    if (this.database.inTransaction) this.connection.exec("ROLLBACK");
  }

  async releaseConnection(): Promise<void> {
    this.mutex.unlock();
  }

  async destroy(): Promise<void> {
    if (this.database.open) this.database.close();
  }
}

/**
 * A Kysely dialect over an open better-sqlite3 database (closed when the Kysely instance is destroyed), and the
 * same connection's direct runner for queries compiled in advance: the store's prepared queries skip Kysely's
 * executor and connection mutex, which is safe on one synchronous connection whose transactions the store runs
 * itself (sql/context.ts).
 */
export function cachedSqliteDialect(database: Database.Database): {
  dialect: Dialect;
  execute: <R>(compiled: CompiledQuery) => QueryResult<R>;
} {
  const connection = new CachedConnection(database);
  return {
    dialect: {
      createAdapter: () => new SqliteAdapter(),
      createDriver: () => new CachedSqliteDriver(database, connection),
      createIntrospector: (db) => new SqliteIntrospector(db),
      createQueryCompiler: () => new SqliteQueryCompiler(),
    },
    execute: (compiled) => connection.executeNow(compiled),
  };
}
