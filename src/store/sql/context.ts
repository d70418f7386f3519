/**
 * What every part of the SQL store shares: the Kysely handle, the dialect, the clock, the scrubbers, and the
 * transaction in progress.
 *
 * `transaction(fn)` opens one transaction and keeps it in an AsyncLocalStorage: every store and queue call made
 * inside fn's async context runs in it (`db()`). Calls from outside wait until it ends (the `Store` contract:
 * other callers' writes stay out of an open transaction), so a store instance has one transaction at a time;
 * other instances (other processes, other workers) run theirs alongside, kept apart by the database.
 * On Postgres it is a Kysely transaction (one connection of the pool held for it). On SQLite's one connection the
 * context runs it itself: it waits for the calls already under way, then BEGIN IMMEDIATE … COMMIT.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import { CompiledQuery } from "kysely";
import { systemClock } from "../../core/clock.js";
import type { Clock } from "../../core/types.js";
import { makeDataScrubber, makeScrubber, type Scrubber } from "../redact.js";
import type { Db, SqlDialect } from "./dialect.js";
import { type DirectExecutor, PreparedQueries } from "./prepared.js";

const BEGIN = CompiledQuery.raw("BEGIN IMMEDIATE");
const COMMIT = CompiledQuery.raw("COMMIT");
const ROLLBACK = CompiledQuery.raw("ROLLBACK");

interface OpenTransaction {
  db: Db;
  token: symbol;
}

export class SqlContext {
  readonly root: Db;
  readonly dialect: SqlDialect;
  /** Scrubs secrets and credential-shaped text from diagnostics before they are written (ledger reasons, job errors, run stats). */
  readonly scrub: Scrubber;
  /** Scrubs the known secrets from fetched data (raw answers, the plan), leaving the data's own words alone. */
  readonly scrubData: Scrubber;
  /** The hot paths' queries, built and compiled once (prepared.ts). */
  readonly prepared: PreparedQueries;
  private readonly clock: Clock;
  private readonly scope = new AsyncLocalStorage<OpenTransaction>();
  private open: { token: symbol; done: Promise<void> } | null = null;
  /** Calls outside any transaction that are under way, and who waits for them to end (single connection). */
  private running = 0;
  private drained: (() => void)[] = [];
  private closed = false;

  constructor(
    root: Db,
    dialect: SqlDialect,
    options: { clock?: Clock; secrets?: readonly string[] } = {},
    direct: DirectExecutor | null = null,
  ) {
    this.root = root;
    this.dialect = dialect;
    this.prepared = new PreparedQueries(root, direct);
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

  /** The handle to query with: the open transaction's inside `transaction(fn)`, else the root. */
  db(): Db {
    return this.current()?.db ?? this.root;
  }

  /**
   * The transaction this call is inside, if it is still the open one: a callback made inside a transaction (an event
   * listener, a timer) keeps its async context after the transaction ended, and must then count as outside.
   */
  private current(): OpenTransaction | undefined {
    const scope = this.scope.getStore();
    return scope !== undefined && this.open !== null && scope.token === this.open.token ? scope : undefined;
  }

  /** Waits until no other caller's transaction is open, then runs `work` on the current handle. */
  async run<T>(work: (db: Db) => Promise<T>): Promise<T> {
    if (this.mustWait()) await this.gate();
    this.assertOpen();
    const current = this.current();
    if (current !== undefined) return work(current.db);
    this.running += 1;
    try {
      return await work(this.root);
    } finally {
      this.running -= 1;
      if (this.running === 0) for (const wake of this.drained.splice(0)) wake();
    }
  }

  /** Like `run`, but `work`'s queries commit together: inside the open transaction, or in one of their own. */
  async atomic<T>(work: (db: Db) => Promise<T>): Promise<T> {
    if (this.mustWait()) await this.gate();
    this.assertOpen();
    const current = this.current();
    if (current !== undefined) return work(current.db);
    if (this.dialect.singleConnection) return this.transaction(() => work(this.root));
    return this.root.transaction().execute((trx) => work(trx));
  }

  /** Runs SQL text with positional parameters ($1… on Postgres, ? on SQLite) on the current handle. */
  executeSql(text: string, values: readonly unknown[] = []): Promise<{ rows: Record<string, unknown>[] }> {
    return this.run(async (db) => {
      const result = await db.executeQuery<Record<string, unknown>>(CompiledQuery.raw(text, [...values]));
      return { rows: [...result.rows] };
    });
  }

  async transaction<T>(fn: () => Promise<T>): Promise<T> {
    if (this.current() !== undefined) {
      throw new Error("Store transactions do not nest: call the store directly inside transaction()");
    }
    while (this.open !== null) await this.open.done;
    this.assertOpen();
    const token = Symbol("transaction");
    let release = () => {};
    const done = new Promise<void>((resolve) => {
      release = resolve;
    });
    this.open = { token, done };
    try {
      if (!this.dialect.singleConnection) {
        return await this.root.transaction().execute((trx) => this.scope.run({ db: trx, token }, fn));
      }
      while (this.running > 0) await new Promise<void>((wake) => this.drained.push(wake));
      return await this.scope.run({ db: this.root, token }, () => this.onOneConnection(fn));
    } finally {
      this.open = null;
      release();
    }
  }

  private async onOneConnection<T>(fn: () => Promise<T>): Promise<T> {
    await this.prepared.raw(this.root, BEGIN);
    try {
      const result = await fn();
      await this.prepared.raw(this.root, COMMIT);
      return result;
    } catch (error) {
      // Nothing to roll back when BEGIN or COMMIT itself failed and SQLite ended the transaction.
      await this.prepared.raw(this.root, ROLLBACK).catch(() => {});
      throw error;
    }
  }

  async close(): Promise<void> {
    while (this.open !== null) await this.open.done;
    if (this.closed) return;
    this.closed = true;
    await this.root.destroy();
  }

  /** Whether another caller's transaction is open (checked without a wait in the common case). */
  private mustWait(): boolean {
    return this.open !== null && this.current() === undefined;
  }

  private async gate(): Promise<void> {
    while (this.open !== null && this.current() === undefined) await this.open.done;
    this.assertOpen();
  }

  private assertOpen(): void {
    if (this.closed) throw new Error("The store is closed");
  }
}
