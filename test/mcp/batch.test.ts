/**
 * JSON-RPC batches on /mcp: each tool call in a batch counts for the per-client rate limit and the
 * daily cap, and a batch larger than the bound is refused before anything runs.
 */
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { InMemoryTransport } from "@modelcontextprotocol/sdk/inMemory.js";
import { describe, expect, it } from "vitest";
import { createFakeClock } from "../../src/core/clock.js";
import { DEFAULT_MCP_MAX_BATCH } from "../../src/mcp/http.js";
import { createMcpServer } from "../../src/mcp/tools.js";
import { PROBLEM_TYPES } from "../../src/service/problem.js";
import { GUIDE } from "../../src/simulator/world/index.js";
import { json, rig } from "../server/helpers.js";

function searchCall(id: number): Record<string, unknown> {
  return {
    jsonrpc: "2.0",
    id,
    method: "tools/call",
    params: { name: "search_notes", arguments: { q: `${GUIDE.keywords[id % 3]} ${id}`, limit: 3 } },
  };
}

async function post(r: ReturnType<typeof rig>, body: unknown): Promise<Response> {
  return r.app.request("/mcp", {
    method: "POST",
    headers: { "content-type": "application/json", accept: "application/json, text/event-stream" },
    body: JSON.stringify(body),
  });
}

type RpcAnswer = { id: number; result?: { isError?: boolean; content: { text: string }[] }; error?: unknown };

describe("JSON-RPC batches on /mcp", () => {
  it("each tool call in a batch is held to the daily cap", async () => {
    const r = rig({ runtime: { maxCostPerDayUsd: 0.05 } });
    const batch = Array.from({ length: DEFAULT_MCP_MAX_BATCH }, (_, i) => searchCall(i));
    const res = await post(r, batch);
    expect(res.status).toBe(200);
    const answers = (await res.json()) as RpcAnswer[];
    expect(answers).toHaveLength(DEFAULT_MCP_MAX_BATCH);
    const capped = answers.filter((a) => a.result?.isError && /spending-cap/.test(a.result.content[0]!.text));
    const ok = answers.filter((a) => a.result && !a.result.isError);
    expect(ok.length + capped.length).toBe(DEFAULT_MCP_MAX_BATCH);
    expect(capped.length).toBeGreaterThan(0);
    const { totals } = r.sim.ledger.snapshot();
    expect(totals.costUsd).toBeGreaterThan(0);
    expect(totals.costUsd).toBeLessThanOrEqual(0.05 + 1e-9);
  });

  it("a batch over the bound is a JSON-RPC error, and nothing is called", async () => {
    const r = rig();
    const res = await post(
      r,
      Array.from({ length: DEFAULT_MCP_MAX_BATCH + 1 }, (_, i) => searchCall(i)),
    );
    expect(res.status).toBe(400);
    const body = await json<{ jsonrpc: string; error: { code: number; message: string } }>(res);
    expect(body.jsonrpc).toBe("2.0");
    expect(body.error.code).toBe(-32600);
    expect(body.error.message).toContain(`at most ${DEFAULT_MCP_MAX_BATCH}`);
    expect(r.upstreamCalls()).toBe(0);
  });

  it("each tool call takes a token of the client's rate limit; a batch that does not fit runs none", async () => {
    const fake = createFakeClock();
    const r = rig({ clock: fake.clock, app: { rateLimit: { perSecond: 1, burst: 5 } } });
    const tooMany = await post(
      r,
      Array.from({ length: 6 }, (_, i) => searchCall(i)),
    );
    expect(tooMany.status).toBe(429);
    const problem = await json<{ type: string; detail: string }>(tooMany);
    expect(problem.type).toBe(PROBLEM_TYPES.rateLimited);
    expect(problem.detail).toMatch(/6 tool calls.*burst of 5/);
    expect(r.upstreamCalls()).toBe(0);

    await fake.advance(10_000);
    const five = await post(
      r,
      Array.from({ length: 5 }, (_, i) => searchCall(i)),
    );
    expect(five.status).toBe(200);
    expect((await five.json()) as RpcAnswer[]).toHaveLength(5);
    const calls = r.upstreamCalls();
    expect(calls).toBeGreaterThanOrEqual(5);
    // The burst is spent by the five tool calls: one more, even alone, waits.
    const next = await post(r, searchCall(9));
    expect(next.status).toBe(429);
    expect(next.headers.get("retry-after")).toBe("1");
    expect(r.upstreamCalls()).toBe(calls);
  });

  it("a body that is not JSON is a JSON-RPC parse error", async () => {
    const r = rig();
    const res = await r.app.request("/mcp", {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/json, text/event-stream" },
      body: "{not json",
    });
    expect(res.status).toBe(400);
    expect((await json<{ error: { code: number } }>(res)).error.code).toBe(-32700);
  });
});

describe("MCP sessions (as over stdio)", () => {
  it("concurrent tool calls on one session are held to the daily cap", async () => {
    const r = rig({ runtime: { maxCostPerDayUsd: 0.05 } });
    const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
    const server = createMcpServer(r.runtime);
    await server.connect(serverSide);
    const client = new Client({ name: "cap-test", version: "1.0.0" });
    await client.connect(clientSide);
    const results = (await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        client.callTool({ name: "search_notes", arguments: { q: `${GUIDE.keywords[i % 3]} ${i}`, limit: 40 } }),
      ),
    )) as { isError?: boolean; content: { text: string }[] }[];
    await client.close();
    expect(results.some((x) => x.isError && /spending-cap/.test(x.content[0]!.text))).toBe(true);
    const { totals } = r.sim.ledger.snapshot();
    expect(totals.costUsd).toBeGreaterThan(0);
    expect(totals.costUsd).toBeLessThanOrEqual(0.05 + 1e-9);
  });
});
