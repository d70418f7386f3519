/**
 * The fault matrix against the simulator: each fault kind on the primary series ends in the right data
 * via failover; 401 and 402 stop at once without touching another series; a wrong-note answer is never
 * returned; a list interrupted by an outage midway completes on another series with no duplicate and no gap.
 */
import { describe, expect, it } from "vitest";
import { createClient } from "../../src/client/create-client.js";
import { AllSeriesFailedError, AuthError, NotFoundError, PaymentRequiredError } from "../../src/core/errors.js";
import { FAULT_KINDS } from "../../src/simulator/fault-profile.js";
import { createSimulator } from "../../src/simulator/index.js";
import { simClient } from "./sim-helpers.js";

function pick(setup: ReturnType<typeof simClient>) {
  const live = setup.sim.world.notes().filter((n) => !n.deleted && !n.webRestricted);
  const image = live.find((n) => n.type === "normal" && n.commentsL1 >= 25)!;
  const video = live.find((n) => n.type === "video")!;
  const author = setup.sim.world.users().find((u) => setup.sim.world.userNotes(u.id).length >= 45)!;
  return { image, video, author };
}

describe("fault matrix: each fault kind on App V2 ends in the right data", () => {
  it.each(FAULT_KINDS)("%s on every App V2 call: the image note comes from App V1", async (kind) => {
    const setup = simClient({ series: { app_v2: { rates: { [kind]: 1 } } } });
    const { image } = pick(setup);
    const note = await setup.run(setup.xhs.notes.get(image.id));
    expect(note).toMatchObject({ id: image.id, title: image.title, source: "app_v1" });
    // A hung App V2 is hedged: App V1 answers, and App V2's call is cancelled after it (a hedge loser).
    const settled = setup.events.filter((e) => !e.hedgeLost);
    const bySeries = settled.map((e) => `${e.series}:${e.outcome}`);
    expect(bySeries.filter((e) => e.startsWith("app_v2")).every((e) => e !== "app_v2:ok")).toBe(true);
    expect(bySeries.at(-1)).toBe("app_v1:ok");
    expect(settled.at(-1)!.failover).toBe(true);
  });

  it.each(FAULT_KINDS)("%s on every App V2 call: a video note comes from Web V3 (App V1 never asked)", async (kind) => {
    const setup = simClient({ series: { app_v2: { rates: { [kind]: 1 } } } });
    const { video } = pick(setup);
    const ref = `https://www.xiaohongshu.com/explore/${video.id}?xsec_token=${encodeURIComponent(video.xsecToken)}`;
    const note = await setup.run(setup.xhs.notes.get(ref, { type: "video" }));
    expect(note).toMatchObject({ id: video.id, type: "video", source: "web_v3" });
    expect(note.video?.url).toBeTruthy();
    expect(setup.events.some((e) => e.series === "app_v1")).toBe(false);
  });

  it.each(["http_503", "inner_failure", "malformed_json", "dropped_connection"] as const)(
    "%s on App V2: a user's notes come complete from App V1",
    async (kind) => {
      const setup = simClient({ series: { app_v2: { rates: { [kind]: 1 } } } });
      const { author } = pick(setup);
      const got = await setup.run(setup.xhs.users.notes(author.id).collect(1000));
      expect(got.map((n) => n.id)).toEqual(setup.sim.world.userNotes(author.id).map((n) => n.id));
    },
  );
});

describe("fatal answers stop at once", () => {
  it("401: a wrong key is an AuthError after one call, no other series touched", async () => {
    const sim = createSimulator({ seed: 7, rateLimit: 0, keys: ["the-right-key"] });
    const events: string[] = [];
    const xhs = createClient({
      apiKey: "a-wrong-key",
      fetch: sim.fetch,
      baseUrl: sim.url,
      qps: 0,
      onEvent: (e) => events.push(e.endpoint),
    });
    const id = sim.world.notes()[0]!.id;
    const error = await xhs.notes.get(id).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthError);
    expect(events).toEqual(["app_v2/get_image_note_detail"]);
    expect(JSON.stringify(error)).not.toContain("a-wrong-key");
    expect(String((error as Error).message)).not.toContain("a-wrong-key");
  });

  it("no key at all: a clear AuthError before any call", async () => {
    const sim = createSimulator({ seed: 7, rateLimit: 0 });
    let calls = 0;
    const fetch: typeof globalThis.fetch = (input, init) => {
      calls++;
      return sim.fetch(input, init);
    };
    const saved = process.env.TIKHUB_API_KEY;
    delete process.env.TIKHUB_API_KEY;
    try {
      const xhs = createClient({ fetch, baseUrl: sim.url });
      await expect(xhs.notes.get(sim.world.notes()[0]!.id)).rejects.toThrow(/no TikHub API key/);
      expect(calls).toBe(0);
    } finally {
      if (saved !== undefined) process.env.TIKHUB_API_KEY = saved;
    }
  });

  it("402: no balance stops the call without touching another series", async () => {
    const setup = simClient({ budget: { calls: 0 } });
    const { image } = pick(setup);
    await expect(setup.run(setup.xhs.notes.get(image.id))).rejects.toBeInstanceOf(PaymentRequiredError);
    expect(setup.events.map((e) => e.series)).toEqual(["app_v2"]);
  });

  it("402 in the middle of a list stops it at once", async () => {
    const setup = simClient({ budget: { calls: 2 } });
    const { author } = pick(setup);
    await expect(setup.run(setup.xhs.users.notes(author.id).collect(1000))).rejects.toBeInstanceOf(
      PaymentRequiredError,
    );
    expect(new Set(setup.events.map((e) => e.series))).toEqual(new Set(["app_v2"]));
  });
});

describe("correct or nothing", () => {
  it("a wrong-note answer is never returned: the video endpoint on an image note", async () => {
    const setup = simClient();
    const { image } = pick(setup);
    // Told (wrongly) that it is a video: App V2's video endpoint answers other notes. Those are never
    // returned; they show the note is an image note, and App V2's image endpoint answers it.
    const note = await setup.run(setup.xhs.notes.get(image.id, { type: "video", series: ["app_v2"] }));
    expect(note).toMatchObject({ id: image.id, type: "image", source: "app_v2" });
    expect(setup.events.map((e) => [e.endpoint, e.outcome])).toEqual([
      ["app_v2/get_video_note_detail", "wrong_item"],
      ["app_v2/get_image_note_detail", "ok"],
    ]);
  });

  it("a note that never existed is NotFoundError, without burning every series", async () => {
    const setup = simClient();
    const missing = "64f0000000000000000abcde";
    await expect(setup.run(setup.xhs.notes.get(missing))).rejects.toBeInstanceOf(NotFoundError);
    expect(setup.events.length).toBeLessThanOrEqual(3);
  });

  it("an unknown user is NotFoundError", async () => {
    const setup = simClient();
    await expect(setup.run(setup.xhs.users.get("5f00000000000000000abcde"))).rejects.toBeInstanceOf(NotFoundError);
  });
});

describe("lists interrupted by an outage midway", () => {
  it("a user's notes: App V2 goes down after two pages; App V1 completes with no duplicate and no gap", async () => {
    const setup = simClient({ outages: [{ series: "app_v2", kind: "http_503", fromCall: 2 }] });
    const { author } = pick(setup);
    const paginator = setup.xhs.users.notes(author.id);
    const got = await setup.run(paginator.collect(1000));
    const expected = setup.sim.world.userNotes(author.id).map((n) => n.id);
    expect(got.map((n) => n.id)).toEqual(expected);
    expect(new Set(got.map((n) => n.source))).toEqual(new Set(["app_v2", "app_v1"]));
    expect(paginator.degraded).toBe(false);
  });

  it("comments newest first: App V2 goes down midway; App V1 completes with no duplicate and no gap", async () => {
    const setup = simClient({ outages: [{ series: "app_v2", kind: "empty_payload", fromCall: 1 }] });
    const { image } = pick(setup);
    const got = await setup.run(setup.xhs.comments.list(image.id, { sort: "latest" }).collect(1000));
    expect(got.map((c) => c.id)).toEqual(setup.sim.world.comments(image.id, "latest").map((c) => c.id));
    expect(new Set(got.map((c) => c.source))).toEqual(new Set(["app_v2", "app_v1"]));
  });

  it("a search switching series midway has no duplicate and says it is degraded", async () => {
    const setup = simClient({ outages: [{ series: "app_v2", kind: "http_502", fromCall: 1 }] });
    const { image } = pick(setup);
    const paginator = setup.xhs.search.notes(image.keywords[0]!);
    const got = await setup.run(paginator.collect(60));
    expect(new Set(got.map((n) => n.id)).size).toBe(got.length);
    expect(paginator.degraded).toBe(true);
  });

  it("resuming from a cursor after every series failed continues where the list stood", async () => {
    const setup = simClient();
    const { author } = pick(setup);
    const expected = setup.sim.world.userNotes(author.id).map((n) => n.id);
    const first = setup.xhs.users.notes(author.id);
    const head = await setup.run(first.collect(12));
    setup.sim.setFaults({
      outages: [
        { series: "app_v2", fromCall: 0 },
        { series: "app_v1", fromCall: 0 },
        { series: "web_v3", fromCall: 0 },
      ],
    });
    await expect(setup.run(first.collect(1000))).rejects.toBeInstanceOf(AllSeriesFailedError);
    setup.sim.setFaults("healthy");
    const rest = await setup.run(setup.xhs.users.notes(author.id, { cursor: first.cursor! }).collect(1000));
    expect([...head, ...rest].map((n) => n.id)).toEqual(expected);
  });
});
