/**
 * Classification: one HTTP answer (status, headers, body text) → the parsed envelope, or a typed error.
 *
 * Success here means HTTP 200 and envelope `code` 200. What is inside (inner success, a non-empty
 * payload, the right item) is the caller's `interpret(body)` to check: this layer does not parse payloads.
 * Every message is redacted: TikHub's 401 body echoes the key.
 */

import {
  AuthError,
  type ErrorContext,
  InvalidInputError,
  PaymentRequiredError,
  PermissionError,
  RateLimitError,
  UpstreamError,
  type XhsError,
} from "../core/errors.js";
import { redact } from "../core/redact.js";
import type { Series } from "../core/vocabulary.js";

export interface HttpAnswer {
  status: number;
  headers: Headers;
  /** The body as text (it may be HTML, empty, or not JSON at all). */
  text: string;
}

export interface ClassifyContext {
  endpoint: string;
  series: Series;
  /** Secrets to keep out of every message (the API key). */
  secrets: readonly (string | undefined)[];
  /** For Retry-After given as an HTTP date. */
  nowMs: number;
  /** Shown in the 404 message (a wrong base URL is the usual cause). */
  baseUrl?: string;
}

export type Classified =
  | { ok: true; body: Record<string, unknown>; requestId: string | undefined }
  | { ok: false; error: XhsError };

const BALANCE = /余额|充值|balance|insufficient|top[\s-]?up|credit/i;
const DEPRECATED = /deprecat|废弃|弃用|下线|no longer (?:supported|available)/i;
/**
 * A 400 saying the share link or share text could not be parsed: the input is bad, and asking again (or
 * another series) gets the same answer. Matched on the message, which is clipped to MAX_MESSAGE first and
 * has every run of whitespace collapsed to one space (`clean` in classify): hence " ", not \s+.
 */
const UNPARSABLE_LINK =
  /(?:fail(?:ed)?|unable|cannot|can't|could ?not|couldn't) (?:to )?(?:parse|resolve|extract|recogni[sz]e)\b.{0,40}?\b(?:share|link|url)|(?:链接|分享).{0,8}?(?:解析失败|无法解析|无效)|(?:解析|识别).{0,4}?(?:链接|分享).{0,4}?失败/i;
/** Upstream messages are kept short in errors: an HTML error page is not a message. */
const MAX_MESSAGE = 300;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function parseJson(text: string): unknown {
  // Stryker reads its comments in tree order: this pair switches off the catch's block only, not the try's.
  try {
    // Stryker disable BlockStatement: an empty catch block returns undefined as well
    return JSON.parse(text);
  } catch {
    // Stryker restore BlockStatement
    return undefined;
  }
}

/** The most useful human text in an error body: FastAPI `detail.message`, `detail`, `message`, `msg`. */
function bodyMessage(body: unknown): string | undefined {
  if (!isRecord(body)) return undefined;
  const detail = body["detail"];
  if (typeof detail === "string") return detail;
  if (isRecord(detail)) {
    const parts = [detail["message"], detail["message_zh"]].filter((m): m is string => typeof m === "string");
    if (parts.length > 0) return parts.join(" / ");
  }
  for (const key of ["message", "msg", "message_zh"]) if (typeof body[key] === "string") return body[key] as string;
  return undefined;
}

/** Parameter names from a FastAPI 422 `detail: [{loc: ["query", "<param>"], msg}]`. */
function validationDetails(body: unknown): { params: string[]; text: string } {
  const detail = isRecord(body) ? body["detail"] : undefined;
  if (!Array.isArray(detail)) return { params: [], text: "" };
  const params: string[] = [];
  const texts: string[] = [];
  for (const item of detail) {
    if (!isRecord(item)) continue;
    const loc = Array.isArray(item["loc"]) ? item["loc"] : [];
    const name = loc.length > 0 ? String(loc[loc.length - 1]) : "?";
    params.push(name);
    texts.push(typeof item["msg"] === "string" ? `${name} (${item["msg"]})` : name);
  }
  return { params, text: texts.join("; ") };
}

/**
 * An HTTP-date in any of its three forms (RFC 9110 §5.6.7): IMF-fixdate "Sun, 06 Nov 1994 08:49:37 GMT",
 * RFC 850 "Sunday, 06-Nov-94 08:49:37 GMT" and asctime "Sun Nov  6 08:49:37 1994".
 */
const HTTP_DATE =
  /^(?:(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT|[A-Z][a-z]+day, \d{2}-[A-Z][a-z]{2}-\d{2} \d{2}:\d{2}:\d{2} GMT|(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) [A-Z][a-z]{2} [ \d]\d \d{2}:\d{2}:\d{2} \d{4})$/;

/**
 * Seconds to wait before retrying a 429, from `Retry-After` (integer seconds or an HTTP date) or
 * `X-RateLimit-Reset` (seconds from now, or an epoch time in seconds when it is that large).
 */
export function retryAfterSeconds(headers: Headers, nowMs: number): number | undefined {
  // Stryker disable next-line MethodExpression: Headers.get already strips a value's surrounding whitespace
  const retryAfter = headers.get("retry-after")?.trim();
  if (retryAfter) {
    if (/^\d+(?:\.\d+)?$/.test(retryAfter)) return Number(retryAfter);
    // Only an HTTP-date goes to Date.parse, which also reads "-3" or "+5" as a date years ago (a wait of 0: retry at once).
    if (HTTP_DATE.test(retryAfter)) {
      const at = Date.parse(retryAfter);
      if (!Number.isNaN(at)) return Math.max(0, Math.ceil((at - nowMs) / 1000));
    }
  }
  // Stryker disable next-line MethodExpression: Headers.get already strips a value's surrounding whitespace
  const reset = headers.get("x-ratelimit-reset")?.trim();
  if (reset && /^\d+(?:\.\d+)?$/.test(reset)) {
    const value = Number(reset);
    // Above 1e9 it is an epoch time (seconds), not a delay.
    return value > 1e9 ? Math.max(0, Math.ceil(value - nowMs / 1000)) : value;
  }
  return undefined;
}

export function requestIdOf(headers: Headers, body?: unknown): string | undefined {
  const header = headers.get("x-request-id");
  if (header) return header;
  if (isRecord(body) && typeof body["request_id"] === "string") return body["request_id"];
  if (isRecord(body) && isRecord(body["detail"]) && typeof body["detail"]["request_id"] === "string") {
    return body["detail"]["request_id"];
  }
  return undefined;
}

export function classify(answer: HttpAnswer, ctx: ClassifyContext): Classified {
  const body = parseJson(answer.text);
  const requestId = requestIdOf(answer.headers, body);
  const status = answer.status;
  const context: ErrorContext = { endpoint: ctx.endpoint, series: ctx.series, httpStatus: status, requestId };
  const clean = (text: string | undefined): string | undefined => {
    if (text === undefined) return undefined;
    const redacted = redact(text, ctx.secrets).replace(/\s+/g, " ").trim();
    return redacted.length > MAX_MESSAGE ? `${redacted.slice(0, MAX_MESSAGE)}…` : redacted;
  };
  const upstreamMessage = clean(bodyMessage(body));
  const said = upstreamMessage ? `: ${upstreamMessage}` : "";
  const where = `${ctx.endpoint} (HTTP ${status}${requestId ? `, request ${requestId}` : ""})`;
  const fail = (error: XhsError): Classified => ({ ok: false, error });

  if (status === 200) {
    if (!isRecord(body)) {
      const what = body === undefined ? "not JSON" : "not a JSON object";
      return fail(new UpstreamError(`${where}: malformed answer, the body is ${what}`, context));
    }
    const code = body["code"];
    if (code !== 200 && code !== "200") {
      return fail(
        new UpstreamError(`${where}: TikHub envelope code ${JSON.stringify(code ?? null)}${said}`, {
          ...context,
          upstreamMessage,
        }),
      );
    }
    return { ok: true, body, requestId };
  }

  switch (true) {
    case status === 401:
      return fail(new AuthError(`${where}: TikHub rejected the API key (check TIKHUB_API_KEY)${said}`, context));
    case status === 402:
      return fail(new PaymentRequiredError(`${where}: TikHub account balance is exhausted; top up${said}`, context));
    case status === 403: {
      if (upstreamMessage && BALANCE.test(upstreamMessage)) {
        return fail(new PaymentRequiredError(`${where}: TikHub account balance is exhausted; top up${said}`, context));
      }
      if (body === undefined && /cloudflare|error code:?\s*1010|<html/i.test(answer.text)) {
        return fail(new PermissionError(`${where}: blocked by Cloudflare (check the User-Agent and network)`, context));
      }
      return fail(new PermissionError(`${where}: the API key lacks the scope for this endpoint${said}`, context));
    }
    case status === 422: {
      const { params, text } = validationDetails(body);
      const detail = text || upstreamMessage || "invalid parameters";
      const named = params.length > 0 ? ` (parameter${params.length > 1 ? "s" : ""} ${params.join(", ")})` : "";
      return fail(new InvalidInputError(`${where}: TikHub rejected the parameters${named}: ${clean(detail)}`, context));
    }
    case status === 429: {
      const retryAfterSec = retryAfterSeconds(answer.headers, ctx.nowMs);
      const wait = retryAfterSec === undefined ? "" : `; retry after ${retryAfterSec} s`;
      return fail(new RateLimitError(`${where}: rate limited by TikHub${wait}${said}`, { ...context, retryAfterSec }));
    }
    case status === 400: {
      if (upstreamMessage !== undefined && UNPARSABLE_LINK.test(upstreamMessage)) {
        return fail(new InvalidInputError(`${where}: TikHub cannot parse the share link${said}`, context));
      }
      const deprecated = upstreamMessage !== undefined && DEPRECATED.test(upstreamMessage);
      const why = deprecated ? "endpoint deprecated by TikHub" : "upstream rejected the request (upstream jitter)";
      return fail(
        new UpstreamError(`${where}: ${why}${said}`, { ...context, upstreamMessage, retryable: !deprecated }),
      );
    }
    case status === 404: {
      const base = ctx.baseUrl ? ` at ${ctx.baseUrl}` : "";
      return fail(
        new UpstreamError(`${where}: no such route${base}; check TIKHUB_BASE_URL, or the endpoint was retired${said}`, {
          ...context,
          upstreamMessage,
          retryable: false,
        }),
      );
    }
    case status === 408:
    case status >= 500: {
      const what = body === undefined ? " (not JSON)" : "";
      return fail(
        new UpstreamError(`${where}: TikHub or the upstream failed${what}${said}`, { ...context, upstreamMessage }),
      );
    }
    default:
      return fail(
        new UpstreamError(`${where}: unexpected HTTP status${said}`, { ...context, upstreamMessage, retryable: false }),
      );
  }
}
