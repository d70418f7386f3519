import { describe, expect, it } from "vitest";
import { createClient } from "../../src/client/create-client.js";
import { createSimulator } from "../../src/simulator/index.js";

describe("a note's video keeps its streams and origin key (what media downloads rank)", () => {
  it("App V2 detail: every h264/h265 stream with size and bitrate, and the origin key from widgets_context", async () => {
    const sim = createSimulator({ seed: 2, rateLimit: 0 });
    const client = createClient({ apiKey: "k", fetch: sim.fetch, baseUrl: sim.url });
    const truth = sim.world.notes().find((n) => n.type === "video" && !n.deleted)!;
    const note = await client.notes.get(truth.id, { type: "video" });
    const video = note.video!;
    expect(video.originVideoKey).toBe(truth.video!.originVideoKey);
    expect(video.streams?.map((s) => s.codec).sort()).toEqual(["h264", "h265", "h265"]);
    for (const s of video.streams ?? []) {
      expect(s.url).toContain(truth.video!.streamKey);
      expect(s.backupUrls.length).toBeGreaterThan(0);
      expect(s.bitrate).toBeGreaterThan(0);
      expect(s.size).toBeGreaterThan(0);
      expect([s.width, s.height]).toEqual([truth.video!.width, truth.video!.height]);
    }
  });

  it("web detail: the origin key from consumer.origin_video_key", async () => {
    const sim = createSimulator({ seed: 2, rateLimit: 0 });
    const client = createClient({ apiKey: "k", fetch: sim.fetch, baseUrl: sim.url, series: ["web_v3"] });
    const truth = sim.world.notes().find((n) => n.type === "video" && !n.deleted && !n.webRestricted)!;
    const note = await client.notes.get(sim.world.noteUrl(truth), { type: "video" });
    expect(note.source).toBe("web_v3");
    expect(note.video?.originVideoKey).toBe(truth.video!.originVideoKey);
    expect(note.video?.streams?.length).toBeGreaterThan(0);
  });
});
