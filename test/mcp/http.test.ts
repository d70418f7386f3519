/**
 * MCP over streamable HTTP at /mcp on the running server, driven by the official SDK client.
 */
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createClient } from "../../src/client/create-client.js";
import { type RunningServer, startServer } from "../../src/server/start.js";
import { CAPABILITY_REGISTRY } from "../../src/service/operations.js";
import { type RunningSimulator, startSimulator } from "../../src/simulator/index.js";
import { callEveryTool, checkToolErrors } from "./tool-calls.js";

const API_KEY = "sk-test-mcp-http-0123456789abcdef";
const TOKEN = "mcp-http-test-token-0123456789";

describe("MCP over streamable HTTP at /mcp", () => {
  let sim: RunningSimulator;
  let server: RunningServer;

  beforeAll(async () => {
    sim = await startSimulator({ port: 0, seed: 7, rateLimit: 0 });
    const client = createClient({ apiKey: API_KEY, baseUrl: sim.url, qps: 0, maxRetries: 0 });
    server = await startServer({ client, port: 0, token: TOKEN, secrets: [API_KEY], rateLimit: false });
  }, 60_000);

  afterAll(async () => {
    await server?.close();
    await sim?.close();
  });

  function connect(token = TOKEN): { client: Client; transport: StreamableHTTPClientTransport } {
    const transport = new StreamableHTTPClientTransport(new URL(`${server.url}/mcp`), {
      requestInit: { headers: { authorization: `Bearer ${token}` } },
    });
    return { client: new Client({ name: "http-test", version: "1.0.0" }), transport };
  }

  it("lists a tool per capability and calls each one against the simulator", async () => {
    const { client, transport } = connect();
    await client.connect(transport);
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual(CAPABILITY_REGISTRY.map((c) => c.tool).sort());
    await callEveryTool(client, sim.world);
    await checkToolErrors(client);
    await client.close();
    const metrics = await (
      await fetch(`${server.url}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } })
    ).text();
    expect(metrics).toMatch(/^xhs_mcp_tool_calls_total\{tool="get_note",outcome="ok"\} 1$/m);
    expect(metrics).not.toContain(API_KEY);
  }, 120_000);

  it("shares the HTTP API's cache: a tool call after a GET of the same resource is a hit", async () => {
    const headers = { authorization: `Bearer ${TOKEN}` };
    const res = await fetch(`${server.url}/v1/topics/5c1cc866febed9000184b7c1/notes?limit=5`, { headers });
    expect(res.status).toBe(200);
    const calls = sim.ledger.snapshot().totals.calls;
    const { client, transport } = connect();
    await client.connect(transport);
    const result = (await client.callTool({
      name: "list_topic_notes",
      arguments: { id: "5c1cc866febed9000184b7c1", limit: 5 },
    })) as { isError?: boolean };
    expect(result.isError).not.toBe(true);
    expect(sim.ledger.snapshot().totals.calls).toBe(calls);
    await client.close();
  }, 60_000);

  it("checks the token and the Origin header", async () => {
    const { client, transport } = connect("wrong-token");
    await expect(client.connect(transport)).rejects.toThrow(/401|Unauthorized/);
    const init = {
      jsonrpc: "2.0",
      id: 1,
      method: "initialize",
      params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "x", version: "1" } },
    };
    const evil = await fetch(`${server.url}/mcp`, {
      method: "POST",
      headers: {
        authorization: `Bearer ${TOKEN}`,
        origin: "https://evil.example",
        "content-type": "application/json",
        accept: "application/json, text/event-stream",
      },
      body: JSON.stringify(init),
    });
    expect(evil.status).toBe(403);
    const local = await fetch(`${server.url}/mcp`, {
      method: "POST",
      headers: {
        authorization: `Bearer ${TOKEN}`,
        origin: "http://localhost:6274",
        "content-type": "application/json",
        accept: "application/json, text/event-stream",
      },
      body: JSON.stringify(init),
    });
    expect(local.status).toBe(200);
    const big = await fetch(`${server.url}/mcp`, {
      method: "POST",
      headers: {
        authorization: `Bearer ${TOKEN}`,
        "content-type": "application/json",
        accept: "application/json, text/event-stream",
      },
      body: JSON.stringify({ ...init, pad: "x".repeat(2 * 1024 * 1024) }),
    });
    expect(big.status).toBe(413);
  }, 60_000);
});
