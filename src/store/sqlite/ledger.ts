/**
 * The ledger of paid calls (`ledger`): one row per attempt, costs kept in integer micro-USD so sums are exact,
 * with hedging's marks (a hedge; a hedge loser, which `billable` says was paid anyway).
 */
import type { AttemptEvent } from "../../core/types.js";
import type { Series } from "../../core/vocabulary.js";
import type { LedgerEntry, LedgerTotals } from "../port.js";
import type { SqliteConnection } from "./connection.js";
import type { Row } from "./rows.js";

type Tally = { calls: number; billableCalls: number; costUsd: number };

export class LedgerTable {
  private readonly connection: SqliteConnection;

  constructor(connection: SqliteConnection) {
    this.connection = connection;
  }

  /** Only the event's own fields are stored; a reason is scrubbed of secrets first. */
  append(runId: string | null, events: readonly AttemptEvent[]): void {
    const { connection } = this;
    const insert = connection.statement(
      `INSERT INTO ledger (run_id, at, capability, endpoint, series, http_status, outcome, latency_ms, billable,
         cost_micro_usd, retry, failover, reason, request_id, hedge, hedge_lost)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    connection.database.transaction(() => {
      for (const e of events) {
        insert.run(
          runId,
          e.at,
          e.capability,
          e.endpoint,
          e.series,
          e.httpStatus,
          e.outcome,
          Math.round(e.latencyMs),
          e.billable ? 1 : 0,
          Math.round(e.costUsd * 1_000_000),
          e.retry,
          e.failover ? 1 : 0,
          e.reason === undefined ? null : connection.scrub(e.reason),
          e.requestId ?? null,
          e.hedge ? 1 : 0,
          e.hedgeLost ? 1 : 0,
        );
      }
    })();
  }

  totals(filter?: { runId?: string }): LedgerTotals {
    const rows = this.connection
      .statement(
        `SELECT endpoint, series, outcome, COUNT(*) AS calls, SUM(billable) AS billable, SUM(cost_micro_usd) AS micro
         FROM ledger WHERE (@runId IS NULL OR run_id = @runId) GROUP BY endpoint, series, outcome`,
      )
      .all({ runId: filter?.runId ?? null }) as {
      endpoint: string;
      series: string;
      outcome: string;
      calls: number;
      billable: number;
      micro: number;
    }[];
    const totals: LedgerTotals = {
      calls: 0,
      billableCalls: 0,
      costUsd: 0,
      byEndpoint: {},
      bySeries: {},
      byOutcome: {},
    };
    let micro = 0;
    const micros = { endpoint: new Map<string, number>(), series: new Map<string, number>() };
    for (const r of rows) {
      totals.calls += r.calls;
      totals.billableCalls += r.billable;
      micro += r.micro;
      totals.byOutcome[r.outcome] = (totals.byOutcome[r.outcome] ?? 0) + r.calls;
      for (const [group, key] of [
        ["endpoint", r.endpoint],
        ["series", r.series],
      ] as const) {
        const bucket = group === "endpoint" ? totals.byEndpoint : totals.bySeries;
        const b: Tally = bucket[key] ?? { calls: 0, billableCalls: 0, costUsd: 0 };
        bucket[key] = b;
        b.calls += r.calls;
        b.billableCalls += r.billable;
        const m = (micros[group].get(key) ?? 0) + r.micro;
        micros[group].set(key, m);
        b.costUsd = m / 1_000_000;
      }
    }
    totals.costUsd = micro / 1_000_000;
    return totals;
  }

  entries(filter?: { runId?: string; limit?: number }): LedgerEntry[] {
    const rows = this.connection
      .statement("SELECT * FROM ledger WHERE (@runId IS NULL OR run_id = @runId) ORDER BY id LIMIT @limit")
      .all({ runId: filter?.runId ?? null, limit: filter?.limit ?? -1 }) as Row[];
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
    httpStatus: (r.http_status as number | null) ?? null,
    outcome: r.outcome as LedgerEntry["outcome"],
    latencyMs: Number(r.latency_ms),
    billable: r.billable === 1,
    costUsd: Number(r.cost_micro_usd) / 1_000_000,
    retry: Number(r.retry),
    failover: r.failover === 1,
  };
  if (r.reason !== null) entry.reason = String(r.reason);
  if (r.request_id !== null) entry.requestId = String(r.request_id);
  if (r.hedge === 1) entry.hedge = true;
  if (r.hedge_lost === 1) entry.hedgeLost = true;
  return entry;
}
