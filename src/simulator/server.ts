/**
 * The simulator over a real `node:http` server (keep-alive; no per-request logging). Before a request
 * reaches the service (service.ts): the Host must be loopback, an IP literal or a name the simulator was
 * started on (a DNS rebinding guard), a browser's cross-site request is refused (403), and a request
 * body is read up to `maxBodyBytes` (413 beyond).
 */

import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { type AddressInfo, isIP } from "node:net";
import { fetchSiteAllowed, hostOfHeader, isLoopbackHost, normalizeHost, originAllowed } from "../core/hosts.js";
import { JSON_HEADERS } from "./answers.js";
import { CDN_PATH_PREFIX, type SimulatedCdn, serveCdnRequest } from "./cdn/index.js";
import type { SimulatorService } from "./service.js";

export interface ListenOptions {
  /** Default 127.0.0.1. */
  host?: string;
  /** 0 = any free port (default). */
  port?: number;
  /**
   * Host names accepted in the `Host` header besides loopback ones, IP literals and `host` itself
   * (DNS rebinding guard: a page on a name its attacker controls cannot reach the simulator).
   */
  allowedHosts?: readonly string[];
  /** Largest request body read, in bytes (default 1 MiB); a larger one is answered 413 unread. */
  maxBodyBytes?: number;
}

/** Default largest request body (a fault profile is a few KB). */
export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

/** What the HTTP server checks before a request reaches the service. */
interface HttpGuard {
  hostAllowed(hostHeader: string | undefined): boolean;
  maxBodyBytes: number;
}

function httpGuard(listenHost: string, options: ListenOptions): HttpGuard {
  const names = new Set<string>();
  for (const name of [listenHost, ...(options.allowedHosts ?? [])]) {
    const host = normalizeHost(name);
    if (host !== undefined) names.add(host);
  }
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  if (!Number.isSafeInteger(maxBodyBytes) || maxBodyBytes < 0) {
    throw new RangeError(`maxBodyBytes: expected a whole number of bytes ≥ 0, got ${maxBodyBytes}`);
  }
  return {
    maxBodyBytes,
    hostAllowed(hostHeader) {
      if (hostHeader === undefined) return true; // HTTP/1.0 without Host: no browser sends that
      const host = hostOfHeader(hostHeader);
      if (host === undefined) return false;
      // An IP literal cannot be rebound to this machine; a name can, unless it is ours.
      return isLoopbackHost(host) || isIP(host) !== 0 || names.has(host);
    },
  };
}

/**
 * A browser's request from another site is refused, by the server's rule (src/transport/hosts.ts) with
 * no extra origins: an Origin must be a loopback page, and `Sec-Fetch-Site` (sent also without an Origin,
 * by an `<img>` or a no-cors GET) must be none or same-origin unless that Origin passes. Clients that are
 * not browsers send neither and pass.
 */
function browserRequestAllowed(req: IncomingMessage): boolean {
  const origin = req.headers.origin;
  return originAllowed(origin, []) && fetchSiteAllowed(req.headers["sec-fetch-site"], origin, []);
}

export interface Listening {
  /** Base URL, e.g. "http://127.0.0.1:41234" (no trailing slash). */
  url: string;
  server: Server;
  close(): Promise<void>;
}

/** Serves the service over a real keep-alive HTTP server. */
/** Routes served beside the API on the same port (the media CDN under /__cdn/). */
export interface ListenExtras {
  cdn?: SimulatedCdn;
}

export async function listen(
  service: SimulatorService<unknown>,
  options: ListenOptions = {},
  extras: ListenExtras = {},
): Promise<Listening> {
  const host = options.host ?? "127.0.0.1";
  const guard = httpGuard(host, options);
  const server = createServer((req, res) => {
    serveHttp(service, guard, req, res, extras);
  });
  server.keepAliveTimeout = 65_000; // longer than common client pools' idle timeouts, to avoid reset races
  server.headersTimeout = 66_000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const shownHost = address.family === "IPv6" ? `[${address.address}]` : address.address;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${shownHost}:${address.port}`,
    server,
    close() {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections(); // hung and idle keep-alive sockets too
      });
      return closing;
    },
  };
}

/** Answers before the request is read, and closes the connection (its body, if any, is not read). */
function refuse(req: IncomingMessage, res: ServerResponse, status: number, message: string): void {
  req.on("error", () => {}); // the client may reset the connection while still sending
  if (res.headersSent || res.destroyed) return;
  const text = JSON.stringify({ detail: { code: status, message } });
  res.writeHead(status, { ...JSON_HEADERS, "content-length": Buffer.byteLength(text), connection: "close" });
  res.end(text);
}

function serveHttp(
  service: SimulatorService<unknown>,
  guard: HttpGuard,
  req: IncomingMessage,
  res: ServerResponse,
  extras: ListenExtras = {},
): void {
  if (!guard.hostAllowed(req.headers.host)) {
    refuse(
      req,
      res,
      403,
      "Host not allowed: this simulator answers for loopback, IP addresses and the name it was started on " +
        "(a DNS rebinding guard). Use http://127.0.0.1:PORT.",
    );
    return;
  }
  if (!browserRequestAllowed(req)) {
    refuse(req, res, 403, "Cross-site browser requests are refused (a web page cannot drive the simulator).");
    return;
  }
  const rawUrl = req.url ?? "/";
  if (extras.cdn && (rawUrl === CDN_PATH_PREFIX || rawUrl.startsWith(`${CDN_PATH_PREFIX}/`))) {
    req.resume();
    serveCdnRequest(extras.cdn, rawUrl.slice(CDN_PATH_PREFIX.length) || "/", req, res).catch(() => res.destroy());
    return;
  }
  const q = rawUrl.indexOf("?");
  let path = q < 0 ? rawUrl : rawUrl.slice(0, q);
  try {
    path = decodeURI(path);
  } catch {
    // keep the raw path: it will 404
  }
  const query = q < 0 ? {} : Object.fromEntries(new URLSearchParams(rawUrl.slice(q + 1)));
  const method = req.method ?? "GET";
  const run = (body: string | undefined) => {
    service
      .handle({ method, path, query, authorization: req.headers.authorization, cookie: req.headers.cookie, body })
      .then(
        (answer) => {
          if (answer.kind === "hang") return; // the socket stays open until the client or close() ends it
          if (answer.kind === "drop") {
            req.socket.destroy();
            return;
          }
          if (res.destroyed) return;
          // One UTF-8 encoding, reused for the length and the write.
          const payload = answer.bytes ?? Buffer.from(answer.body, "utf8");
          res.writeHead(answer.status, { ...answer.headers, "content-length": payload.length });
          res.end(method === "HEAD" ? undefined : payload);
        },
        (error: unknown) => {
          if (res.destroyed || res.headersSent) return;
          const text = JSON.stringify({ detail: { code: 500, message: String(error) } });
          res.writeHead(500, { ...JSON_HEADERS, "content-length": Buffer.byteLength(text) });
          res.end(text);
        },
      );
  };
  const limit = guard.maxBodyBytes;
  const tooLarge = `Request body larger than ${limit} bytes.`;
  const declared = Number(req.headers["content-length"] ?? 0);
  if (declared > limit) {
    refuse(req, res, 413, tooLarge);
    return;
  }
  if (method === "GET" || method === "HEAD") {
    req.resume(); // drain any (small) body so keep-alive works
    run(undefined);
    return;
  }
  // Read up to the limit, then stop keeping chunks and answer 413: memory stays bounded whatever is sent.
  let chunks: Buffer[] | null = [];
  let size = 0;
  req.on("error", () => {});
  req.on("data", (chunk: Buffer) => {
    if (chunks === null) return;
    size += chunk.length;
    if (size > limit) {
      chunks = null;
      refuse(req, res, 413, tooLarge);
      return;
    }
    chunks.push(chunk);
  });
  req.on("end", () => {
    if (chunks !== null) run(Buffer.concat(chunks, size).toString("utf8"));
  });
}
