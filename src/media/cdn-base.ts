/**
 * Where media URLs are asked. Against TikHub: the URLs as given (the real CDN). Against `xhs mock`: its
 * simulated CDN on the same port (`<base>/__cdn/<host>/<path>`), so simulator notes never reach real hosts.
 * The simulator is recognised by a free, keyless GET `<base>/__cdn/` answering with DISCOVERY_HEADER.
 */

/** Kept equal to the simulator's CDN_DISCOVERY_HEADER (src/simulator/cdn/server.ts; media may not import it). */
export const DISCOVERY_HEADER = "x-xhs-simulated-cdn";
const CDN_PATH = "/__cdn";

/** `https://<host>/<path>?<q>` → `<base>/<host>/<path>?<q>`. */
export function cdnRewriter(base: string): (url: string) => string {
  const root = base.replace(/\/+$/, "");
  return (url) => {
    const u = new URL(url);
    return `${root}/${u.host}${u.pathname}${u.search}`;
  };
}

/** The simulated CDN behind an API base URL, or undefined when that server is not `xhs mock`. */
export async function discoverSimulatedCdn(
  apiBaseUrl: string,
  fetch: typeof globalThis.fetch = globalThis.fetch,
  signal?: AbortSignal,
): Promise<string | undefined> {
  const candidate = `${apiBaseUrl.replace(/\/+$/, "")}${CDN_PATH}`;
  try {
    const answer = await fetch(`${candidate}/`, {
      method: "GET",
      signal: signal ? AbortSignal.any([signal, AbortSignal.timeout(5_000)]) : AbortSignal.timeout(5_000),
    });
    await answer.body?.cancel();
    return answer.ok && answer.headers.get(DISCOVERY_HEADER) === "1" ? candidate : undefined;
  } catch (error) {
    if (signal?.aborted) throw error;
    return undefined;
  }
}
