/**
 * The note page's stored images (issue #16 with #15's downloads): with a media folder, a downloaded image is
 * served from it and listed with the note; a row whose path leaves the folder, or no folder given, serves nothing.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDashboard } from "../../src/dashboard/index.js";
import { putMediaFile } from "../../src/store/sql/media.js";
import { openSqliteStore, type SqliteStore } from "../../src/store/sqlite/sqlite-store.js";
import { makeNote } from "../cli/helpers.js";

const NOTE = "65f0a1b2000000001203abcd";
const BYTES = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3, 4]);
let dir = "";
let store: SqliteStore;

const row = (index: number, file: string) => ({
  noteId: NOTE,
  kind: "image" as const,
  index,
  sourceUrl: `https://sns-img.example/${index}`,
  rule: "test",
  sha256: "0".repeat(64),
  bytes: BYTES.length,
  format: "jpg",
  path: file,
  width: 300,
  height: 400,
  durationSec: null,
  watermarked: false,
  fetchedAt: "2026-12-01T00:00:00.000Z",
});

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), "xhs-dash-media-"));
  mkdirSync(path.join(dir, "media", NOTE), { recursive: true });
  writeFileSync(path.join(dir, "media", NOTE, "0.jpg"), BYTES);
  writeFileSync(path.join(dir, "secret.txt"), "not media");
  store = openSqliteStore(path.join(dir, "x.db"));
  await store.upsertNotes([makeNote(NOTE)]);
  await putMediaFile(store, row(0, `${NOTE}/0.jpg`));
  await putMediaFile(store, row(1, "../secret.txt"));
});

afterAll(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("stored note images", () => {
  it("serves a downloaded image from the media folder and lists it with the note", async () => {
    const { app } = createDashboard({ store, mediaDir: path.join(dir, "media"), assetsDir: dir });
    const note = (await (await app.request(`/api/dashboard/notes/${NOTE}`)).json()) as {
      media: { index: number; url: string }[];
    };
    expect(note.media.map((m) => m.index)).toEqual([0, 1]);
    const image = await app.request(note.media[0]!.url);
    expect(image.status).toBe(200);
    expect(image.headers.get("content-type")).toBe("image/jpeg");
    expect(Buffer.from(await image.arrayBuffer())).toEqual(BYTES);
  });

  it("serves nothing outside the folder, and nothing without a folder", async () => {
    const { app } = createDashboard({ store, mediaDir: path.join(dir, "media"), assetsDir: dir });
    expect((await app.request(`/api/dashboard/media/${NOTE}/image/1`)).status).toBe(404);
    expect((await app.request(`/api/dashboard/media/${NOTE}/../../x/0`)).status).toBe(404);
    const without = createDashboard({ store, assetsDir: dir });
    expect((await without.app.request(`/api/dashboard/media/${NOTE}/image/0`)).status).toBe(404);
    const note = (await (await without.app.request(`/api/dashboard/notes/${NOTE}`)).json()) as { media: unknown[] };
    expect(note.media).toEqual([]);
  });
});
