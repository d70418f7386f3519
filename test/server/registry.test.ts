/**
 * One registry, three surfaces: fails when the CLI, the HTTP API or MCP misses a capability.
 */
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { InMemoryTransport } from "@modelcontextprotocol/sdk/inMemory.js";
import type { Command } from "commander";
import { describe, expect, it } from "vitest";
import { createContext } from "../../src/cli/context.js";
import { buildProgram } from "../../src/cli/main.js";
import { createMcpServer } from "../../src/mcp/tools.js";
import { CAPABILITY_REGISTRY, pathParams } from "../../src/service/operations.js";
import { PROBLEM_TYPES } from "../../src/service/problem.js";
import { rig } from "./helpers.js";

const sink = { write: () => true };

function findCommand(root: Command, words: string[]): Command | undefined {
  let node: Command | undefined = root;
  for (const word of words) node = node?.commands.find((c) => c.name() === word);
  return node;
}

describe("capability registry", () => {
  it("has unique names, tools and routes, and every input field is described for agents", () => {
    expect(new Set(CAPABILITY_REGISTRY.map((c) => c.name)).size).toBe(CAPABILITY_REGISTRY.length);
    expect(new Set(CAPABILITY_REGISTRY.map((c) => c.tool)).size).toBe(CAPABILITY_REGISTRY.length);
    expect(new Set(CAPABILITY_REGISTRY.map((c) => c.http.path)).size).toBe(CAPABILITY_REGISTRY.length);
    for (const cap of CAPABILITY_REGISTRY) {
      for (const [field, schema] of Object.entries(cap.input.shape)) {
        expect((schema as { description?: string }).description, `${cap.name}.${field}`).toBeTruthy();
      }
      for (const param of pathParams(cap)) expect(Object.keys(cap.input.shape)).toContain(param);
    }
  });

  it("the CLI has a command (and flag) for every capability", () => {
    const program = buildProgram(createContext({ stdout: sink, stderr: sink, env: {} }, new AbortController().signal));
    for (const cap of CAPABILITY_REGISTRY) {
      const cmd = findCommand(program as unknown as Command, cap.cli.command);
      expect(cmd, `xhs ${cap.cli.command.join(" ")} (${cap.name})`).toBeDefined();
      if (cap.cli.flag)
        expect(
          cmd!.options.map((o) => o.long),
          `${cap.name}: ${cap.cli.flag}`,
        ).toContain(cap.cli.flag);
    }
  });

  it("the HTTP API routes every capability", async () => {
    const r = rig();
    for (const cap of CAPABILITY_REGISTRY) {
      // Invalid values on purpose: the route must exist (400 from its schema, not 404 unknown-route), nothing is paid.
      let path = cap.http.path;
      for (const param of pathParams(cap)) path = path.replace(`:${param}`, "%21%21");
      const res = await r.get(path);
      const body = (await res.json()) as { type: string };
      expect(body.type, `${cap.name}: GET ${path}`).toBe(PROBLEM_TYPES.invalidInput);
    }
    expect(r.upstreamCalls()).toBe(0);
  });

  it("MCP lists a read-only tool for every capability, with described inputs", async () => {
    const r = rig();
    const server = createMcpServer(r.runtime);
    const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
    await server.connect(serverSide);
    const client = new Client({ name: "registry-test", version: "1.0.0" });
    await client.connect(clientSide);
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual(CAPABILITY_REGISTRY.map((c) => c.tool).sort());
    for (const cap of CAPABILITY_REGISTRY) {
      const tool = tools.find((t) => t.name === cap.tool)!;
      expect(tool.annotations?.readOnlyHint).toBe(true);
      const props = tool.inputSchema.properties as Record<string, { description?: string }>;
      expect(Object.keys(props).sort()).toEqual(Object.keys(cap.input.shape).sort());
      for (const [name, prop] of Object.entries(props)) expect(prop.description, `${cap.tool}.${name}`).toBeTruthy();
    }
    await client.close();
  });
});
