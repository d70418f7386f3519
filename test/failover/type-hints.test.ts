/**
 * Issue #10 item 8 at the planner level (scripted answers, no simulator): a `type` option is a hint the
 * answers may correct; a type learned from an answer is trusted (an empty answer for it is a fault).
 */
import { describe, expect, it } from "vitest";
import { fakeClient, hexId, note } from "./fakes.js";

const ID = hexId(1);
const OTHER = hexId(2);

const client = fakeClient;

describe("a type option is a hint", () => {
  it("hinted video, the video endpoint answers other notes: the image endpoint answers the note", async () => {
    const { xhs, endpoints } = client({
      "app_v2/get_video_note_detail": () => ({ items: [note(OTHER, { type: "video" })] }),
      "app_v2/get_image_note_detail": () => ({ items: [note(ID)] }),
    });
    await expect(xhs.notes.get(ID, { type: "video" })).resolves.toMatchObject({ id: ID, type: "image" });
    expect(endpoints()).toEqual(["app_v2/get_video_note_detail", "app_v2/get_image_note_detail"]);
  });

  it("hinted image, the image endpoint answers empty: the video endpoint is asked, as for an unknown type", async () => {
    const { xhs, endpoints } = client({
      "app_v2/get_image_note_detail": () => ({ items: [] }),
      "app_v2/get_video_note_detail": () => ({ items: [note(ID, { type: "video" })] }),
    });
    await expect(xhs.notes.get(ID, { type: "image" })).resolves.toMatchObject({ id: ID, type: "video" });
    expect(endpoints()).toEqual(["app_v2/get_image_note_detail", "app_v2/get_video_note_detail"]);
  });

  it("a type learned from an answer wins over the hint (one call)", async () => {
    const { xhs, endpoints } = client({
      "app_v2/search_notes": () => ({ items: [note(ID)] }),
      "app_v2/get_image_note_detail": () => ({ items: [note(ID)] }),
    });
    await xhs.search.notes("camping").collect(1);
    await expect(xhs.notes.get(ID, { type: "video" })).resolves.toMatchObject({ id: ID, type: "image" });
    expect(endpoints()).toEqual(["app_v2/search_notes", "app_v2/get_image_note_detail"]);
  });

  it("a learned image type is trusted: an empty image answer is a fault, App V1 is asked (not the video endpoint)", async () => {
    const { xhs, endpoints } = client({
      "app_v2/search_notes": () => ({ items: [note(ID)] }),
      "app_v2/get_image_note_detail": () => ({ items: [] }),
      "app/get_note_info": () => ({ items: [note(ID, { source: "app_v1" })] }),
    });
    await xhs.search.notes("camping").collect(1);
    await expect(xhs.notes.get(ID)).resolves.toMatchObject({ id: ID, source: "app_v1" });
    expect(endpoints()).toEqual(["app_v2/search_notes", "app_v2/get_image_note_detail", "app/get_note_info"]);
  });
});
