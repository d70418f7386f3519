/**
 * The shared option groups (client, output, list) and `clientFromOptions`, which builds the client
 * from them. API keys only ever come from TIKHUB_API_KEY, TIKHUB_API_KEYS or a keys file (`--keys-file`,
 * mode 600), never from a flag's value, so they never land in shell history or `ps` output.
 */
import { resolve } from "node:path";
import { type Command, InvalidArgumentError, Option, type OptionValues } from "@commander-js/extra-typings";
import { createClient } from "../client/create-client.js";
import type { ClientOptions, XhsClient } from "../client/types.js";
import { SERIES, type Series } from "../core/vocabulary.js";
import { checkId as checkIdOfKind } from "../refs/ids.js";
import { parseNoteRef, parseTopicRef, parseUserRef, type RefKind } from "../refs/parse-ref.js";
import { apiKeyProblem, readKeysFile, splitKeyList } from "../transport/api-keys.js";
import { chooseBaseUrl, parseRegion, REGION_BASE_URLS, type Region } from "../transport/http.js";
import { type SharedRateLimiter, safeUrl, sharedLimiterFrom } from "../transport/shared-limit.js";
import type { CliContext } from "./context.js";
import { InvalidApiKeyError, MissingApiKeyError, UsageError } from "./errors.js";
import { createCliLogger } from "./logger.js";

export const DEFAULT_BASE_URL = "https://api.tikhub.io";
/** Default number of items a list command prints (`--limit`). Every page costs money. */
export const DEFAULT_LIST_LIMIT = 20;

// ---------- value parsers (commander turns InvalidArgumentError into a usage error, exit 2) ----------

export function parsePositiveInt(value: string): number {
  if (!/^\d+$/.test(value.trim()) || Number(value) < 1 || !Number.isSafeInteger(Number(value))) {
    throw new InvalidArgumentError(`expected a whole number ≥ 1, got "${value}".`);
  }
  return Number(value);
}

export function parseNonNegativeNumber(value: string): number {
  const n = Number(value);
  if (value.trim() === "" || !Number.isFinite(n) || n < 0) {
    throw new InvalidArgumentError(`expected a number ≥ 0, got "${value}".`);
  }
  return n;
}

export function parsePositiveNumber(value: string): number {
  const n = parseNonNegativeNumber(value);
  if (n === 0) throw new InvalidArgumentError(`expected a number > 0, got "${value}".`);
  return n;
}

/** `app_v2,web_v3`: an order of series, each named once. */
export function parseSeriesList(value: string): Series[] {
  const names = value
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
  if (names.length === 0) throw new InvalidArgumentError(`expected one or more of ${SERIES.join(", ")}.`);
  for (const name of names) {
    if (!(SERIES as readonly string[]).includes(name)) {
      throw new InvalidArgumentError(`unknown series "${name}"; choose from ${SERIES.join(", ")} (comma-separated).`);
    }
  }
  if (new Set(names).size !== names.length) throw new InvalidArgumentError(`a series is named twice in "${value}".`);
  return names as Series[];
}

export function parseBaseUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new InvalidArgumentError(`expected an http(s) URL such as ${DEFAULT_BASE_URL}, got "${value}".`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new InvalidArgumentError(`expected an http(s) URL, got "${value}".`);
  }
  return value.replace(/\/+$/, "");
}

/** A date (`2026-01-31`) or an ISO 8601 date-time; returned as ISO 8601 UTC. */
export function parseDate(value: string): string {
  const trimmed = value.trim();
  const dateOnly = /^\d{4}-\d{2}-\d{2}$/.test(trimmed);
  const dateTime = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$/.test(trimmed);
  const ms = Date.parse(dateOnly ? `${trimmed}T00:00:00Z` : trimmed.replace(" ", "T"));
  if ((!dateOnly && !dateTime) || Number.isNaN(ms)) {
    throw new InvalidArgumentError(`expected a date like 2026-01-31 or 2026-01-31T08:00:00Z, got "${value}".`);
  }
  const iso = new Date(ms).toISOString();
  // Date.parse rolls 2026-02-31 over to March: reject dates that do not exist.
  if (dateOnly && iso.slice(0, 10) !== trimmed) throw new InvalidArgumentError(`"${value}" is not a real date.`);
  return iso;
}

// ---------- refs: parsed locally (no cost), so a typo is a usage error before any call ----------

/**
 * Accepts what the client accepts for a note or a user: a bare id, an xiaohongshu.com / rednote.com
 * URL, a short link, or share text containing one (the last two are resolved by a paid call later).
 */
export function checkRef(what: RefKind, value: string): string {
  try {
    if (what === "note") parseNoteRef(value);
    else parseUserRef(value);
  } catch (error) {
    throw new InvalidArgumentError(error instanceof Error ? error.message : String(error));
  }
  return value.trim();
}

/** A comment id, or a topic page id or topic page URL (→ its id), checked exactly by the library's rules. */
export function checkId(kind: "comment" | "topic", value: string): string {
  try {
    return kind === "topic" ? parseTopicRef(value) : checkIdOfKind(kind, value);
  } catch (error) {
    throw new InvalidArgumentError(error instanceof Error ? error.message : String(error));
  }
}

// ---------- option groups ----------

/**
 * The client options every API command takes. Typed through commander's extra-typings, so
 * `cmd.opts()` knows `series`, `timeout`, `qps`, `concurrency`, `maxCalls`, `maxCost`, `verbose`, `baseUrl`.
 */
/** What `addClientOptions` adds to `cmd.opts()`. */
export type ClientOptionValues = {
  series?: Series[] | undefined;
  timeout?: number | undefined;
  qps?: number | undefined;
  concurrency?: number | undefined;
  maxCalls?: number | undefined;
  maxCost?: number | undefined;
  verbose?: true | undefined;
  baseUrl?: string | undefined;
  region?: Region | undefined;
  /** A keys file (one key a line, mode 600) for a pool of keys. */
  keysFile?: string | undefined;
  /** Redis URL for rate limits shared across processes (else XHS_REDIS_URL). */
  redis?: string | undefined;
};
/** What `addOutputOptions` adds to `cmd.opts()`. */
export type OutputOptionValues = {
  json?: true | undefined;
  jsonl?: true | undefined;
  csv?: true | undefined;
  output?: string | undefined;
};
/** What `addListOptions` adds to `cmd.opts()`. */
export type ListOptionValues = {
  limit: number;
  cursor?: string | undefined;
};

// The option-group helpers declare their return type and cast: the type commander's extra-typings
// infers for a chain of eight options is the same shape, but with `declaration: true` tsc spends
// minutes serializing it (measured: >3 min for one file, 15 s with the explicit type).

// (Type aliases, not interfaces: commander's OptionValues needs an index signature.)
// biome-ignore lint/suspicious/noExplicitAny: commander's own generic bound (Command<Args extends any[]>).
export function addClientOptions<A extends any[], O extends OptionValues, G extends OptionValues>(
  cmd: Command<A, O, G>,
): Command<A, O & ClientOptionValues, G> {
  const out = cmd
    .addOption(
      new Option("--series <list>", `series order to try, comma-separated (default ${SERIES.join(",")})`).argParser(
        parseSeriesList,
      ),
    )
    .addOption(
      new Option("--timeout <seconds>", "per-attempt timeout in seconds (default 30)").argParser(parsePositiveNumber),
    )
    .addOption(
      new Option("--qps <n>", "client-side rate limit, requests per second (default 10; 0 = none)").argParser(
        parseNonNegativeNumber,
      ),
    )
    .addOption(new Option("--concurrency <n>", "concurrent requests at most (default 4)").argParser(parsePositiveInt))
    .addOption(
      new Option("--max-calls <n>", "stop before paying for more than this many calls").argParser(parsePositiveInt),
    )
    .addOption(
      new Option("--max-cost <usd>", "stop before spending more than this many USD").argParser(parsePositiveNumber),
    )
    .addOption(new Option("-v, --verbose", "log every attempt and decision to stderr (the key is never logged)"))
    .addOption(
      new Option("--base-url <url>", `API base URL (env TIKHUB_BASE_URL; default ${DEFAULT_BASE_URL})`).argParser(
        parseBaseUrl,
      ),
    )
    .addOption(
      new Option(
        "--region <cn|global>",
        `TikHub host: cn = ${REGION_BASE_URLS.cn} (mainland China), global = ${REGION_BASE_URLS.global} ` +
          "(env TIKHUB_REGION; default global; TIKHUB_BASE_URL and --base-url override it)",
      )
        .argParser(parseRegionFlag)
        .conflicts("baseUrl"),
    )
    .addOption(
      new Option(
        "--keys-file <path>",
        "TikHub keys, one a line, for a pool (mode 600: refused when others may read it; over TIKHUB_API_KEYS and TIKHUB_API_KEY)",
      ),
    )
    .addOption(
      new Option(
        "--redis <url>",
        "share each key's rate limits with every process using it through this Redis (env XHS_REDIS_URL; " +
          "with --db postgres://… they are shared through that database unless this is given)",
      ).argParser(parseRedisUrl),
    );
  return out as unknown as Command<A, O & ClientOptionValues, G>;
}

/** Output format flags (see output.ts). */
// biome-ignore lint/suspicious/noExplicitAny: commander's own generic bound.
export function addOutputOptions<A extends any[], O extends OptionValues, G extends OptionValues>(
  cmd: Command<A, O, G>,
): Command<A, O & OutputOptionValues, G> {
  const out = cmd
    .addOption(new Option("--json", "JSON (a list is one array)").conflicts(["jsonl", "csv"]))
    .addOption(new Option("--jsonl", "JSON lines, one record per line").conflicts(["json", "csv"]))
    .addOption(new Option("--csv", "CSV with a UTF-8 BOM, spreadsheet-safe").conflicts(["json", "jsonl"]))
    .addOption(new Option("-o, --output <file>", "write to FILE (atomically) instead of stdout"));
  return out as unknown as Command<A, O & OutputOptionValues, G>;
}

// biome-ignore lint/suspicious/noExplicitAny: commander's own generic bound.
export function addListOptions<A extends any[], O extends OptionValues, G extends OptionValues>(
  cmd: Command<A, O, G>,
): Command<A, O & ListOptionValues, G> {
  const out = cmd
    .addOption(
      new Option("-n, --limit <n>", "how many items at most").argParser(parsePositiveInt).default(DEFAULT_LIST_LIMIT),
    )
    .addOption(new Option("--cursor <cursor>", "resume after a previous run's cursor (printed on stderr at the end)"));
  return out as unknown as Command<A, O & ListOptionValues, G>;
}

/** The client options as a command reads them (`addClientOptions`' values; --verbose also from elsewhere). */
export interface ClientFlags extends Omit<ClientOptionValues, "verbose"> {
  verbose?: boolean | undefined;
  /** The command's store: when it is a postgres:// URL, the rate limits are shared through it (without --redis). */
  db?: string | undefined;
}

/** `--redis redis://host:6379` (rediss:// for TLS). */
export function parseRedisUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new InvalidArgumentError(`expected a Redis URL such as redis://127.0.0.1:6379, got "${safeUrl(value)}".`);
  }
  if (url.protocol !== "redis:" && url.protocol !== "rediss:") {
    throw new InvalidArgumentError(`expected a redis:// or rediss:// URL, got "${safeUrl(value)}".`);
  }
  return value;
}

const isPostgresUrl = (value: string | undefined): value is string =>
  value !== undefined && /^postgres(ql)?:\/\//i.test(value.trim());

/**
 * Where each key's rate limits are shared, if anywhere: `--redis` (or XHS_REDIS_URL), else the command's
 * Postgres store (`--db postgres://…`, or `postgresUrl` from a command that opened one).
 */
export function sharedLimitsFrom(
  flags: ClientFlags,
  ctx: CliContext,
  postgresUrl?: string,
): { redisUrl: string } | { postgresUrl: string } | undefined {
  const redis = flags.redis ?? (ctx.env["XHS_REDIS_URL"]?.trim() || undefined);
  if (redis !== undefined) {
    try {
      return { redisUrl: parseRedisUrl(redis) };
    } catch (error) {
      throw new UsageError(`XHS_REDIS_URL: ${(error as Error).message}`);
    }
  }
  const store = postgresUrl ?? flags.db;
  return isPostgresUrl(store) ? { postgresUrl: store.trim() } : undefined;
}

/**
 * The run's TikHub keys: a `--keys-file`'s (refused with exit 2 unless mode 600 or stricter), else
 * TIKHUB_API_KEYS, else TIKHUB_API_KEY. Each is checked for what would break the header (exit 3); every
 * key becomes a secret of the context's redactors. Never quotes a key.
 */
export function apiKeysFromFlags(flags: ClientFlags, ctx: CliContext): string[] {
  let keys: string[];
  let where: string;
  if (flags.keysFile !== undefined) {
    try {
      keys = readKeysFile(resolve(ctx.cwd, flags.keysFile));
    } catch (error) {
      throw new UsageError((error as Error).message);
    }
    ctx.addSecrets(keys);
    return keys;
  }
  const pool = ctx.env["TIKHUB_API_KEYS"];
  if (pool !== undefined && pool.trim() !== "") {
    keys = splitKeyList(pool);
    where = "TIKHUB_API_KEYS";
  } else {
    const one = ctx.env["TIKHUB_API_KEY"]?.trim();
    keys = one ? [one] : [];
    where = "TIKHUB_API_KEY";
  }
  for (const [index, key] of keys.entries()) {
    const keyProblem = apiKeyProblem(key);
    if (keyProblem === null) continue;
    const which = where === "TIKHUB_API_KEYS" ? `TIKHUB_API_KEYS: key #${index + 1}` : "TIKHUB_API_KEY";
    throw new InvalidApiKeyError(
      `${which} ${keyProblem}: copy the key again from https://user.tikhub.io and export it in quotes ` +
        `(export ${where}='…').`,
    );
  }
  ctx.addSecrets(keys);
  return keys;
}

/** The key sent to a host that is not TikHub's when TIKHUB_API_KEY is not set (see clientOptionsFrom). */
export const NO_KEY_PLACEHOLDER = "xhs-kit-no-key";

/** TikHub's own hosts: a key is required there (a local `xhs mock` may run without one). */
export function isTikHubHost(baseUrl: string): boolean {
  try {
    const host = new URL(baseUrl).hostname.toLowerCase();
    return /(^|\.)tikhub\.(io|dev)$/.test(host);
  } catch {
    return false;
  }
}

/** The ClientOptions the flags and the environment describe (no client built, nothing called). */
export function clientOptionsFrom(flags: ClientFlags, ctx: CliContext): ClientOptions {
  const baseUrl = baseUrlFrom(flags, ctx);
  const apiKeys = apiKeysFromFlags(flags, ctx);
  const apiKey = apiKeys[0];
  if (!apiKey && isTikHubHost(baseUrl)) {
    throw new MissingApiKeyError(
      `TIKHUB_API_KEY is not set: set TIKHUB_API_KEY to your TikHub API key (export TIKHUB_API_KEY=…; get one at https://user.tikhub.io). ` +
        `It is read from the environment only, never from a flag. To try xhs-kit without a key, run \`xhs mock\` ` +
        `and pass --base-url http://127.0.0.1:PORT.`,
    );
  }
  // A local simulator (or any host that is not TikHub's) needs no key; the library wants one, so the
  // CLI sends a fixed placeholder there (`xhs mock` accepts any non-empty key unless --keys is given).
  const options: ClientOptions =
    apiKeys.length > 1 ? { baseUrl, apiKeys } : { baseUrl, apiKey: apiKey ?? NO_KEY_PLACEHOLDER };
  if (ctx.fetch) options.fetch = ctx.fetch;
  if (flags.series) options.series = flags.series;
  if (flags.timeout !== undefined) options.timeoutMs = Math.round(flags.timeout * 1000);
  if (flags.qps !== undefined) options.qps = flags.qps;
  if (flags.concurrency !== undefined) options.concurrency = flags.concurrency;
  if (flags.maxCalls !== undefined) options.maxCalls = flags.maxCalls;
  if (flags.maxCost !== undefined) options.maxCostUsd = flags.maxCost;
  if (flags.verbose) options.logger = createCliLogger(ctx.stderr, { redact: ctx.redact, level: "debug" });
  return options;
}

/** `--region cn|global`. */
export function parseRegionFlag(value: string): Region {
  try {
    return parseRegion(value, "--region");
  } catch (error) {
    throw new InvalidArgumentError((error as Error).message.replace(/^--region: /, ""));
  }
}

/** The base URL as the library would choose it (flags first, then TIKHUB_BASE_URL, then TIKHUB_REGION). */
function baseUrlFrom(flags: ClientFlags, ctx: CliContext): string {
  let chosen: string;
  try {
    chosen = chooseBaseUrl({ baseUrl: flags.baseUrl, region: flags.region }, ctx.env);
  } catch (error) {
    throw new UsageError((error as Error).message); // TIKHUB_REGION: expected "cn" … or "global" …
  }
  return chosen === flags.baseUrl ? chosen : parseBaseUrlOrThrow(chosen);
}

function parseBaseUrlOrThrow(value: string): string {
  try {
    return parseBaseUrl(value);
  } catch (error) {
    // Thrown inside an action, where commander's own errors print nothing: a UsageError is printed (exit 2).
    throw new UsageError(`TIKHUB_BASE_URL: ${(error as Error).message}`);
  }
}

/**
 * Builds the client the flags describe. Throws MissingApiKeyError (exit 3) before any call when the
 * key is missing against TikHub itself, and a UsageError (exit 2) when the shared rate limiter's Redis or
 * Postgres does not answer. With --verbose, every attempt is logged to stderr. `shared.postgresUrl`: the
 * Postgres store a command opened, through which each key's rate limits are shared (unless --redis).
 */
export async function clientFromOptions(
  flags: ClientFlags,
  ctx: CliContext,
  shared: { postgresUrl?: string | undefined } = {},
): Promise<XhsClient> {
  if (flags.verbose) ctx.verbose = true;
  const options = clientOptionsFrom(flags, ctx);
  const where = sharedLimitsFrom(flags, ctx, shared.postgresUrl);
  if (where) options.sharedLimits = await checkedSharedLimiter(where);
  const client = await (ctx.createClient ?? createClient)(options);
  if (flags.verbose && options.logger) {
    const logger = options.logger;
    client.subscribe((event) => {
      logger.debug("attempt", {
        capability: event.capability,
        endpoint: event.endpoint,
        series: event.series,
        outcome: event.outcome,
        http: event.httpStatus,
        ms: event.latencyMs,
        billable: event.billable,
        usd: event.costUsd,
        retry: event.retry,
        failover: event.failover,
        ...(event.keyFingerprint ? { key: event.keyFingerprint } : {}),
        ...(event.reason ? { reason: event.reason } : {}),
        ...(event.requestId ? { requestId: event.requestId } : {}),
      });
    });
  }
  return client;
}

/** The shared limiter, once it has answered: nothing is paid when it cannot hold the limits. */
async function checkedSharedLimiter(where: { redisUrl: string } | { postgresUrl: string }): Promise<SharedRateLimiter> {
  const limiter = sharedLimiterFrom(where);
  try {
    await limiter.check?.();
  } catch (error) {
    await limiter.close?.().catch(() => {});
    throw new UsageError(`${(error as Error).message}. Check --redis / XHS_REDIS_URL or --db.`);
  }
  return limiter;
}
