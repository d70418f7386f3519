/**
 * A note's downloaded media (issue #15's `xhs media` / `expand.media`), served from the download folder the
 * server was given (`xhs serve --media-dir`), so the note page shows the stored copies without asking the CDN.
 * The table says which file; the path must stay inside the folder (a row cannot make the server read elsewhere).
 */
import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import path from "node:path";
import { Readable } from "node:stream";
import type { MediaKind } from "../model/media-file.js";
import { getMediaFile, listMediaFiles, type MediaStoreHandle } from "../store/sql/media.js";
import { MissingError } from "./errors.js";

const TYPES: Record<string, string> = {
  jpg: "image/jpeg",
  jpeg: "image/jpeg",
  png: "image/png",
  webp: "image/webp",
  gif: "image/gif",
  heic: "image/heic",
  avif: "image/avif",
  mp4: "video/mp4",
  mov: "video/quicktime",
};

export interface NoteMedia {
  kind: MediaKind;
  index: number;
  width: number | null;
  height: number | null;
  url: string;
}

export async function noteMedia(
  store: MediaStoreHandle,
  mediaDir: string | undefined,
  noteId: string,
): Promise<NoteMedia[]> {
  if (!mediaDir) return [];
  const rows = await listMediaFiles(store, { noteIds: [noteId] });
  return rows.map((row) => ({
    kind: row.kind,
    index: row.index,
    width: row.width,
    height: row.height,
    url: `/api/dashboard/media/${encodeURIComponent(noteId)}/${row.kind}/${row.index}`,
  }));
}

export async function mediaResponse(
  store: MediaStoreHandle,
  mediaDir: string | undefined,
  noteId: string,
  kind: string,
  index: number,
): Promise<Response> {
  const missing = new MissingError(`no downloaded ${kind} ${index} of note ${noteId}`);
  if (!mediaDir || !["image", "live", "video", "cover"].includes(kind)) throw missing;
  const row = await getMediaFile(store, noteId, kind as MediaKind, index).catch(() => undefined);
  if (!row) throw missing;
  const root = path.resolve(mediaDir);
  const file = path.resolve(root, row.path);
  const inside = path.relative(root, file);
  if (inside.startsWith("..") || path.isAbsolute(inside)) throw missing;
  const info = await stat(file).catch(() => null);
  if (!info?.isFile()) throw missing;
  return new Response(Readable.toWeb(createReadStream(file)) as ReadableStream, {
    headers: {
      "content-type": TYPES[row.format.toLowerCase()] ?? "application/octet-stream",
      "content-length": String(info.size),
      // Content-addressed by the row's sha256: a new download is a new row, so the bytes under one URL only change with it.
      "cache-control": "private, max-age=3600",
      "x-content-type-options": "nosniff",
    },
  });
}
