/**
 * Issue #10 items 7 and 8, against the simulator on several seeds.
 * 7: a deleted note ends as NotFoundError in one round at the documented cost (App V2 "服务异常" and its one
 *    billed retry, App V1's not-found vote: 3 paid calls; its comments: 2; a topic that does not exist: 2).
 * 8: a wrong `type` option is a hint: the answer that contradicts it is learned from and the call goes on.
 */
import { describe, expect, it } from "vitest";
import { AllSeriesFailedError, NotFoundError } from "../../src/core/errors.js";
import { type SimSetup, simClient } from "./sim-helpers.js";

const SEEDS = [1, 3, 7, 11];

function paid(setup: SimSetup): number {
  return setup.sim.ledger.snapshot().totals.billableCalls;
}

function live(setup: SimSetup, type: "normal" | "video") {
  const note = setup.sim.world.notes().find((n) => !n.deleted && !n.webRestricted && n.type === type);
  if (!note) throw new Error(`no live ${type} note in this world`);
  return note;
}

describe("deleted notes and unknown topics end as not found, once", () => {
  for (const seed of SEEDS) {
    it(`seed ${seed}: a deleted bare-id note: NotFoundError after 3 paid calls, no second round`, async () => {
      const setup = simClient("healthy", { seed });
      const deleted = setup.sim.world.notes().find((n) => n.deleted)!;
      const error = await setup.run(setup.xhs.notes.get(deleted.id)).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(NotFoundError);
      expect(paid(setup)).toBe(3);
      expect(setup.events.map((e) => e.endpoint)).toEqual([
        "app_v2/get_image_note_detail",
        "app_v2/get_image_note_detail",
        "app/get_note_info",
      ]);
      expect(setup.fake.sleeps).not.toContain(1_000);
    });

    it(`seed ${seed}: a deleted note with its token: NotFoundError, confirmed by two series (4 paid calls)`, async () => {
      const setup = simClient("healthy", { seed });
      const deleted = setup.sim.world.notes().find((n) => n.deleted)!;
      const ref = `https://www.xiaohongshu.com/explore/${deleted.id}?xsec_token=${encodeURIComponent(deleted.xsecToken)}`;
      const error = await setup.run(setup.xhs.notes.get(ref)).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(NotFoundError);
      expect(paid(setup)).toBe(4);
    });

    it(`seed ${seed}: a deleted note known to be a video: App V1 is asked whether it exists, NotFoundError after 3 calls`, async () => {
      const setup = simClient("healthy", { seed });
      const deleted = setup.sim.world.notes().find((n) => n.deleted && n.type === "video");
      if (!deleted) throw new Error("no deleted video note in this world");
      const error = await setup.run(setup.xhs.notes.get(deleted.id, { type: "video" })).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(NotFoundError);
      expect(setup.events.map((e) => e.endpoint)).toEqual([
        "app_v2/get_video_note_detail",
        "app_v2/get_video_note_detail",
        "app/get_note_info",
      ]);
      expect(paid(setup)).toBe(3);
    });

    it(`seed ${seed}: a live video note whose App V2 answers 服务异常 at first: App V1 says it exists, the second round serves it`, async () => {
      const setup = simClient(
        { outages: [{ endpoint: "app_v2/get_video_note_detail", kind: "inner_failure", fromCall: 0, toCall: 2 }] },
        { seed },
      );
      const video = live(setup, "video");
      const note = await setup.run(setup.xhs.notes.get(video.id, { type: "video" }));
      expect(note).toMatchObject({ id: video.id, type: "video", source: "app_v2" });
      expect(note.video).not.toBeNull();
      expect(setup.events.map((e) => e.endpoint)).toEqual([
        "app_v2/get_video_note_detail",
        "app_v2/get_video_note_detail",
        "app/get_note_info",
        "app_v2/get_video_note_detail",
      ]);
    });

    it(`seed ${seed}: the comments of a deleted bare-id note: NotFoundError after 2 paid calls`, async () => {
      const setup = simClient("healthy", { seed });
      const deleted = setup.sim.world.notes().find((n) => n.deleted)!;
      const error = await setup.run(setup.xhs.comments.list(deleted.id).collect(5)).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(NotFoundError);
      expect(paid(setup)).toBe(2);
    });

    it(`seed ${seed}: a topic that does not exist: NotFoundError after 2 paid calls`, async () => {
      const setup = simClient("healthy", { seed });
      const error = await setup.run(setup.xhs.topics.get("5c1a2b3c4d5e6f7a8b9c0d1e")).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(NotFoundError);
      expect(paid(setup)).toBe(2);
    });

    it(`seed ${seed}: a live note meeting 服务异常 on both app series is never "not found"`, async () => {
      const setup = simClient(
        { series: { app_v2: { rates: { inner_failure: 1 } }, app_v1: { rates: { inner_failure: 1 } } } },
        { seed },
      );
      const note = live(setup, "normal");
      const error = await setup.run(setup.xhs.notes.get(note.id)).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(AllSeriesFailedError);
    });
  }
});

describe("a wrong type option is a hint", () => {
  for (const seed of SEEDS) {
    it(`seed ${seed}: an image note asked as a video: the image note, 2 calls, App V2 only`, async () => {
      const setup = simClient("healthy", { seed });
      const image = live(setup, "normal");
      const note = await setup.run(setup.xhs.notes.get(image.id, { type: "video" }));
      expect(note).toMatchObject({ id: image.id, type: "image", source: "app_v2" });
      expect(setup.events.map((e) => e.endpoint)).toEqual([
        "app_v2/get_video_note_detail",
        "app_v2/get_image_note_detail",
      ]);
      // Learned: the same wrong hint again costs one call.
      await setup.run(setup.xhs.notes.get(image.id, { type: "video" }));
      expect(setup.events).toHaveLength(3);
    });

    it(`seed ${seed}: a video note asked as an image: the video note with its video, 2 calls`, async () => {
      const setup = simClient("healthy", { seed });
      const video = live(setup, "video");
      const note = await setup.run(setup.xhs.notes.get(video.id, { type: "image" }));
      expect(note).toMatchObject({ id: video.id, type: "video", source: "app_v2" });
      expect(note.video).not.toBeNull();
      expect(setup.events.map((e) => e.endpoint)).toEqual([
        "app_v2/get_image_note_detail",
        "app_v2/get_video_note_detail",
      ]);
    });

    it(`seed ${seed}: a video note asked as an image with App V1 first: App V1 shows the type, App V2 serves it`, async () => {
      const setup = simClient("healthy", { seed });
      const video = live(setup, "video");
      const note = await setup.run(setup.xhs.notes.get(video.id, { type: "image", series: ["app_v1", "app_v2"] }));
      expect(note).toMatchObject({ id: video.id, type: "video", source: "app_v2" });
      expect(note.video).not.toBeNull();
    });
  }

  it("a type no listed series can serve is still refused before paying (App V1 alone, a video)", async () => {
    const setup = simClient("healthy");
    const video = live(setup, "video");
    const error = await setup
      .run(setup.xhs.notes.get(video.id, { type: "video", series: ["app_v1"] }))
      .catch((e: unknown) => e);
    expect((error as { kind?: string }).kind).toBe("invalid_input");
    expect(paid(setup)).toBe(0);
  });
});
