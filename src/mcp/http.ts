/**
 * MCP over streamable HTTP, mounted at `/mcp` on the server's hono app. Stateless: each POST gets a
 * fresh MCP server and transport (JSON answers, no session), so nothing is kept between requests and
 * any number of clients can call at once. The app's middleware has already checked the token, the
 * Origin header, the body size and the client's rate limit.
 */
import { WebStandardStreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js";
import type { ServerRuntime } from "../server/runtime.js";
import { createMcpServer } from "./tools.js";

export interface McpHttpOptions {
  /** Largest JSON-RPC body accepted, in bytes (default 1 MiB). */
  maxBodyBytes?: number;
}

export function createMcpHttpHandler(
  runtime: ServerRuntime,
  options: McpHttpOptions = {},
): (request: Request) => Promise<Response> {
  return async (request) => {
    if (request.method !== "POST") {
      // Stateless server: no standalone SSE stream (GET) and no session to delete (DELETE).
      return new Response(
        JSON.stringify({
          jsonrpc: "2.0",
          error: {
            code: -32000,
            message: "Method not allowed: this MCP endpoint is stateless; send JSON-RPC with POST.",
          },
          id: null,
        }),
        { status: 405, headers: { "content-type": "application/json", allow: "POST" } },
      );
    }
    const server = createMcpServer(runtime);
    const transport = new WebStandardStreamableHTTPServerTransport({
      sessionIdGenerator: undefined,
      enableJsonResponse: true,
      maxRequestBodySize: options.maxBodyBytes ?? 1024 * 1024,
    });
    await server.connect(transport);
    try {
      return await transport.handleRequest(request);
    } finally {
      // With JSON answers the response is complete here; closing frees the per-request server.
      void transport.close();
      void server.close();
    }
  };
}
