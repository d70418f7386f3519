/**
 * Per-endpoint rate limits on top of the per-key one: Web V3 note detail at 1 request/s per key by default ([I],
 * docs/reference-notes.md#web-v3-note-detail-1-reqs), in the per-key limit's 429 form (body, whole-second Retry-After,
 * not billed), configurable through the options, the profile and PUT /__sim/faults, and off with rateLimit 0. Fake
 * clock throughout: `now` moves only when a test moves it.
 */
import { describe, expect, it } from "vitest";
import { FaultProfileError, parseFaultProfile } from "../../src/simulator/fault-profile.js";
import { createSimulator, type SimulatorOptions } from "../../src/simulator/index.js";

const PREFIX = "/api/v1/xiaohongshu/";

function rig(options: SimulatorOptions = {}) {
  let now = Date.UTC(2026, 0, 15);
  const sim = createSimulator({ seed: 3, size: "tiny", clock: { now: () => now }, ...options });
  const notes = sim.world.notes().filter((n) => !n.deleted && !n.webRestricted);
  const [a, b] = notes;
  if (!a || !b) throw new Error("the tiny world has fewer than two live notes");
  const get = (endpoint: string, query: Record<string, string>, key = "key-one") =>
    sim.fetch(`${sim.url}${PREFIX}${endpoint}?${new URLSearchParams(query)}`, {
      headers: { Authorization: `Bearer ${key}` },
    });
  const detail = (note = a, key = "key-one") =>
    get("web_v3/fetch_note_detail", { note_id: note.id, xsec_token: note.xsecToken }, key);
  const health = async () =>
    ((await (await sim.fetch(`${sim.url}/__sim/health`)).json()) as { rateLimit: unknown }).rateLimit;
  return {
    sim,
    a,
    b,
    get,
    detail,
    health,
    advance: (ms: number) => {
      now += ms;
    },
  };
}

const statusesOf = async (calls: Array<() => Promise<Response>>) => {
  const out: number[] = [];
  for (const call of calls) out.push((await call()).status);
  return out;
};

describe("Web V3 note detail's own limit (default 1 request/s per key, burst 1)", () => {
  it("answers a second detail call within 1 s 429 with TikHub's body and Retry-After 1, and does not bill it", async () => {
    const { sim, detail, b } = rig();
    const first = await detail();
    expect(first.status).toBe(200);
    const second = await detail(b); // another note: the bucket is the endpoint's, not the note's
    expect(second.status).toBe(429);
    expect(second.headers.get("retry-after")).toBe("1");
    expect(await second.json()).toEqual({ detail: { code: 429, message: "Too Many Requests" } });

    const usage = sim.ledger.snapshot().totals;
    expect(usage).toMatchObject({ calls: 2, billableCalls: 1, byStatus: { "200": 1, "429": 1 } });
    expect(usage.costUsd).toBeCloseTo(sim.ledger.priceUsd("web_v3/fetch_note_detail"), 9);
  });

  it("passes again once 1 s has gone by (not a millisecond earlier)", async () => {
    const { detail, advance } = rig();
    expect((await detail()).status).toBe(200);
    advance(999);
    const early = await detail();
    expect(early.status).toBe(429);
    expect(early.headers.get("retry-after")).toBe("1");
    advance(1);
    expect((await detail()).status).toBe(200);
    expect((await detail()).status).toBe(429);
    advance(1000);
    expect((await detail()).status).toBe(200);
  });

  it("leaves other endpoints alone: the same key keeps its 10/s elsewhere", async () => {
    const { a, get, detail } = rig();
    expect((await detail()).status).toBe(200);
    expect((await detail()).status).toBe(429);
    const others = await statusesOf([
      () => get("web_v3/fetch_user_info", { user_id: a.userId }),
      () => get("web_v3/fetch_note_comments", { note_id: a.id, xsec_token: a.xsecToken }),
      () => get("app_v2/get_image_note_detail", { note_id: a.id }),
      () => get("app/get_note_info", { note_id: a.id }),
    ]);
    expect(others.every((s) => s !== 429)).toBe(true);
  });

  it("keeps one bucket per key: another key's first detail call passes", async () => {
    const { detail, a } = rig();
    expect((await detail(a, "key-one")).status).toBe(200);
    expect((await detail(a, "key-one")).status).toBe(429);
    expect((await detail(a, "key-two")).status).toBe(200);
    expect((await detail(a, "key-two")).status).toBe(429);
  });

  it("a call refused by the endpoint's limit takes no token from the key's bucket", async () => {
    const { a, get, detail } = rig({ rateLimit: { perSecond: 2, burst: 2 } });
    const user = () => get("web_v3/fetch_user_info", { user_id: a.userId });
    // Detail takes one of the key's two tokens; the refused details take none, so one is left for user().
    expect(await statusesOf([detail, detail, detail, user, user])).toEqual([200, 429, 429, 200, 429]);
  });

  it("a call refused by the key's limit takes no token from the endpoint's bucket", async () => {
    const { a, get, detail, advance } = rig({ rateLimit: { perSecond: 1, burst: 1 } });
    expect((await get("web_v3/fetch_user_info", { user_id: a.userId })).status).toBe(200);
    expect((await detail()).status).toBe(429); // the key's bucket is empty
    advance(1000);
    expect((await detail()).status).toBe(200); // the endpoint's token was still there
  });

  it("Retry-After is the longer of the two waits, in whole seconds", async () => {
    const { detail } = rig({ rateLimit: { perSecond: 10, endpoints: { "web_v3/fetch_note_detail": 0.25 } } });
    expect((await detail()).status).toBe(200);
    const limited = await detail();
    expect(limited.status).toBe(429);
    expect(limited.headers.get("retry-after")).toBe("4");
  });

  it("shows the limits in force in /__sim/health", async () => {
    expect(await rig().health()).toEqual({
      perSecond: 10,
      burst: 10,
      endpoints: { "web_v3/fetch_note_detail": { perSecond: 1, burst: 1 } },
    });
    expect(await rig({ rateLimit: 0 }).health()).toMatchObject({ perSecond: 0, endpoints: {} });
  });
});

describe("configuring endpoint limits", () => {
  it("rateLimit 0 and { perSecond: 0 } switch every limit off, the endpoint's too", async () => {
    for (const rateLimit of [0, { perSecond: 0 }]) {
      const { detail } = rig({ rateLimit });
      const statuses = await statusesOf(Array.from({ length: 20 }, () => () => detail()));
      expect(statuses.every((s) => s === 200)).toBe(true);
    }
  });

  it("a bare per-key rate keeps the default endpoint limit", async () => {
    const { detail } = rig({ rateLimit: 50 });
    expect(await statusesOf([detail, detail])).toEqual([200, 429]);
  });

  it("sets an endpoint's rate and burst, removes the default with 0, or keeps it alone with perSecond 0", async () => {
    const three = rig({ rateLimit: { perSecond: 10, endpoints: { "web_v3/fetch_note_detail": 3 } } });
    expect(await statusesOf(Array.from({ length: 4 }, () => () => three.detail()))).toEqual([200, 200, 200, 429]);

    const bursty = rig({
      rateLimit: { perSecond: 10, endpoints: { "web_v3/fetch_note_detail": { perSecond: 1, burst: 2 } } },
    });
    expect(await statusesOf(Array.from({ length: 3 }, () => () => bursty.detail()))).toEqual([200, 200, 429]);

    const removed = rig({ rateLimit: { perSecond: 10, endpoints: { "web_v3/fetch_note_detail": 0 } } });
    expect(await statusesOf(Array.from({ length: 10 }, () => () => removed.detail()))).toEqual(Array(10).fill(200));
    expect(await removed.health()).toMatchObject({ endpoints: {} });

    const onlyEndpoint = rig({ rateLimit: { perSecond: 0, endpoints: {} } });
    expect(await statusesOf([onlyEndpoint.detail, onlyEndpoint.detail])).toEqual([200, 429]);
    const user = () => onlyEndpoint.get("web_v3/fetch_user_info", { user_id: onlyEndpoint.a.userId });
    expect(await statusesOf(Array.from({ length: 15 }, () => user))).toEqual(Array(15).fill(200));
  });

  it("limits other endpoints too, by catalogue name (app_v1/… is the URL form app/…)", async () => {
    const { a, get, health } = rig({ rateLimit: { perSecond: 10, endpoints: { "app_v1/get_note_info": 1 } } });
    const info = () => get("app/get_note_info", { note_id: a.id });
    expect(await statusesOf([info, info])).toEqual([200, 429]);
    expect(await health()).toMatchObject({
      endpoints: { "app/get_note_info": { perSecond: 1, burst: 1 }, "web_v3/fetch_note_detail": { perSecond: 1 } },
    });
  });

  it("comes from the fault profile, follows PUT /__sim/faults, and a bare --rate-limit keeps the profile's", async () => {
    const profile = { name: "p", rateLimit: { perSecond: 10, endpoints: { "web_v3/fetch_note_detail": 2 } } };
    const fromProfile = rig({ faults: profile });
    expect(await statusesOf(Array.from({ length: 3 }, () => () => fromProfile.detail()))).toEqual([200, 200, 429]);

    const put = await fromProfile.sim.fetch(`${fromProfile.sim.url}/__sim/faults`, {
      method: "PUT",
      body: JSON.stringify({ rateLimit: { perSecond: 10, endpoints: { "web_v3/fetch_note_detail": 0 } } }),
    });
    expect(put.status).toBe(200);
    expect(await statusesOf(Array.from({ length: 5 }, () => () => fromProfile.detail()))).toEqual(Array(5).fill(200));

    const overridden = rig({ faults: profile, rateLimit: 20 });
    expect(await overridden.health()).toEqual({
      perSecond: 20,
      burst: 20,
      endpoints: { "web_v3/fetch_note_detail": { perSecond: 2, burst: 2 } },
    });
    expect(await rig({ faults: profile, rateLimit: 0 }).health()).toMatchObject({ perSecond: 0, endpoints: {} });
  });

  it("rejects an unknown endpoint or a negative rate with a clear error", async () => {
    expect(() => parseFaultProfile({ rateLimit: { perSecond: 10, endpoints: { "web_v3/no_such": 1 } } })).toThrow(
      /rateLimit\.endpoints\.web_v3\/no_such: unknown endpoint/,
    );
    expect(() => rig({ rateLimit: { perSecond: 10, endpoints: { "web_v3/fetch_note_detail": -1 } } })).toThrow(
      FaultProfileError,
    );
    expect(() => rig({ rateLimit: -1 })).toThrow(/requests per second ≥ 0/);
    const { sim } = rig();
    const put = await sim.fetch(`${sim.url}/__sim/faults`, {
      method: "PUT",
      body: JSON.stringify({ rateLimit: { perSecond: 10, endpoints: { nope: 1 } } }),
    });
    expect(put.status).toBe(400);
    expect(JSON.stringify(await put.json())).toContain("rateLimit.endpoints.nope");
  });
});
