/**
 * The simulator service: auth (401 echoing the key), x-request-id, rate limit (429 + Retry-After with a
 * fake clock), admin routes, profile validation, and the real node:http server (keep-alive, drop, hang,
 * close). Uses a tiny stand-in core; the world itself is tested by the core's own tests.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { endpointByPath } from "../../src/catalog/endpoints.js";
import {
  BUILT_IN_PROFILES,
  FaultProfileError,
  loadFaultProfile,
  parseFaultProfile,
} from "../../src/simulator/fault-profile.js";
import { bearerKey } from "../../src/simulator/gate.js";
import { createInProcessFetch } from "../../src/simulator/in-process-fetch.js";
import { type Listening, listen } from "../../src/simulator/server.js";
import { type CoreBinding, SimulatorService, type SimulatorServiceOptions } from "../../src/simulator/service.js";

const PREFIX = "/api/v1/xiaohongshu/";
const BASE = `http://sim.test${PREFIX}`;

function standInCore(): CoreBinding<{ notes: number }> {
  let n = 0;
  const envelope = (path: string, params: Record<string, string>, data: unknown) => ({
    code: 200,
    request_id: `00000000-0000-4000-8000-${String(++n).padStart(12, "0")}`,
    router: path,
    params,
    data,
  });
  return {
    core: {
      world: { notes: 3 },
      handle(req) {
        const spec = endpointByPath(req.path);
        if (!spec) return { status: 404, body: { detail: "Not Found" }, endpoint: null };
        return {
          status: 200,
          body: envelope(req.path, req.query, { success: true, data: { q: req.query } }),
          endpoint: spec.name,
        };
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
const auth = (key = "my-key") => ({ headers: { Authorization: `Bearer ${key}` } });

describe("auth", () => {
  it("answers 401 with TikHub's body, which echoes the submitted key", async () => {
    const { fetch } = simulator({ keys: ["good-key"] });
    const res = await fetch(`${BASE}app_v2/search_users?keyword=x`, auth("sk-WRONG-0123456789"));
    expect(res.status).toBe(401);
    const body = (await res.json()) as { detail: { code: number; message_zh: string } };
    expect(body.detail.code).toBe(401);
    expect(body.detail.message_zh).toBe("无效的API令牌，您提交的API令牌为 sk-WRONG-0123456789");
    expect(res.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
    expect((await fetch(`${BASE}app_v2/search_users?keyword=x`, auth("good-key"))).status).toBe(200);
  });

  it("refuses a missing or empty key; by default any non-empty key is valid", async () => {
    const { fetch } = simulator();
    expect((await fetch(`${BASE}app_v2/search_users?keyword=x`)).status).toBe(401);
    expect(
      (await fetch(`${BASE}app_v2/search_users?keyword=x`, { headers: { Authorization: "Bearer " } })).status,
    ).toBe(401);
    expect((await fetch(`${BASE}app_v2/search_users?keyword=x`, auth("anything"))).status).toBe(200);
  });

  it("accepts the cookie form, and reads keys from Bearer headers case-insensitively", async () => {
    const { fetch } = simulator({ keys: ["k1"] });
    const res = await fetch(`${BASE}app_v2/search_users?keyword=x`, {
      headers: { Cookie: "theme=dark; Authorization=Bearer%20k1" },
    });
    expect(res.status).toBe(200);
    expect(bearerKey("bearer abc ", undefined)).toBe("abc");
    expect(bearerKey(undefined, 'Authorization="Bearer xyz"')).toBe("xyz");
    expect(bearerKey("Basic abc", undefined)).toBe("");
    expect(bearerKey(undefined, undefined)).toBeNull();
  });

  it("unknown routes answer the core's 404 (no key needed); x-request-id equals the envelope's request_id", async () => {
    const { fetch } = simulator();
    const missing = await fetch(`${BASE}app_v2/no_such_endpoint`);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({ detail: "Not Found" });
    const ok = await fetch(`${BASE}app_v2/search_users?keyword=x`, auth());
    const body = (await ok.json()) as { request_id: string; params: Record<string, string> };
    expect(ok.headers.get("x-request-id")).toBe(body.request_id);
    expect(body.params).toEqual({ keyword: "x" });
  });
});

describe("rate limit", () => {
  it("answers 429 with TikHub's body and an integer Retry-After once the key's bucket is empty (fake clock)", async () => {
    let now = 1_000_000;
    const { fetch } = simulator({ rateLimit: { perSecond: 2, burst: 2 }, clock: { now: () => now } });
    const call = (key = "my-key") => fetch(`${BASE}app_v2/search_users?keyword=x`, auth(key));
    expect((await call()).status).toBe(200);
    expect((await call()).status).toBe(200);
    const limited = await call();
    expect(limited.status).toBe(429);
    expect(limited.headers.get("retry-after")).toBe("1");
    expect(await limited.json()).toEqual({ detail: { code: 429, message: "Too Many Requests" } });
    // Buckets are per key.
    expect((await call("other-key")).status).toBe(200);
    now += 499; // 0.998 tokens: still not one
    expect((await call()).status).toBe(429);
    now += 1;
    expect((await call()).status).toBe(200);
    expect((await call()).status).toBe(429);
  });

  it("Retry-After rounds the wait up to whole seconds; 0 switches the limit off", async () => {
    const { fetch } = simulator({ rateLimit: { perSecond: 0.25, burst: 1 }, clock: { now: () => 0 } });
    expect((await fetch(`${BASE}app_v2/search_users?keyword=x`, auth())).status).toBe(200);
    expect((await fetch(`${BASE}app_v2/search_users?keyword=x`, auth())).headers.get("retry-after")).toBe("4");
    const off = simulator({ rateLimit: 0, clock: { now: () => 0 } });
    for (let i = 0; i < 100; i++)
      expect((await off.fetch(`${BASE}app_v2/search_users?keyword=x`, auth())).status).toBe(200);
  });

  it("defaults to 10 requests/s per key", async () => {
    const service = new SimulatorService(standInCore(), { clock: { now: () => 0 } });
    const fetch = createInProcessFetch(service);
    const statuses: number[] = [];
    for (let i = 0; i < 11; i++) statuses.push((await fetch(`${BASE}app_v2/search_users?keyword=x`, auth())).status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(10);
    expect(statuses[10]).toBe(429);
  });
});

describe("admin routes", () => {
  it("health, ledger, ledger reset, faults get/put, reset", async () => {
    const { fetch } = simulator({ faults: "mild", seed: 5 });
    const health = await (await fetch("http://sim.test/__sim/health")).json();
    expect(health).toMatchObject({ ok: true, seed: 5, profile: "mild", rateLimit: { perSecond: 0 } });

    await fetch(`${BASE}app/get_user_info?user_id=u1`, auth("admin-test-key"));
    const ledger = (await (await fetch("http://sim.test/__sim/ledger")).json()) as {
      keys: { key: string; calls: number }[];
    };
    expect(ledger.keys).toHaveLength(1);
    expect(ledger.keys[0]?.calls).toBe(1);
    expect(JSON.stringify(ledger)).not.toContain("admin-test-key");
    expect((await fetch("http://sim.test/__sim/ledger/reset", { method: "POST" })).status).toBe(200);
    expect(await (await fetch("http://sim.test/__sim/ledger")).json()).toMatchObject({ keys: [] });

    const faults = await (await fetch("http://sim.test/__sim/faults")).json();
    expect(faults).toMatchObject({ name: "mild" });
    const put = await fetch("http://sim.test/__sim/faults", {
      method: "PUT",
      body: JSON.stringify({ name: "all-503", defaults: { rates: { http_503: 1 } } }),
    });
    expect(put.status).toBe(200);
    expect((await fetch(`${BASE}app/get_user_info?user_id=u1`, auth())).status).toBe(503);
    expect(await (await fetch("http://sim.test/__sim/faults")).json()).toMatchObject({ name: "all-503" });

    expect((await fetch("http://sim.test/__sim/reset", { method: "POST" })).status).toBe(200);
    expect(await (await fetch("http://sim.test/__sim/ledger")).json()).toMatchObject({ totals: { calls: 0 } });
    expect((await fetch("http://sim.test/__sim/nope")).status).toBe(404);
  });

  it("PUT /__sim/faults refuses an invalid profile with every problem listed, and keeps the old one", async () => {
    const { fetch } = simulator({ faults: "healthy" });
    const bad = await fetch("http://sim.test/__sim/faults", {
      method: "PUT",
      body: JSON.stringify({ defaults: { rates: { http_503: 1.5, bogus: 0.1 } }, endpoints: { "app_v2/nope": {} } }),
    });
    expect(bad.status).toBe(400);
    const body = (await bad.json()) as { issues: string[] };
    expect(body.issues.join("\n")).toMatch(/defaults\.rates/);
    expect(body.issues.join("\n")).toMatch(/unknown endpoint/);
    const notJson = await fetch("http://sim.test/__sim/faults", { method: "PUT", body: "{" });
    expect(notJson.status).toBe(400);
    expect(await (await fetch("http://sim.test/__sim/faults")).json()).toMatchObject({ name: "healthy" });
  });
});

describe("fault profiles", () => {
  it("every built-in profile is valid", () => {
    for (const name of Object.keys(BUILT_IN_PROFILES)) expect(loadFaultProfile(name).name).toBe(name);
    expect(Object.keys(BUILT_IN_PROFILES)).toEqual(
      expect.arrayContaining(["healthy", "mild", "primary-down", "chaos"]),
    );
  });

  it("rejects bad profiles with clear messages", () => {
    const problems = (input: unknown) => {
      try {
        parseFaultProfile(input);
      } catch (error) {
        expect(error).toBeInstanceOf(FaultProfileError);
        return (error as FaultProfileError).issues.join("\n");
      }
      throw new Error("expected the profile to be refused");
    };
    expect(problems({ defaults: { rates: { http_503: 0.7, http_502: 0.5 } } })).toMatch(/add up to more than 1/);
    expect(problems({ defaults: { rates: { http_503: -0.1 } } })).toMatch(/probability/);
    expect(problems({ unknownField: 1 })).toMatch(/unknownField|Unrecognized/i);
    expect(problems({ outages: [{ series: "app_v2" }] })).toMatch(/exactly one window/);
    expect(problems({ outages: [{ series: "app_v2", endpoint: "app/get_note_info", fromCall: 0 }] })).toMatch(
      /exactly one of/,
    );
    expect(problems({ outages: [{ series: "app_v9", fromCall: 0 }] })).toMatch(/outages\.0\.series/);
    expect(problems({ defaults: { latency: { kind: "uniform", minMs: 5, maxMs: 1 } } })).toMatch(/maxMs/);
    expect(() => loadFaultProfile("no-such-profile")).toThrow(/no built-in profile "no-such-profile"/);
  });

  it("loads a profile from a JSON file, and names the file in errors", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "xhs-faults-"));
    try {
      const good = path.join(dir, "flaky.json");
      writeFileSync(good, JSON.stringify({ name: "flaky", series: { web_v3: { rates: { http_504: 0.5 } } } }));
      expect(loadFaultProfile(good)).toMatchObject({ name: "flaky", series: { web_v3: { rates: { http_504: 0.5 } } } });
      const broken = path.join(dir, "broken.json");
      writeFileSync(broken, "{ nope");
      expect(() => loadFaultProfile(broken)).toThrow(/broken\.json[\s\S]*not valid JSON/);
      const invalid = path.join(dir, "invalid.json");
      writeFileSync(invalid, JSON.stringify({ defaults: { rates: { hang: 2 } } }));
      expect(() => loadFaultProfile(invalid)).toThrow(/invalid\.json[\s\S]*defaults\.rates\.hang/);
      expect(() => loadFaultProfile(path.join(dir, "missing.json"))).toThrow(/cannot read the file/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("accepts app_v1/… as a synonym of the URL name app/…", () => {
    const p = parseFaultProfile({ endpoints: { "app_v1/get_note_info": { rates: { http_503: 1 } } } });
    expect(Object.keys(p.endpoints ?? {})).toEqual(["app/get_note_info"]);
  });
});

describe("node:http server", () => {
  let running: Listening | undefined;
  afterEach(async () => {
    await running?.close();
    running = undefined;
  });

  it("serves the same answers over keep-alive HTTP, on 127.0.0.1 and any free port", async () => {
    const { service } = simulator({ keys: ["k"] });
    running = await listen(service);
    expect(running.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const ok = await fetch(
      `${running.url}${PREFIX}app_v2/search_users?keyword=${encodeURIComponent("口红")}`,
      auth("k"),
    );
    expect(ok.status).toBe(200);
    const body = (await ok.json()) as { request_id: string; params: Record<string, string> };
    expect(body.params).toEqual({ keyword: "口红" });
    expect(ok.headers.get("x-request-id")).toBe(body.request_id);
    const denied = await fetch(`${running.url}${PREFIX}app_v2/search_users?keyword=x`, auth("leaked-key"));
    expect(denied.status).toBe(401);
    expect(await denied.text()).toContain("leaked-key");
    const put = await fetch(`${running.url}/__sim/faults`, {
      method: "PUT",
      body: JSON.stringify({ defaults: { rates: { http_502: 1 } } }),
    });
    expect(put.status).toBe(200);
    expect((await fetch(`${running.url}${PREFIX}app_v2/search_users?keyword=x`, auth("k"))).status).toBe(502);
  });

  it("drops connections, hangs until the client gives up, and close() ends hung sockets", async () => {
    const { service } = simulator({ faults: { endpoints: { "app_v2/search_users": { rates: { hang: 1 } } } } });
    running = await listen(service);
    const url = running.url;
    await expect(
      fetch(`${url}${PREFIX}app_v2/search_users?keyword=x`, { ...auth(), signal: AbortSignal.timeout(150) }),
    ).rejects.toMatchObject({ name: "TimeoutError" });

    service.setProfile({ defaults: { rates: { dropped_connection: 1 } } });
    await expect(fetch(`${url}${PREFIX}app_v2/get_user_info?user_id=u`, auth())).rejects.toThrow(/fetch failed/);

    service.setProfile({ defaults: { rates: { hang: 1 } } });
    const hung = fetch(`${url}${PREFIX}app_v2/get_user_info?user_id=u2`, auth());
    hung.catch(() => undefined);
    await new Promise((r) => setTimeout(r, 50));
    await running.close();
    running = undefined;
    await expect(hung).rejects.toThrow();
  });

  it("serves malformed JSON and HTML error pages as such", async () => {
    const { service } = simulator({
      faults: { endpoints: { "web_v3/fetch_user_info": { rates: { html_error: 1 } } } },
    });
    running = await listen(service);
    const html = await fetch(`${running.url}${PREFIX}web_v3/fetch_user_info?user_id=u`, auth());
    expect(html.status).toBe(502);
    expect(html.headers.get("content-type")).toMatch(/text\/html/);
    expect(await html.text()).toMatch(/^<!DOCTYPE html>/);
    service.setProfile({ defaults: { rates: { malformed_json: 1 } } });
    const bad = await fetch(`${running.url}${PREFIX}web_v3/fetch_user_info?user_id=u`, auth());
    expect(bad.status).toBe(200);
    await expect(bad.json()).rejects.toThrow(SyntaxError);
  });
});
