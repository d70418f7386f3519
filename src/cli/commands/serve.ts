// `xhs serve`: the HTTP API (and MCP at /mcp) over one client, and with --db the web dashboard at /, until Ctrl-C.
import { randomBytes } from "node:crypto";
import { resolve } from "node:path";
import { type Command, InvalidArgumentError, Option } from "@commander-js/extra-typings";
import { transportOf } from "../../client/create-client.js";
import type { XhsClient } from "../../client/types.js";
import { BudgetExceededError } from "../../core/errors.js";
import { createDashboard, type Dashboard } from "../../dashboard/index.js";
import { UnsafeBindError } from "../../server/security.js";
import { DEFAULT_HOST, DEFAULT_PORT, startServer } from "../../server/start.js";
import { PROBLEM_TYPES, problem } from "../../service/problem.js";
import type { SqlStore } from "../../store/sql/sql-store.js";
import { contextOf } from "../context.js";
import { MissingApiKeyError, UsageError } from "../errors.js";
import { createCliLogger } from "../logger.js";
import { addClientOptions, clientFromOptions, NO_KEY_PLACEHOLDER, parseNonNegativeNumber } from "../options.js";
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

/** What start, pause and resume answer (409) on a server started without a key. */
export const NO_KEY_READ_ONLY =
  "no key: read-only. This server was started without TIKHUB_API_KEY, so it shows the database but starts, pauses " +
  "and resumes nothing; set TIKHUB_API_KEY and restart `xhs serve` to crawl.";

/**
 * `xhs serve --db` without a key (e.g. after the no-key `xhs demo`): the dashboard reads the database; the client
 * exists only because the server is built over one, and a gate refuses every upstream call before it is made
 * (the HTTP API and MCP answer 503 upstream-credentials, nothing leaves for TikHub with a placeholder key).
 */
function readOnlyClient(client: XhsClient): XhsClient {
  const refusal = problem(
    PROBLEM_TYPES.upstreamCredentials,
    503,
    "No TikHub key: read-only",
    "This server was started without TIKHUB_API_KEY: it serves its database's dashboard only. Set TIKHUB_API_KEY and restart to call TikHub.",
  );
  const ledger = transportOf(client)?.ledger;
  if (!ledger) throw new Error("read-only serve: the client has no ledger to gate");
  ledger.addGate({
    reserve: (endpoint, _price, series) => {
      throw new BudgetExceededError(refusal.body.detail, { endpoint, ...(series ? { series } : {}), cause: refusal });
    },
  });
  return client;
}

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
  xhs serve --db xhs-demo.db                    # then open http://127.0.0.1:8787/ (no key: read-only)
  xhs serve --port 8787 --max-cost 5
  XHS_SERVER_TOKEN=$(openssl rand -hex 24) xhs serve --host 0.0.0.0 --max-cost 20
  curl -s 'http://127.0.0.1:8787/v1/search/notes?q=露营&sort=latest&limit=5'`,
    )
    .action(async (opts, command) => {
      const ctx = contextOf(command);
      const token = ctx.env["XHS_SERVER_TOKEN"]?.trim() || undefined;
      const { maxCost, ...clientFlags } = opts;
      const target = opts.db ?? (ctx.env["XHS_DATABASE_URL"]?.trim() || undefined);
      // No key but a database: serve its dashboard read-only (without a database there is nothing to serve: exit 3).
      let readOnly = false;
      let client: XhsClient;
      try {
        client = await clientFromOptions(clientFlags, ctx);
      } catch (error) {
        if (!(error instanceof MissingApiKeyError) || !target) throw error;
        readOnly = true;
        const placeholder = { ...ctx, env: { ...ctx.env, TIKHUB_API_KEY: NO_KEY_PLACEHOLDER } };
        client = readOnlyClient(await clientFromOptions(clientFlags, placeholder));
      }
      const logger = createCliLogger(ctx.stderr, { redact: ctx.redact, level: opts.verbose ? "debug" : "info" });
      // Opened before listening: a bad --db is exit 2 with nothing served.
      const store: SqlStore | null = target ? await openCliStore(ctx, target, { secrets: [...ctx.secrets] }) : null;
      // Dashboard actions need a secret even on loopback: the server token, else one made now and printed.
      const writeToken = token ?? randomBytes(24).toString("hex");
      const dashboard: Dashboard | null = store
        ? createDashboard({
            store,
            ...(readOnly ? { readOnlyReason: NO_KEY_READ_ONLY } : { client }),
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
      if (dashboard && target && readOnly) {
        ctx.stderr.write(
          `Dashboard of ${store?.target ?? target}: ${server.url}/ (read-only: TIKHUB_API_KEY is not set, so start, ` +
            "pause and resume are off and the HTTP API and MCP answer 503 to anything that needs TikHub; set it and restart to crawl)\n",
        );
      } else if (dashboard && target) {
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
