/**
 * The service's own answers, beside the core's: JSON with an `x-request-id`, TikHub's gate errors (401,
 * 429, 402), the fixed answers of injected faults and Cloudflare's HTML error page.
 */
import { randomUUID } from "node:crypto";
import type { EndpointSpec } from "../catalog/types.js";
import type { FaultKind } from "./fault-profile.js";

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

export const JSON_HEADERS = { "content-type": "application/json" } as const;

/** A JSON answer; `x-request-id` is the envelope's request_id when there is one. */
export function response(
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

/** TikHub's 401: the body echoes the submitted key, so a client's redaction can be tested. */
export function unauthorized(key: string, nowMs: number): SimAnswer & { kind: "response" } {
  return response(401, {
    detail: {
      code: 401,
      message: `Invalid API token, the API token you submitted is ${key}`,
      message_zh: `无效的API令牌，您提交的API令牌为 ${key}`,
      support: "Discord: https://discord.gg/aMEAS8Xsvz",
      time_stamp: Math.floor(nowMs / 1000),
    },
  });
}

export function tooManyRequests(retryAfterSeconds: number): SimAnswer & { kind: "response" } {
  return response(
    429,
    { detail: { code: 429, message: "Too Many Requests" } },
    { "retry-after": String(retryAfterSeconds) },
  );
}

export function insufficientBalance(): SimAnswer & { kind: "response" } {
  return response(402, {
    detail: {
      code: 402,
      message: "Insufficient account balance, please recharge.",
      message_zh: "账户余额不足，请充值。",
    },
  });
}

/** Faults whose answer does not depend on the core's (the others corrupt a good answer: see service.ts). */
export type FixedFault = Exclude<FaultKind, "inner_failure" | "empty_payload" | "malformed_json">;

/** The answer of a fault that replaces the core's answer outright. */
export function fixedFaultAnswer(kind: FixedFault, spec: EndpointSpec, now: () => number): SimAnswer {
  switch (kind) {
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
        body: cloudflarePage(now()),
      };
  }
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
