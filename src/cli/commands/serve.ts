// `xhs serve`: the HTTP API (and MCP at /mcp) over one client, until Ctrl-C.
import { type Command, InvalidArgumentError, Option } from "@commander-js/extra-typings";
import { UnsafeBindError } from "../../server/security.js";
import { DEFAULT_HOST, DEFAULT_PORT, startServer } from "../../server/start.js";
import { contextOf } from "../context.js";
import { UsageError } from "../errors.js";
import { createCliLogger } from "../logger.js";
import { addClientOptions, clientFromOptions, parseNonNegativeNumber } from "../options.js";

export function parsePort(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || n > 65_535) {
    throw new InvalidArgumentError(`expected a port number 0..65535 (0 = any free port), got "${value}".`);
  }
  return n;
}

function collect(value: string, previous: string[] | undefined): string[] {
  return [
    ...(previous ?? []),
    ...value
      .split(",")
      .map((v) => v.trim())
      .filter((v) => v !== ""),
  ];
}

/** The daily cap replaces the lifetime --max-cost of other commands (a server runs for days). */
export function describeDailyCap(options: readonly { long?: string | undefined; description: string }[]): void {
  const option = options.find((o) => o.long === "--max-cost");
  if (option) option.description = "daily spending cap in USD (per UTC day); beyond it only cached answers are served";
}

/** What `xhs serve`'s own options add to `cmd.opts()` (declared: see ClientOptionValues in options.ts). */
type ServeOptionValues = {
  host: string;
  port: number;
  cacheMb?: number | undefined;
  rateLimit?: number | undefined;
  allowOrigin?: string[] | undefined;
  allowHost?: string[] | undefined;
  mcp: boolean;
};

export function register(program: Command): void {
  // Options are added one statement at a time on a declared type: an inferred commander chain costs
  // tsc minutes under `declaration: true` (see docs/decisions.md).
  const cmd = program
    .command("serve")
    .description(
      "Serve the normalized client over HTTP (JSON, OpenAPI at /openapi.json, Prometheus /metrics) and MCP at /mcp.",
    ) as unknown as Command<[], ServeOptionValues>;
  cmd.option("--host <host>", "interface to listen on; a non-loopback one needs XHS_SERVER_TOKEN", DEFAULT_HOST);
  cmd.option("--port <port>", "port; 0 = any free port", parsePort, DEFAULT_PORT);
  cmd.addOption(
    new Option("--cache-mb <mb>", "cache bound in MiB (default 64; 0 = no cache, single flight still on)").argParser(
      parseNonNegativeNumber,
    ),
  );
  cmd.addOption(
    new Option("--rate-limit <rps>", "per-client requests per second (default 20, burst 2×; 0 = off)").argParser(
      parseNonNegativeNumber,
    ),
  );
  cmd.addOption(
    new Option(
      "--allow-origin <origin>",
      "browser origin allowed to call and read answers (CORS) besides localhost pages (repeatable; * = any)",
    ).argParser(collect),
  );
  cmd.addOption(
    new Option(
      "--allow-host <host>",
      "Host header allowed besides localhost when no token is set (repeatable)",
    ).argParser(collect),
  );
  cmd.option("--no-mcp", "do not mount MCP at /mcp");
  const full = addClientOptions(cmd);
  describeDailyCap(full.options);
  full
    .addHelpText(
      "after",
      `
Binds 127.0.0.1 by default. Any other --host is refused unless XHS_SERVER_TOKEN is set; clients then send
"Authorization: Bearer $XHS_SERVER_TOKEN". The TikHub key (TIKHUB_API_KEY) never leaves the server.

Examples:
  xhs serve --port 8787 --max-cost 5
  XHS_SERVER_TOKEN=$(openssl rand -hex 24) xhs serve --host 0.0.0.0 --max-cost 20
  curl -s 'http://127.0.0.1:8787/v1/search/notes?q=露营&sort=latest&limit=5'`,
    )
    .action(async (opts, command) => {
      const ctx = contextOf(command);
      const token = ctx.env["XHS_SERVER_TOKEN"]?.trim() || undefined;
      const { maxCost, ...clientFlags } = opts;
      const client = await clientFromOptions(clientFlags, ctx);
      const logger = createCliLogger(ctx.stderr, { redact: ctx.redact, level: opts.verbose ? "debug" : "info" });
      let server: Awaited<ReturnType<typeof startServer>>;
      try {
        server = await startServer({
          client,
          host: opts.host,
          port: opts.port,
          token,
          secrets: [ctx.env["TIKHUB_API_KEY"], token],
          logger,
          mcp: opts.mcp,
          ...(maxCost !== undefined ? { maxCostPerDayUsd: maxCost } : {}),
          ...(opts.cacheMb !== undefined ? { cache: { maxBytes: Math.round(opts.cacheMb * 1024 * 1024) } } : {}),
          ...(opts.rateLimit !== undefined
            ? { rateLimit: opts.rateLimit === 0 ? false : { perSecond: opts.rateLimit } }
            : {}),
          ...(opts.allowOrigin ? { allowedOrigins: opts.allowOrigin } : {}),
          ...(opts.allowHost ? { allowedHosts: opts.allowHost } : {}),
        });
      } catch (error) {
        if (error instanceof UnsafeBindError) throw new UsageError(error.message);
        const reason = error instanceof Error ? error.message : String(error);
        throw new UsageError(`cannot listen on ${opts.host}:${opts.port}: ${reason}`);
      }
      ctx.stdout.write(`${server.url}\n`);
      ctx.stderr.write(
        `xhs-kit HTTP API on ${server.url} (OpenAPI: ${server.url}/openapi.json, metrics: ${server.url}/metrics` +
          `${opts.mcp ? `, MCP: ${server.url}/mcp` : ""}; ${token ? "Bearer token required" : "loopback only, no token"}` +
          `${maxCost !== undefined ? `; cap $${maxCost}/day` : ""}). Ctrl-C to stop.\n`,
      );
      await new Promise<void>((resolve) => {
        if (ctx.signal.aborted) return resolve();
        ctx.signal.addEventListener("abort", () => resolve(), { once: true });
      });
      await server.close();
      ctx.stderr.write("xhs-kit server stopped.\n");
    });
}
