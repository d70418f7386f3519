/**
 * The service around the real core: createSimulator / startSimulator, x-request-id on real envelopes,
 * faults rendered in each series' real shape, and determinism across keys and resets.
 */
import { describe, expect, it } from "vitest";
import { createSimulator, startSimulator } from "../../src/simulator/index.js";
import { GUIDE } from "../../src/simulator/world/index.js";

const auth = (key = "integration-key") => ({ headers: { Authorization: `Bearer ${key}` } });

describe("createSimulator with the real core", () => {
  it("answers the guide's note with x-request-id equal to the envelope's request_id", async () => {
    const sim = createSimulator({ size: "tiny", rateLimit: 0 });
    for (const path of [
      `app_v2/get_image_note_detail?note_id=${GUIDE.imageNoteId}`,
      `app_v2/search_notes?keyword=${encodeURIComponent("口红")}`, // search bodies carry 18-digit numbers: JSON text
      `web_v3/fetch_user_info?user_id=${GUIDE.userId}`,
    ]) {
      const res = await sim.fetch(`${sim.url}/api/v1/xiaohongshu/${path}`, auth());
      expect(res.status).toBe(200);
      const body = (await res.json()) as { code: number; request_id: string };
      expect(body.code).toBe(200);
      expect(res.headers.get("x-request-id")).toBe(body.request_id);
    }
    expect(sim.ledger.snapshot().totals).toMatchObject({ calls: 3, billableCalls: 3, costUsd: 0.03 });
  });

  it("renders inner failures and empty payloads in the series' own shape", async () => {
    const sim = createSimulator({ size: "tiny", rateLimit: 0, faults: { defaults: { rates: { inner_failure: 1 } } } });
    const url = `${sim.url}/api/v1/xiaohongshu/app_v2/get_image_note_detail?note_id=${GUIDE.imageNoteId}`;
    const failed = (await (await sim.fetch(url, auth())).json()) as { code: number; data: { success: boolean } };
    expect(failed.code).toBe(200);
    expect(failed.data.success).toBe(false);
    sim.setFaults({ defaults: { rates: { empty_payload: 1 } } });
    const empty = (await (await sim.fetch(url, auth())).json()) as { code: number; data: { success: boolean } };
    expect(empty.code).toBe(200);
    expect(empty.data.success).toBe(true);
    expect(JSON.stringify(empty.data)).not.toContain(GUIDE.imageNoteId);
    // A request the core refuses (422) stays a 422 whatever the profile says about 200s.
    const invalid = await sim.fetch(`${sim.url}/api/v1/xiaohongshu/app_v2/search_notes`, auth());
    expect(invalid.status).toBe(422);
  });

  it("meets the same faults for two keys and after reset, across endpoints of every series", async () => {
    const sim = createSimulator({ size: "tiny", rateLimit: 0, seed: 9, faults: "chaos" });
    sim.setFaults({ ...sim.service.profile, defaults: { rates: { http_503: 0.2, upstream_400: 0.2 } }, outages: [] });
    const paths = sim.world
      .notes()
      .slice(0, 40)
      .flatMap((n) => [
        `app_v2/get_note_comments?note_id=${n.id}`,
        `app/get_note_info?note_id=${n.id}`,
        `web_v3/fetch_note_detail?note_id=${n.id}&xsec_token=${n.xsecToken}`,
      ]);
    const run = async (key: string) => {
      const statuses: number[] = [];
      for (const p of paths) statuses.push((await sim.fetch(`${sim.url}/api/v1/xiaohongshu/${p}`, auth(key))).status);
      return statuses;
    };
    const first = await run("key-1");
    expect(first.filter((s) => s !== 200).length).toBeGreaterThan(20);
    expect(await run("key-2")).toEqual(first);
    sim.reset();
    expect(await run("key-3")).toEqual(first);
  });
});

describe("startSimulator", () => {
  it("serves the real core over HTTP on 127.0.0.1 and closes", async () => {
    const sim = await startSimulator({ size: "tiny", rateLimit: 0 });
    try {
      expect(sim.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const res = await fetch(`${sim.url}/api/v1/xiaohongshu/app_v2/get_user_info?user_id=${GUIDE.userId}`, auth());
      expect(res.status).toBe(200);
      expect(JSON.stringify(await res.json())).toContain(GUIDE.userId);
      const missing = await fetch(`${sim.url}/api/v1/xiaohongshu/app_v2/nothing_here`, auth());
      expect(missing.status).toBe(404);
    } finally {
      await sim.close();
    }
    await expect(fetch(`${sim.url}/__sim/health`)).rejects.toThrow();
  });
});
