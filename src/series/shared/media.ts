/**
 * Media selection: the largest image rendition, the live-photo motion clip, and the video URL chosen for
 * compatibility (h264 first, then h265, the rest as backups). `video_id` is never read: in search answers it
 * is a JSON number past 2^53, already corrupted by JSON.parse.
 */
import type { NoteImage, NoteVideo, VideoStream } from "../../model/types.js";
import {
  isObj,
  keys,
  type Obj,
  objects,
  pickInt,
  pickList,
  pickNonEmpty,
  pickNumber,
  pickObject,
  pickValue,
} from "./pick.js";

/** The names each media field is read from, in order (compiled once: see pick.ts `keys`). */
const MEDIA = {
  infoList: keys("info_list"),
  url: keys("url"),
  scene: keys("image_scene"),
  large: keys("original", "url_size_large", "url_multi_level.high"),
  urlDefault: keys("url_default"),
  preview: keys("url", "url_pre"),
  backupUrls: keys("backup_urls"),
  masterUrl: keys("master_url"),
  width: keys("width"),
  height: keys("height"),
  renditionDuration: keys("duration", "video_duration"),
  livePhoto: keys("live_photo"),
  liveStream: keys("media.stream", "stream"),
  liveDuration: keys("media.video.duration"),
  stream: keys("stream"),
  videoStream: keys("media.stream", "stream"),
  videoDuration: keys("capa.duration", "media.video.duration", "duration"),
  videoWidth: keys("media.video.width", "width"),
  videoHeight: keys("media.video.height", "height"),
  bitrate: keys("avg_bitrate", "video_bitrate"),
  size: keys("size"),
  originKey: keys("consumer.origin_video_key"),
};

/** Web `info_list` entries by `image_scene`: default renditions (WB_DFT, FD_WM…) over previews (…PRV…). */
function sceneRank(scene: unknown): number {
  if (typeof scene !== "string") return 1;
  if (/DFT/i.test(scene)) return 3;
  if (/PRV/i.test(scene)) return 0;
  return 2;
}

function infoListUrl(image: Obj, minRank: number): string | null {
  let best: { url: string; rank: number } | null = null;
  for (const entry of objects(pickValue(image, MEDIA.infoList))) {
    const url = pickNonEmpty(entry, MEDIA.url);
    const rank = sceneRank(pickValue(entry, MEDIA.scene));
    if (url && rank >= minRank && (best === null || rank > best.rank)) best = { url, rank };
  }
  return best?.url ?? null;
}

/**
 * The largest rendition an image object offers: App `original` (the uploaded file) > `url_size_large`
 * (≈1440 px) > `url_multi_level.high` > web `info_list` WB_DFT > `url_default` > other non-preview scenes >
 * `url` (≈576 px preview) > `url_pre` > preview scenes. Chosen by name, never by position.
 */
export function largestImageUrl(image: Obj): string | null {
  return (
    pickNonEmpty(image, MEDIA.large) ??
    infoListUrl(image, 3) ??
    pickNonEmpty(image, MEDIA.urlDefault) ??
    infoListUrl(image, 1) ??
    pickNonEmpty(image, MEDIA.preview) ??
    infoListUrl(image, 0)
  );
}

interface Rendition {
  codec: string;
  bitrate: number | null;
  size: number | null;
  url: string;
  backups: string[];
  width: number | null;
  height: number | null;
  durationMs: number | null;
}

/** Codec order: h264 plays everywhere, h265 is smaller but not universal; av1/h266 only as last backups. */
const CODECS = ["h264", "h265", "av1", "h266"].map((codec) => ({ codec, key: keys(codec) }));

function renditions(stream: Obj | undefined): Rendition[] {
  if (!stream) return [];
  const out: Rendition[] = [];
  for (const { codec, key } of CODECS) {
    const entries = objects(pickValue(stream, key))
      .map((entry): Rendition | null => {
        const backups = (pickList(entry, MEDIA.backupUrls) ?? []).filter(
          (u): u is string => typeof u === "string" && u !== "",
        );
        const url = pickNonEmpty(entry, MEDIA.masterUrl) ?? backups[0];
        if (!url) return null;
        return {
          codec,
          bitrate: pickNumber(entry, MEDIA.bitrate),
          size: pickInt(entry, MEDIA.size),
          url,
          backups: backups.filter((u) => u !== url),
          width: pickInt(entry, MEDIA.width),
          height: pickInt(entry, MEDIA.height),
          durationMs: pickNumber(entry, MEDIA.renditionDuration),
        };
      })
      .filter((r): r is Rendition => r !== null);
    // Within a codec the largest picture first (stable for equal sizes).
    entries.sort((a, b) => (b.width ?? 0) * (b.height ?? 0) - (a.width ?? 0) * (a.height ?? 0));
    out.push(...entries);
  }
  return out;
}

/** The motion clip of a live photo: App `live_photo.media.stream` (often h265 only), web `live_photo: true` + `stream`. */
export function livePhotoUrl(image: Obj): string | null {
  const live = pickValue(image, MEDIA.livePhoto);
  const stream = isObj(live)
    ? (pickObject(live, MEDIA.liveStream) ?? undefined)
    : live === true
      ? pickObject(image, MEDIA.stream)
      : undefined;
  return renditions(stream)[0]?.url ?? null;
}

/**
 * A live photo's clip length in seconds when the answer gives one: App `live_photo.media.video.duration` (s),
 * else the clip rendition's `duration` (ms). Web answers give neither: null, never a guess.
 */
export function livePhotoDurationSec(image: Obj): number | null {
  const live = pickValue(image, MEDIA.livePhoto);
  if (!isObj(live)) return null;
  const seconds = pickNumber(live, MEDIA.liveDuration);
  if (seconds !== null && seconds >= 0) return seconds;
  const ms = renditions(pickObject(live, MEDIA.liveStream) ?? undefined)[0]?.durationMs ?? null;
  return ms !== null && ms >= 0 ? ms / 1000 : null;
}

export function buildImages(images: unknown[] | undefined): NoteImage[] {
  const out: NoteImage[] = [];
  for (const image of objects(images)) {
    const url = largestImageUrl(image);
    if (!url) continue;
    const live = livePhotoUrl(image);
    const seconds = live ? livePhotoDurationSec(image) : null;
    out.push({
      url,
      width: pickInt(image, MEDIA.width),
      height: pickInt(image, MEDIA.height),
      livePhotoUrl: live,
      // Only on live photos whose answer says it, so other images' records are unchanged.
      ...(seconds !== null ? { livePhotoDurationSec: seconds } : {}),
    });
  }
  return out;
}

/**
 * The video of a note from App `video_info_v2` / `video_info` or web `video`: the first h264 rendition (largest
 * first), else h265; every other URL (its backups, other renditions) in `backupUrls`, without duplicates.
 * Width and height are the chosen rendition's (the picture actually served), else the source's.
 */
export function buildVideo(video: Obj | undefined, originKeyElsewhere: string | null = null): NoteVideo | null {
  if (!video) return null;
  const all = renditions(pickObject(video, MEDIA.videoStream));
  const chosen = all[0];
  if (!chosen) return null;
  const backupUrls: string[] = [];
  for (const rendition of all) {
    for (const url of [rendition.url, ...rendition.backups]) {
      if (url !== chosen.url && !backupUrls.includes(url)) backupUrls.push(url);
    }
  }
  const durationSec =
    pickNumber(video, MEDIA.videoDuration) ??
    (chosen.durationMs !== null ? Math.round(chosen.durationMs) / 1000 : null);
  const streams: VideoStream[] = all.map((r) => ({
    codec: r.codec,
    url: r.url,
    backupUrls: r.backups,
    width: r.width,
    height: r.height,
    bitrate: r.bitrate,
    size: r.size,
  }));
  return {
    url: chosen.url,
    backupUrls,
    durationSec,
    width: chosen.width ?? pickInt(video, MEDIA.videoWidth),
    height: chosen.height ?? pickInt(video, MEDIA.videoHeight),
    originVideoKey: pickNonEmpty(video, MEDIA.originKey) ?? originKeyElsewhere,
    streams,
  };
}
