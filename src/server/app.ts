/**
 * The HTTP API as a hono app (a `fetch` function: tested without sockets, served by @hono/node-server).
 * Routes are generated from the capability registry; `/mcp` (streamable HTTP) is mounted on the same app.
 *
 * Every request passes, in order: Host check (DNS rebinding) → Origin check and Fetch Metadata
 * (`Sec-Fetch-Site`: browser pages of other sites, with or without an Origin header) → Bearer token
 * (when one is set) → per-client rate limit → body size → the route. Errors are problem+json. A CORS
 * preflight (`OPTIONS`) is answered after the Origin checks, before the token; answers to an allowed
 * browser Origin carry the CORS headers.
 */
import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import type { Logger } from "../core/types.js";
import { createMcpHttpHandler } from "../mcp/http.js";
import { CAPABILITY_REGISTRY, type CapabilityDef } from "../service/operations.js";
import { PROBLEM_TYPES, problem, problemFor, problemResponse } from "../service/problem.js";
import type { ServerRuntime } from "../service/runtime.js";
import { inputFromRequest, parseBoolean } from "./http-input.js";
import { loginPage } from "./login-page.js";
import { buildOpenApi } from "./openapi.js";
import { ClientRateLimiter, DEFAULT_RATE_LIMIT, type RateLimitOptions } from "./rate-limit.js";
import { bearerMatches, fetchSiteAllowed, isLoopbackHost, originAllowed } from "./security.js";
import { CSRF_HEADER, DASHBOARD_REFUSALS, DashboardSessions } from "./session.js";

export interface AppOptions {
  runtime: ServerRuntime;
  /** XHS_SERVER_TOKEN: when set, every route but /health needs `Authorization: Bearer <token>`. */
  token?: string;
  /** Per-client limit (default 20 requests/s, burst 40); false: none. */
  rateLimit?: RateLimitOptions | false;
  /** Browser origins allowed besides loopback pages (exact, e.g. https://app.example.com; "*" = any). */
  allowedOrigins?: readonly string[];
  /**
   * Host names accepted in requests besides loopback ones. Checked only while no token is set: a
   * loopback server without a token trusts the machine, and a foreign Host means DNS rebinding.
   */
  allowedHosts?: readonly string[];
  /** Largest request body in bytes (default 1 MiB; only /mcp takes bodies). */
  maxBodyBytes?: number;
  /** Longest request URL in characters (default 8 192). */
  maxUrlChars?: number;
  /** Mount MCP at /mcp (default true). */
  mcp?: boolean;
  logger?: Logger;
  /** How to tell clients apart for the rate limit (default: the socket's remote address). */
  clientKey?: (request: Request, env: unknown) => string;
  /** The web dashboard (src/dashboard): its routes, mounted behind the same checks, and the secret its writes need. */
  dashboard?: DashboardMount;
}

export interface DashboardMount {
  /** Serves `/`, `/assets/*` and `/api/dashboard/*`. */
  // biome-ignore lint/suspicious/noExplicitAny: any hono app; the server only mounts it
  app: Hono<any>;
  /**
   * What start, pause and resume need, even on loopback: XHS_SERVER_TOKEN when set, else a secret `xhs serve`
   * makes at start and prints (as Jupyter does). Sent as a Bearer token, or typed once into the login form.
   */
  writeToken: string;
}

/** Paths of the dashboard: the only ones a session cookie opens (the paid API keeps Bearer only). */
export function isDashboardPath(path: string): boolean {
  return path === "/" || path.startsWith("/assets/") || path === "/api/dashboard" || path.startsWith("/api/dashboard/");
}

const SESSION_PATH = "/api/dashboard/session";

type Env = { Variables: { route: string } };

/** Request headers a browser app may send (the token, JSON bodies, MCP's own headers). */
const CORS_ALLOWED_HEADERS = "authorization, content-type, accept, mcp-protocol-version, mcp-session-id, last-event-id";
/** Answer headers a browser app may read besides the safelisted ones. */
const CORS_EXPOSED_HEADERS = "x-cache, retry-after, www-authenticate";

function remoteAddress(_request: Request, env: unknown): string {
  const incoming = (env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined)?.incoming;
  return incoming?.socket?.remoteAddress ?? "local";
}

export function createApp(options: AppOptions): Hono<Env> {
  const { runtime } = options;
  const redact = runtime.redact;
  const token = options.token && options.token.length > 0 ? options.token : undefined;
  const limiter =
    options.rateLimit === false ? null : new ClientRateLimiter(options.rateLimit ?? DEFAULT_RATE_LIMIT, runtime.clock);
  const allowedOrigins = options.allowedOrigins ?? [];
  const allowedHosts = new Set((options.allowedHosts ?? []).map((h) => h.toLowerCase()));
  const maxUrlChars = options.maxUrlChars ?? 8192;
  const maxBodyBytes = options.maxBodyBytes ?? 1024 * 1024;
  const clientKey = options.clientKey ?? remoteAddress;
  const dashboard = options.dashboard;
  const sessions = dashboard ? new DashboardSessions(dashboard.writeToken) : null;
  const openApi = JSON.stringify(buildOpenApi({ version: runtime.version, tokenRequired: token !== undefined }));
  const startedAt = runtime.clock.now();

  /**
   * Admits `count` requests' worth of the client's rate limit (a request: 1; an MCP batch: one per tool
   * call), `taken` of which were already admitted, or throws 429.
   */
  function admit(request: Request, env: unknown, count: number, taken = 0): void {
    if (!limiter || count <= taken) return;
    const decision = limiter.take(clientKey(request, env), count - taken);
    if (decision.ok) return;
    runtime.metrics.recordRateLimited();
    const detail =
      count > limiter.burst
        ? `This request carries ${count} tool calls, more than this client's burst of ${limiter.burst}: send fewer per request.`
        : `This client is over its rate limit. Wait ${decision.retryAfterSec} s (Retry-After), then slow down.`;
    throw problem(PROBLEM_TYPES.rateLimited, 429, "Too many requests", detail, {
      retryAfterSec: decision.retryAfterSec,
    });
  }

  const app = new Hono<Env>();

  app.onError((error, c) => {
    const body = problemFor(error);
    if (body.status === 500)
      options.logger?.error("unexpected error", {
        error: redact(error instanceof Error ? (error.stack ?? error.message) : String(error)),
      });
    return problemResponse(body, redact, c.req.path);
  });
  app.notFound((c) =>
    problemResponse(
      problem(
        PROBLEM_TYPES.unknownRoute,
        404,
        "Unknown route",
        `No route ${c.req.method} ${c.req.path}. See /openapi.json for every route.`,
      ).body,
      redact,
      c.req.path,
    ),
  );

  // Timing, metrics and one log line per request (route pattern only: no query, no token).
  app.use("*", async (c, next) => {
    const started = performance.now();
    c.set("route", "unmatched");
    await next();
    const seconds = (performance.now() - started) / 1000;
    const route = c.get("route");
    runtime.metrics.recordRequest(route, c.res.status, seconds);
    options.logger?.info("request", {
      method: c.req.method,
      route,
      status: c.res.status,
      ms: Math.round(seconds * 1000),
      cache: c.res.headers.get("x-cache") ?? undefined,
    });
  });

  // CORS for the browser apps the Origin check lets through (loopback pages, --allow-origin): answers
  // carry Access-Control-Allow-Origin, errors included, so the page can read them.
  app.use("*", async (c, next) => {
    await next();
    const origin = c.req.header("origin");
    if (!origin || !originAllowed(origin, allowedOrigins)) return;
    c.header("access-control-allow-origin", origin);
    c.header("vary", "Origin", { append: true });
    if (c.req.method !== "OPTIONS") c.header("access-control-expose-headers", CORS_EXPOSED_HEADERS);
  });

  app.use("*", async (c, next) => {
    const url = new URL(c.req.url);
    if (c.req.url.length > maxUrlChars) {
      throw problem(
        PROBLEM_TYPES.tooLarge,
        414,
        "URL too long",
        `The request URL is longer than ${maxUrlChars} characters: shorten the parameters.`,
      );
    }
    // The dashboard's pages show its problems: Chinese titles there, the JSON API's English elsewhere.
    const onDashboard = dashboard !== undefined && isDashboardPath(url.pathname);
    const refuse = (zh: { title: string; detail: string }): never => {
      throw problem(PROBLEM_TYPES.forbiddenOrigin, 403, zh.title, zh.detail);
    };
    if (!token && !isLoopbackHost(url.hostname) && !allowedHosts.has(url.hostname.toLowerCase())) {
      if (onDashboard) refuse(DASHBOARD_REFUSALS.host);
      throw problem(
        PROBLEM_TYPES.forbiddenOrigin,
        403,
        "Host not allowed",
        `This server answers requests for localhost only, not "${url.hostname}" (a DNS rebinding guard). Use http://127.0.0.1:PORT, or start it with --allow-host.`,
      );
    }
    const origin = c.req.header("origin");
    // A page of this very origin (the dashboard on a --host with a token): its Host passed the check above.
    const sameOrigin = origin !== undefined && origin === url.origin;
    if (!sameOrigin && !originAllowed(origin, allowedOrigins)) {
      if (onDashboard) refuse(DASHBOARD_REFUSALS.foreignPage);
      throw problem(
        PROBLEM_TYPES.forbiddenOrigin,
        403,
        "Origin not allowed",
        "Requests from this web page's origin are refused (every call may spend the operator's balance). The operator can allow it with --allow-origin.",
      );
    }
    if (!sameOrigin && !fetchSiteAllowed(c.req.header("sec-fetch-site"), origin, allowedOrigins)) {
      if (onDashboard) refuse(DASHBOARD_REFUSALS.foreignPage);
      throw problem(
        PROBLEM_TYPES.forbiddenOrigin,
        403,
        "Cross-site request refused",
        "A browser sent this request from another site's page without an allowed Origin (an image, a link, a form or a no-cors fetch); every call may spend the operator's balance. " +
          "Call from a non-browser client, or with fetch() in CORS mode from a page the operator allows with --allow-origin.",
      );
    }
    // A CORS preflight carries no token: answer it here (the Host, Origin and site checks passed).
    if (c.req.method === "OPTIONS" && c.req.header("access-control-request-method")) {
      return c.body(null, 204, {
        "access-control-allow-methods": "GET, POST, OPTIONS",
        "access-control-allow-headers": CORS_ALLOWED_HEADERS,
        "access-control-max-age": "600",
        "cache-control": "no-store",
      });
    }
    const dashboardPath = sessions !== null && isDashboardPath(c.req.path);
    const session = dashboardPath && sessions.hasSession(c.req.header("cookie"));
    const loggingIn = dashboardPath && c.req.path === SESSION_PATH;
    if (
      token &&
      c.req.path !== "/health" &&
      !loggingIn &&
      !session &&
      !bearerMatches(c.req.header("authorization"), token)
    ) {
      if (dashboardPath && c.req.method === "GET" && !c.req.path.startsWith("/api/"))
        return c.html(loginPage(), 401, { "cache-control": "no-store" });
      if (dashboardPath) {
        const { title, detail } = DASHBOARD_REFUSALS.noSession;
        throw problem(PROBLEM_TYPES.unauthorized, 401, title, detail);
      }
      throw problem(
        PROBLEM_TYPES.unauthorized,
        401,
        "Unauthorized",
        "Send the server token as `Authorization: Bearer <XHS_SERVER_TOKEN>`.",
      );
    }
    if (c.req.path !== "/health") admit(c.req.raw, c.env, 1);
    if (dashboard && sessions && dashboardPath && !loggingIn && !["GET", "HEAD", "OPTIONS"].includes(c.req.method)) {
      checkDashboardWrite(c.req.raw, sameOrigin, session, dashboard.writeToken, sessions);
    }
    await next();
  });

  if (dashboard && sessions) {
    app.get(SESSION_PATH, (c) => {
      c.set("route", SESSION_PATH);
      const session = sessions.hasSession(c.req.header("cookie"));
      return c.json({ session, csrf: session ? sessions.csrfToken() : null, tokenRequired: token !== undefined }, 200, {
        "cache-control": "no-store",
      });
    });
    app.post(SESSION_PATH, async (c) => {
      c.set("route", SESSION_PATH);
      const origin = c.req.header("origin");
      // Login CSRF: another page must not log this browser into a session of its choosing.
      if (origin !== undefined && origin !== new URL(c.req.url).origin) {
        const { title, detail } = DASHBOARD_REFUSALS.loginOrigin;
        throw problem(PROBLEM_TYPES.forbiddenOrigin, 403, title, detail);
      }
      const form = (c.req.header("content-type") ?? "").includes("application/x-www-form-urlencoded");
      const typed = form
        ? String((await c.req.parseBody())["token"] ?? "")
        : String(((await c.req.json().catch(() => ({}))) as { token?: unknown }).token ?? "");
      if (!sessions.tokenMatches(typed.trim())) {
        if (form) return c.html(loginPage("令牌不正确。"), 401, { "cache-control": "no-store" });
        const { title, detail } = DASHBOARD_REFUSALS.wrongToken;
        throw problem(PROBLEM_TYPES.unauthorized, 401, title, detail);
      }
      const secure = new URL(c.req.url).protocol === "https:";
      c.header("set-cookie", sessions.cookie(secure));
      c.header("cache-control", "no-store");
      if (form) return c.redirect("/", 303);
      return c.json({ session: true, csrf: sessions.csrfToken() });
    });
    app.route("/", dashboard.app);
  }

  app.get("/health", (c) => {
    c.set("route", "/health");
    return c.json({
      status: "ok",
      version: runtime.version,
      uptimeSec: Math.round((runtime.clock.now() - startedAt) / 1000),
    });
  });
  app.get("/metrics", (c) => {
    c.set("route", "/metrics");
    return c.body(runtime.metrics.render(), 200, {
      "content-type": "text/plain; version=0.0.4; charset=utf-8",
      "cache-control": "no-store",
    });
  });
  app.get("/openapi.json", (c) => {
    c.set("route", "/openapi.json");
    return c.body(openApi, 200, { "content-type": "application/json; charset=utf-8" });
  });

  for (const cap of CAPABILITY_REGISTRY)
    app.get(cap.http.path, (c) =>
      answer(c.req.raw, c.req.param() as Record<string, string>, cap, (r) => c.set("route", r)),
    );

  if (options.mcp !== false) {
    const handleMcp = createMcpHttpHandler(runtime, { maxBodyBytes });
    app.use(
      "/mcp",
      bodyLimit({
        maxSize: maxBodyBytes,
        onError: (c) =>
          problemResponse(
            problem(
              PROBLEM_TYPES.tooLarge,
              413,
              "Request too large",
              `The request body is larger than ${maxBodyBytes} bytes.`,
            ).body,
            redact,
            c.req.path,
          ),
      }),
    );
    app.all("/mcp", (c) => {
      c.set("route", "/mcp");
      // The middleware admitted the POST once; each further tool call in a batch counts as a request.
      return handleMcp(c.req.raw, (toolCalls) => admit(c.req.raw, c.env, toolCalls, 1));
    });
  }

  async function answer(
    request: Request,
    params: Record<string, string>,
    cap: CapabilityDef,
    setRoute: (route: string) => void,
  ): Promise<Response> {
    setRoute(cap.http.path);
    const query = new URL(request.url).searchParams;
    const input = inputFromRequest(cap, params, query); // refuses unknown and repeated parameters first
    const fresh = parseBoolean("fresh", query.get("fresh") ?? undefined);
    const result = await runtime.executor.execute(cap, input, { fresh });
    return new Response(result.body, {
      status: 200,
      headers: {
        "content-type": "application/json; charset=utf-8",
        "cache-control": `private, max-age=${result.maxAgeSec}`,
        "x-cache": result.outcome,
      },
    });
  }

  return app;
}

/**
 * A dashboard write passes with the write token as Bearer (scripts, curl), or from the dashboard's own page:
 * a session cookie, the CSRF header and this origin. Anything else is refused before the route runs.
 */
function checkDashboardWrite(
  request: Request,
  sameOrigin: boolean,
  session: boolean,
  writeToken: string,
  sessions: DashboardSessions,
): void {
  if (bearerMatches(request.headers.get("authorization") ?? undefined, writeToken)) return;
  if (!session) {
    const { title, detail } = DASHBOARD_REFUSALS.noSession;
    throw problem(PROBLEM_TYPES.unauthorized, 401, title, detail);
  }
  if (!sameOrigin || !sessions.csrfMatches(request.headers.get(CSRF_HEADER) ?? undefined)) {
    const { title, detail } = DASHBOARD_REFUSALS.crossSite;
    throw problem(PROBLEM_TYPES.forbiddenOrigin, 403, title, detail);
  }
}
