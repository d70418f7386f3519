/**
 * The simulated CDN over real HTTP, for other processes (`xhs media --cdn-base-url`, the SIGKILL test, the
 * benchmark). A media URL `https://<host>/<path>?<query>` is asked as `<base>/<host>/<path>?<query>`
 * (`cdnUrlFor`); cuts destroy the socket mid-body, slow answers wait between chunks.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { setTimeout as delay } from "node:timers/promises";
import type { SimulatedCdn } from "./cdn.js";

export interface RunningCdn {
  /** e.g. "http://127.0.0.1:41234" (no trailing slash). */
  url: string;
  close(): Promise<void>;
}

/** The URL under which a CDN server at `base` serves `mediaUrl`. */
export function cdnUrlFor(base: string, mediaUrl: string): string {
  const u = new URL(mediaUrl);
  return `${base.replace(/\/+$/, "")}/${u.host}${u.pathname}${u.search}`;
}

/** The media URL a request to the CDN server names (its first path segment is the host). */
export function mediaUrlOf(requestUrl: string): string {
  const u = new URL(requestUrl, "http://cdn.local");
  const [, host, ...rest] = u.pathname.split("/");
  return `https://${host ?? ""}/${rest.join("/")}${u.search}`;
}

/** Where `xhs mock` serves the CDN on its own port: `<simulator url>/__cdn/<host>/<path>`. */
export const CDN_PATH_PREFIX = "/__cdn";
/** The header a CDN answer carries, so `xhs media` can tell the simulator's CDN is there (src/media/cdn-base.ts). */
export const CDN_DISCOVERY_HEADER = "x-xhs-simulated-cdn";

/** Answers one request whose URL (path and query) is `/<host>/<path>?<query>`. */
export async function serveCdnRequest(
  cdn: SimulatedCdn,
  requestUrl: string,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  if (requestUrl === "/" || requestUrl === "") {
    // The discovery answer (no media asked).
    res.writeHead(200, { "content-type": "application/json", [CDN_DISCOVERY_HEADER]: "1" });
    res.end(req.method === "HEAD" ? undefined : JSON.stringify({ cdn: true }));
    return;
  }
  await serve(cdn, mediaUrlOf(requestUrl), req, res);
}

async function serve(cdn: SimulatedCdn, url: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const headers: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(req.headers)) headers[k] = Array.isArray(v) ? v.join(", ") : v;
  const answer = cdn.handle({ url, method: req.method ?? "GET", headers });
  res.writeHead(answer.status, { ...answer.headers, [CDN_DISCOVERY_HEADER]: "1" });
  if (req.method === "HEAD") {
    res.end();
    return;
  }
  const limit = answer.cutAfter ?? answer.body.length;
  let offset = 0;
  while (offset < limit) {
    if (answer.chunkDelayMs > 0) await delay(answer.chunkDelayMs);
    if (res.destroyed) return;
    const end = Math.min(limit, offset + cdn.chunkBytes);
    const chunk = answer.body.subarray(offset, end);
    offset = end;
    const flushed = res.write(chunk);
    if (answer.file) cdn.countBytes(url, chunk.length);
    if (!flushed) await new Promise((resolve) => res.once("drain", resolve));
  }
  if (answer.cutAfter !== undefined) res.destroy();
  else res.end();
}

export async function startCdnServer(cdn: SimulatedCdn, port = 0, host = "127.0.0.1"): Promise<RunningCdn> {
  const server = createServer((req, res) => {
    serveCdnRequest(cdn, req.url ?? "/", req, res).catch(() => res.destroy());
  });
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve) => server.listen(port, host, resolve));
  const address = server.address() as AddressInfo;
  return {
    url: `http://${host}:${address.port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
