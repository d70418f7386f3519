/**
 * `--allow-origin` works for browser apps: preflights are answered (before the token, which a
 * preflight never carries), and answers to an allowed Origin carry the CORS headers, errors included.
 */
import { describe, expect, it } from "vitest";
import { GUIDE } from "../../src/simulator/world/index.js";
import { rig } from "./helpers.js";

const APP = "https://app.example.com";
const TOKEN = "cors-test-token-0123456789abcdef";

async function preflight(r: ReturnType<typeof rig>, path: string, origin: string): Promise<Response> {
  return await r.app.request(path, {
    method: "OPTIONS",
    headers: {
      origin,
      "access-control-request-method": "GET",
      "access-control-request-headers": "authorization",
      "sec-fetch-site": "cross-site",
      "sec-fetch-mode": "cors",
    },
  });
}

describe("CORS for allowed browser origins", () => {
  it("answers a preflight from an allowed origin with 204 and the CORS headers, token or not", async () => {
    const r = rig({ app: { allowedOrigins: [APP], token: TOKEN } });
    for (const path of [`/v1/users/${GUIDE.userId}`, "/mcp"]) {
      const res = await preflight(r, path, APP);
      expect(res.status, path).toBe(204);
      expect(res.headers.get("access-control-allow-origin")).toBe(APP);
      expect(res.headers.get("access-control-allow-methods")).toMatch(/GET/);
      expect(res.headers.get("access-control-allow-methods")).toMatch(/POST/);
      expect(res.headers.get("access-control-allow-headers")).toMatch(/authorization/);
      expect(res.headers.get("vary")).toMatch(/Origin/);
    }
    expect(r.upstreamCalls()).toBe(0);
  });

  it("refuses a preflight from another origin, with no CORS headers", async () => {
    const r = rig({ app: { allowedOrigins: [APP] } });
    const res = await preflight(r, `/v1/users/${GUIDE.userId}`, "https://evil.example");
    expect(res.status).toBe(403);
    expect(res.headers.get("access-control-allow-origin")).toBeNull();
  });

  it("answers and errors to an allowed origin carry Access-Control-Allow-Origin; other requests none", async () => {
    const r = rig({ app: { allowedOrigins: [APP], token: TOKEN } });
    const headers = {
      origin: APP,
      authorization: `Bearer ${TOKEN}`,
      "sec-fetch-site": "cross-site",
      "sec-fetch-mode": "cors",
    };
    const ok = await r.get(`/v1/users/${GUIDE.userId}`, headers);
    expect(ok.status).toBe(200);
    expect(ok.headers.get("access-control-allow-origin")).toBe(APP);
    expect(ok.headers.get("access-control-expose-headers")).toMatch(/x-cache/);
    expect(ok.headers.get("vary")).toMatch(/Origin/);
    const missing = await r.get("/v1/notes/0123456789abcdef01234567", headers);
    expect(missing.status).toBe(404);
    expect(missing.headers.get("access-control-allow-origin")).toBe(APP);
    const noToken = await r.get(`/v1/users/${GUIDE.userId}`, { origin: APP });
    expect(noToken.status).toBe(401);
    expect(noToken.headers.get("access-control-allow-origin")).toBe(APP);
    const plain = await r.get(`/v1/users/${GUIDE.userId}`, { authorization: `Bearer ${TOKEN}` });
    expect(plain.status).toBe(200);
    expect(plain.headers.get("access-control-allow-origin")).toBeNull();
  });

  it("an MCP answer to an allowed origin carries them too", async () => {
    const r = rig({ app: { allowedOrigins: [APP] } });
    const res = await r.app.request("/mcp", {
      method: "POST",
      headers: {
        origin: APP,
        "sec-fetch-site": "cross-site",
        "sec-fetch-mode": "cors",
        "content-type": "application/json",
        accept: "application/json, text/event-stream",
      },
      body: JSON.stringify({
        jsonrpc: "2.0",
        id: 1,
        method: "initialize",
        params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "x", version: "1" } },
      }),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get("access-control-allow-origin")).toBe(APP);
    expect(res.headers.get("vary")).toMatch(/Origin/);
  });
});
