/**
 * Fault injection: frequencies within the 99.9% binomial bound, determinism (reset, two keys), outages by
 * count and by time, hang honours abort, dropped connections reject, malformed JSON and HTML pages.
 * Uses a tiny stand-in core so these tests do not depend on the world generator.
 */
import { describe, expect, it } from "vitest";
import { endpointByPath } from "../../src/catalog/endpoints.js";
import { FAULT_KINDS, type FaultKind, type FaultProfileInput } from "../../src/simulator/fault-profile.js";
import { canonicalParams, FaultEngine, hash32 } from "../../src/simulator/faults.js";
import { createInProcessFetch } from "../../src/simulator/in-process-fetch.js";
import { type CoreBinding, SimulatorService, type SimulatorServiceOptions } from "../../src/simulator/service.js";

const BASE = "http://sim.test/api/v1/xiaohongshu/";

/** A stand-in core: known routes answer a small envelope echoing the query; others 404. */
function standInCore(): CoreBinding<{ name: string }> {
  let n = 0;
  const envelope = (path: string, params: Record<string, string>, data: unknown) => ({
    code: 200,
    request_id: `req-${++n}`,
    router: path,
    params,
    data,
  });
  return {
    core: {
      world: { name: "stand-in" },
      handle(req) {
        const spec = endpointByPath(req.path);
        if (!spec) return { status: 404, body: { detail: "Not Found" }, endpoint: null };
        return {
          status: 200,
          body: envelope(req.path, req.query, { code: 0, success: true, data: { echo: req.query, items: [1, 2, 3] } }),
          endpoint: spec.name,
        };
      },
    },
    renderInnerFailure: (endpoint, params, message) =>
      envelope(`/api/v1/xiaohongshu/${endpoint}`, params, { code: -1, success: false, msg: message }),
    renderEmptyPayload: (endpoint, params) =>
      envelope(`/api/v1/xiaohongshu/${endpoint}`, params, { code: 0, success: true, data: {} }),
  };
}

function simulator(options: SimulatorServiceOptions = {}) {
  const service = new SimulatorService(standInCore(), { rateLimit: 0, ...options });
  return { service, fetch: createInProcessFetch(service) };
}

const auth = (key = "test-key") => ({ headers: { Authorization: `Bearer ${key}` } });

/** What a fetch outcome looks like, as one comparable label. */
async function outcome(promise: Promise<Response>): Promise<string> {
  try {
    const res = await promise;
    const text = await res.text();
    if (res.headers.get("content-type")?.startsWith("text/html")) return `${res.status}:html`;
    try {
      const body = JSON.parse(text) as { data?: { success?: boolean; data?: object } };
      if (res.status === 200 && body.data?.success === false) return "200:inner_failure";
      if (res.status === 200 && body.data?.data && Object.keys(body.data.data).length === 0) return "200:empty";
      return `${res.status}`;
    } catch {
      return `${res.status}:malformed`;
    }
  } catch (error) {
    return (error as Error).name === "AbortError" || (error as Error).name === "TimeoutError" ? "aborted" : "rejected";
  }
}

const LABEL: Record<FaultKind, string> = {
  http_5xx: "500",
  http_502: "502",
  http_503: "503",
  http_504: "504",
  upstream_400: "400",
  inner_failure: "200:inner_failure",
  empty_payload: "200:empty",
  malformed_json: "200:malformed",
  html_error: "502:html",
  dropped_connection: "rejected",
  hang: "aborted",
};

/** The z-value of a two-sided 99.9% interval. */
const Z_999 = 3.2905;

describe("fault frequencies", () => {
  it("each kind's observed frequency over 11,000 requests lies within the 99.9% binomial bound of its rate", async () => {
    const rates: Record<FaultKind, number> = {
      http_5xx: 0.03,
      http_502: 0.02,
      http_503: 0.05,
      http_504: 0.02,
      upstream_400: 0.04,
      inner_failure: 0.05,
      empty_payload: 0.03,
      malformed_json: 0.02,
      html_error: 0.02,
      dropped_connection: 0.02,
      hang: 0.01,
    };
    const { fetch } = simulator({ seed: 7, faults: { defaults: { rates } } });
    const n = 11_000;
    const counts = new Map<string, number>();
    for (let i = 0; i < n; i++) {
      // Mostly distinct requests, plus some repeats (attempts 0..2 of the same request).
      const keyword = `kw-${Math.floor(i / 3)}`;
      // A hang only ends when the signal aborts: abort right after the request was made (other answers
      // are already settled by then; aborting does not touch a served Response).
      const controller = new AbortController();
      const pending = outcome(
        fetch(`${BASE}app_v2/search_notes?keyword=${keyword}&page=1`, { ...auth(), signal: controller.signal }),
      );
      setImmediate(() => controller.abort());
      const label = await pending;
      counts.set(label, (counts.get(label) ?? 0) + 1);
    }
    for (const kind of FAULT_KINDS) {
      const p = rates[kind];
      const label = LABEL[kind];
      const observed = (counts.get(label) ?? 0) / n;
      const bound = Z_999 * Math.sqrt((p * (1 - p)) / n);
      expect(Math.abs(observed - p), `${kind}: observed ${observed}, configured ${p}, bound ±${bound}`).toBeLessThan(
        bound,
      );
    }
    const total = Object.values(rates).reduce((a, b) => a + b, 0);
    const healthy = (counts.get("200") ?? 0) / n;
    expect(Math.abs(healthy - (1 - total))).toBeLessThan(Z_999 * Math.sqrt((total * (1 - total)) / n));
  });

  it("the same requests after reset() meet exactly the same faults, and two keys meet the same faults", async () => {
    const profile: FaultProfileInput = {
      defaults: { rates: { http_503: 0.1, upstream_400: 0.1, inner_failure: 0.1, malformed_json: 0.05 } },
    };
    const { service, fetch } = simulator({ seed: 42, faults: profile });
    const run = async (key: string) => {
      const labels: string[] = [];
      for (let i = 0; i < 400; i++) {
        const url = `${BASE}app_v2/get_image_note_detail?note_id=${(i % 150).toString(16).padStart(24, "0")}`;
        labels.push(await outcome(fetch(url, auth(key))));
      }
      return labels;
    };
    const first = await run("key-a");
    expect(new Set(first).size).toBeGreaterThan(3); // faults really happened
    const sameKeyAgainWithoutReset = await run("key-a");
    expect(sameKeyAgainWithoutReset).not.toEqual(first); // attempt numbers moved on
    const otherKey = await run("key-b");
    expect(otherKey).toEqual(first);
    service.reset();
    expect(await run("key-a")).toEqual(first);

    // A different seed gives a different pattern.
    const other = simulator({ seed: 43, faults: profile });
    const labels: string[] = [];
    for (let i = 0; i < 400; i++) {
      const url = `${BASE}app_v2/get_image_note_detail?note_id=${(i % 150).toString(16).padStart(24, "0")}`;
      labels.push(await outcome(other.fetch(url, auth("key-a"))));
    }
    expect(labels).not.toEqual(first);
  });

  it("the decision is a pure function of the canonical request: defaults filled in, order ignored", () => {
    const spec = endpointByPath("/api/v1/xiaohongshu/app_v2/search_notes");
    expect(canonicalParams(spec, { page: "1", keyword: "口红" })).toBe(canonicalParams(spec, { keyword: "口红" }));
    expect(canonicalParams(spec, { keyword: "口红", page: "2" })).not.toBe(canonicalParams(spec, { keyword: "口红" }));
    const engine = (seed: number) =>
      new FaultEngine({ seed, profile: { defaults: { rates: { http_503: 0.5 } } }, now: () => 0 });
    const req = { series: "app_v2" as const, endpoint: "app_v2/search_notes", params: "keyword=x", keyId: "k" };
    const a = engine(1);
    const b = engine(1);
    const seqA = Array.from({ length: 50 }, () => a.decide(req).kind);
    const seqB = Array.from({ length: 50 }, () => b.decide(req).kind);
    expect(seqA).toEqual(seqB);
    expect(seqA).toContain("http_503");
    expect(seqA).toContain(null);
    expect(hash32("abc", 1)).not.toBe(hash32("abc", 2));
  });

  it("endpoint rules override series rules, which override defaults", () => {
    const engine = new FaultEngine({
      seed: 1,
      profile: {
        defaults: { rates: { http_503: 0.1, http_502: 0.2 } },
        series: { app_v2: { rates: { http_503: 0.3 } } },
        endpoints: { "app_v2/search_notes": { rates: { http_503: 0 } } },
      },
    });
    expect(engine.ratesFor("web_v3", "web_v3/fetch_note_detail")).toEqual({ http_503: 0.1, http_502: 0.2 });
    expect(engine.ratesFor("app_v2", "app_v2/search_users")).toEqual({ http_503: 0.3, http_502: 0.2 });
    expect(engine.ratesFor("app_v2", "app_v2/search_notes")).toEqual({ http_502: 0.2 });
  });
});

describe("outages", () => {
  it("by call count: calls fromCall..toCall-1 of the target fail with the chosen kind, others are untouched", async () => {
    const { fetch } = simulator({
      faults: { outages: [{ series: "app_v2", kind: "http_503", fromCall: 2, toCall: 5 }] },
    });
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) {
      statuses.push((await fetch(`${BASE}app_v2/get_user_info?user_id=u${i}`, auth())).status);
      // Another series is not part of the outage and does not move its counter.
      expect((await fetch(`${BASE}web_v3/fetch_user_info?user_id=u${i}`, auth())).status).toBe(200);
    }
    expect(statuses).toEqual([200, 200, 503, 503, 503, 200, 200]);
  });

  it("by time (relative to start, with a fake clock) and by absolute ISO window", async () => {
    let now = Date.parse("2026-03-01T00:00:00Z");
    const clock = { now: () => now };
    const { service, fetch } = simulator({
      clock,
      faults: {
        outages: [
          { endpoint: "app/get_note_info", kind: "http_504", afterMs: 1_000, forMs: 2_000 },
          { series: "web_v3", kind: "html_error", from: "2026-03-01T00:00:05Z", to: "2026-03-01T00:00:06Z" },
        ],
      },
    });
    const v1 = async () => (await fetch(`${BASE}app/get_note_info?note_id=abc`, auth())).status;
    const web = async () => (await fetch(`${BASE}web_v3/fetch_user_info?user_id=u`, auth())).status;
    expect(await v1()).toBe(200);
    now += 1_000;
    expect(await v1()).toBe(504);
    now += 1_999;
    expect(await v1()).toBe(504);
    expect(await web()).toBe(200);
    now += 1;
    expect(await v1()).toBe(200);
    now = Date.parse("2026-03-01T00:00:05.500Z");
    const res = await fetch(`${BASE}web_v3/fetch_user_info?user_id=u`, auth());
    expect(res.status).toBe(502);
    expect(await res.text()).toContain("Cloudflare");
    now = Date.parse("2026-03-01T00:00:06Z");
    expect(await web()).toBe(200);
    // reset() restarts relative windows from the clock's now.
    service.reset();
    expect(await v1()).toBe(200);
    now += 1_500;
    expect(await v1()).toBe(504);
  });
});

describe("fault kinds on the wire (in-process fetch)", () => {
  const only = (kind: FaultKind): FaultProfileInput => ({ defaults: { rates: { [kind]: 1 } } });

  it("hang never answers until the signal aborts, then rejects with the abort reason", async () => {
    const { fetch } = simulator({ faults: only("hang") });
    const controller = new AbortController();
    const pending = fetch(`${BASE}app_v2/search_users?keyword=x`, { ...auth(), signal: controller.signal });
    let settled = false;
    pending.then(
      () => {
        settled = true;
      },
      () => {
        settled = true;
      },
    );
    await new Promise((r) => setTimeout(r, 20));
    expect(settled).toBe(false);
    controller.abort();
    await expect(pending).rejects.toMatchObject({ name: "AbortError" });
  });

  it("dropped connection rejects like undici's fetch failure", async () => {
    const { fetch } = simulator({ faults: only("dropped_connection") });
    await expect(fetch(`${BASE}app_v2/search_users?keyword=x`, auth())).rejects.toThrow(TypeError);
  });

  it("malformed JSON is a 200 whose body does not parse; inner failure and empty payload are 200s", async () => {
    for (const [kind, label] of [
      ["malformed_json", "200:malformed"],
      ["inner_failure", "200:inner_failure"],
      ["empty_payload", "200:empty"],
      ["html_error", "502:html"],
      ["upstream_400", "400"],
      ["http_5xx", "500"],
      ["http_504", "504"],
    ] as const) {
      const { fetch } = simulator({ faults: only(kind) });
      expect(await outcome(fetch(`${BASE}app_v2/search_users?keyword=x`, auth()))).toBe(label);
    }
  });

  it("upstream 400 carries TikHub's generic 400 body; HTML errors are text/html", async () => {
    const { fetch } = simulator({ faults: only("upstream_400") });
    const res = await fetch(`${BASE}app_v2/search_users?keyword=x`, auth());
    const body = (await res.json()) as { detail: { code: number; message: string; message_zh: string } };
    expect(body.detail.code).toBe(400);
    expect(body.detail.message).toMatch(/HTTP 400 error/);
    expect(body.detail.message_zh).toMatch(/HTTP 400 错误/);
  });

  it("latency is drawn from the profile, scaled, and waited with the injected sleep", async () => {
    const waits: number[] = [];
    const { fetch } = simulator({
      faults: { latencyScale: 0.5, defaults: { latency: { kind: "uniform", minMs: 100, maxMs: 200 } } },
      sleep: async (ms) => {
        waits.push(ms);
      },
    });
    for (let i = 0; i < 50; i++) await fetch(`${BASE}app_v2/search_users?keyword=k${i}`, auth());
    expect(waits).toHaveLength(50);
    for (const w of waits) {
      expect(w).toBeGreaterThanOrEqual(50);
      expect(w).toBeLessThanOrEqual(100);
    }
    expect(new Set(waits).size).toBeGreaterThan(40);
  });
});
