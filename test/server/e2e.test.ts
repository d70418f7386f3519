/**
 * The server over a real socket (and through `xhs serve`), against the simulator over HTTP.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { main } from "../../src/cli/main.js";
import { createClient } from "../../src/client/create-client.js";
import type { Note } from "../../src/model/types.js";
import { UnsafeBindError } from "../../src/server/security.js";
import { type RunningServer, startServer } from "../../src/server/start.js";
import { type RunningSimulator, startSimulator } from "../../src/simulator/index.js";
import { GUIDE } from "../../src/simulator/world/index.js";

const API_KEY = "sk-test-e2e-0123456789abcdef";

function buffer() {
  let text = "";
  const waiters: (() => void)[] = [];
  return {
    sink: {
      write: (chunk: string) => {
        text += chunk;
        for (const w of waiters.splice(0)) w();
        return true;
      },
    },
    get text() {
      return text;
    },
    async waitFor(pattern: RegExp): Promise<RegExpMatchArray> {
      for (;;) {
        const m = text.match(pattern);
        if (m) return m;
        await new Promise<void>((resolve) => waiters.push(resolve));
      }
    },
  };
}

describe("HTTP API over a socket", () => {
  let sim: RunningSimulator;
  let server: RunningServer;

  beforeAll(async () => {
    sim = await startSimulator({ port: 0, seed: 7, rateLimit: 0 });
    const client = createClient({ apiKey: API_KEY, baseUrl: sim.url, qps: 0, maxRetries: 0 });
    // 50 requests at once from one address exceed the default burst (40): raise the per-client limit.
    server = await startServer({ client, port: 0, secrets: [API_KEY], rateLimit: { perSecond: 100, burst: 100 } });
  }, 60_000);

  afterAll(async () => {
    await server?.close();
    await sim?.close();
  });

  it("binds 127.0.0.1 by default and serves notes, lists and the cache end to end", async () => {
    expect(server.host).toBe("127.0.0.1");
    const res = await fetch(`${server.url}/v1/notes/${GUIDE.imageNoteId}`);
    expect(res.status).toBe(200);
    expect(((await res.json()) as Note).id).toBe(GUIDE.imageNoteId);
    const again = await fetch(`${server.url}/v1/notes/${GUIDE.imageNoteId}`);
    expect(again.headers.get("x-cache")).toBe("HIT");
    const list = (await (
      await fetch(`${server.url}/v1/search/notes?q=${encodeURIComponent(GUIDE.keywords[0])}&limit=3`)
    ).json()) as { items: Note[] };
    expect(list.items).toHaveLength(3);
    const bad = await fetch(`${server.url}/v1/users/${GUIDE.userId}/notes?limit=0`);
    expect(bad.status).toBe(400);
    expect(bad.headers.get("content-type")).toMatch(/problem\+json/);
  });

  it("answers 50 concurrent identical requests over sockets with one upstream call", async () => {
    const before = sim.ledger.snapshot().totals.calls;
    const responses = await Promise.all(
      Array.from({ length: 50 }, () => fetch(`${server.url}/v1/topics/${GUIDE.topicPageId}`)),
    );
    expect(responses.every((r) => r.status === 200)).toBe(true);
    await Promise.all(responses.map((r) => r.arrayBuffer()));
    expect(sim.ledger.snapshot().totals.calls - before).toBe(1);
  });
});

describe("bind safety", () => {
  it("refuses 0.0.0.0 without a token, with a message that says what to do", async () => {
    const client = createClient({ apiKey: API_KEY, baseUrl: "http://127.0.0.1:9", qps: 0 });
    const attempt = startServer({ client, host: "0.0.0.0", port: 0 });
    await expect(attempt).rejects.toBeInstanceOf(UnsafeBindError);
    await expect(attempt).rejects.toThrow(/XHS_SERVER_TOKEN/);
  });

  it("xhs serve --host 0.0.0.0 without XHS_SERVER_TOKEN exits 2 with a clear message", async () => {
    const out = buffer();
    const err = buffer();
    const code = await main(["serve", "--host", "0.0.0.0", "--port", "0"], {
      stdout: out.sink,
      stderr: err.sink,
      env: { TIKHUB_API_KEY: API_KEY, TIKHUB_BASE_URL: "http://127.0.0.1:9" },
      signal: new AbortController().signal,
    });
    expect(code).toBe(2);
    expect(err.text).toMatch(/refusing to listen on 0\.0\.0\.0/);
    expect(err.text).toMatch(/XHS_SERVER_TOKEN/);
    expect(out.text).toBe("");
  });

  it("xhs serve with a token: 401 without it, 200 with it; stops cleanly on abort", async () => {
    const sim = await startSimulator({ port: 0, seed: 7, rateLimit: 0 });
    const token = "e2e-serve-token-0123456789abcdef";
    const out = buffer();
    const err = buffer();
    const controller = new AbortController();
    const running = main(["serve", "--port", "0", "--qps", "0", "--max-cost", "1"], {
      stdout: out.sink,
      stderr: err.sink,
      env: { TIKHUB_API_KEY: API_KEY, TIKHUB_BASE_URL: sim.url, XHS_SERVER_TOKEN: token },
      signal: controller.signal,
    });
    try {
      const [url] = await out.waitFor(/^http:\/\/127\.0\.0\.1:\d+/);
      expect((await fetch(`${url}/v1/users/${GUIDE.userId}`)).status).toBe(401);
      expect(
        (await fetch(`${url}/v1/users/${GUIDE.userId}`, { headers: { authorization: `Bearer ${token}` } })).status,
      ).toBe(200);
      expect(err.text).toContain("Bearer token required");
    } finally {
      controller.abort();
      expect(await running).toBe(0);
      await sim.close();
    }
    expect(err.text).not.toContain(API_KEY);
    expect(err.text).not.toContain(token);
  }, 60_000);
});
