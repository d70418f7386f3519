import { describe, expect, it } from "vitest";
import { endpoint } from "../../src/catalog/endpoints.js";
import { createFakeClock } from "../../src/core/clock.js";
import { AuthError } from "../../src/core/errors.js";
import { REDACTED, redact, redactDeep } from "../../src/core/redact.js";
import type { AttemptEvent, Logger } from "../../src/core/types.js";
import { createTransport } from "../../src/transport/transport.js";
import { json, KEY, scriptedFetch } from "../transport/helpers.js";

/** TikHub's 401 body echoes the key that was sent. */
const ECHO_401 = {
  detail: {
    code: 401,
    message: `Invalid API token, the token you submitted is ${KEY}`,
    message_zh: `无效的API令牌，您提交的API令牌为 ${KEY}`,
    support: "Discord: https://discord.gg/aMEAS8Xsvz",
  },
};

describe("redact", () => {
  it("replaces the key, its URL-encoded form, Bearer headers and echoed tokens", () => {
    expect(redact(`a ${KEY} b`, [KEY])).toBe(`a ${REDACTED} b`);
    expect(redact(`q=${encodeURIComponent("k+y/=Zsecret")}`, ["k+y/=Zsecret"])).toBe(`q=${REDACTED}`);
    expect(redact("Authorization: Bearer abc.def-123", [])).toBe(`Authorization: Bearer ${REDACTED}`);
    expect(redact("您提交的API令牌为 someOtherKey123", [])).toBe(`您提交的API令牌为 ${REDACTED}`);
    expect(redact("api_key=xyz789", [])).toBe(`api_key=${REDACTED}`);
  });

  it("redacts a credential, not a placeholder or the punctuation around it", () => {
    const advice = "Send the server token as `Authorization: Bearer <XHS_SERVER_TOKEN>`.";
    expect(redact(advice, [KEY])).toBe(advice);
    expect(redact(JSON.stringify({ detail: advice }), [KEY])).toBe(JSON.stringify({ detail: advice }));
    expect(redact("send `Bearer abc.def-1_2~3+4/5==`.", [])).toBe(`send \`Bearer ${REDACTED}\`.`);
    expect(redact("(token: abc123).", [])).toBe(`(token: ${REDACTED}).`);
    expect(redact("您提交的API令牌为 someOtherKey123，请检查", [])).toBe(`您提交的API令牌为 ${REDACTED}，请检查`);
  });

  it("leaves prose after a label alone: a credential has digits or punctuation", () => {
    expect(redact("Bearer token required; api_key: missing", [])).toBe("Bearer token required; api_key: missing");
    expect(redact("Bearer qwerty123 and token: abc.def", [])).toBe(`Bearer ${REDACTED} and token: ${REDACTED}`);
    expect(redact("您提交的API令牌为 abcdefgh", [])).toBe(`您提交的API令牌为 ${REDACTED}`);
  });

  it("leaves xsec_token and ordinary text alone", () => {
    expect(redact("xsec_token=ABC123 note 64f1a2b3", [KEY])).toBe("xsec_token=ABC123 note 64f1a2b3");
    expect(redact("short key", ["k"])).toBe("short key");
  });

  it("redactDeep walks objects, arrays and errors, and blanks credential-named keys", () => {
    const cyclic: Record<string, unknown> = {
      a: [`x ${KEY}`],
      authorization: "Bearer z",
      err: new Error(`bad ${KEY}`),
    };
    cyclic["self"] = cyclic;
    const out = redactDeep(cyclic, [KEY]);
    expect(JSON.stringify(out)).not.toContain(KEY);
    expect(out["authorization"]).toBe(REDACTED);
    expect(out["self"]).toBe("[Circular]");
  });
});

describe("the echoed-key 401 body", () => {
  it("never reaches an error message, toJSON, an event or a log line", async () => {
    const fake = createFakeClock();
    const lines: string[] = [];
    const logger: Logger = {
      debug: (m, d) => lines.push(m + JSON.stringify(d)),
      info: (m, d) => lines.push(m + JSON.stringify(d)),
      warn: (m, d) => lines.push(m + JSON.stringify(d)),
      error: (m, d) => lines.push(m + JSON.stringify(d)),
    };
    const events: AttemptEvent[] = [];
    const f = scriptedFetch(json(401, ECHO_401));
    const transport = createTransport({
      apiKey: KEY,
      fetch: f.fetch,
      clock: fake.clock,
      sleep: fake.sleep,
      env: {},
      logger,
      onEvent: (e) => events.push(e),
    });
    const error = await transport
      .executeOnSeries(endpoint("app_v2/search_notes"), { keyword: "猫" }, (b) => b, {
        capability: "searchNotes",
        failover: false,
      })
      .catch((e) => e);
    expect(error).toBeInstanceOf(AuthError);
    expect(error.message).toContain("Invalid API token");
    expect(error.message).toContain(REDACTED);
    expect(lines.length).toBeGreaterThan(0);
    for (const text of [
      error.message,
      JSON.stringify(error),
      String(error),
      error.stack ?? "",
      JSON.stringify(events),
      ...lines,
    ]) {
      expect(text).not.toContain(KEY);
    }
    // The key was sent, as it must be.
    expect(f.calls[0]?.headers["authorization"]).toBe(`Bearer ${KEY}`);
  });

  it("a fetch rejection that mentions the key is redacted too", async () => {
    const fake = createFakeClock();
    const f = scriptedFetch(new TypeError(`proxy refused Authorization: Bearer ${KEY}`));
    const transport = createTransport({
      apiKey: KEY,
      fetch: f.fetch,
      clock: fake.clock,
      sleep: fake.sleep,
      env: {},
      maxRetries: 0,
    });
    const error = await transport.raw("app_v2/search_notes", { keyword: "a" }).catch((e) => e);
    expect(error.kind).toBe("connection");
    expect(JSON.stringify(error) + error.message).not.toContain(KEY);
  });
});
