import { describe, expect, it } from "vitest";
import {
  AuthError,
  InvalidInputError,
  PaymentRequiredError,
  PermissionError,
  RateLimitError,
  UpstreamError,
  type XhsError,
} from "../../src/core/errors.js";
import { classify, retryAfterSeconds } from "../../src/transport/classify.js";
import { KEY } from "./helpers.js";

const NOW = Date.UTC(2026, 0, 1, 12, 0, 0);
const ctx = {
  endpoint: "app_v2/search_notes",
  series: "app_v2" as const,
  secrets: [KEY],
  nowMs: NOW,
  baseUrl: "https://api.tikhub.io",
};

function answer(status: number, body: unknown, headers: Record<string, string> = {}) {
  return {
    status,
    headers: new Headers({ "x-request-id": "rid-1", ...headers }),
    text: typeof body === "string" ? body : JSON.stringify(body),
  };
}

function error(status: number, body: unknown, headers: Record<string, string> = {}): XhsError {
  const result = classify(answer(status, body, headers), ctx);
  if (result.ok) throw new Error("expected an error");
  expect(result.error.endpoint).toBe("app_v2/search_notes");
  expect(result.error.series).toBe("app_v2");
  expect(result.error.httpStatus).toBe(status);
  expect(result.error.requestId).toBe("rid-1");
  expect(result.error.message).not.toContain(KEY);
  return result.error;
}

describe("classify", () => {
  it("accepts HTTP 200 with envelope code 200 and reads the request id", () => {
    const result = classify(answer(200, { code: 200, data: { success: false } }), ctx);
    expect(result).toEqual({ ok: true, body: { code: 200, data: { success: false } }, requestId: "rid-1" });
    const fromBody = classify({ status: 200, headers: new Headers(), text: '{"code":200,"request_id":"b-2"}' }, ctx);
    expect(fromBody.ok && fromBody.requestId).toBe("b-2");
  });

  it("200 with a body that is not JSON, or not an object, is a retryable upstream error", () => {
    const html = error(200, "<html>oops</html>");
    expect(html).toBeInstanceOf(UpstreamError);
    expect(html.message).toMatch(/malformed.*not JSON/);
    expect((html as UpstreamError).retryable).toBe(true);
    expect(error(200, "[1,2]").message).toMatch(/not a JSON object/);
  });

  it("200 with envelope code ≠ 200 (or none) is an upstream error with TikHub's message", () => {
    const e = error(200, { code: 500, message: "Internal upstream failure" }) as UpstreamError;
    expect(e).toBeInstanceOf(UpstreamError);
    expect(e.upstreamMessage).toBe("Internal upstream failure");
    expect(error(200, { data: {} })).toBeInstanceOf(UpstreamError);
  });

  it("401 is an AuthError and never repeats the echoed key", () => {
    const e = error(401, {
      detail: { code: 401, message: "Invalid API token", message_zh: `无效的API令牌，您提交的API令牌为 ${KEY}` },
    });
    expect(e).toBeInstanceOf(AuthError);
    expect(e.fatal).toBe(true);
    expect(e.message).toContain("[REDACTED]");
    expect(JSON.stringify(e)).not.toContain(KEY);
  });

  it("402 and a 403 about balance are PaymentRequiredError; other 403s are PermissionError", () => {
    expect(error(402, { detail: { code: 402, message: "Payment Required" } })).toBeInstanceOf(PaymentRequiredError);
    expect(error(403, { detail: { code: 403, message: "账户余额不足，请充值。" } })).toBeInstanceOf(
      PaymentRequiredError,
    );
    expect(error(403, { detail: { message: "Insufficient balance" } })).toBeInstanceOf(PaymentRequiredError);
    const scope = error(403, { detail: { code: 403, message: "API Token lacks required permissions" } });
    expect(scope).toBeInstanceOf(PermissionError);
    expect(scope.message).toContain("lacks required permissions");
    const cloudflare = error(403, "<html><body>error code: 1010 Cloudflare</body></html>");
    expect(cloudflare).toBeInstanceOf(PermissionError);
    expect(cloudflare.message).toMatch(/Cloudflare.*User-Agent/);
  });

  it("422 is InvalidInputError naming FastAPI's parameters", () => {
    const e = error(422, {
      detail: [
        { loc: ["query", "keyword"], msg: "field required", type: "value_error.missing" },
        { loc: ["query", "page"], msg: "value is not a valid integer", type: "type_error.integer" },
      ],
    });
    expect(e).toBeInstanceOf(InvalidInputError);
    expect(e.message).toMatch(/parameters keyword, page/);
    expect(e.message).toContain("keyword (field required)");
  });

  it("429 is RateLimitError with Retry-After seconds, an HTTP date, or X-RateLimit-Reset", () => {
    const seconds = error(429, { detail: { code: 429, message: "Too Many Requests" } }, { "retry-after": "7" });
    expect(seconds).toBeInstanceOf(RateLimitError);
    expect(seconds.retryAfterSec).toBe(7);
    const date = error(429, {}, { "retry-after": new Date(NOW + 12_000).toUTCString() });
    expect(date.retryAfterSec).toBe(12);
    expect(error(429, {}, { "x-ratelimit-reset": "3" }).retryAfterSec).toBe(3);
    expect(error(429, {}, { "x-ratelimit-reset": String(NOW / 1000 + 9) }).retryAfterSec).toBe(9);
    expect(error(429, {}).retryAfterSec).toBeUndefined();
  });

  it("retryAfterSeconds: a past date is 0", () => {
    expect(retryAfterSeconds(new Headers({ "retry-after": new Date(NOW - 5_000).toUTCString() }), NOW)).toBe(0);
  });

  it("400: upstream jitter is retryable, a deprecation is not", () => {
    const jitter = error(400, { detail: { code: 400, message: "HTTP 400 error, no need to provide request headers" } });
    expect(jitter).toBeInstanceOf(UpstreamError);
    expect((jitter as UpstreamError).retryable).toBe(true);
    const deprecated = error(400, {
      detail: {
        code: 400,
        message: "This endpoint has been deprecated. Please migrate to the Xiaohongshu-App-V2-API.",
      },
    });
    expect((deprecated as UpstreamError).retryable).toBe(false);
    expect(deprecated.fatal).toBe(false);
    expect(deprecated.message).toMatch(/deprecated/);
  });

  it("400 saying the share link cannot be parsed is final bad input (no retry, no failover), in English or Chinese", () => {
    for (const message of [
      "Failed to parse the share link. Please check that the link is valid.",
      "cannot parse the share link",
      "Unable to extract info from the URL",
      "分享链接解析失败，请检查链接是否有效。",
      "链接无法解析",
    ]) {
      const e = error(400, { detail: { code: 400, message } });
      expect(e, message).toBeInstanceOf(InvalidInputError);
      expect(e.fatal).toBe(true);
      expect(e.httpStatus).toBe(400);
      expect(e.message).toMatch(/cannot parse the share link/);
    }
    // Other 400s stay as they were.
    const jitter = error(400, { detail: { code: 400, message: "HTTP 400 错误，无需提供请求头信息，保护用户隐私。" } });
    expect(jitter).toBeInstanceOf(UpstreamError);
  });

  it("404 (unknown route) is a non-retryable upstream error that points at the base URL", () => {
    const e = error(404, { detail: "Not Found" }) as UpstreamError;
    expect(e).toBeInstanceOf(UpstreamError);
    expect(e.retryable).toBe(false);
    expect(e.message).toMatch(/no such route at https:\/\/api\.tikhub\.io; check TIKHUB_BASE_URL/);
  });

  it.each([500, 502, 503, 504, 408])("%i is a retryable upstream error, JSON or HTML", (status) => {
    const e = error(status, "<html>Bad gateway</html>") as UpstreamError;
    expect(e).toBeInstanceOf(UpstreamError);
    expect(e.retryable).toBe(true);
  });

  it("other statuses are upstream errors that are not retried", () => {
    expect((error(418, { detail: "teapot" }) as UpstreamError).retryable).toBe(false);
  });

  it("keeps long HTML pages out of messages", () => {
    const e = error(502, { detail: "x".repeat(5_000) });
    expect(e.message.length).toBeLessThan(500);
  });
});
