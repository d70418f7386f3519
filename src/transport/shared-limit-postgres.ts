/**
 * The shared limiter on Postgres (the crawl's own database when it is Postgres): one row per bucket holding
 * its `tat` (ms); a booking locks its rows (in id order, so two bookings never deadlock), applies the rule
 * and commits. The table is the limiter's own, created on first use; the store's migrations never see it.
 */
import pg from "pg";
import { type BucketRule, gcraBook, type SharedRateLimiter } from "./shared-limit.js";

const DEFAULT_TABLE = "xhs_rate_limit_buckets";

export class PostgresSharedLimiter implements SharedRateLimiter {
  readonly #pool: pg.Pool;
  readonly #table: string;
  #ready: Promise<void> | undefined;
  /** Bucket ids whose rows exist (inserting them again each time would cost a round trip). */
  readonly #known = new Set<string>();

  constructor(url: string, table = DEFAULT_TABLE) {
    if (!/^[a-z_][a-z0-9_]*$/.test(table)) throw new Error(`not a plain table name: ${table}`);
    this.#table = table;
    // Idle connections do not keep a CLI process alive.
    this.#pool = new pg.Pool({ connectionString: url, max: 4, allowExitOnIdle: true });
    this.#pool.on("error", () => {
      // An idle connection dropped by the server: the next booking opens another.
    });
  }

  async reserve(rules: readonly BucketRule[], nowMs: number): Promise<number> {
    if (rules.length === 0) return nowMs;
    await this.#createTable();
    const ids = rules.map((rule) => rule.id);
    const client = await this.#pool.connect();
    try {
      if (ids.some((id) => !this.#known.has(id))) {
        await client.query(
          `INSERT INTO ${this.#table} (id, tat) SELECT unnest($1::text[]), 0 ON CONFLICT (id) DO NOTHING`,
          [ids],
        );
        for (const id of ids) this.#known.add(id);
      }
      await client.query("BEGIN");
      try {
        const { rows } = await client.query<{ id: string; tat: number }>(
          `SELECT id, tat FROM ${this.#table} WHERE id = ANY($1::text[]) ORDER BY id FOR UPDATE`,
          [ids],
        );
        const stored = new Map(rows.map((row) => [row.id, Number(row.tat)]));
        const booked = gcraBook(
          rules,
          ids.map((id) => stored.get(id)),
          nowMs,
        );
        await client.query(
          `UPDATE ${this.#table} AS b SET tat = v.tat FROM unnest($1::text[], $2::float8[]) AS v(id, tat) WHERE b.id = v.id`,
          [ids, booked.tats],
        );
        await client.query("COMMIT");
        return booked.sendAt;
      } catch (error) {
        await client.query("ROLLBACK").catch(() => {});
        throw error;
      }
    } finally {
      client.release();
    }
  }

  async check(): Promise<void> {
    await this.#createTable();
  }

  async close(): Promise<void> {
    await this.#pool.end();
  }

  /** Creates the table once per process; the advisory lock keeps two processes' CREATEs from colliding. */
  #createTable(): Promise<void> {
    this.#ready ??= (async () => {
      const client = await this.#pool.connect();
      try {
        await client.query("BEGIN");
        await client.query("SELECT pg_advisory_xact_lock(hashtext($1))", [this.#table]);
        await client.query(
          `CREATE TABLE IF NOT EXISTS ${this.#table} (id text PRIMARY KEY, tat double precision NOT NULL)`,
        );
        await client.query("COMMIT");
      } catch (error) {
        await client.query("ROLLBACK").catch(() => {});
        throw error;
      } finally {
        client.release();
      }
    })().catch((error) => {
      this.#ready = undefined;
      throw error;
    });
    return this.#ready;
  }
}
