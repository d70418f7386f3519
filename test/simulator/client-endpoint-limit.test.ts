/**
 * End to end on one virtual clock: a client with its default limits (10 req/s, concurrency 4, Web V3 note
 * detail 1 req/s) against the simulator with its default limits (10 req/s per key, Web V3 note detail
 * 1 req/s per key). The client's own spacing must keep it clear of the simulator's 429s, while a burst
 * that bypasses the client meets them.
 */
import { describe, expect, it } from "vitest";
import { simClient } from "../client/sim-helpers.js";

function setup() {
  const { fake, sim, xhs, events, run } = simClient("healthy", { seed: 7, size: "tiny", rateLimited: true });
  const refs = sim.world
    .notes()
    .filter((n) => !n.deleted && !n.webRestricted)
    .slice(0, 6)
    .map((n) => ({
      id: n.id,
      token: n.xsecToken,
      ref: `https://www.xiaohongshu.com/explore/${n.id}?xsec_token=${encodeURIComponent(n.xsecToken)}`,
    }));
  const detailUsage = () => sim.ledger.snapshot().totals;
  return { fake, sim, xhs, events, run, refs, detailUsage };
}

describe("a client with its defaults on the simulator's Web V3 note detail limit", () => {
  it("fetches six notes back to back through Web V3 with no 429, about 1 s apart", async () => {
    const { fake, xhs, run, refs, events, detailUsage } = setup();
    const start = fake.clock.now();
    const ids: string[] = [];
    for (const { ref } of refs) ids.push((await run(xhs.notes.get(ref, { series: ["web_v3"] }))).id);

    expect(ids).toEqual(refs.map((r) => r.id));
    expect(detailUsage().byStatus).toEqual({ "200": refs.length });
    expect(events.filter((e) => e.httpStatus === 429)).toHaveLength(0);
    // The client waited, rather than the simulator refusing: 5 gaps of 1 s on the virtual clock.
    expect(fake.clock.now() - start).toBeGreaterThanOrEqual((refs.length - 1) * 1000);
  });

  it("fetches six notes at once (concurrency 4) with no 429", async () => {
    const { xhs, run, refs, detailUsage } = setup();
    const notes = await run(Promise.all(refs.map(({ ref }) => xhs.notes.get(ref, { series: ["web_v3"] }))));
    expect(notes.map((n) => n.id)).toEqual(refs.map((r) => r.id));
    expect(detailUsage().byStatus).toEqual({ "200": refs.length });
  });

  it("meets no 429 either when the detail calls are mixed with many other calls (waits for the client's rate)", async () => {
    const { sim, xhs, run, refs, detailUsage } = setup();
    const users = sim.world.users().slice(0, 40);
    const work = Promise.all([
      ...refs.map(({ ref }) => xhs.notes.get(ref, { series: ["web_v3"] })),
      ...users.map((u) => xhs.users.get(u.id, { series: ["app_v2"] })),
    ]);
    const answers = await run(work);
    expect(answers).toHaveLength(refs.length + users.length);
    expect(detailUsage().byStatus["429"]).toBeUndefined();
  });

  it("the simulator does refuse a burst that skips the client's limiter (the limit is real)", async () => {
    const { sim, refs } = setup();
    const [first, second] = refs;
    const call = (note: typeof first) =>
      sim.fetch(
        `${sim.url}/api/v1/xiaohongshu/web_v3/fetch_note_detail?${new URLSearchParams({ note_id: note?.id ?? "", xsec_token: note?.token ?? "" })}`,
        {
          headers: { Authorization: "Bearer test-key" },
        },
      );
    expect((await call(first)).status).toBe(200);
    expect((await call(second)).status).toBe(429);
  });
});
