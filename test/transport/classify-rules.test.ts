/**
 * classify's rules in full: whole error messages (the endpoint, status and request id a user greps for,
 * and TikHub's own reason), the retry decisions, and the header and body forms each rule reads.
 */
import { describe, expect, it } from "vitest";
import {
  InvalidInputError,
  PaymentRequiredError,
  PermissionError,
  RateLimitError,
  UpstreamError,
  type XhsError,
} from "../../src/core/errors.js";
import { type ClassifyContext, classify, requestIdOf, retryAfterSeconds } from "../../src/transport/classify.js";
import { KEY } from "./helpers.js";

const NOW = Date.UTC(2026, 0, 1, 12, 0, 0);
const ctx: ClassifyContext = { endpoint: "web_v3/note", series: "web_v3", secrets: [KEY], nowMs: NOW };

function fail(
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
  over: Partial<ClassifyContext> = {},
) {
  const text = typeof body === "string" ? body : JSON.stringify(body);
  const result = classify({ status, headers: new Headers(headers), text }, { ...ctx, ...over });
  if (result.ok) throw new Error(`expected an error for HTTP ${status}`);
  return result.error as XhsError & Partial<UpstreamError>;
}

describe("classify: the envelope of a 200", () => {
  it("accepts envelope code 200 given as a string, as some answers send it", () => {
    const result = classify({ status: 200, headers: new Headers(), text: '{"code":"200","data":{}}' }, ctx);
    expect(result).toEqual({ ok: true, body: { code: "200", data: {} }, requestId: undefined });
  });

  it("names the envelope code (or null when absent) and TikHub's message", () => {
    expect(fail(200, { code: 0, msg: "参数错误" }).message).toBe(
      "web_v3/note (HTTP 200): TikHub envelope code 0: 参数错误",
    );
    expect(fail(200, { data: {} }).message).toBe("web_v3/note (HTTP 200): TikHub envelope code null");
    expect(fail(200, { code: "500" }).message).toBe('web_v3/note (HTTP 200): TikHub envelope code "500"');
    const e = fail(200, { code: 500, message: "busy" });
    expect(e).toMatchObject({ upstreamMessage: "busy", retryable: true });
  });

  it("says whether a malformed 200 is not JSON at all or JSON but not an object", () => {
    expect(fail(200, "<html>").message).toBe("web_v3/note (HTTP 200): malformed answer, the body is not JSON");
    expect(fail(200, "null").message).toBe("web_v3/note (HTTP 200): malformed answer, the body is not a JSON object");
    expect(fail(200, "[]").message).toBe("web_v3/note (HTTP 200): malformed answer, the body is not a JSON object");
  });
});

describe("classify: which message TikHub's body gives", () => {
  it.each([
    [{ detail: "plain detail" }, "plain detail"],
    [{ detail: { message: "English", message_zh: "中文" } }, "English / 中文"],
    [{ detail: { message_zh: "只有中文" } }, "只有中文"],
    [{ detail: { message: "only English" } }, "only English"],
    [{ detail: { code: 1 }, message: "top-level message" }, "top-level message"],
    [{ msg: "short msg" }, "short msg"],
    [{ message_zh: "顶层中文" }, "顶层中文"],
    [{ message: "first", msg: "second", message_zh: "third" }, "first"],
    [{ msg: "second", message_zh: "third" }, "second"],
  ])("%j → %j", (body, said) => {
    const e = fail(500, body);
    expect(e.message).toBe(`web_v3/note (HTTP 500): TikHub or the upstream failed: ${said}`);
    expect(e.upstreamMessage).toBe(said);
  });

  it("gives no reason when the body has none (numbers are not messages)", () => {
    const e = fail(500, { detail: { message: 1 }, message: 2, msg: null });
    expect(e.message).toBe("web_v3/note (HTTP 500): TikHub or the upstream failed");
    expect(e.upstreamMessage).toBeUndefined();
  });

  it("folds whitespace, cuts at 300 characters with an ellipsis, and redacts the key", () => {
    expect(fail(500, { message: "  two\n\n lines\there  " }).upstreamMessage).toBe("two lines here");
    expect(fail(500, { message: "x".repeat(300) }).upstreamMessage).toBe("x".repeat(300));
    expect(fail(500, { message: "y".repeat(301) }).upstreamMessage).toBe(`${"y".repeat(300)}…`);
    expect(fail(500, { message: `key ${KEY} rejected` }).upstreamMessage).toBe("key [REDACTED] rejected");
  });
});

describe("classify: request ids in messages", () => {
  it("puts the header's request id after the status, else the body's, else none", () => {
    expect(fail(418, {}, { "x-request-id": "h-1" }).message).toBe(
      "web_v3/note (HTTP 418, request h-1): unexpected HTTP status",
    );
    expect(fail(418, { request_id: "b-1" }).requestId).toBe("b-1");
    expect(fail(418, { detail: { request_id: "d-1" } }).message).toBe(
      "web_v3/note (HTTP 418, request d-1): unexpected HTTP status",
    );
  });

  it("requestIdOf prefers the header, then body.request_id, then body.detail.request_id", () => {
    const both = { request_id: "b", detail: { request_id: "d" } };
    expect(requestIdOf(new Headers({ "x-request-id": "h" }), both)).toBe("h");
    expect(requestIdOf(new Headers(), both)).toBe("b");
    expect(requestIdOf(new Headers(), { request_id: 5, detail: { request_id: "d" } })).toBe("d");
    expect(requestIdOf(new Headers(), { detail: { request_id: 7 } })).toBeUndefined();
    expect(requestIdOf(new Headers(), { detail: "d" })).toBeUndefined();
    expect(requestIdOf(new Headers(), ["x"])).toBeUndefined();
    expect(requestIdOf(new Headers())).toBeUndefined();
  });
});

describe("classify: money and permissions", () => {
  it("402 says the balance is exhausted, with TikHub's words", () => {
    const e = fail(402, { detail: { message: "Payment Required" } });
    expect(e).toBeInstanceOf(PaymentRequiredError);
    expect(e.message).toBe("web_v3/note (HTTP 402): TikHub account balance is exhausted; top up: Payment Required");
  });

  it.each([
    "please top up your account",
    "please top-up",
    "Topup required",
    "no credit left",
    "INSUFFICIENT funds",
    "Your balance is too low",
    "余额不足",
    "请充值",
  ])("a 403 saying %j is a balance problem, not a permission one", (message) => {
    const e = fail(403, { detail: { message } });
    expect(e).toBeInstanceOf(PaymentRequiredError);
    expect(e.message).toBe(`web_v3/note (HTTP 403): TikHub account balance is exhausted; top up: ${message}`);
  });

  it("a 403 about scope names the key's scope, and keeps TikHub's words", () => {
    const e = fail(403, { detail: { message: "Token lacks scope" } });
    expect(e).toBeInstanceOf(PermissionError);
    expect(e.message).toBe("web_v3/note (HTTP 403): the API key lacks the scope for this endpoint: Token lacks scope");
    expect(fail(403, "").message).toBe("web_v3/note (HTTP 403): the API key lacks the scope for this endpoint");
  });

  it.each([
    "error code: 1010",
    "Error Code 1010",
    "error code:1010",
    "Attention Required! | Cloudflare",
    "<HTML><body>denied</body></HTML>",
  ])("a non-JSON 403 page %j is Cloudflare's block", (page) => {
    const e = fail(403, page);
    expect(e).toBeInstanceOf(PermissionError);
    expect(e.message).toBe("web_v3/note (HTTP 403): blocked by Cloudflare (check the User-Agent and network)");
  });

  it("a JSON 403 that mentions Cloudflare is TikHub's answer, not a block page", () => {
    expect(fail(403, { detail: "cloudflare said no" }).message).toBe(
      "web_v3/note (HTTP 403): the API key lacks the scope for this endpoint: cloudflare said no",
    );
    expect(fail(403, "access denied").message).toBe(
      "web_v3/note (HTTP 403): the API key lacks the scope for this endpoint",
    );
  });
});

describe("classify: 422 validation", () => {
  it("names one parameter in the singular, with FastAPI's reason", () => {
    const e = fail(422, { detail: [{ loc: ["query", "note_id"], msg: "field required" }] });
    expect(e).toBeInstanceOf(InvalidInputError);
    expect(e.message).toBe(
      "web_v3/note (HTTP 422): TikHub rejected the parameters (parameter note_id): note_id (field required)",
    );
  });

  it("names several parameters, skips items that are not objects, and marks an unknown location", () => {
    const e = fail(422, { detail: [{ loc: ["query", "a"] }, "junk", { loc: [], msg: "bad" }, { msg: "no loc" }] });
    expect(e.message).toBe(
      "web_v3/note (HTTP 422): TikHub rejected the parameters (parameters a, ?, ?): a; ? (bad); ? (no loc)",
    );
  });

  it("falls back to TikHub's message, then to 'invalid parameters', naming none", () => {
    expect(fail(422, { detail: "bad cursor" }).message).toBe(
      "web_v3/note (HTTP 422): TikHub rejected the parameters: bad cursor",
    );
    expect(fail(422, { detail: [] }).message).toBe(
      "web_v3/note (HTTP 422): TikHub rejected the parameters: invalid parameters",
    );
    expect(fail(422, "").message).toBe("web_v3/note (HTTP 422): TikHub rejected the parameters: invalid parameters");
  });

  it("keeps the key out of a validation message", () => {
    const e = fail(422, { detail: [{ loc: ["query", "token"], msg: `value ${KEY} invalid` }] });
    expect(e.message).not.toContain(KEY);
    expect(e.message).toContain("[REDACTED]");
  });
});

describe("classify: 429 and the wait it asks for", () => {
  it("says how long to wait, and TikHub's words", () => {
    const e = fail(429, { detail: "slow down" }, { "retry-after": "7" });
    expect(e).toBeInstanceOf(RateLimitError);
    expect(e.retryAfterSec).toBe(7);
    expect(e.message).toBe("web_v3/note (HTTP 429): rate limited by TikHub; retry after 7 s: slow down");
    expect(fail(429, "").message).toBe("web_v3/note (HTTP 429): rate limited by TikHub");
  });

  it("reads Retry-After as seconds (decimals too, spaces trimmed) or as an HTTP date, rounded up", () => {
    const wait = (headers: Record<string, string>) => retryAfterSeconds(new Headers(headers), NOW);
    expect(wait({ "retry-after": " 1.5 " })).toBe(1.5);
    // Two decimals are seconds too, never a date ("1.25" parses as a date in V8).
    expect(wait({ "retry-after": "1.25" })).toBe(1.25);
    expect(wait({ "retry-after": new Date(NOW + 12_000).toUTCString() })).toBe(12);
    expect(wait({ "retry-after": new Date(NOW + 12_000).toUTCString(), "x-ratelimit-reset": "99" })).toBe(12);
    // HTTP dates have whole seconds: 11.2 s from now is read as 12 (ceil), never as 11.
    expect(retryAfterSeconds(new Headers({ "retry-after": new Date(NOW + 12_000).toUTCString() }), NOW + 800)).toBe(12);
    expect(wait({ "retry-after": new Date(NOW - 60_000).toUTCString() })).toBe(0);
  });

  it("reads an HTTP-date in all three forms of RFC 9110 and nothing else as a date (\"-3\" is not 'retry now')", () => {
    const wait = (headers: Record<string, string>) => retryAfterSeconds(new Headers(headers), NOW);
    const at = new Date(NOW + 90_000);
    const [day, date, month, year, time] = at.toUTCString().split(" ") as [string, string, string, string, string];
    const longDay = new Intl.DateTimeFormat("en-US", { weekday: "long", timeZone: "UTC" }).format(at);
    expect(wait({ "retry-after": `${longDay}, ${date}-${month}-${year.slice(2)} ${time} GMT` })).toBe(90);
    const asctimeDay = String(at.getUTCDate()).padStart(2, " ");
    expect(wait({ "retry-after": `${day.slice(0, 3)} ${month} ${asctimeDay} ${time} ${year}` })).toBe(90);
    // Date.parse takes each of these as some date in the past, which made the wait 0.
    for (const value of ["-3", "+5", "-0.5", "1.2.3", "3 days", "2026-12-03", "12/03/2026", "Thu Dec 03 2026"]) {
      expect(wait({ "retry-after": value }), value).toBeUndefined();
      expect(wait({ "retry-after": value, "x-ratelimit-reset": "4" }), value).toBe(4);
    }
    expect(fail(429, {}, { "retry-after": "-3" }).retryAfterSec).toBeUndefined();
    expect(wait({ "retry-after": "Thu, 31 Foo 2026 11:20:00 GMT" })).toBeUndefined();
    // asctime with a two-digit day; the whole value must be the date (Date.parse reads all three of these).
    expect(wait({ "retry-after": "Fri Jan 16 12:00:00 2026" })).toBe(15 * 86_400);
    expect(wait({ "retry-after": "x Thu, 01 Jan 2026 12:01:30 GMT" })).toBeUndefined();
    expect(wait({ "retry-after": "Thu, 01 Jan 2026 12:01:30 GMT+0800" })).toBeUndefined();
  });

  it("never gives NaN: a garbage Retry-After falls back to X-RateLimit-Reset, or to no wait known", () => {
    const wait = (headers: Record<string, string>) => retryAfterSeconds(new Headers(headers), NOW);
    expect(wait({ "retry-after": "soon" })).toBeUndefined();
    expect(wait({ "retry-after": "x5" })).toBeUndefined();
    expect(wait({ "retry-after": "x5", "x-ratelimit-reset": "x5" })).toBeUndefined();
    expect(wait({ "retry-after": "soon", "x-ratelimit-reset": "4" })).toBe(4);
    expect(wait({ "retry-after": "   ", "x-ratelimit-reset": "4" })).toBe(4);
    expect(fail(429, {}, { "retry-after": "soon" }).retryAfterSec).toBeUndefined();
  });

  it("reads X-RateLimit-Reset as seconds from now, or as an epoch time in seconds above 1e9", () => {
    const wait = (headers: Record<string, string>) => retryAfterSeconds(new Headers(headers), NOW);
    expect(wait({ "x-ratelimit-reset": " 2.5 " })).toBe(2.5);
    expect(wait({ "x-ratelimit-reset": "2.25" })).toBe(2.25);
    expect(wait({ "x-ratelimit-reset": "1000000000" })).toBe(1_000_000_000);
    expect(wait({ "x-ratelimit-reset": String(NOW / 1000 + 30) })).toBe(30);
    expect(wait({ "x-ratelimit-reset": String(NOW / 1000 + 29.2) })).toBe(30);
    expect(wait({ "x-ratelimit-reset": String(NOW / 1000 - 30) })).toBe(0);
    expect(wait({ "x-ratelimit-reset": "tomorrow" })).toBeUndefined();
    expect(wait({ "x-ratelimit-reset": "1e3" })).toBeUndefined();
    expect(wait({ "x-ratelimit-reset": "5s" })).toBeUndefined();
    expect(wait({ "retry-after": "5s" })).toBeUndefined();
  });
});

describe("classify: upstream failures and what is retried", () => {
  it("a 400 is upstream jitter, retried; a deprecation in any of its forms is not", () => {
    const jitter = fail(400, { detail: "HTTP 400 error" });
    expect(jitter).toMatchObject({ retryable: true, upstreamMessage: "HTTP 400 error" });
    expect(jitter.message).toBe(
      "web_v3/note (HTTP 400): upstream rejected the request (upstream jitter): HTTP 400 error",
    );
    expect(fail(400, "").retryable).toBe(true);
    for (const said of [
      "endpoint deprecated",
      "Deprecation notice",
      "接口已废弃",
      "该接口弃用",
      "接口已下线",
      "no longer supported",
      "No longer available",
    ]) {
      const e = fail(400, { detail: said });
      expect(e.retryable, said).toBe(false);
      expect(e.message).toBe(`web_v3/note (HTTP 400): endpoint deprecated by TikHub: ${said}`);
    }
    expect(fail(400, { detail: "no longer here" }).retryable).toBe(true);
  });

  it.each([
    "Fail to parse share link",
    "could not resolve the url",
    "Couldnot extract the link",
    "Unable   to \t parse share text",
    "Failed to recognise the share link",
  ])("a 400 saying %j is a share link TikHub cannot parse: bad input, not jitter", (said) => {
    const e = fail(400, { detail: said });
    expect(e).toBeInstanceOf(InvalidInputError);
    expect(e.message).toBe(`web_v3/note (HTTP 400): TikHub cannot parse the share link: ${said.replace(/\s+/g, " ")}`);
  });

  it("a 404 is not retried and points at the base URL when one is known", () => {
    const e = fail(404, { detail: "Not Found" });
    expect(e).toMatchObject({ retryable: false, upstreamMessage: "Not Found" });
    expect(e.message).toBe(
      "web_v3/note (HTTP 404): no such route; check TIKHUB_BASE_URL, or the endpoint was retired: Not Found",
    );
    expect(fail(404, "", {}, { baseUrl: "http://127.0.0.1:9" }).message).toBe(
      "web_v3/note (HTTP 404): no such route at http://127.0.0.1:9; check TIKHUB_BASE_URL, or the endpoint was retired",
    );
  });

  it("408 and 5xx are retried; the message says when the body was not JSON", () => {
    for (const status of [408, 500, 503, 599]) {
      expect(fail(status, "<html>")).toMatchObject({
        retryable: true,
        message: `web_v3/note (HTTP ${status}): TikHub or the upstream failed (not JSON)`,
      });
    }
    expect(fail(502, { detail: "bad gateway" })).toMatchObject({
      retryable: true,
      message: "web_v3/note (HTTP 502): TikHub or the upstream failed: bad gateway",
      upstreamMessage: "bad gateway",
    });
  });

  it("any other status is not retried, with TikHub's words", () => {
    for (const status of [301, 405, 409, 499]) {
      const e = fail(status, { detail: "nope" });
      expect(e).toBeInstanceOf(UpstreamError);
      expect(e).toMatchObject({ retryable: false, upstreamMessage: "nope" });
      expect(e.message).toBe(`web_v3/note (HTTP ${status}): unexpected HTTP status: nope`);
    }
  });
});
