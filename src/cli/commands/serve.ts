// `xhs serve`: the HTTP API (and MCP at /mcp) over one client, and with --db the web dashboard at /, until Ctrl-C.
import { randomBytes } from "node:crypto";
import { resolve } from "node:path";
import { type Command, InvalidArgumentError, Option } from "@commander-js/extra-typings";
import { createDashboard, type Dashboard } from "../../dashboard/index.js";
import { UnsafeBindError } from "../../server/security.js";
import { DEFAULT_HOST, DEFAULT_PORT, startServer } from "../../server/start.js";
import type { SqlStore } from "../../store/sql/sql-store.js";
import { contextOf } from "../context.js";
import { UsageError } from "../errors.js";
import { createCliLogger } from "../logger.js";
import { addClientOptions, clientFromOptions, parseNonNegativeNumber } from "../options.js";
import { openCliStore } from "../store-option.js";

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
  db?: string | undefined;
  mediaDir?: string | undefined;
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
  cmd.option("--media-dir <dir>", "folder `xhs media` downloaded into: the dashboard shows the stored images");
  cmd.option(
    "--db <path>",
    "database the web dashboard at / shows (SQLite file or postgres://…; default XHS_DATABASE_URL; none: no dashboard)",
  );
  const full = addClientOptions(cmd);
  describeDailyCap(full.options);
  full
    .addHelpText(
      "after",
      `
Binds 127.0.0.1 by default. Any other --host is refused unless XHS_SERVER_TOKEN is set; clients then send
"Authorization: Bearer $XHS_SERVER_TOKEN". The TikHub key (TIKHUB_API_KEY) never leaves the server.

With --db (or XHS_DATABASE_URL) the web dashboard is at / : runs with live progress, notes, users, watches,
downloads. Its actions (start, pause, resume a run) need a token even on loopback: XHS_SERVER_TOKEN, or one
made at start and printed here (log in once on the page).

Examples:
  xhs serve --db xhs-demo.db                    # then open http://127.0.0.1:8787/
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
      const target = opts.db ?? (ctx.env["XHS_DATABASE_URL"]?.trim() || undefined);
      // Opened before listening: a bad --db is exit 2 with nothing served.
      const store: SqlStore | null = target ? await openCliStore(ctx, target, { secrets: [...ctx.secrets] }) : null;
      // Dashboard actions need a secret even on loopback: the server token, else one made now and printed.
      const writeToken = token ?? randomBytes(24).toString("hex");
      const dashboard: Dashboard | null = store
        ? createDashboard({
            store,
            client,
            redact: (text) => ctx.redactData(text),
            ...(opts.mediaDir ? { mediaDir: resolve(ctx.cwd, opts.mediaDir) } : {}),
            onError: (error) => logger.error("dashboard error", { error: ctx.redact(String(error)) }),
          })
        : null;
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
          ...(dashboard ? { dashboard: { app: dashboard.app, writeToken } } : {}),
        });
      } catch (error) {
        await store?.close();
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
      if (dashboard && target) {
        ctx.stderr.write(
          `Dashboard of ${store?.target ?? target}: ${server.url}/` +
            (token
              ? " (log in with XHS_SERVER_TOKEN)\n"
              : `\nIts actions (start, pause, resume) need this token, typed once on the page: ${writeToken}\n`),
        );
      }
      await new Promise<void>((resolve) => {
        if (ctx.signal.aborted) return resolve();
        ctx.signal.addEventListener("abort", () => resolve(), { once: true });
      });
      await dashboard?.close();
      await server.close();
      await store?.close();
      ctx.stderr.write("xhs-kit server stopped.\n");
    });
}
