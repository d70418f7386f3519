/**
 * `xhs mcp` as a real child process, driven by the official SDK client over stdio, against a
 * simulator on a socket. stdout must carry protocol frames only.
 */
import { resolve } from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CAPABILITY_REGISTRY } from "../../src/service/operations.js";
import { type RunningSimulator, startSimulator } from "../../src/simulator/index.js";
import { callEveryTool, checkToolErrors } from "./tool-calls.js";

const repoRoot = resolve(import.meta.dirname, "../..");
const API_KEY = "sk-test-mcp-stdio-0123456789abcdef";

describe("xhs mcp over stdio", () => {
  let sim: RunningSimulator;
  let client: Client;
  let transport: StdioClientTransport;
  const transportErrors: Error[] = [];
  let stderr = "";

  beforeAll(async () => {
    sim = await startSimulator({ port: 0, seed: 7, rateLimit: 0 });
    transport = new StdioClientTransport({
      command: process.execPath,
      args: ["--import", "tsx", "src/cli/main-entry.ts", "mcp", "--qps", "0", "--max-cost", "5"],
      cwd: repoRoot,
      env: { PATH: process.env["PATH"] ?? "", TIKHUB_API_KEY: API_KEY, TIKHUB_BASE_URL: sim.url },
      stderr: "pipe",
    });
    transport.stderr?.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    // A line on stdout that is not a JSON-RPC frame surfaces here.
    transport.onerror = (error) => transportErrors.push(error);
    client = new Client({ name: "stdio-test", version: "1.0.0" });
    await client.connect(transport);
  }, 120_000);

  afterAll(async () => {
    await client?.close();
    await sim?.close();
  });

  it("lists a tool per capability and calls each one against the simulator", async () => {
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual(CAPABILITY_REGISTRY.map((c) => c.tool).sort());
    const before = sim.ledger.snapshot().totals.billableCalls;
    await callEveryTool(client, sim.world);
    expect(sim.ledger.snapshot().totals.billableCalls).toBeGreaterThan(before);
    await checkToolErrors(client);
  }, 120_000);

  it("writes nothing but protocol frames on stdout, and never the key anywhere", () => {
    expect(transportErrors).toEqual([]);
    expect(stderr).toContain("MCP server on stdio");
    expect(stderr).not.toContain(API_KEY);
  });
});
