// `xhs mcp`: the MCP server over stdio (for desktop agents), until the client disconnects or Ctrl-C.
import type { Command } from "@commander-js/extra-typings";
import { serveMcpOverStdio } from "../../mcp/stdio.js";
import { createServerRuntime } from "../../service/runtime.js";
import { contextOf } from "../context.js";
import { addClientOptions, clientFromOptions } from "../options.js";
import { describeDailyCap } from "./serve.js";

export function register(program: Command): void {
  const cmd = addClientOptions(
    program
      .command("mcp")
      .description(
        "Run the MCP server over stdio: read-only tools for every capability (for Claude Desktop and other agents).",
      ),
  );
  describeDailyCap(cmd.options);
  cmd
    .addHelpText(
      "after",
      `
stdout carries MCP protocol frames only; logs go to stderr. For MCP over HTTP, run \`xhs serve\` (mounted at /mcp).

Claude Desktop (claude_desktop_config.json):
  { "mcpServers": { "xhs": { "command": "xhs", "args": ["mcp", "--max-cost", "2"],
                              "env": { "TIKHUB_API_KEY": "your-key" } } } }`,
    )
    .action(async (opts, command) => {
      const ctx = contextOf(command);
      const { maxCost, ...clientFlags } = opts;
      const client = await clientFromOptions(clientFlags, ctx);
      const runtime = createServerRuntime({
        client,
        secrets: [ctx.env["TIKHUB_API_KEY"]],
        ...(maxCost !== undefined ? { maxCostPerDayUsd: maxCost } : {}),
      });
      const session = await serveMcpOverStdio(runtime);
      ctx.stderr.write("xhs-kit MCP server on stdio. Waiting for a client.\n");
      await Promise.race([
        session.closed,
        new Promise<void>((resolve) => {
          if (ctx.signal.aborted) return resolve();
          ctx.signal.addEventListener("abort", () => resolve(), { once: true });
        }),
      ]);
      await session.close();
      runtime.close();
    });
}
