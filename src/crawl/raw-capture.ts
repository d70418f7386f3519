/**
 * Raw-answer storage for a crawl (`--store-raw`): wraps the client's `fetch` so every TikHub answer is
 * kept with the run id. The key travels in a header and is never recorded here; bodies that echo it
 * (TikHub's 401 does) are scrubbed by the store, which is opened with the key among its secrets.
 */
import { API_PREFIX } from "../catalog/endpoints.js";
import type { Series } from "../core/vocabulary.js";
import type { Store } from "../store/port.js";

export interface RawCapture {
  fetch: typeof globalThis.fetch;
  /** Set once the run is known (before the first call). */
  setRunId(runId: string): void;
  /** Resolves when every answer seen so far is saved. */
  flush(): Promise<void>;
}

function seriesOf(segment: string): Series | null {
  if (segment === "app_v2") return "app_v2";
  if (segment === "app") return "app_v1";
  if (segment === "web_v3") return "web_v3";
  return null;
}

export function captureRawAnswers(store: Store, inner: typeof globalThis.fetch): RawCapture {
  let runId: string | null = null;
  const pending = new Set<Promise<unknown>>();
  const wrapped: typeof globalThis.fetch = async (input, init) => {
    const response = await inner(input, init);
    const url = new URL(typeof input === "string" ? input : input instanceof URL ? input.href : input.url);
    const at = url.pathname.indexOf(API_PREFIX);
    const endpoint = at >= 0 ? url.pathname.slice(at + API_PREFIX.length) : url.pathname;
    const series = seriesOf(endpoint.split("/")[0] ?? "");
    if (series === null) return response;
    const params: Record<string, string> = {};
    for (const [name, value] of url.searchParams) params[name] = value;
    const save = response
      .clone()
      .text()
      .then(async (text) => {
        let body: unknown = text;
        try {
          body = JSON.parse(text);
        } catch {
          // Not JSON (an HTML error page): kept as text.
        }
        await store.saveRawAnswer({
          runId,
          endpoint,
          series,
          params,
          httpStatus: response.status,
          requestId: response.headers.get("x-request-id"),
          fetchedAt: new Date().toISOString(),
          body,
        });
      })
      .catch(() => undefined);
    pending.add(save);
    void save.finally(() => pending.delete(save));
    return response;
  };
  return {
    fetch: wrapped,
    setRunId: (id) => {
      runId = id;
    },
    flush: async () => {
      await Promise.all([...pending]);
    },
  };
}
