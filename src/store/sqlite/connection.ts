/**
 * The one better-sqlite3 connection every part of the SQLite store shares, and the gate that orders calls.
 *
 * better-sqlite3 is synchronous; the ports are async (for backends that are not). Every call waits
 * while another caller's `transaction()` is open, so concurrent crawl handlers never write into
 * someone else's transaction; calls made inside the transaction (same async context) go straight in.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import type Database from "better-sqlite3";
import { systemClock } from "../../core/clock.js";
import type { Clock } from "../../core/types.js";
import { makeDataScrubber, makeScrubber, type Scrubber } from "../redact.js";

export type Statement = Database.Statement;

export class SqliteConnection {
  readonly database: Database.Database;
  /** Scrubs secrets and credential-shaped text from diagnostics before they are written (ledger reasons, job errors, run stats). */
  readonly scrub: Scrubber;
  /** Scrubs the known secrets from fetched data (raw answers, the plan), leaving the data's own words alone. */
  readonly scrubData: Scrubber;
  private readonly clock: Clock;
  private readonly statements = new Map<string, Statement>();
  private readonly txScope = new AsyncLocalStorage<symbol>();
  private txToken: symbol | null = null;
  private txDone: Promise<void> | null = null;
  private closed = false;

  constructor(database: Database.Database, options: { clock?: Clock; secrets?: readonly string[] } = {}) {
    this.database = database;
    this.clock = options.clock ?? systemClock;
    this.scrub = makeScrubber(options.secrets);
    this.scrubData = makeDataScrubber(options.secrets);
  }

  nowMs(): number {
    return this.clock.now();
  }

  nowIso(): string {
    return new Date(this.clock.now()).toISOString();
  }

  /** A prepared statement, prepared once per SQL text. */
  statement(sql: string): Statement {
    let prepared = this.statements.get(sql);
    if (!prepared) {
      prepared = this.database.prepare(sql);
      this.statements.set(sql, prepared);
    }
    return prepared;
  }

  /** Runs synchronous work once no other caller's transaction is open (check and run in one tick). */
  async run<T>(work: () => T): Promise<T> {
    while (this.txDone !== null && this.txScope.getStore() !== this.txToken) await this.txDone;
    if (this.closed) throw new Error("The store is closed");
    return work();
  }

  async transaction<T>(fn: () => Promise<T>): Promise<T> {
    if (this.txToken !== null && this.txScope.getStore() === this.txToken) {
      throw new Error("Store transactions do not nest: call the store directly inside transaction()");
    }
    while (this.txDone !== null) await this.txDone;
    if (this.closed) throw new Error("The store is closed");
    const token = Symbol("transaction");
    let release = () => {};
    this.txDone = new Promise<void>((done) => {
      release = done;
    });
    this.txToken = token;
    try {
      this.database.exec("BEGIN IMMEDIATE");
      const result = await this.txScope.run(token, fn);
      this.database.exec("COMMIT");
      return result;
    } catch (error) {
      if (this.database.inTransaction) this.database.exec("ROLLBACK");
      throw error;
    } finally {
      this.txToken = null;
      this.txDone = null;
      release();
    }
  }

  async close(): Promise<void> {
    while (this.txDone !== null) await this.txDone;
    if (this.closed) return;
    this.closed = true;
    this.database.close();
  }
}
