/**
 * The simulator's CDN: serves a file for every media URL its world hands out, with XHS's rules and failure
 * modes (docs/reference-notes.md#media-files-originals-watermarks-streams):
 *
 * - the token forms (`ci.xiaohongshu.com/<token>`, `sns-img-*.xhscdn.com/<token>`) give the clean original in
 *   its native format (JPEG, WebP or HEIC, from the file id); `?imageView2/…/format/<f>` converts it, except on
 *   a `notes_pre_post/` id, which answers 500 (the 2026-01 rule);
 * - the URLs in answers (web `sns-webpic-*` dated URLs, app signed `sns-na-i8` URLs) give the watermarked
 *   variant; a wrong signature or a past `t=` expiry answers 403;
 * - `sns-video-bd.xhscdn.com/<origin_video_key>` gives the uploaded original, or 404 for a share of videos
 *   drawn from the seed (then the streams must be used); stream and live-clip paths give their MP4;
 * - faults from the seed: connections cut mid-file, slow answers, a first 403 on signed URLs, a first 5xx.
 *
 * It honours `Range`, counts what it served (bytes, requests, requests that carried credentials) and is
 * transport-free: `handle` answers one request; cdn/fetch.ts and cdn/server.ts reach it.
 */
import { BoundedMap } from "../../core/bounded-map.js";
import { unit } from "../world/random.js";
import type { WorldImage, WorldNote, WorldVideo } from "../world/types.js";
import type { World } from "../world/world.js";
import { type CdnFormat, CONTENT_TYPES, type FileSpec, synthesize } from "./files.js";

export interface CdnFaults {
  /** Share of videos whose origin key answers 404 (XHS: often missing on new notes). Default 0.3. */
  originMissing?: number;
  /** Share of URLs whose first `cutTimes` answers are cut mid-body. Default 0. */
  cut?: number;
  /** How many answers of a cut URL are cut. Default 1. */
  cutTimes?: number;
  /** Share of URLs answered slowly (`slowMs` before each chunk). Default 0. */
  slow?: number;
  slowMs?: number;
  /** Share of signed URLs whose first answer is 403 (expired between listing and download). Default 0. */
  expireFirst?: number;
  /** Share of URLs whose first answer is a 503. Default 0. */
  errorFirst?: number;
}

export interface CdnOptions {
  /** Seed of the fault draws (default: the world's). */
  seed?: number;
  faults?: CdnFaults;
  /** Unix seconds for signed-URL expiry (default: the world's now). */
  nowSec?: () => number;
  /** Divides a stream's listed size to get the served file's size (default 100: small test files). */
  videoScale?: number;
  /** Bytes per chunk of a body (cuts and slow answers happen between chunks). Default 64 KiB. */
  chunkBytes?: number;
}

export interface CdnRequest {
  url: string;
  method?: string;
  headers?: Record<string, string | undefined>;
}

export interface CdnAnswer {
  status: number;
  headers: Record<string, string>;
  /** The body to send (already sliced for a Range). */
  body: Buffer;
  /** Cut the connection after this many body bytes (undefined: send it all). */
  cutAfter?: number;
  /** Wait this long before each chunk. */
  chunkDelayMs: number;
  /** What the file is, for tests that check the truth (absent on errors). */
  file?: CdnFileInfo;
}

export interface CdnFileInfo {
  key: string;
  format: CdnFormat;
  size: number;
  width: number;
  height: number;
  watermarked: boolean;
  /** For videos: "origin", or "<codec>/<streamType>"; for live clips "live". */
  variant: string;
  noteId: string;
}

export interface CdnStats {
  requests: number;
  bytesServed: number;
  /** Requests that carried an Authorization, Cookie or x-api-key header: must stay 0 (no key to the CDN). */
  requestsWithCredentials: number;
  byStatus: Record<number, number>;
}

interface Resolved {
  spec: FileSpec;
  info: CdnFileInfo;
}

type Resolution = Resolved | { status: number; reason: string };

const IMAGE_FORMATS: readonly CdnFormat[] = ["jpeg", "jpeg", "webp", "heic"];
const TOKEN_PREFIXES = /^(?:notes_pre_post|spectrum|notes_uhdr)\//;
const VIDEO_HOST = /^sns-(?:video-[a-z0-9]+|bak-v\d+)\.xhscdn\.com$/;
const CLEAN_IMAGE_HOST = /^(?:ci\.xiaohongshu\.com|sns-img-(?:qc|hw|bd|qn)\.xhscdn\.com)$/;

export class SimulatedCdn {
  readonly world: World;
  readonly stats: CdnStats = { requests: 0, bytesServed: 0, requestsWithCredentials: 0, byStatus: {} };
  /** Bytes served per URL path (query dropped), for resume checks. */
  readonly bytesByPath = new Map<string, number>();
  readonly #seed: number;
  readonly #faults: Required<CdnFaults>;
  readonly #nowSec: () => number;
  readonly #videoScale: number;
  readonly chunkBytes: number;
  readonly #hits = new Map<string, number>();
  readonly #files = new BoundedMap<string, Buffer>({ maxSize: 256 * 1024 * 1024, sizeOf: (b) => b.length });
  #images: Map<string, { note: WorldNote; image: WorldImage; index: number }> | undefined;
  #lives: Map<string, { note: WorldNote; image: WorldImage }> | undefined;
  #videos: Map<string, { note: WorldNote; video: WorldVideo }> | undefined;
  #origins: Map<string, { note: WorldNote; video: WorldVideo }> | undefined;

  constructor(world: World, options: CdnOptions = {}) {
    this.world = world;
    this.#seed = options.seed ?? world.seed;
    this.#faults = {
      originMissing: 0.3,
      cut: 0,
      cutTimes: 1,
      slow: 0,
      slowMs: 200,
      expireFirst: 0,
      errorFirst: 0,
      ...options.faults,
    };
    this.#nowSec = options.nowSec ?? (() => world.now);
    this.#videoScale = options.videoScale ?? 100;
    this.chunkBytes = options.chunkBytes ?? 64 * 1024;
  }

  /** Whether the origin key of this video answers (the world's truth for tests). */
  originAvailable(video: WorldVideo): boolean {
    return unit(this.#seed, "cdn-origin", video.videoId) >= this.#faults.originMissing;
  }

  /**
   * The codec (or "origin") a best-quality download of this video should end with: the world's streams share
   * one picture size and its h264 rendition has the highest bitrate (render/media.ts `appStream`).
   */
  bestVideoVariant(video: WorldVideo): "origin" | "h264" {
    return this.originAvailable(video) ? "origin" : "h264";
  }

  /** What a URL serves, without serving it (and without counting). */
  describe(url: string): CdnFileInfo | null {
    const resolved = this.#resolve(url);
    return "spec" in resolved ? { ...resolved.info, size: this.#bytesOf(resolved.spec).length } : null;
  }

  /** Forgets counters and first-hit faults (files stay cached). */
  resetStats(): void {
    this.stats.requests = 0;
    this.stats.bytesServed = 0;
    this.stats.requestsWithCredentials = 0;
    this.stats.byStatus = {};
    this.bytesByPath.clear();
    this.#hits.clear();
  }

  /** Counts body bytes actually sent (the transports call it as they write). */
  countBytes(url: string, n: number): void {
    this.stats.bytesServed += n;
    const path = pathKey(url);
    this.bytesByPath.set(path, (this.bytesByPath.get(path) ?? 0) + n);
  }

  handle(req: CdnRequest): CdnAnswer {
    this.stats.requests++;
    const headers = Object.fromEntries(Object.entries(req.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v]));
    if (headers.authorization || headers.cookie || headers["x-api-key"]) this.stats.requestsWithCredentials++;
    const answer = this.#answer(req, headers);
    this.stats.byStatus[answer.status] = (this.stats.byStatus[answer.status] ?? 0) + 1;
    return answer;
  }

  #answer(req: CdnRequest, headers: Record<string, string | undefined>): CdnAnswer {
    const method = (req.method ?? "GET").toUpperCase();
    if (method !== "GET" && method !== "HEAD") return plain(405, "method not allowed");
    const path = pathKey(req.url);
    const hit = (this.#hits.get(path) ?? 0) + 1;
    this.#hits.set(path, hit);
    const draw = (name: string) => unit(this.#seed, "cdn", name, path);
    const chunkDelayMs = draw("slow") < this.#faults.slow ? this.#faults.slowMs : 0;

    if (hit === 1 && draw("error") < this.#faults.errorFirst) return plain(503, "service unavailable", chunkDelayMs);
    const resolved = this.#resolve(req.url);
    if (!("spec" in resolved)) return plain(resolved.status, resolved.reason, chunkDelayMs);
    if (hit === 1 && /[?&]sign=/.test(req.url) && draw("expire") < this.#faults.expireFirst) {
      return plain(403, "expired", chunkDelayMs);
    }

    const file = this.#bytesOf(resolved.spec);
    const info = { ...resolved.info, size: file.length };
    const base: Record<string, string> = {
      "content-type": CONTENT_TYPES[resolved.spec.format],
      "accept-ranges": "bytes",
      etag: `"${resolved.spec.key.length}-${file.length}-${resolved.spec.watermarked ? "w" : "c"}"`,
      "cache-control": "max-age=2592000",
    };
    const range = parseRange(headers.range, file.length);
    if (range === "unsatisfiable") {
      return {
        status: 416,
        headers: { ...base, "content-range": `bytes */${file.length}`, "content-length": "0" },
        body: Buffer.alloc(0),
        chunkDelayMs,
        file: info,
      };
    }
    const [start, end] = range ?? [0, file.length - 1];
    const body = method === "HEAD" ? Buffer.alloc(0) : file.subarray(start, end + 1);
    const answer: CdnAnswer = {
      status: range ? 206 : 200,
      headers: {
        ...base,
        "content-length": String(end - start + 1),
        ...(range ? { "content-range": `bytes ${start}-${end}/${file.length}` } : {}),
      },
      body,
      chunkDelayMs,
      file: info,
    };
    if (hit <= this.#faults.cutTimes && draw("cut") < this.#faults.cut && body.length > 1) {
      answer.cutAfter = Math.floor(body.length * (0.2 + 0.6 * draw(`cut-at-${hit}`)));
    }
    return answer;
  }

  #bytesOf(spec: FileSpec): Buffer {
    const cacheKey = `${spec.key}|${spec.format}|${spec.bytes}|${spec.watermarked}`;
    let file = this.#files.get(cacheKey);
    if (!file) {
      file = synthesize(spec);
      this.#files.set(cacheKey, file);
    }
    return file;
  }

  #index(): void {
    if (this.#images) return;
    this.#images = new Map();
    this.#lives = new Map();
    this.#videos = new Map();
    this.#origins = new Map();
    for (const note of this.world.notes()) {
      note.images.forEach((image, index) => {
        this.#images?.set(image.fileId, { note, image, index });
        if (image.livePhoto) this.#lives?.set(image.livePhoto.fileId, { note, image });
      });
      if (note.video) {
        this.#videos.set(note.video.streamKey, { note, video: note.video });
        this.#origins.set(note.video.originVideoKey, { note, video: note.video });
      }
    }
  }

  #resolve(rawUrl: string): Resolution {
    let url: URL;
    try {
      url = new URL(rawUrl);
    } catch {
      return { status: 400, reason: "bad url" };
    }
    this.#index();
    const host = url.hostname;
    const path = decodeURIComponent(url.pathname.replace(/^\/+/, ""));
    if (CLEAN_IMAGE_HOST.test(host)) return this.#cleanImage(path, url.search);
    if (host === "sns-webpic-qc.xhscdn.com") return this.#webImage(path);
    if (host === "sns-na-i8.xhscdn.com") return this.#appImage(path, url.searchParams);
    if (VIDEO_HOST.test(host)) return this.#video(path);
    return { status: 404, reason: "unknown host" };
  }

  #imageSpec(fileId: string, format: CdnFormat | null, watermarked: boolean): Resolution {
    const found = this.#images?.get(fileId);
    if (!found) return { status: 404, reason: "no such file" };
    const native = IMAGE_FORMATS[Math.floor(unit(this.#seed, "cdn-format", fileId) * IMAGE_FORMATS.length)] ?? "jpeg";
    const chosen = format ?? native;
    const bytes = 6_000 + Math.floor(unit(this.#seed, "cdn-size", fileId) * 34_000) + (chosen === "jpeg" ? 4_000 : 0);
    const spec: FileSpec = {
      key: `img/${fileId}`,
      format: chosen,
      bytes,
      width: found.image.width,
      height: found.image.height,
      watermarked,
      label: `image ${found.note.id} #${found.index}`,
    };
    return {
      spec,
      info: {
        key: spec.key,
        format: chosen,
        size: bytes,
        width: spec.width,
        height: spec.height,
        watermarked,
        variant: watermarked ? "watermarked" : "original",
        noteId: found.note.id,
      },
    };
  }

  #cleanImage(path: string, search: string): Resolution {
    const fileId = path.replace(TOKEN_PREFIXES, "");
    if (search.includes("imageView2")) {
      if (path.startsWith("notes_pre_post/")) return { status: 500, reason: "imageView2 unsupported" };
      const format = /format\/([a-z0-9]+)/i.exec(search)?.[1]?.toLowerCase();
      const mapped: CdnFormat | null =
        format === "jpeg" || format === "jpg" || format === "png"
          ? "jpeg"
          : format === "webp"
            ? "webp"
            : format === "heic" || format === "heif"
              ? "heic"
              : null;
      return this.#imageSpec(fileId, mapped, false);
    }
    return this.#imageSpec(fileId, null, false);
  }

  #webImage(path: string): Resolution {
    const [, signature, rest] = /^\d{12}\/([0-9a-f]{32})\/(.+)$/.exec(path) ?? [];
    if (!signature || !rest) return { status: 404, reason: "bad path" };
    const fileId = rest.split("!")[0]?.replace(TOKEN_PREFIXES, "") ?? "";
    if (this.world.sign("web", fileId).slice(0, 32) !== signature) return { status: 403, reason: "bad signature" };
    return this.#imageSpec(fileId, "webp", true);
  }

  #appImage(path: string, params: URLSearchParams): Resolution {
    const fileId = path.replace(TOKEN_PREFIXES, "");
    const sign = params.get("sign") ?? "";
    const expiry = Number.parseInt(params.get("t") ?? "", 16);
    if (this.world.sign("img", fileId).slice(0, 32) !== sign) return { status: 403, reason: "bad signature" };
    if (!Number.isFinite(expiry) || expiry < this.#nowSec()) return { status: 403, reason: "expired" };
    return this.#imageSpec(fileId, "heic", true);
  }

  #video(path: string): Resolution {
    if (path.startsWith("pre_post/")) {
      const found = this.#origins?.get(path);
      if (!found || !this.originAvailable(found.video)) return { status: 404, reason: "no such origin" };
      return this.#videoSpec(found.note, found.video, "origin", 1_600_000);
    }
    const stream = /^stream\/110\/(\d+)\/([0-9a-z]+)_(\d+)\.mp4$/.exec(path);
    if (stream) {
      const found = this.#videos?.get(stream[2] ?? "");
      if (!found) return { status: 404, reason: "no such stream" };
      const type = Number(stream[1]);
      const codec = type === 258 || type === 259 ? "h264" : "h265";
      return this.#videoSpec(found.note, found.video, `${codec}/${type}`, codec === "h264" ? 1_484_038 : 1_254_613);
    }
    const live = /^stream\/1\/10\/(\d+)\/([0-9a-z]+)_\d+\.mp4$/.exec(path);
    if (live) {
      const found = this.#lives?.get(live[2] ?? "");
      const clip = found?.image.livePhoto;
      if (!found || !clip) return { status: 404, reason: "no such clip" };
      const bytes = Math.max(4_000, Math.floor((clip.durationSec * 900_000) / 8 / this.#videoScale));
      const spec: FileSpec = {
        key: `live/${clip.fileId}`,
        format: "mp4",
        bytes,
        width: clip.width,
        height: clip.height,
        watermarked: false,
        label: `live ${found.note.id}`,
      };
      return { spec, info: { ...infoOf(spec, found.note.id), variant: "live" } };
    }
    return { status: 404, reason: "no such video" };
  }

  #videoSpec(note: WorldNote, video: WorldVideo, variant: string, bitrate: number): Resolution {
    const bytes = Math.max(8_000, Math.floor((bitrate / 8) * video.durationSec) / this.#videoScale) | 0;
    const spec: FileSpec = {
      key: `video/${video.videoId}/${variant}`,
      format: "mp4",
      bytes,
      width: video.width,
      height: video.height,
      watermarked: false,
      label: `video ${note.id} ${variant}`,
    };
    return { spec, info: { ...infoOf(spec, note.id), variant } };
  }
}

function infoOf(spec: FileSpec, noteId: string): CdnFileInfo {
  return {
    key: spec.key,
    format: spec.format,
    size: spec.bytes,
    width: spec.width,
    height: spec.height,
    watermarked: spec.watermarked,
    variant: "",
    noteId,
  };
}

function plain(status: number, reason: string, chunkDelayMs = 0): CdnAnswer {
  const body = Buffer.from(reason);
  return {
    status,
    headers: { "content-type": "text/plain", "content-length": String(body.length) },
    body,
    chunkDelayMs,
  };
}

/** Host and path, no query: signed URLs of one file differ only in their query. */
export function pathKey(url: string): string {
  try {
    const u = new URL(url);
    return `${u.host}${u.pathname}`;
  } catch {
    return url;
  }
}

/** `bytes=a-`, `bytes=a-b`, `bytes=-n`; null when absent or not understood (then the whole file, 200). */
function parseRange(header: string | undefined, size: number): [number, number] | "unsatisfiable" | null {
  if (!header) return null;
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m || (m[1] === "" && m[2] === "")) return null;
  if (m[1] === "") {
    const n = Number(m[2]);
    if (n === 0) return "unsatisfiable";
    return [Math.max(0, size - n), size - 1];
  }
  const start = Number(m[1]);
  const end = m[2] === "" ? size - 1 : Math.min(Number(m[2]), size - 1);
  if (start >= size || end < start) return "unsatisfiable";
  return [start, end];
}
