/**
 * Queries built with Kysely once and run many times: the query is built with `Slot` placeholders where its values
 * go, compiled once per key, and each run puts the values in the slots' places. Building and compiling a Kysely
 * query costs more than SQLite takes to run a small one; the store's hot paths (an upsert's read and write, a lease,
 * a job's completion) run the same few shapes again and again.
 */
import type { Compilable, CompiledQuery, QueryResult } from "kysely";
import type { Db, Row } from "./dialect.js";

/** Where the value at `index` of a run's values goes. */
export class Slot {
  constructor(readonly index: number) {}
}

/** Slots 0…n-1. */
export function slots(n: number): Slot[] {
  return Array.from({ length: n }, (_, i) => new Slot(i));
}

/** Runs a compiled query on the one connection at once, past Kysely's executor (SQLite only: see sqlite/driver.ts). */
export type DirectExecutor = <R>(compiled: CompiledQuery) => QueryResult<R>;

export class PreparedQueries {
  private readonly compiled = new Map<string, CompiledQuery>();

  constructor(
    private readonly root: Db,
    private readonly direct: DirectExecutor | null = null,
  ) {}

  /** Runs a query compiled elsewhere (BEGIN, COMMIT) the same way. */
  async raw(db: Db, query: CompiledQuery): Promise<void> {
    if (this.direct !== null) this.direct(query);
    else await db.executeQuery(query);
  }

  /** Runs the query `key` names (built by `build` on first use) on `db` with these values in its slots. */
  run<R = Row>(
    db: Db,
    key: string,
    build: (db: Db) => Compilable,
    values: readonly unknown[],
  ): Promise<QueryResult<R>> {
    let query = this.compiled.get(key);
    if (query === undefined) {
      query = build(this.root).compile();
      this.compiled.set(key, query);
    }
    const parameters = query.parameters.map((p) => (p instanceof Slot ? values[p.index] : p));
    if (this.direct !== null) return Promise.resolve(this.direct<R>({ ...query, parameters }));
    return db.executeQuery<R>({ ...query, parameters });
  }
}
