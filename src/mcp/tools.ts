/**
 * The MCP server: one read-only tool per capability of the registry, run through the same executor as
 * the HTTP API (validation, cache, single flight, spending cap). Answers are trimmed for a model's
 * context and say what was left out; lists carry a cursor to continue. Failures come back as tool
 * errors (`isError: true`) whose text says what went wrong and what to do, never as crashes.
 */
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import type { ListAnswer } from "../service/executor.js";
import { CAPABILITY_REGISTRY, type CapabilityDef } from "../service/operations.js";
import { problemFor } from "../service/problem.js";
import type { ServerRuntime } from "../service/runtime.js";
import { trimNotice, trimRecord } from "./trim.js";

const INSTRUCTIONS =
  "Read-only Xiaohongshu (RedNote) data: notes, comments and replies, users, their notes and public favourites, topics, " +
  "keyword search and share-link resolution. Each call may cost paid upstream requests, so ask for what you need " +
  "(keep `limit` small and continue with `cursor` only when more is useful). Ids and xsec_tokens in answers can be " +
  "passed to other tools as `ref` (a note's `url` keeps its token). Answers are trimmed; each says which fields were left out.";

function toolDescription(cap: CapabilityDef): string {
  const listHint =
    cap.kind === "list"
      ? " Returns {items, cursor, hasMore, degraded}: when hasMore is true, call again with the same arguments and `cursor` to get the next items."
      : "";
  return `${cap.description}${listHint}`;
}

/** The tool's answer text: the trimmed record or page, as compact JSON. */
export function toolAnswer(cap: CapabilityDef, body: string): CallToolResult {
  const value = JSON.parse(body) as unknown;
  let out: Record<string, unknown>;
  if (cap.kind === "list") {
    const page = value as ListAnswer;
    out = {
      items: page.items.map((item) => trimRecord(cap.record, item, true)),
      count: page.items.length,
      cursor: page.cursor,
      hasMore: page.hasMore,
      ...(page.degraded ? { degraded: true, degradedReasons: page.degradedReasons } : { degraded: false }),
      ...trimNotice(cap.record, true),
    };
  } else {
    out = { [cap.record]: trimRecord(cap.record, value, false), ...trimNotice(cap.record, false) };
  }
  return { content: [{ type: "text", text: JSON.stringify(out) }] };
}

export function toolError(error: unknown, redact: (text: string) => string): CallToolResult {
  const p = problemFor(error);
  const retry = p.retryAfterSec !== undefined ? ` Retry after ${Math.ceil(p.retryAfterSec)} s.` : "";
  const fields = p.errors?.length ? ` Fields: ${p.errors.map((e) => `${e.field}: ${e.message}`).join("; ")}.` : "";
  return {
    isError: true,
    content: [
      {
        type: "text",
        text: redact(`${p.title} (${p.type}, HTTP-equivalent ${p.status}): ${p.detail}${retry}${fields}`),
      },
    ],
  };
}

type RegisterTool = (
  name: string,
  config: { title: string; description: string; inputSchema: unknown; annotations: Record<string, unknown> },
  callback: (args: unknown) => Promise<CallToolResult>,
) => unknown;

/** A new MCP server over `runtime` (one per stdio session, or one per stateless HTTP request). */
export function createMcpServer(runtime: ServerRuntime): McpServer {
  const server = new McpServer({ name: "xhs-kit", version: runtime.version }, { instructions: INSTRUCTIONS });
  for (const cap of CAPABILITY_REGISTRY) {
    // Registered through a plain signature: the SDK's generic zod-compat inference adds nothing here
    // (inputs are validated by the executor) and costs the type checker a great deal.
    (server.registerTool as unknown as RegisterTool).call(
      server,
      cap.tool,
      {
        title: cap.title,
        description: toolDescription(cap),
        inputSchema: cap.input,
        annotations: {
          title: cap.title,
          readOnlyHint: true,
          destructiveHint: false,
          idempotentHint: true,
          openWorldHint: true,
        },
      },
      async (args: unknown): Promise<CallToolResult> => {
        try {
          const answer = await runtime.executor.execute(cap, args);
          runtime.metrics.recordToolCall(cap.tool, true);
          return toolAnswer(cap, answer.body);
        } catch (error) {
          runtime.metrics.recordToolCall(cap.tool, false);
          return toolError(error, runtime.redact);
        }
      },
    );
  }
  return server;
}
