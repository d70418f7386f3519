/**
 * Everything around the simulator core: auth, rate limit, balance, outages, fault injection, latency,
 * the billing ledger, admin routes, and the two ways to reach it: an in-process `fetch` (the test seam:
 * no socket, deterministic) and a real `node:http` server (keep-alive; no per-request logging).
 *
 * Order of checks for a request to a TikHub route: route known? → key (401) → rate limits, the key's and
 * the endpoint's own (429) → balance (402) → outage window / drawn fault → the core's answer. Admin
 * routes under /__sim/ need no key.
 *
 * Over HTTP, before any of that: the Host must be loopback, an IP literal or a name the simulator was
 * started on (a DNS rebinding guard), a browser's cross-site request is refused (403), and a request
 * body is read up to `maxBodyBytes` (413 beyond).
 */
import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { type AddressInfo, isIP } from "node:net";
import { API_PREFIX, endpointByPath } from "../catalog/endpoints.js";
import type { EndpointSpec } from "../catalog/types.js";
import { systemSleep } from "../core/clock.js";
import { fetchSiteAllowed, hostOfHeader, isLoopbackHost, normalizeHost, originAllowed } from "../core/hosts.js";
import type { Clock, Sleep } from "../core/types.js";
import { ADMIN_PREFIX, handleAdmin } from "./admin.js";
import { BillingLedger, keyId, type PriceTable } from "./billing.js";
import {
  type Budget,
  type FaultKind,
  type FaultProfile,
  type FaultProfileInput,
  loadFaultProfile,
  parseFaultProfile,
  parseRateLimit,
  type RateLimit,
} from "./fault-profile.js";
import { canonicalParams, FaultEngine } from "./faults.js";
import { DEFAULT_RATE_LIMIT, type EffectiveRateLimit, KeyRateLimiter } from "./rate-limit.js";

// ------------------------------------------------------------------ the core, as this file needs it

/** One request as the core sees it. */
export interface CoreRequest {
  path: string;
  query: Record<string, string>;
}
/** The core's answer: `body` is a JSON-able value or a string that is already JSON text. */
export interface CoreResult {
  status: number;
  body: unknown;
  /** When the core has them: `body` (then JSON text) as UTF-8 bytes, written as they are. */
  bytes?: Buffer;
  /** The envelope's request_id, when the core gives `bytes` (saves scanning a large body for it). */
  requestId?: string;
  endpoint: string | null;
}
/** The simulator core (src/simulator/core.ts) and its renderers, bound together. */
export interface CoreBinding<W = unknown> {
  core: { world: W; handle(req: CoreRequest): CoreResult };
  renderInnerFailure(endpoint: string, params: Record<string, string>, message: string, now: number): unknown;
  renderEmptyPayload(endpoint: string, params: Record<string, string>, now: number): unknown;
}

// ------------------------------------------------------------------ options

export interface SimulatorServiceOptions {
  /** Seed of the fault draws (the core uses the same seed for its world). Default 1. */
  seed?: number;
  /** A profile object, a built-in profile name (healthy, mild, primary-down, chaos) or a JSON file path. */
  faults?: FaultProfileInput | string;
  /** Valid API keys; default: any non-empty key. */
  keys?: readonly string[];
  /**
   * Per-key requests/s (a number) or a full limit with per-endpoint ones (`{ perSecond: 10, endpoints:
   * { "web_v3/fetch_note_detail": 1 } }`); overrides the profile's. Default 10/s per key plus Web V3 note
   * detail 1/s per key. 0 (or `{ perSecond: 0 }`) = no limit at all.
   */
  rateLimit?: number | RateLimit;
  /** Per-key balance; overrides the profile's. Default: unlimited. */
  budget?: Budget;
  /** Price per billable call in USD by endpoint name (e.g. "app_v2/search_notes"); default the catalogue's. */
  prices?: PriceTable;
  /** Wall clock (ms) for the bucket, outage windows and envelope times. Default Date.now. */
  clock?: Clock;
  /** Waits out injected latency. Default: a real timer that rejects when the signal aborts. */
  sleep?: Sleep;
}

// ------------------------------------------------------------------ answers

/** What the service decided to do with one request. */
export type SimAnswer =
  | {
      kind: "response";
      status: number;
      headers: Record<string, string>;
      body: string;
      /** `body` as UTF-8 bytes when already encoded (the core's answers); writers prefer it. */
      bytes?: Buffer;
    }
  /** Destroy the connection without an answer. */
  | { kind: "drop" }
  /** Never answer (until the client gives up). */
  | { kind: "hang" };

export interface SimIncomingRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  authorization?: string | undefined;
  cookie?: string | undefined;
  body?: string | undefined;
  signal?: AbortSignal | undefined;
}

const JSON_HEADERS = { "content-type": "application/json" } as const;

/** The simulator service: state plus the request pipeline. Transport-free. */
export class SimulatorService<W = unknown> {
  readonly binding: CoreBinding<W>;
  readonly ledger: BillingLedger;
  readonly faults: FaultEngine;
  readonly rateLimiter: KeyRateLimiter;
  readonly startedAt: number;
  #keys: ReadonlySet<string> | null;
  #clock: Clock;
  #sleep: Sleep;
  /** A number overrides only the per-key rate (0: every limit off); an object overrides the whole limit. */
  #rateLimitOverride: number | RateLimit | undefined;
  #budgetOverride: Budget | undefined;

  constructor(binding: CoreBinding<W>, options: SimulatorServiceOptions = {}) {
    this.binding = binding;
    this.#clock = options.clock ?? { now: Date.now };
    this.#sleep = options.sleep ?? systemSleep;
    this.#keys = options.keys ? new Set(options.keys) : null;
    // Validated either way (a negative rate or an unknown endpoint is a FaultProfileError).
    const rateLimit = options.rateLimit === undefined ? undefined : parseRateLimit(options.rateLimit);
    this.#rateLimitOverride = typeof options.rateLimit === "number" ? options.rateLimit : rateLimit;
    this.#budgetOverride = options.budget;
    const profile = resolveProfile(options.faults);
    this.ledger = new BillingLedger(options.prices);
    const now = () => this.#clock.now();
    this.faults = new FaultEngine({ seed: options.seed ?? 1, profile, now });
    this.rateLimiter = new KeyRateLimiter(this.#effectiveRateLimit(), now);
    this.startedAt = now();
  }

  /** The simulator's wall clock, in ms. */
  now(): number {
    return this.#clock.now();
  }

  get world(): W {
    return this.binding.core.world;
  }

  get profile(): FaultProfile {
    return this.faults.profile;
  }

  /** Replaces the fault profile (an object, a built-in name or a JSON file path; validated); the rate limit and budget follow it unless overridden by options. */
  setProfile(input: unknown): FaultProfile {
    const profile = typeof input === "string" ? loadFaultProfile(input) : parseFaultProfile(input);
    this.faults.setProfile(profile);
    this.rateLimiter.setLimit(this.#effectiveRateLimit());
    return profile;
  }

  /** The limits in force (defaults filled in; endpoints with a limit of their own listed). */
  get rateLimit(): EffectiveRateLimit {
    return this.rateLimiter.limit;
  }

  get budget(): Budget | undefined {
    return this.#budgetOverride ?? this.faults.profile.budget;
  }

  /** Forgets attempt counters, outage counters, rate buckets and the ledger: a run can be repeated exactly. */
  reset(): void {
    this.faults.reset();
    this.rateLimiter.reset();
    this.ledger.reset();
  }

  #effectiveRateLimit(): RateLimit {
    const override = this.#rateLimitOverride;
    const fromProfile = this.faults.profile.rateLimit;
    if (typeof override !== "number") return override ?? fromProfile ?? DEFAULT_RATE_LIMIT;
    // A bare rate keeps the profile's endpoint limits (`xhs mock --rate-limit 20 --faults my.json`).
    return override > 0 && fromProfile?.endpoints
      ? { perSecond: override, endpoints: fromProfile.endpoints }
      : { perSecond: override };
  }

  /** Serves one request. Rejects only if the signal aborts during injected latency. */
  async handle(req: SimIncomingRequest): Promise<SimAnswer> {
    if (req.path.startsWith(ADMIN_PREFIX)) {
      const admin = handleAdmin(this, req.method, req.path, req.body);
      return response(admin.status, admin.body);
    }
    const spec = req.path.startsWith(API_PREFIX) ? endpointByPath(req.path) : undefined;
    if (!spec) return this.#fromCore(req); // the core answers 404 (or its own routes)
    if (req.method !== "GET") {
      return response(405, { detail: "Method Not Allowed" }, { allow: "GET" });
    }

    const key = bearerKey(req.authorization, req.cookie);
    if (key === null || key === "" || (this.#keys !== null && !this.#keys.has(key))) {
      return response(401, this.#unauthorizedBody(key ?? ""));
    }
    const id = keyId(key);
    const endpoint = spec.name;

    const verdict = this.rateLimiter.take(id, endpoint);
    if (!verdict.allowed) {
      this.ledger.record(id, endpoint, 429);
      return response(
        429,
        { detail: { code: 429, message: "Too Many Requests" } },
        { "retry-after": String(verdict.retryAfterSeconds) },
      );
    }
    if (this.ledger.exhausted(id, endpoint, this.budget)) {
      this.ledger.record(id, endpoint, 402);
      return response(402, {
        detail: {
          code: 402,
          message: "Insufficient account balance, please recharge.",
          message_zh: "账户余额不足，请充值。",
        },
      });
    }

    const decision = this.faults.decide({
      series: spec.series,
      endpoint,
      params: canonicalParams(spec, req.query),
      keyId: id,
    });
    const answer = this.#answer(req, spec, decision.kind);
    this.ledger.record(
      id,
      endpoint,
      answer.kind === "response" ? answer.status : answer.kind === "drop" ? "dropped" : "hang",
    );
    if (decision.latencyMs > 0 && answer.kind !== "hang") await this.#sleep(decision.latencyMs, req.signal);
    return answer;
  }

  #answer(req: SimIncomingRequest, spec: EndpointSpec, kind: FaultKind | null): SimAnswer {
    switch (kind) {
      case null:
        return this.#fromCore(req);
      case "hang":
        return { kind: "hang" };
      case "dropped_connection":
        return { kind: "drop" };
      case "http_5xx":
        return response(500, { detail: { code: 500, message: "Internal Server Error" } });
      case "http_502":
        return response(502, { detail: { code: 502, message: "Bad Gateway" } });
      case "http_503":
        return response(503, { detail: { code: 503, message: "Service Unavailable" } });
      case "http_504":
        return response(504, { detail: { code: 504, message: "Gateway Timeout" } });
      case "upstream_400":
        return response(400, {
          detail: {
            code: 400,
            message: "HTTP 400 error, no need to provide request headers to protect user privacy.",
            message_zh: "HTTP 400 错误，无需提供请求头信息，保护用户隐私。",
            router: spec.path,
          },
        });
      case "html_error":
        return {
          kind: "response",
          status: 502,
          headers: { "content-type": "text/html; charset=UTF-8", server: "cloudflare" },
          body: cloudflarePage(this.#clock.now()),
        };
      case "inner_failure":
      case "empty_payload":
      case "malformed_json": {
        // These corrupt a good answer; a request the core rejects (422, 400) gets the core's answer.
        const real = this.#fromCore(req);
        if (real.kind !== "response" || real.status !== 200) return real;
        if (kind === "malformed_json") {
          return { ...real, body: real.body.slice(0, Math.max(1, real.body.length >> 1)), bytes: undefined };
        }
        const now = this.#clock.now();
        const body =
          kind === "inner_failure"
            ? this.binding.renderInnerFailure(spec.name, req.query, "服务异常", now)
            : this.binding.renderEmptyPayload(spec.name, req.query, now);
        return response(200, body);
      }
    }
  }

  #fromCore(req: SimIncomingRequest): SimAnswer & { kind: "response" } {
    const result = this.binding.core.handle({ path: req.path, query: req.query });
    if (result.bytes && result.requestId) {
      // The core's 200s: already encoded, request id known; the (large) text is not scanned.
      const headers = { ...JSON_HEADERS, "x-request-id": result.requestId };
      return { kind: "response", status: result.status, headers, body: String(result.body), bytes: result.bytes };
    }
    return response(result.status, result.body);
  }

  #unauthorizedBody(key: string): unknown {
    // Like TikHub's: the body echoes the submitted key, so a client's redaction can be tested.
    return {
      detail: {
        code: 401,
        message: `Invalid API token, the API token you submitted is ${key}`,
        message_zh: `无效的API令牌，您提交的API令牌为 ${key}`,
        support: "Discord: https://discord.gg/aMEAS8Xsvz",
        time_stamp: Math.floor(this.#clock.now() / 1000),
      },
    };
  }
}

/** A JSON answer; `x-request-id` is the envelope's request_id when there is one. */
function response(
  status: number,
  body: unknown,
  extraHeaders: Record<string, string> = {},
): SimAnswer & {
  kind: "response";
} {
  const text = typeof body === "string" ? body : JSON.stringify(body);
  const requestId = requestIdOf(body, text) ?? randomUUID();
  return {
    kind: "response",
    status,
    headers: { ...JSON_HEADERS, "x-request-id": requestId, ...extraHeaders },
    body: text,
  };
}

const REQUEST_ID_FIELD = '"request_id":"';

function requestIdOf(body: unknown, text: string): string | undefined {
  if (typeof body === "string") {
    // JSON text from the core: the envelope's request_id sits near the start (indexOf beats a regex here).
    const at = text.indexOf(REQUEST_ID_FIELD);
    if (at < 0 || at > 400) return undefined;
    const from = at + REQUEST_ID_FIELD.length;
    const to = text.indexOf('"', from);
    return to > from ? text.slice(from, to) : undefined;
  }
  if (body !== null && typeof body === "object" && "request_id" in body) {
    const id = (body as { request_id?: unknown }).request_id;
    if (typeof id === "string") return id;
  }
  return undefined;
}

/** The key from `Authorization: Bearer <key>`, or from the cookie form `Authorization=Bearer <key>`. */
export function bearerKey(authorization: string | undefined, cookie: string | undefined): string | null {
  if (authorization !== undefined) {
    const m = /^\s*Bearer\s+(.*?)\s*$/i.exec(authorization);
    return m ? (m[1] ?? "") : authorization.trim() === "" ? null : "";
  }
  if (cookie) {
    for (const part of cookie.split(";")) {
      const eq = part.indexOf("=");
      if (eq < 0 || part.slice(0, eq).trim().toLowerCase() !== "authorization") continue;
      let value = part.slice(eq + 1).trim();
      try {
        value = decodeURIComponent(value);
      } catch {
        // keep it raw
      }
      value = value.replace(/^"(.*)"$/, "$1");
      return bearerKey(value, undefined);
    }
  }
  return null;
}

function cloudflarePage(now: number): string {
  const rayId = (now % 0xffffffffff).toString(16).padStart(16, "0");
  return `<!DOCTYPE html>
<html lang="en-US"><head><title>api.tikhub.io | 502: Bad gateway</title><meta charset="UTF-8" /></head>
<body><div id="cf-wrapper"><div id="cf-error-details"><h1><span class="inline-block">Bad gateway</span>
<span class="code-label">Error code 502</span></h1>
<p>The web server reported a bad gateway error.</p>
<p>Cloudflare Ray ID: <strong>${rayId}</strong> &bull; Performance &amp; security by Cloudflare</p>
</div></div></body></html>
`;
}

function resolveProfile(faults: FaultProfileInput | string | undefined): FaultProfile {
  if (faults === undefined) return loadFaultProfile("healthy");
  if (typeof faults === "string") return loadFaultProfile(faults);
  return parseFaultProfile(faults);
}

// ------------------------------------------------------------------ in-process fetch

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

// ------------------------------------------------------------------ node:http

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
export async function listen(service: SimulatorService<unknown>, options: ListenOptions = {}): Promise<Listening> {
  const host = options.host ?? "127.0.0.1";
  const guard = httpGuard(host, options);
  const server = createServer((req, res) => {
    serveHttp(service, guard, req, res);
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
