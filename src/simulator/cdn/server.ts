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

async function serve(cdn: SimulatedCdn, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = mediaUrlOf(req.url ?? "/");
  const headers: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(req.headers)) headers[k] = Array.isArray(v) ? v.join(", ") : v;
  const answer = cdn.handle({ url, method: req.method ?? "GET", headers });
  res.writeHead(answer.status, answer.headers);
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
    serve(cdn, req, res).catch(() => res.destroy());
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
