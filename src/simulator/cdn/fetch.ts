/** The simulated CDN as a `fetch` (no socket): the test seam for media downloads. Honours AbortSignal. */

import { systemSleep } from "../../core/clock.js";
import type { Sleep } from "../../core/types.js";
import type { CdnAnswer, SimulatedCdn } from "./cdn.js";

export interface CdnFetchOptions {
  /** Waits out slow answers (a fake clock's sleep in tests). */
  sleep?: Sleep;
}

/** The error undici throws when the other side closes mid-body. */
function cutError(): TypeError {
  return new TypeError("terminated", {
    cause: Object.assign(new Error("other side closed"), { code: "UND_ERR_SOCKET" }),
  });
}

/** A body stream that yields chunk by chunk, counting what it hands out, and fails where the answer says. */
function bodyStream(cdn: SimulatedCdn, url: string, answer: CdnAnswer, sleep: Sleep, signal?: AbortSignal) {
  let offset = 0;
  const limit = answer.cutAfter ?? answer.body.length;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (answer.chunkDelayMs > 0) await sleep(answer.chunkDelayMs, signal);
      // As undici does: an aborted request errors its body.
      if (signal?.aborted) {
        controller.error(signal.reason);
        return;
      }
      if (offset >= limit) {
        if (answer.cutAfter !== undefined) controller.error(cutError());
        else controller.close();
        return;
      }
      const end = Math.min(limit, offset + cdn.chunkBytes);
      const chunk = answer.body.subarray(offset, end);
      offset = end;
      if (answer.file) cdn.countBytes(url, chunk.length);
      controller.enqueue(new Uint8Array(chunk));
    },
  });
}

/** The CDN's hosts: XHS media (`*.xhscdn.com`) and the image service (`ci.xiaohongshu.com`). */
export const CDN_HOSTS = /(?:^|\.)xhscdn\.com$|^ci\.xiaohongshu\.com$/i;

/** One `fetch` for both: media hosts to the CDN, everything else to `api`. */
export function routeMediaToCdn(
  api: typeof globalThis.fetch,
  cdnFetch: typeof globalThis.fetch,
): typeof globalThis.fetch {
  const routed = (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const url = input instanceof Request ? input.url : String(input);
    let host = "";
    try {
      host = new URL(url).hostname;
    } catch {
      // a relative or bad URL is the API's to answer
    }
    return CDN_HOSTS.test(host) ? cdnFetch(input, init) : api(input, init);
  };
  return routed as typeof globalThis.fetch;
}

export function createCdnFetch(cdn: SimulatedCdn, options: CdnFetchOptions = {}): typeof globalThis.fetch {
  const sleep = options.sleep ?? systemSleep;
  const cdnFetch = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const request = input instanceof Request ? input : undefined;
    const url = request ? request.url : String(input);
    const headers = new Headers(init?.headers ?? request?.headers);
    const signal = init?.signal ?? request?.signal ?? undefined;
    if (signal?.aborted) throw signal.reason;
    const answer = cdn.handle({
      url,
      method: init?.method ?? request?.method ?? "GET",
      headers: Object.fromEntries(headers.entries()),
    });
    const bodyless = answer.status === 204 || answer.status === 304 || (init?.method ?? "GET") === "HEAD";
    return new Response(bodyless ? null : bodyStream(cdn, url, answer, sleep, signal), {
      status: answer.status,
      headers: answer.headers,
    });
  };
  return cdnFetch as typeof globalThis.fetch;
}
