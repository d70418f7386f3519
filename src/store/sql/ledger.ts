/**
 * The ledger of paid calls (`ledger`): one row per attempt, costs kept in integer micro-USD so sums are exact, with
 * hedging's marks (a hedge; a hedge loser, which `billable` says was paid anyway) and the fingerprint of the key
 * that sent it (never the key).
 */
import type { AttemptEvent } from "../../core/types.js";
import type { Series } from "../../core/vocabulary.js";
import type { LedgerEntry, LedgerTotals } from "../port.js";
import type { SqlContext } from "./context.js";
import type { Row } from "./dialect.js";
import { chunks } from "./records.js";

type Tally = { calls: number; billableCalls: number; costUsd: number };
type Group = "byEndpoint" | "bySeries" | "byKey";

export class LedgerTable {
  private readonly context: SqlContext;

  constructor(context: SqlContext) {
    this.context = context;
  }

  /** Only the event's own fields are stored; a reason is scrubbed of secrets first. */
  async append(runId: string | null, events: readonly AttemptEvent[]): Promise<void> {
    if (events.length === 0) return;
    const { context } = this;
    const rows = events.map((e) => ({
      run_id: runId,
      at: e.at,
      capability: e.capability,
      endpoint: e.endpoint,
      series: e.series,
      http_status: e.httpStatus,
      outcome: e.outcome,
      latency_ms: Math.round(e.latencyMs),
      billable: e.billable ? 1 : 0,
      cost_micro_usd: Math.round(e.costUsd * 1_000_000),
      retry: e.retry,
      failover: e.failover ? 1 : 0,
      reason: e.reason === undefined ? null : context.scrub(e.reason),
      request_id: e.requestId ?? null,
      hedge: e.hedge ? 1 : 0,
      hedge_lost: e.hedgeLost ? 1 : 0,
      key_fingerprint: e.keyFingerprint === undefined ? null : context.scrubData(e.keyFingerprint),
    }));
    await context.atomic(async (db) => {
      for (const part of chunks(rows)) await db.insertInto("ledger").values(part).execute();
    });
  }

  async totals(filter?: { runId?: string }): Promise<LedgerTotals> {
    const rows = await this.context.run((db) => {
      let query = db
        .selectFrom("ledger")
        .select((eb) => [
          "endpoint",
          "series",
          "outcome",
          "key_fingerprint",
          eb.fn.countAll().as("calls"),
          eb.fn.sum("billable").as("billable"),
          eb.fn.sum("cost_micro_usd").as("micro"),
        ])
        .groupBy(["endpoint", "series", "outcome", "key_fingerprint"]);
      if (filter?.runId !== undefined) query = query.where("run_id", "=", filter.runId);
      return query.execute();
    });
    const totals: LedgerTotals = {
      calls: 0,
      billableCalls: 0,
      costUsd: 0,
      byEndpoint: {},
      bySeries: {},
      byOutcome: {},
      byKey: {},
    };
    let micro = 0;
    const micros: Record<Group, Map<string, number>> = { byEndpoint: new Map(), bySeries: new Map(), byKey: new Map() };
    for (const r of rows) {
      const calls = Number(r.calls);
      const billable = Number(r.billable ?? 0);
      const cost = Number(r.micro ?? 0);
      totals.calls += calls;
      totals.billableCalls += billable;
      micro += cost;
      const outcome = String(r.outcome);
      totals.byOutcome[outcome] = (totals.byOutcome[outcome] ?? 0) + calls;
      const groups: [Group, unknown][] = [
        ["byEndpoint", r.endpoint],
        ["bySeries", r.series],
        ["byKey", r.key_fingerprint],
      ];
      for (const [group, value] of groups) {
        // Calls made before key pools (or by a client without one) name no key: they are left out of byKey.
        if (value === null || value === undefined) continue;
        const key = String(value);
        const bucket = totals[group]!;
        const b: Tally = bucket[key] ?? { calls: 0, billableCalls: 0, costUsd: 0 };
        bucket[key] = b;
        b.calls += calls;
        b.billableCalls += billable;
        const m = (micros[group].get(key) ?? 0) + cost;
        micros[group].set(key, m);
        b.costUsd = m / 1_000_000;
      }
    }
    totals.costUsd = micro / 1_000_000;
    return totals;
  }

  async entries(filter?: { runId?: string; limit?: number }): Promise<LedgerEntry[]> {
    const rows = await this.context.run((db) => {
      let query = db.selectFrom("ledger").selectAll().orderBy("id");
      if (filter?.runId !== undefined) query = query.where("run_id", "=", filter.runId);
      if (filter?.limit !== undefined) query = query.limit(filter.limit);
      return query.execute();
    });
    return rows.map(rowToEntry);
  }
}

function rowToEntry(r: Row): LedgerEntry {
  const entry: LedgerEntry = {
    runId: (r.run_id as string | null) ?? null,
    at: String(r.at),
    capability: r.capability as LedgerEntry["capability"],
    endpoint: String(r.endpoint),
    series: r.series as Series,
    httpStatus: r.http_status === null ? null : Number(r.http_status),
    outcome: r.outcome as LedgerEntry["outcome"],
    latencyMs: Number(r.latency_ms),
    billable: Number(r.billable) === 1,
    costUsd: Number(r.cost_micro_usd) / 1_000_000,
    retry: Number(r.retry),
    failover: Number(r.failover) === 1,
  };
  if (r.reason !== null) entry.reason = String(r.reason);
  if (r.request_id !== null) entry.requestId = String(r.request_id);
  if (Number(r.hedge) === 1) entry.hedge = true;
  if (Number(r.hedge_lost) === 1) entry.hedgeLost = true;
  if (r.key_fingerprint !== null && r.key_fingerprint !== undefined) entry.keyFingerprint = String(r.key_fingerprint);
  return entry;
}
