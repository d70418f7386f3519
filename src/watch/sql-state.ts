/**
 * The `WatchStateStore` in the SQL store's own database (SQLite or Postgres), in the tables of migration
 * "watch state" (src/store/sql/watch-tables.ts), through the store's Kysely handle: one text for both dialects.
 *
 * `atomically(fn)` runs fn in the store's transaction, so a tick's records (written by the executor inside fn)
 * and its `commitTick` land together or not at all. `commitTick` called outside it opens a transaction of its
 * own. Replay safety: the tick's id is inserted first (ON CONFLICT DO NOTHING); when it was already there the
 * commit writes nothing and says so.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import type { Db } from "../store/sql/dialect.js";
import type {
  AlertRecord,
  DeliveryState,
  DeliveryStatus,
  DeliveryUpdate,
  SpendRow,
  TaskKind,
  TaskState,
  TickCommit,
  TrackedNote,
  WatchStateStore,
} from "./state.js";

/** What the SQL state needs of the store: its handle (the open transaction's inside one) and its transactions. */
export interface SqlStateHost {
  db(): Db;
  transaction<T>(fn: () => Promise<T>): Promise<T>;
}

type Row = Record<string, unknown>;

const num = (v: unknown): number => Number(v);
const numOrNull = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));
/** Dollars are kept as whole micro-USD: sums of many small prices stay exact. */
const toMicro = (usd: number): number => Math.round(usd * 1_000_000);

export class SqlWatchState implements WatchStateStore {
  private readonly inside = new AsyncLocalStorage<true>();

  constructor(private readonly host: SqlStateHost) {}

  /** Runs fn in one store transaction (joined by the store's own writes and by `commitTick`). */
  atomically<T>(fn: () => Promise<T>): Promise<T> {
    if (this.inside.getStore()) return fn();
    return this.host.transaction(() => this.inside.run(true, fn));
  }

  private get db(): Db {
    return this.host.db();
  }

  async tasks(): Promise<TaskState[]> {
    const rows = await this.db.selectFrom("watch_tasks").selectAll().orderBy("key").execute();
    return rows.map(taskOf);
  }

  async trackedNotes(watch?: string): Promise<TrackedNote[]> {
    let query = this.db.selectFrom("watch_tracked").selectAll();
    if (watch !== undefined) query = query.where("watch", "=", watch);
    const rows = await query.orderBy("first_seen_ms").orderBy("note_id").execute();
    return rows.map((r) => ({ watch: String(r.watch), noteId: String(r.note_id), firstSeenAt: num(r.first_seen_ms) }));
  }

  async spend(day: string): Promise<SpendRow[]> {
    const rows = await this.db.selectFrom("watch_spend").selectAll().where("day", "=", day).orderBy("watch").execute();
    return rows.map((r) => ({
      day: String(r.day),
      watch: String(r.watch),
      calls: num(r.calls),
      usd: num(r.usd_micro) / 1_000_000,
    }));
  }

  commitTick(commit: TickCommit): Promise<boolean> {
    return this.atomically(() => this.apply(commit));
  }

  private async apply(commit: TickCommit): Promise<boolean> {
    const db = this.db;
    const claimed = await db
      .insertInto("watch_ticks")
      .values({ tick_id: commit.tickId, committed_ms: commit.task.lastRunAt ?? 0 })
      .onConflict((oc) => oc.column("tick_id").doNothing())
      .executeTakeFirst();
    if (Number(claimed.numInsertedOrUpdatedRows ?? 0) === 0) return false;
    const task = taskRow(commit.task);
    await db
      .insertInto("watch_tasks")
      .values(task)
      .onConflict((oc) =>
        oc.column("key").doUpdateSet({
          runs: task.runs,
          last_run_ms: task.last_run_ms,
          next_due_ms: task.next_due_ms,
        }),
      )
      .execute();
    for (const t of commit.newTasks)
      await db
        .insertInto("watch_tasks")
        .values(taskRow(t))
        .onConflict((oc) => oc.column("key").doNothing())
        .execute();
    for (const n of commit.track)
      await db
        .insertInto("watch_tracked")
        .values({ watch: n.watch, note_id: n.noteId, first_seen_ms: n.firstSeenAt })
        .onConflict((oc) => oc.columns(["watch", "note_id"]).doNothing())
        .execute();
    if (commit.spend) {
      const { day, watch, calls, usd } = commit.spend;
      const micro = toMicro(usd);
      await db
        .insertInto("watch_spend")
        .values({ day, watch, calls, usd_micro: micro })
        .onConflict((oc) =>
          oc.columns(["day", "watch"]).doUpdateSet((eb) => ({
            calls: eb("watch_spend.calls", "+", calls),
            usd_micro: eb("watch_spend.usd_micro", "+", micro),
          })),
        )
        .execute();
    }
    for (const alert of commit.alerts) {
      const added = await db
        .insertInto("watch_alerts")
        .values({
          id: alert.id,
          watch: alert.watch,
          kind: alert.kind,
          subject: alert.subject,
          raised_ms: alert.raisedAt,
          detail: JSON.stringify(alert.detail),
        })
        .onConflict((oc) => oc.column("id").doNothing())
        .executeTakeFirst();
      if (Number(added.numInsertedOrUpdatedRows ?? 0) === 0) continue;
      for (const targetKey of commit.targets)
        await db
          .insertInto("watch_deliveries")
          .values({
            alert_id: alert.id,
            target_key: targetKey,
            status: "pending",
            attempts: 0,
            next_attempt_ms: alert.raisedAt,
            last_error: null,
            settled_ms: null,
          })
          .onConflict((oc) => oc.columns(["alert_id", "target_key"]).doNothing())
          .execute();
    }
    return true;
  }

  async alert(id: string): Promise<AlertRecord | null> {
    const row = await this.db.selectFrom("watch_alerts").selectAll().where("id", "=", id).executeTakeFirst();
    return row ? alertOf(row) : null;
  }

  async alerts(filter: { watch?: string } = {}): Promise<AlertRecord[]> {
    let query = this.db.selectFrom("watch_alerts").selectAll();
    if (filter.watch !== undefined) query = query.where("watch", "=", filter.watch);
    const rows = await query.orderBy("raised_ms").orderBy("id").execute();
    return rows.map(alertOf);
  }

  async dueDeliveries(now: number, limit = 100): Promise<DeliveryState[]> {
    const rows = await this.db
      .selectFrom("watch_deliveries")
      .selectAll()
      .where("status", "=", "pending")
      .where("next_attempt_ms", "<=", now)
      .orderBy("next_attempt_ms")
      .orderBy("alert_id")
      .orderBy("target_key")
      .limit(limit)
      .execute();
    return rows.map(deliveryOf);
  }

  async deliveries(filter: { status?: DeliveryStatus } = {}): Promise<DeliveryState[]> {
    let query = this.db.selectFrom("watch_deliveries").selectAll();
    if (filter.status !== undefined) query = query.where("status", "=", filter.status);
    const rows = await query.orderBy("next_attempt_ms").orderBy("alert_id").orderBy("target_key").execute();
    return rows.map(deliveryOf);
  }

  async updateDelivery(update: DeliveryUpdate): Promise<void> {
    await this.atomically(() =>
      this.db
        .updateTable("watch_deliveries")
        .set({
          status: update.status,
          attempts: update.attempts,
          next_attempt_ms: update.nextAttemptAt,
          last_error: update.lastError,
          settled_ms: update.settledAt,
        })
        .where("alert_id", "=", update.alertId)
        .where("target_key", "=", update.targetKey)
        .where("status", "=", "pending")
        .execute(),
    );
  }
}

function taskRow(t: TaskState) {
  return {
    key: t.key,
    watch: t.watch,
    kind: t.kind,
    target: t.target,
    runs: t.runs,
    last_run_ms: t.lastRunAt,
    next_due_ms: t.nextDueAt,
  };
}

function taskOf(r: Row): TaskState {
  return {
    key: String(r.key),
    watch: String(r.watch),
    kind: String(r.kind) as TaskKind,
    target: String(r.target),
    runs: num(r.runs),
    lastRunAt: numOrNull(r.last_run_ms),
    nextDueAt: numOrNull(r.next_due_ms),
  };
}

function alertOf(r: Row): AlertRecord {
  return {
    id: String(r.id),
    watch: String(r.watch),
    kind: String(r.kind) as AlertRecord["kind"],
    subject: String(r.subject),
    raisedAt: num(r.raised_ms),
    detail: JSON.parse(String(r.detail)) as Record<string, unknown>,
  };
}

function deliveryOf(r: Row): DeliveryState {
  return {
    alertId: String(r.alert_id),
    targetKey: String(r.target_key),
    status: String(r.status) as DeliveryStatus,
    attempts: num(r.attempts),
    nextAttemptAt: num(r.next_attempt_ms),
    lastError: r.last_error === null || r.last_error === undefined ? null : String(r.last_error),
    settledAt: numOrNull(r.settled_ms),
  };
}
