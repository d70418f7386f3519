/**
 * Deterministic small media files with real magic bytes: JPEG (SOI, JFIF, SOF0 with the picture's size),
 * WebP (RIFF/VP8X), HEIC-like (ISO BMFF `ftyp heic`) and MP4 (`ftyp isom`, `moov/udta`, `mdat`). A watermarked
 * variant carries the ASCII word `WATERMARK` in a comment/metadata segment, so any tool can tell. The filler
 * is a PRNG stream from the file's key: the same key always gives the same bytes.
 */
import { hash32 } from "../world/random.js";

export type CdnFormat = "jpeg" | "webp" | "heic" | "mp4";

export const CONTENT_TYPES: Record<CdnFormat, string> = {
  jpeg: "image/jpeg",
  webp: "image/webp",
  heic: "image/heic",
  mp4: "video/mp4",
};

export interface FileSpec {
  /** Identity of the content: two specs with the same key, format, size and marks give the same bytes. */
  key: string;
  format: CdnFormat;
  bytes: number;
  width: number;
  height: number;
  watermarked: boolean;
  /** Free text written into the metadata (e.g. which stream this is), for tests that check the truth. */
  label?: string;
}

export const WATERMARK_MARK = "WATERMARK";

/** Fills `out` from a xorshift32 stream seeded with the key (fast, deterministic, incompressible enough). */
function fill(out: Buffer, key: string, mask = 0xff): void {
  let x = hash32(key) || 0x9e3779b9;
  for (let i = 0; i < out.length; i++) {
    if ((i & 3) === 0) {
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
    }
    out[i] = (x >>> ((i & 3) * 8)) & mask;
  }
}

function u16be(n: number): Buffer {
  const b = Buffer.alloc(2);
  b.writeUInt16BE(n & 0xffff);
  return b;
}

function box(type: string, ...payload: Buffer[]): Buffer {
  const body = Buffer.concat(payload);
  const head = Buffer.alloc(8);
  head.writeUInt32BE(body.length + 8);
  head.write(type, 4, "latin1");
  return Buffer.concat([head, body]);
}

function riffChunk(type: string, payload: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.write(type, 0, "latin1");
  head.writeUInt32LE(payload.length, 4);
  return Buffer.concat([head, payload, payload.length % 2 === 1 ? Buffer.alloc(1) : Buffer.alloc(0)]);
}

function metaText(spec: FileSpec): string {
  const parts = [`xhs-sim ${spec.key}`, spec.label ?? ""];
  if (spec.watermarked) parts.push(`${WATERMARK_MARK} xiaohongshu`);
  return parts.filter((p) => p !== "").join("; ");
}

/** Pads (or never trims below the header) to reach `spec.bytes` with filler from the key. */
function withFiller(head: Buffer, tail: Buffer, total: number, key: string, mask?: number): Buffer {
  const fillerLength = Math.max(16, total - head.length - tail.length);
  const filler = Buffer.alloc(fillerLength);
  fill(filler, key, mask);
  return Buffer.concat([head, filler, tail]);
}

function jpeg(spec: FileSpec): Buffer {
  const comment = Buffer.from(metaText(spec), "latin1");
  const head = Buffer.concat([
    Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10]),
    Buffer.from("JFIF\0", "latin1"),
    Buffer.from([0x01, 0x01, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00]),
    Buffer.from([0xff, 0xfe]),
    u16be(comment.length + 2),
    comment,
    Buffer.from([0xff, 0xc0, 0x00, 0x11, 0x08]),
    u16be(spec.height),
    u16be(spec.width),
    Buffer.from([0x03, 0x01, 0x22, 0x00, 0x02, 0x11, 0x01, 0x03, 0x11, 0x01]),
    Buffer.from([0xff, 0xda, 0x00, 0x0c, 0x03, 0x01, 0x00, 0x02, 0x11, 0x03, 0x11, 0x00, 0x3f, 0x00]),
  ]);
  // Entropy-coded filler below 0x80 never forms a marker.
  return withFiller(head, Buffer.from([0xff, 0xd9]), spec.bytes, spec.key, 0x7f);
}

function webp(spec: FileSpec): Buffer {
  const vp8x = Buffer.alloc(10);
  vp8x[0] = 0x04; // XMP present
  vp8x.writeUIntLE(spec.width - 1, 4, 3);
  vp8x.writeUIntLE(spec.height - 1, 7, 3);
  const xmp = riffChunk("XMP ", Buffer.from(metaText(spec), "latin1"));
  const fixed = 12 + 18 + xmp.length + 8;
  const imageData = Buffer.alloc(Math.max(16, spec.bytes - fixed) & ~1);
  fill(imageData, spec.key);
  const chunks = Buffer.concat([riffChunk("VP8X", vp8x), riffChunk("VP8 ", imageData), xmp]);
  const head = Buffer.alloc(12);
  head.write("RIFF", 0, "latin1");
  head.writeUInt32LE(chunks.length + 4, 4);
  head.write("WEBP", 8, "latin1");
  return Buffer.concat([head, chunks]);
}

function isoFile(spec: FileSpec, brand: string, compatible: string[]): Buffer {
  const ftyp = box(
    "ftyp",
    Buffer.from(brand, "latin1"),
    Buffer.alloc(4),
    ...compatible.map((c) => Buffer.from(c, "latin1")),
  );
  const dims = Buffer.alloc(8);
  dims.writeUInt32BE(spec.width, 0);
  dims.writeUInt32BE(spec.height, 4);
  const meta =
    spec.format === "mp4"
      ? box("moov", box("udta", box("dims", dims), box("text", Buffer.from(metaText(spec), "latin1"))))
      : box("meta", Buffer.alloc(4), box("ispe", Buffer.alloc(4), dims), box("text", Buffer.from(metaText(spec))));
  const mdatPayload = Buffer.alloc(Math.max(16, spec.bytes - ftyp.length - meta.length - 8));
  fill(mdatPayload, spec.key);
  return Buffer.concat([ftyp, meta, box("mdat", mdatPayload)]);
}

/** The file's bytes (exactly `spec.bytes` long unless that is below the format's header). */
export function synthesize(spec: FileSpec): Buffer {
  switch (spec.format) {
    case "jpeg":
      return jpeg(spec);
    case "webp":
      return webp(spec);
    case "heic":
      return isoFile(spec, "heic", ["mif1", "heic"]);
    case "mp4":
      return isoFile(spec, "isom", ["isom", "iso2", "avc1", "mp41"]);
  }
}
