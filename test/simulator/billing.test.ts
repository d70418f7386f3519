/**
 * The billing ledger: what is billed (HTTP 200s, inner failures and empty payloads included; 4xx, 5xx,
 * 429, dropped and hung calls not), prices, per-key accounting by short hash, and the balance (402).
 */
import { describe, expect, it } from "vitest";
import { endpointByPath } from "../../src/catalog/endpoints.js";
import { BillingLedger, keyId } from "../../src/simulator/billing.js";
import type { FaultKind } from "../../src/simulator/fault-profile.js";
import { createInProcessFetch } from "../../src/simulator/in-process-fetch.js";
import { type CoreBinding, SimulatorService, type SimulatorServiceOptions } from "../../src/simulator/service.js";

const BASE = "http://sim.test/api/v1/xiaohongshu/";

function standInCore(): CoreBinding<null> {
  const envelope = (path: string, params: Record<string, string>, data: unknown) => ({
    code: 200,
    request_id: "r",
    router: path,
    params,
    data,
  });
  return {
    core: {
      world: null,
      handle(req) {
        const spec = endpointByPath(req.path);
        if (!spec) return { status: 404, body: { detail: "Not Found" }, endpoint: null };
        if (spec.params.some((p) => p.required && !req.query[p.name])) {
          return {
            status: 422,
            body: { detail: [{ loc: ["query", "x"], msg: "missing", type: "missing" }] },
            endpoint: spec.name,
          };
        }
        return { status: 200, body: envelope(req.path, req.query, { success: true, data: [1] }), endpoint: spec.name };
      },
    },
    renderInnerFailure: (e, p, m) => envelope(e, p, { success: false, msg: m }),
    renderEmptyPayload: (e, p) => envelope(e, p, { success: true, data: [] }),
  };
}

function simulator(options: SimulatorServiceOptions = {}) {
  const service = new SimulatorService(standInCore(), { rateLimit: 0, ...options });
  return { service, fetch: createInProcessFetch(service) };
}
const auth = (key = "secret-key-123") => ({ headers: { Authorization: `Bearer ${key}` } });

describe("BillingLedger", () => {
  it("counts calls and bills only HTTP 200s, at the catalogue's price unless overridden", () => {
    const ledger = new BillingLedger({ "app/get_note_info": 0.003 });
    const k = keyId("k");
    for (const status of [200, 200, 200, 400, 422, 429, 500, 503] as const)
      ledger.record(k, "app_v2/search_notes", status);
    ledger.record(k, "app_v2/search_notes", "dropped");
    ledger.record(k, "app_v2/search_notes", "hang");
    ledger.record(k, "app/get_note_info", 200);
    const snap = ledger.snapshot();
    const row = snap.keys[0]!;
    expect(row.key).toBe(k);
    expect(row.endpoints["app_v2/search_notes"]).toEqual({
      calls: 10,
      billableCalls: 3,
      costUsd: 0.03,
      byStatus: { "200": 3, "400": 1, "422": 1, "429": 1, "500": 1, "503": 1, dropped: 1, hang: 1 },
    });
    expect(row.endpoints["app/get_note_info"]?.costUsd).toBe(0.003);
    expect(row.costUsd).toBe(0.033);
    expect(snap.totals.calls).toBe(11);
    expect(snap.totals.billableCalls).toBe(4);
    expect(ledger.priceUsd("app_v2/get_image_note_detail")).toBe(0.01);
  });

  it("adds money in integer micro-dollars (no float drift over many calls)", () => {
    const ledger = new BillingLedger();
    for (let i = 0; i < 1000; i++) ledger.record("k", "web_v3/fetch_note_detail", 200);
    expect(ledger.snapshot().totals.costUsd).toBe(10);
    expect(ledger.spent("k")).toEqual({ usd: 10, billableCalls: 1000 });
  });

  it("keyId is a short hash, stable, and not the key", () => {
    expect(keyId("abc")).toMatch(/^[0-9a-f]{8}$/);
    expect(keyId("abc")).toBe(keyId("abc"));
    expect(keyId("abc")).not.toBe(keyId("abd"));
  });
});

describe("billing through the simulator", () => {
  it("bills 200s including inner failures, empty payloads and malformed bodies; not 4xx, 5xx, drops", async () => {
    const cases: [FaultKind | null, number][] = [
      [null, 1],
      ["inner_failure", 1],
      ["empty_payload", 1],
      ["malformed_json", 1],
      ["http_5xx", 0],
      ["http_503", 0],
      ["upstream_400", 0],
      ["html_error", 0],
      ["dropped_connection", 0],
    ];
    for (const [kind, billed] of cases) {
      const { service, fetch } = simulator({ faults: kind ? { defaults: { rates: { [kind]: 1 } } } : {} });
      await fetch(`${BASE}app_v2/search_users?keyword=k`, auth()).catch(() => undefined);
      const totals = service.ledger.snapshot().totals;
      expect({ kind, calls: totals.calls, billable: totals.billableCalls }).toEqual({
        kind,
        calls: 1,
        billable: billed,
      });
      expect(totals.costUsd).toBe(billed * 0.01);
    }
  });

  it("does not bill validation errors (422) or 429s, and never stores the raw key", async () => {
    const { service, fetch } = simulator({ rateLimit: { perSecond: 1, burst: 1 }, clock: { now: () => 0 } });
    expect((await fetch(`${BASE}app_v2/search_users`, auth())).status).toBe(422); // missing keyword
    expect((await fetch(`${BASE}app_v2/search_users?keyword=x`, auth())).status).toBe(429);
    const snap = service.ledger.snapshot();
    expect(snap.totals).toMatchObject({ calls: 2, billableCalls: 0, costUsd: 0, byStatus: { "422": 1, "429": 1 } });
    expect(JSON.stringify(snap)).not.toContain("secret-key-123");
    expect(snap.keys[0]?.key).toBe(keyId("secret-key-123"));
  });

  it("answers 402 with TikHub's body once a key's balance (USD) is spent; other keys are unaffected", async () => {
    const { service, fetch } = simulator({ budget: { usd: 0.025 } });
    const call = (key?: string) => fetch(`${BASE}app_v2/search_users?keyword=x`, auth(key));
    expect((await call()).status).toBe(200);
    expect((await call()).status).toBe(200);
    const refused = await call();
    expect(refused.status).toBe(402);
    expect(await refused.json()).toEqual({
      detail: { code: 402, message: expect.stringMatching(/balance/i), message_zh: "账户余额不足，请充值。" },
    });
    expect((await call("another-key")).status).toBe(200);
    expect(service.ledger.spent(keyId("secret-key-123"))).toEqual({ usd: 0.02, billableCalls: 2 });
  });

  it("answers 402 after a budget in calls; failed (unbilled) calls do not use it up", async () => {
    const { fetch } = simulator({ budget: { calls: 2 } });
    expect((await fetch(`${BASE}app_v2/search_users`, auth())).status).toBe(422);
    expect((await fetch(`${BASE}app_v2/search_users?keyword=a`, auth())).status).toBe(200);
    expect((await fetch(`${BASE}app_v2/search_users?keyword=b`, auth())).status).toBe(200);
    expect((await fetch(`${BASE}app_v2/search_users?keyword=c`, auth())).status).toBe(402);
  });
});
