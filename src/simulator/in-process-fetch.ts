/** The service in-process, as a `fetch`: the test seam (no socket, deterministic, honours AbortSignal). */
import type { SimulatorService } from "./service.js";

/** The origin in-process URLs may use (any origin works; only path and query are read). */
export const IN_PROCESS_BASE_URL = "http://tikhub.simulator";

/** A `fetch` that serves requests from the service in-process: fast, deterministic, honours AbortSignal. */
export function createInProcessFetch(service: SimulatorService<unknown>): typeof globalThis.fetch {
  const simFetch = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const request = input instanceof Request ? input : undefined;
    const url = new URL(request ? request.url : String(input), IN_PROCESS_BASE_URL);
    const headers = new Headers(init?.headers ?? request?.headers);
    const signal = init?.signal ?? request?.signal ?? undefined;
    if (signal?.aborted) throw signal.reason;
    const method = (init?.method ?? request?.method ?? "GET").toUpperCase();
    let body: string | undefined;
    if (init?.body !== undefined && init.body !== null) body = await new Response(init.body).text();
    else if (request && method !== "GET" && method !== "HEAD") body = await request.text();

    const answer = await service.handle({
      method,
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      authorization: headers.get("authorization") ?? undefined,
      cookie: headers.get("cookie") ?? undefined,
      body,
      signal,
    });
    if (answer.kind === "drop") {
      throw new TypeError("fetch failed", {
        cause: Object.assign(new Error("other side closed"), { code: "UND_ERR_SOCKET" }),
      });
    }
    if (answer.kind === "hang") {
      return new Promise<Response>((_resolve, reject) => {
        signal?.addEventListener("abort", () => reject(signal.reason), { once: true });
      });
    }
    return new Response(method === "HEAD" ? null : (answer.bytes ?? answer.body), {
      status: answer.status,
      headers: answer.headers,
    });
  };
  return simFetch as typeof globalThis.fetch;
}
