/**
 * MCP over streamable HTTP, mounted at `/mcp` on the server's hono app. Stateless: each POST gets a
 * fresh MCP server and transport (JSON answers, no session), so nothing is kept between requests and
 * any number of clients can call at once. The app's middleware has already checked the token, the
 * Origin header, the body size and the client's rate limit for the request; here a JSON-RPC batch is
 * bounded (`maxBatch` messages) and each tool call in it is admitted like a request of its own (the
 * per-client rate limit), before anything runs. The daily cap is reserved per upstream call anyway.
 */
import { WebStandardStreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js";
import type { ServerRuntime } from "../service/runtime.js";
import { createMcpServer } from "./tools.js";

/** JSON-RPC messages one POST may carry at most (a batch); each tool call in it counts as a request. */
export const DEFAULT_MCP_MAX_BATCH = 10;

export interface McpHttpOptions {
  /** Largest JSON-RPC body accepted, in bytes (default 1 MiB). */
  maxBodyBytes?: number;
  /** Most messages in one JSON-RPC batch (default 10); a larger batch is refused before any call. */
  maxBatch?: number;
}

/**
 * Called with the number of tool calls a POST carries, before any runs; throws (a ServerProblem, e.g.
 * 429) to refuse them all. The request itself was already admitted once by the app's middleware.
 */
export type AdmitToolCalls = (toolCalls: number) => void;

function jsonRpcError(status: number, code: number, message: string): Response {
  return new Response(JSON.stringify({ jsonrpc: "2.0", error: { code, message }, id: null }), {
    status,
    headers: { "content-type": "application/json" },
  });
}

function isToolCall(message: unknown): boolean {
  return typeof message === "object" && message !== null && (message as { method?: unknown }).method === "tools/call";
}

export function createMcpHttpHandler(
  runtime: ServerRuntime,
  options: McpHttpOptions = {},
): (request: Request, admit?: AdmitToolCalls) => Promise<Response> {
  const maxBatch = options.maxBatch ?? DEFAULT_MCP_MAX_BATCH;
  return async (request, admit) => {
    if (request.method !== "POST") {
      // Stateless server: no standalone SSE stream (GET) and no session to delete (DELETE).
      const response = jsonRpcError(
        405,
        -32000,
        "Method not allowed: this MCP endpoint is stateless; send JSON-RPC with POST.",
      );
      response.headers.set("allow", "POST");
      return response;
    }
    // Read and count the messages before the SDK runs any (the body size is already bounded).
    let body: unknown;
    try {
      body = JSON.parse(await request.text());
    } catch {
      return jsonRpcError(400, -32700, "Parse error: the body is not valid JSON.");
    }
    const messages = Array.isArray(body) ? body : [body];
    if (messages.length > maxBatch) {
      return jsonRpcError(
        400,
        -32600,
        `Invalid Request: a batch holds at most ${maxBatch} messages, this one has ${messages.length}. ` +
          "Send the rest in further requests (each tool call counts for the rate limit and the spending cap).",
      );
    }
    const toolCalls = messages.filter(isToolCall).length;
    if (toolCalls > 0) admit?.(toolCalls);
    const server = createMcpServer(runtime);
    const transport = new WebStandardStreamableHTTPServerTransport({
      sessionIdGenerator: undefined,
      enableJsonResponse: true,
      maxRequestBodySize: options.maxBodyBytes ?? 1024 * 1024,
    });
    await server.connect(transport);
    try {
      return await transport.handleRequest(request, { parsedBody: body });
    } finally {
      // With JSON answers the response is complete here; closing frees the per-request server.
      void transport.close();
      void server.close();
    }
  };
}
