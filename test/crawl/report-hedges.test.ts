/**
 * The run report shows what hedging did, from the ledger's marks: hedges started and won, attempts that lost
 * a race, and the losers billed anyway; in `buildReport` (what `xhs crawl` and `xhs runs show` print) and its text.
 */
import { describe, expect, it } from "vitest";
import type { AttemptEvent } from "../../src/core/types.js";
import { runCrawl } from "../../src/crawl/engine.js";
import { normalizePlan } from "../../src/crawl/plan/normalize.js";
import { buildReport, renderReport } from "../../src/crawl/report.js";
import { openSqliteStore } from "../../src/store/sqlite/sqlite-store.js";
import { simClient } from "../client/sim-helpers.js";

function attempt(over: Partial<AttemptEvent>): AttemptEvent {
  return {
    at: "2026-01-15T00:00:00.000Z",
    capability: "note",
    endpoint: "app_v2/get_image_note_detail",
    series: "app_v2",
    httpStatus: 200,
    outcome: "ok",
    latencyMs: 500,
    billable: true,
    costUsd: 0.01,
    retry: 0,
    failover: false,
    ...over,
  };
}

const v1 = { endpoint: "app/get_note_info", series: "app_v1" as const, failover: true };

describe("the run report's hedges", () => {
  it("counts hedges started and won, losers, and losers billed anyway, from the ledger's marks", async () => {
    const store = openSqliteStore(":memory:");
    const run = await store.createRun();
    await store.appendLedger(run.id, [
      attempt({}), // no hedging at all
      // A hedge that won: the first series cancelled before its answer (no status, not billed).
      attempt({ outcome: "aborted", httpStatus: null, billable: false, costUsd: 0, hedgeLost: true }),
      attempt({ ...v1, hedge: true }),
      // A hedge that won over a first series whose answer came anyway (a probe left to finish): billed twice.
      attempt({ hedgeLost: true }),
      attempt({ ...v1, hedge: true }),
      // A hedge that lost: retried once (its first try counted once), then cancelled when the first series answered.
      attempt({ ...v1, hedge: true, outcome: "upstream", httpStatus: 500, billable: false, costUsd: 0 }),
      attempt({
        ...v1,
        hedge: true,
        retry: 1,
        outcome: "aborted",
        httpStatus: null,
        billable: false,
        costUsd: 0,
        hedgeLost: true,
      }),
      attempt({}),
    ]);
    const report = await buildReport(store, store, run.id);
    expect(report.hedges).toEqual({ started: 3, won: 2, lost: 3, lostBilled: 1 });
    expect(renderReport(report)).toContain(
      "Hedges: 3 started, 2 won; 3 attempt(s) lost a race, 1 of them billed anyway",
    );
    await store.close();
  });

  it("is all zero, and not printed, for a run that never hedged", async () => {
    const store = openSqliteStore(":memory:");
    const run = await store.createRun();
    await store.appendLedger(run.id, [attempt({}), attempt({ ...v1, outcome: "upstream", billable: false })]);
    const report = await buildReport(store, store, run.id);
    expect(report.hedges).toEqual({ started: 0, won: 0, lost: 0, lostBilled: 0 });
    expect(renderReport(report)).not.toContain("Hedges:");
    await store.close();
  });

  it("a crawl whose first series hangs reports the hedge that won and the loser it cancelled", async () => {
    const s = simClient({
      name: "slow-v2",
      defaults: { latency: { kind: "fixed", ms: 300 } },
      series: { app_v2: { latency: { kind: "fixed", ms: 20_000 } } },
    });
    const user = s.sim.world.users()[0]!;
    const store = openSqliteStore(":memory:");
    const plan = normalizePlan({ seeds: { users: [user.id] } }, "t");
    const result = await s.run(runCrawl({ client: s.xhs, store, queue: store }, { plan }));
    const { hedges } = result.report;
    expect(hedges.started).toBeGreaterThan(0);
    expect(hedges.won).toBe(hedges.started);
    expect(hedges.lost).toBe(hedges.started);
    // The 20 s answers were cancelled at the hedge's answer, long before they came, but the simulator billed each
    // on arrival (as TikHub does): every loser counts as possibly billed, as many as the simulator billed twice.
    expect(hedges.lostBilled).toBe(hedges.lost);
    expect(result.report.calls.billableCalls).toBe(s.sim.ledger.snapshot().totals.billableCalls);
    expect(renderReport(result.report)).toMatch(
      new RegExp(
        `Hedges: \\d+ started, \\d+ won; ${hedges.lost} attempt\\(s\\) lost a race, ${hedges.lost} of them billed anyway`,
      ),
    );
    await store.close();
  });
});
