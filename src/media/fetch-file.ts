/**
 * One candidate URL into one partial file: resumes with `Range` from what is already on disk, checks the
 * status, the promised size (Content-Length, or the total of Content-Range), the magic bytes and that the
 * content type agrees. No key, no cookie, no Referer goes to the CDN (it answers 403 to foreign referers).
 */
import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { rm } from "node:fs/promises";
import { XhsError } from "../core/errors.js";
import { type FileOps, headOf, sizeOf } from "./files.js";
import { carriesWatermarkMark, contentTypeFits, type MediaFormat, sniffFormat } from "./verify.js";

/** Why a candidate failed: `status` for HTTP answers; `retryable` for cuts, 5xx and network errors. */
export class MediaFetchError extends XhsError {
  readonly status: number | undefined;
  readonly retryable: boolean;
  constructor(message: string, options: { status?: number; retryable: boolean; cause?: unknown }) {
    super(options.retryable ? "connection" : "upstream", message, {
      httpStatus: options.status,
      cause: options.cause,
    });
    this.status = options.status;
    this.retryable = options.retryable;
  }
}

/** A local write failed (full disk, permissions): stops the download of this item, not the run's others. */
export class MediaWriteError extends XhsError {
  constructor(message: string, cause: unknown) {
    super("invalid_input", message, { cause });
  }
}

export interface FetchedFile {
  bytes: number;
  sha256: string;
  format: MediaFormat;
  watermarked: boolean;
}

export const BROWSER_HEADERS = {
  "user-agent":
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36",
  accept: "image/avif,image/webp,image/heic,image/*,video/*,*/*;q=0.8",
};

/** Bytes kept for the magic-byte and watermark checks. */
const HEAD_BYTES = 64 * 1024;

/** Received bytes held while a write is in flight, before reading waits for it. */
const WRITE_AHEAD = 1024 * 1024;

const SIGNING_PARAMS = ["sign", "t", "token", "expires", "x-expires", "x-signature"];

/** A stable partial-file name for a URL: host, path and query without its signature, so a re-signed URL resumes the same file. */
export function partialKey(url: string): string {
  let base = url;
  try {
    const u = new URL(url);
    for (const name of SIGNING_PARAMS) u.searchParams.delete(name);
    base = `${u.host}${u.pathname}?${u.searchParams.toString()}`;
  } catch {
    // keep the raw string
  }
  return createHash("sha256").update(base).digest("hex").slice(0, 32);
}

function totalFrom(response: Response, offset: number): number | null {
  const range = response.headers.get("content-range");
  if (range) {
    const m = /^bytes (\d+)-(\d+)\/(\d+|\*)$/.exec(range.trim());
    if (m?.[3] && m[3] !== "*") return Number(m[3]);
    return null;
  }
  const length = response.headers.get("content-length");
  return length === null ? null : Number(length) + offset;
}

/**
 * Downloads `url` into `partial`, continuing from its current size. Resolves when the file is complete and
 * verified (the partial then holds it); rejects with MediaFetchError (the partial kept when resumable).
 */
export async function fetchIntoPartial(
  fetchImpl: typeof globalThis.fetch,
  url: string,
  partial: string,
  files: FileOps,
  signal?: AbortSignal,
  /** The partial is known not to exist (none at the run's start, first attempt): no stat needed. */
  fresh = false,
): Promise<FetchedFile> {
  const have = fresh ? 0 : ((await sizeOf(partial)) ?? 0);
  const headers: Record<string, string> = { ...BROWSER_HEADERS };
  if (have > 0) headers.range = `bytes=${have}-`;
  let response: Response;
  try {
    response = await fetchImpl(url, { headers, redirect: "follow", ...(signal ? { signal } : {}) });
  } catch (error) {
    if (signal?.aborted) throw error;
    throw new MediaFetchError(`could not reach the CDN: ${(error as Error).message}`, {
      retryable: true,
      cause: error,
    });
  }
  if (response.status === 416 && have > 0) {
    // The partial is as long as the file (or longer): start over, the bytes cannot be trusted.
    await response.body?.cancel();
    await rm(partial, { force: true });
    throw new MediaFetchError("range not satisfiable; starting over", { status: 416, retryable: true });
  }
  if (response.status !== 200 && response.status !== 206) {
    await response.body?.cancel();
    throw new MediaFetchError(`CDN answered ${response.status}`, {
      status: response.status,
      retryable: response.status >= 500 || response.status === 429 || response.status === 408,
    });
  }
  let offset = 0;
  if (response.status === 206) {
    const start = /^bytes (\d+)-/.exec(response.headers.get("content-range") ?? "")?.[1];
    if (Number(start) !== have) {
      await response.body?.cancel();
      await rm(partial, { force: true });
      throw new MediaFetchError("CDN resumed at the wrong offset; starting over", { status: 206, retryable: true });
    }
    offset = have;
  }
  const promised = totalFrom(response, offset);
  let written = offset;
  // Hashed as it streams (a resumed file: its bytes on disk first), so a verified file is never read again.
  const hash = createHash("sha256");
  if (offset > 0)
    for await (const chunk of createReadStream(partial, { end: offset - 1 })) hash.update(chunk as Buffer);
  const headChunks: Uint8Array[] = [];
  let headBytes = 0;
  let out: Awaited<ReturnType<FileOps["openForWrite"]>>;
  try {
    out = await files.openForWrite(partial, offset > 0 ? "a" : "w");
  } catch (error) {
    await response.body?.cancel();
    throw new MediaWriteError(`cannot write ${partial}: ${(error as Error).message}`, error);
  }
  // One write in flight at a time; chunks that arrive meanwhile go out together in the next write (each write
  // is a thread-pool round trip: per 64 KiB chunk they cost more than the bytes). What a kill can lose is what
  // arrived during one write, at most WRITE_AHEAD bytes.
  let pending: Uint8Array[] = [];
  let pendingBytes = 0;
  let busy = false;
  let writing: Promise<void> = Promise.resolve();
  let writeError: unknown;
  const writePending = async () => {
    try {
      while (pending.length > 0 && writeError === undefined) {
        const batch = pending.length === 1 ? (pending[0] as Uint8Array) : Buffer.concat(pending);
        pending = [];
        pendingBytes = 0;
        await out.write(batch);
      }
    } catch (error) {
      writeError = error;
    } finally {
      busy = false;
    }
  };
  const writeFailed = (error: unknown) =>
    new MediaWriteError(`cannot write ${partial}: ${(error as Error).message}`, error);
  try {
    if (response.body) {
      const reader = response.body.getReader();
      for (;;) {
        if (busy && pendingBytes >= WRITE_AHEAD) await writing;
        if (writeError !== undefined) {
          await reader.cancel().catch(() => undefined);
          throw writeFailed(writeError);
        }
        let chunk: Awaited<ReturnType<typeof reader.read>>;
        try {
          chunk = await reader.read();
        } catch (error) {
          if (signal?.aborted) throw error;
          throw new MediaFetchError(`connection cut after ${written} bytes`, { retryable: true, cause: error });
        }
        if (chunk.done) break;
        pending.push(chunk.value);
        pendingBytes += chunk.value.length;
        if (!busy) {
          busy = true;
          writing = writePending();
        }
        written += chunk.value.length;
        hash.update(chunk.value);
        if (offset === 0 && headBytes < HEAD_BYTES) {
          headChunks.push(chunk.value);
          headBytes += chunk.value.length;
        }
      }
    }
  } finally {
    // Everything received reaches the partial before it is closed, also after a cut: a resume starts there.
    await writing;
    await out.close().catch(() => undefined);
  }
  if (writeError !== undefined) throw writeFailed(writeError);
  if (promised !== null && written !== promised) {
    throw new MediaFetchError(`got ${written} of ${promised} bytes`, { retryable: written < promised });
  }
  const head = offset === 0 ? Buffer.concat(headChunks).subarray(0, HEAD_BYTES) : await headOf(partial, HEAD_BYTES);
  const format = sniffFormat(head);
  if (!format || !contentTypeFits(response.headers.get("content-type"), format)) {
    await rm(partial, { force: true });
    throw new MediaFetchError(
      `not a media file (${response.headers.get("content-type") ?? "no content type"}, ${format ?? "unknown magic bytes"})`,
      { status: response.status, retryable: false },
    );
  }
  return { bytes: written, sha256: hash.digest("hex"), format, watermarked: carriesWatermarkMark(head) };
}
