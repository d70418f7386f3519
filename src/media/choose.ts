/**
 * Which file to fetch for each image, live photo, video and cover of a note: ordered candidate URLs, best
 * first. XHS changes its CDN rules often (docs/reference-notes.md#media-files-originals-watermarks-streams),
 * so every rule lives here and nowhere else.
 *
 * Images: the watermark-free original rebuilt from the token in the URL (`ci.xiaohongshu.com/<token>`, then
 * `sns-img-bd.xhscdn.com/<token>`, then the `imageView2` form except on `notes_pre_post/` ids, which answer
 * 500 since 2026-01), App V2's `original` when the record kept it, the URL as given last (it may carry the
 * watermark). Videos: `sns-video-bd.xhscdn.com/<origin_video_key>`, then the streams across codecs (a
 * preferred codec first, then by picture area, then bitrate), each followed by its backups.
 */

import type { MediaKind } from "../model/media-file.js";
import type { Note, NoteImage, NoteVideo, VideoStream } from "../model/types.js";

export type { MediaKind };

/** How a candidate was derived: decides nothing by itself, but names the choice in reports and the index. */
export type CandidateRule =
  | "token-original"
  | "token-mirror"
  | "token-imageview"
  | "app-original"
  | "as-given"
  | "origin-key"
  | "stream"
  | "stream-backup"
  | "live-clip";

export interface Candidate {
  url: string;
  rule: CandidateRule;
  /** True when the URL is a form XHS serves with a watermark (used only when no clean one answers). */
  mayBeWatermarked: boolean;
  /** For streams: what the answer said of it. */
  stream?: { codec: string; width: number | null; height: number | null; bitrate: number | null };
}

export interface MediaItem {
  noteId: string;
  kind: MediaKind;
  /** 0-based position among the note's items of this kind. */
  index: number;
  candidates: Candidate[];
  width: number | null;
  height: number | null;
  durationSec: number | null;
}

export type VideoCodecPreference = "any" | "h264" | "h265";

export interface MediaSelection {
  images: boolean;
  videos: "best" | "none";
  covers: boolean;
  videoCodec: VideoCodecPreference;
}

export const DEFAULT_SELECTION: MediaSelection = { images: true, videos: "best", covers: false, videoCodec: "any" };

const DATED_SEGMENT = /^\d{12}$/;
const SIGNATURE_SEGMENT = /^[0-9a-f]{32}$/i;
/** XHS file ids start with a version ("1040g…", "01e…"), possibly under a known prefix. */
const TOKEN_SHAPE = /^(?:(?:notes_pre_post|spectrum|notes_uhdr|pre_post)\/)?[0-9a-z]{20,}(?:[._][0-9a-z_.]+)?$/i;

/**
 * The file token in an image URL: the path after a web URL's date and signature segments, before any `!style`
 * and query (`…/202609010000/<32hex>/<token>!nd_dft_wgth_webp_3`, `sns-na-i8…/<token>?imageView2/…`,
 * `ci.xiaohongshu.com/notes_pre_post/<token>`). Null when the path does not look like one.
 */
export function imageToken(url: string): string | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return null;
  }
  let segments = parsed.pathname.split("/").filter((s) => s !== "");
  if (segments.length >= 3 && DATED_SEGMENT.test(segments[0] ?? "") && SIGNATURE_SEGMENT.test(segments[1] ?? "")) {
    segments = segments.slice(2);
  }
  const token = decodeURIComponent(segments.join("/")).split("!")[0] ?? "";
  return TOKEN_SHAPE.test(token) ? token : null;
}

/** A plain, unsigned `sns-img-*` URL with no processing query: what App V2's `original` looks like. */
function looksLikeAppOriginal(url: string): boolean {
  try {
    const parsed = new URL(url);
    return /^sns-img-[a-z0-9]+\.xhscdn\.com$/i.test(parsed.hostname) && parsed.search === "";
  } catch {
    return false;
  }
}

export function imageCandidates(url: string): Candidate[] {
  const out: Candidate[] = [];
  const add = (candidate: Candidate) => {
    if (!out.some((c) => c.url === candidate.url)) out.push(candidate);
  };
  const token = imageToken(url);
  if (token) {
    add({ url: `https://ci.xiaohongshu.com/${token}`, rule: "token-original", mayBeWatermarked: false });
    add({ url: `https://sns-img-bd.xhscdn.com/${token}`, rule: "token-mirror", mayBeWatermarked: false });
    // Since 2026-01 imageView2 on a notes_pre_post id answers 500: not worth a request.
    if (!token.startsWith("notes_pre_post/")) {
      add({
        url: `https://ci.xiaohongshu.com/${token}?imageView2/format/jpeg`,
        rule: "token-imageview",
        mayBeWatermarked: false,
      });
    }
  }
  if (looksLikeAppOriginal(url)) add({ url, rule: "app-original", mayBeWatermarked: false });
  add({ url, rule: "as-given", mayBeWatermarked: true });
  return out;
}

function area(s: { width: number | null; height: number | null }): number {
  return (s.width ?? 0) * (s.height ?? 0);
}

/** Streams best first: the preferred codec's (if any) before the rest, then larger picture, then higher bitrate. */
export function rankStreams(streams: readonly VideoStream[], preference: VideoCodecPreference): VideoStream[] {
  const preferred = (s: VideoStream) => (preference === "any" || s.codec === preference ? 0 : 1);
  return [...streams].sort(
    (a, b) => preferred(a) - preferred(b) || area(b) - area(a) || (b.bitrate ?? 0) - (a.bitrate ?? 0),
  );
}

export function videoCandidates(video: NoteVideo, preference: VideoCodecPreference): Candidate[] {
  const out: Candidate[] = [];
  const add = (candidate: Candidate) => {
    if (!out.some((c) => c.url === candidate.url)) out.push(candidate);
  };
  const key = video.originVideoKey?.replace(/^\/+/, "");
  if (key) add({ url: `https://sns-video-bd.xhscdn.com/${key}`, rule: "origin-key", mayBeWatermarked: false });
  const streams = video.streams ?? [];
  if (streams.length > 0) {
    for (const s of rankStreams(streams, preference)) {
      const stream = { codec: s.codec, width: s.width, height: s.height, bitrate: s.bitrate };
      add({ url: s.url, rule: "stream", mayBeWatermarked: false, stream });
      for (const backup of s.backupUrls) add({ url: backup, rule: "stream-backup", mayBeWatermarked: false, stream });
    }
  } else {
    // Records stored before streams were kept: the compatibility choice, then its backups.
    add({ url: video.url, rule: "stream", mayBeWatermarked: false });
    for (const backup of video.backupUrls) add({ url: backup, rule: "stream-backup", mayBeWatermarked: false });
  }
  return out;
}

function imageItem(noteId: string, kind: MediaKind, index: number, image: NoteImage): MediaItem {
  return {
    noteId,
    kind,
    index,
    candidates: imageCandidates(image.url),
    width: image.width,
    height: image.height,
    durationSec: null,
  };
}

/**
 * Everything to fetch for a note, in a stable order. A video note's images are its covers; an image note's
 * images are its pictures, each followed by its live-photo clip when it has one.
 */
export function planNoteMedia(note: Note, selection: MediaSelection = DEFAULT_SELECTION): MediaItem[] {
  const items: MediaItem[] = [];
  if (note.type === "video") {
    if (selection.covers) {
      note.images.forEach((image, i) => {
        items.push(imageItem(note.id, "cover", i, image));
      });
    }
    if (selection.videos === "best" && note.video) {
      items.push({
        noteId: note.id,
        kind: "video",
        index: 0,
        candidates: videoCandidates(note.video, selection.videoCodec),
        width: note.video.width,
        height: note.video.height,
        durationSec: note.video.durationSec,
      });
    }
    return items;
  }
  if (!selection.images) return items;
  note.images.forEach((image, i) => {
    items.push(imageItem(note.id, "image", i, image));
    if (image.livePhotoUrl) {
      items.push({
        noteId: note.id,
        kind: "live",
        index: i,
        candidates: [{ url: image.livePhotoUrl, rule: "live-clip", mayBeWatermarked: false }],
        width: image.width,
        height: image.height,
        // As the answer gave it (App); web answers give none, so it stays null (docs/decisions.md).
        durationSec: image.livePhotoDurationSec ?? null,
      });
    }
  });
  return items;
}
