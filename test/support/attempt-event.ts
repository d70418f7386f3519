import type { AttemptEvent } from "../../src/core/types.js";

/** One paid App V2 search attempt (HTTP 200, $0.01), with any field overridden: what ledger tests record. */
export function attemptEvent(overrides: Partial<AttemptEvent> = {}): AttemptEvent {
  return {
    at: "2026-12-03T00:00:00.000Z",
    capability: "searchNotes",
    endpoint: "app_v2/search_notes",
    series: "app_v2",
    httpStatus: 200,
    outcome: "ok",
    latencyMs: 100,
    billable: true,
    costUsd: 0.01,
    retry: 0,
    failover: false,
    ...overrides,
  };
}
