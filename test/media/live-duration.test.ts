// A live photo's clip length: filled from the answer when it says (App V2), null when it does not (web), never
// guessed (issue #15).
import { describe, expect, it } from "vitest";
import { createClient } from "../../src/client/create-client.js";
import { planNoteMedia } from "../../src/media/index.js";
import { createSimulator } from "../../src/simulator/index.js";

const liveNote = (sim: ReturnType<typeof createSimulator>) =>
  sim.world.notes().find((n) => !n.deleted && !n.webRestricted && n.images.some((i) => i.livePhoto))!;

describe("live-photo duration", () => {
  it("App V2 detail: each live clip item carries the world's clip length", async () => {
    const sim = createSimulator({ seed: 1, rateLimit: 0 });
    const client = createClient({ apiKey: "k", fetch: sim.fetch, baseUrl: sim.url, series: ["app_v2"] });
    const truth = liveNote(sim);
    const note = await client.notes.get(truth.id, { type: "image" });
    const live = planNoteMedia(note).filter((i) => i.kind === "live");
    const expected = truth.images.filter((i) => i.livePhoto).map((i) => i.livePhoto!.durationSec);
    expect(live.map((i) => i.durationSec)).toEqual(expected);
    expect(expected.length).toBeGreaterThan(0);
    // Still pictures carry no duration.
    expect(
      planNoteMedia(note)
        .filter((i) => i.kind === "image")
        .every((i) => i.durationSec === null),
    ).toBe(true);
  });

  it("web detail gives no clip length: null", async () => {
    const sim = createSimulator({ seed: 1, rateLimit: 0 });
    const client = createClient({ apiKey: "k", fetch: sim.fetch, baseUrl: sim.url, series: ["web_v3"] });
    const truth = liveNote(sim);
    const note = await client.notes.get(sim.world.noteUrl(truth), { type: "image" });
    expect(note.source).toBe("web_v3");
    const live = planNoteMedia(note).filter((i) => i.kind === "live");
    expect(live.length).toBeGreaterThan(0);
    expect(live.every((i) => i.durationSec === null)).toBe(true);
  });
});
