/**
 * MCP over stdio (`xhs mcp`): protocol frames on stdout and nothing else; logs go to stderr.
 */

import type { Readable, Writable } from "node:stream";
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import type { ServerRuntime } from "../service/runtime.js";
import { createMcpServer } from "./tools.js";

export interface StdioSession {
  /** Resolves when the client closes the connection (stdin ends). */
  closed: Promise<void>;
  close(): Promise<void>;
}

export async function serveMcpOverStdio(
  runtime: ServerRuntime,
  streams: { stdin?: Readable; stdout?: Writable } = {},
): Promise<StdioSession> {
  const server = createMcpServer(runtime);
  const transport = new StdioServerTransport(streams.stdin, streams.stdout);
  let resolveClosed: () => void = () => {};
  const closed = new Promise<void>((resolve) => {
    resolveClosed = resolve;
  });
  transport.onclose = () => resolveClosed();
  await server.connect(transport);
  // StdioServerTransport does not notice stdin ending on its own.
  (streams.stdin ?? process.stdin).once("end", () => {
    void server.close().finally(resolveClosed);
  });
  return {
    closed,
    close: async () => {
      await server.close();
      resolveClosed();
    },
  };
}
