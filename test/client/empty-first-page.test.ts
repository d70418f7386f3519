/**
 * An empty first comment page needs strong evidence before a list is taken as empty: the bench's quirks
 * profile saw App V2 and App V1 both answer a 200 with an empty payload, and the list was handed over
 * empty although the note has comments (a wrong answer).
 */
import { describe, expect, it } from "vitest";
import { AllSeriesFailedError } from "../../src/core/errors.js";
import { simClient } from "./sim-helpers.js";

const bothAppSeriesEmpty = {
  series: { app_v2: { rates: { empty_payload: 1 } }, app_v1: { rates: { empty_payload: 1 } } },
};

function liveNotes(setup: ReturnType<typeof simClient>) {
  return setup.sim.world.notes().filter((n) => !n.deleted && !n.webRestricted);
}

describe("empty first comment page", () => {
  it("empty-payload faults on App V2 and App V1 are not two votes for 'no comments': Web V3 serves", async () => {
    const setup = simClient(bothAppSeriesEmpty);
    const note = liveNotes(setup).find((n) => n.type === "normal" && n.commentsL1 >= 5)!;
    const ref = `https://www.xiaohongshu.com/explore/${note.id}?xsec_token=${encodeURIComponent(note.xsecToken)}`;
    const page = await setup.run(setup.xhs.comments.list(ref).collect(5));
    expect(page).toHaveLength(5);
    expect(page.every((c) => c.noteId === note.id && c.source === "web_v3")).toBe(true);
  });

  it("without a token (no third series) the list fails loudly instead of coming back empty", async () => {
    const setup = simClient(bothAppSeriesEmpty);
    const note = liveNotes(setup).find((n) => n.commentsL1 >= 5)!;
    const error = await setup.run(setup.xhs.comments.list(note.id).collect(5)).catch((e) => e);
    expect(error).toBeInstanceOf(AllSeriesFailedError);
  });

  it("a note without comments still ends quickly as an empty list (2 calls)", async () => {
    const setup = simClient();
    const note = liveNotes(setup).find((n) => n.commentsTotal === 0);
    if (!note) throw new Error("the simulator world has no note without comments");
    const got = await setup.run(setup.xhs.comments.list(note.id).collect(5));
    expect(got).toEqual([]);
    expect(setup.events.length).toBeLessThanOrEqual(2);
  });

  it("a note seen with 0 comments: one genuine empty answer ends the list (1 call, not 2)", async () => {
    const setup = simClient();
    const note = liveNotes(setup).find((n) => n.type === "normal" && n.commentsTotal === 0);
    if (!note) throw new Error("the simulator world has no image note without comments");
    const detail = await setup.run(setup.xhs.notes.get(note.id, { type: "image" }));
    expect(detail.stats.comments).toBe(0);
    const before = setup.events.length;
    expect(await setup.run(setup.xhs.comments.list(note.id).collect(5))).toEqual([]);
    expect(setup.events.slice(before).map((e) => e.endpoint)).toEqual(["app_v2/get_note_comments"]);
  });

  it("a note seen with 0 comments: a bare empty payload is still not enough", async () => {
    const setup = simClient({ endpoints: { "app_v2/get_note_comments": { rates: { empty_payload: 1 } } } });
    const note = liveNotes(setup).find((n) => n.type === "normal" && n.commentsTotal === 0)!;
    await setup.run(setup.xhs.notes.get(note.id, { type: "image" }));
    const before = setup.events.length;
    expect(await setup.run(setup.xhs.comments.list(note.id).collect(5))).toEqual([]);
    expect(setup.events.slice(before).map((e) => e.endpoint)).toEqual([
      "app_v2/get_note_comments",
      "app/get_note_comments",
    ]);
  });

  it("a note seen with comments: an empty page on every App series is a fault even if it names the author", async () => {
    // App V2 answers a bare empty page only for the comments; the note detail (count learned) is fine.
    const setup = simClient({
      endpoints: {
        "app_v2/get_note_comments": { rates: { empty_payload: 1 } },
        "app/get_note_comments": { rates: { empty_payload: 1 } },
      },
    });
    const note = liveNotes(setup).find((n) => n.type === "normal" && n.commentsL1 >= 5)!;
    const detail = await setup.run(setup.xhs.notes.get(note.id));
    expect(detail.stats.comments).toBeGreaterThan(0);
    // The token was learned with the note: Web V3 can serve the comments.
    const page = await setup.run(setup.xhs.comments.list(note.id).collect(3));
    expect(page.map((c) => c.source)).toEqual(["web_v3", "web_v3", "web_v3"]);
  });
});
