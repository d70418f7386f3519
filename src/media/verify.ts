/**
 * What a downloaded file is, from its first bytes (never from the URL or the header alone), and whether it
 * carries a watermark mark. The content type the server sent must agree with the bytes.
 */

export type MediaFormat = "jpeg" | "png" | "gif" | "webp" | "heic" | "avif" | "mp4";

export const EXTENSIONS: Record<MediaFormat, string> = {
  jpeg: "jpg",
  png: "png",
  gif: "gif",
  webp: "webp",
  heic: "heic",
  avif: "avif",
  mp4: "mp4",
};

const HEIF_BRANDS = new Set(["heic", "heix", "hevc", "hevx", "heim", "heis", "mif1", "msf1"]);
const AVIF_BRANDS = new Set(["avif", "avis"]);

/** The format the magic bytes say, or null (an HTML error page, a truncated file, something else). */
export function sniffFormat(head: Uint8Array): MediaFormat | null {
  const ascii = (from: number, to: number) => Buffer.from(head.subarray(from, to)).toString("latin1");
  if (head.length >= 3 && head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff) return "jpeg";
  if (head.length >= 8 && ascii(0, 8) === "\x89PNG\r\n\x1a\n") return "png";
  if (head.length >= 6 && (ascii(0, 6) === "GIF87a" || ascii(0, 6) === "GIF89a")) return "gif";
  if (head.length >= 12 && ascii(0, 4) === "RIFF" && ascii(8, 12) === "WEBP") return "webp";
  if (head.length >= 12 && ascii(4, 8) === "ftyp") {
    const brand = ascii(8, 12);
    if (AVIF_BRANDS.has(brand)) return "avif";
    if (HEIF_BRANDS.has(brand)) return "heic";
    return "mp4"; // isom, iso2, mp41, mp42, avc1, dash, M4V …
  }
  return null;
}

/** Whether a Content-Type header fits the sniffed format (a missing or generic type is accepted). */
export function contentTypeFits(contentType: string | null, format: MediaFormat): boolean {
  if (!contentType) return true;
  const type = contentType.split(";")[0]?.trim().toLowerCase() ?? "";
  if (type === "application/octet-stream" || type === "binary/octet-stream") return true;
  if (format === "mp4") return type.startsWith("video/");
  if (format === "heic") return type === "image/heic" || type === "image/heif";
  return type.startsWith("image/");
}

const MARK = Buffer.from("WATERMARK", "latin1");

/** True when the bytes carry the ASCII word WATERMARK (the simulator's mark; XHS's own marks are in pixels). */
export function carriesWatermarkMark(head: Uint8Array): boolean {
  return Buffer.from(head.buffer, head.byteOffset, head.byteLength).includes(MARK);
}
