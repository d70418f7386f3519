/**
 * One HTTP attempt: builds the URL, sends it with the key, enforces the per-attempt timeout (on the
 * injected sleep, so tests use virtual time) and reads the body. Returns the raw answer; classification
 * is `classify.ts`'s job.
 */
import type { EndpointSpec } from "../catalog/types.js";
import { AbortedError, ConnectionError, type ErrorContext, InvalidInputError, TimeoutError } from "../core/errors.js";
import { redact } from "../core/redact.js";
import type { Sleep } from "../core/types.js";
import type { HttpAnswer } from "./classify.js";

/** TikHub's host for the world outside mainland China. */
export const DEFAULT_BASE_URL = "https://api.tikhub.io";
/** TikHub's host for mainland China. */
export const MAINLAND_BASE_URL = "https://api.tikhub.dev";
export const DEFAULT_TIMEOUT_MS = 30_000;
/** Cloudflare in front of TikHub blocks requests without a browser-like User-Agent (error 1010). */
export const USER_AGENT = "Mozilla/5.0 (compatible; xhs-kit/0.1; +https://github.com/xhs-kit/xhs-kit) Node.js";

/**
 * Where TikHub serves a caller: `cn` (mainland China, api.tikhub.dev; api.tikhub.io is unreachable from
 * there) or `global` (everywhere else, api.tikhub.io). TikHub asks callers not to cross regions.
 */
export const REGIONS = ["global", "cn"] as const;
export type Region = (typeof REGIONS)[number];
export const REGION_BASE_URLS: Readonly<Record<Region, string>> = { global: DEFAULT_BASE_URL, cn: MAINLAND_BASE_URL };
/** The environment variable that picks the region when neither option nor TIKHUB_BASE_URL does. */
export const REGION_ENV = "TIKHUB_REGION";

/** `cn` or `global` (case and surrounding spaces ignored); anything else is an InvalidInputError naming `where`. */
export function parseRegion(value: unknown, where = "region"): Region {
  const v = typeof value === "string" ? value.trim().toLowerCase() : value;
  if (v === "cn" || v === "global") return v;
  const shown = typeof value === "string" ? JSON.stringify(value.slice(0, 40)) : String(value);
  throw new InvalidInputError(
    `${where}: expected "cn" (mainland China: ${MAINLAND_BASE_URL}) or "global" (elsewhere: ${DEFAULT_BASE_URL}), got ${shown}`,
  );
}

/**
 * The base URL a caller chose, before validation: the `baseUrl` option, else the `region` option's host,
 * else TIKHUB_BASE_URL, else TIKHUB_REGION's host, else api.tikhub.io. An option beats the environment,
 * and a base URL beats a region given the same way. A region is checked even when a base URL wins, so a
 * typo never goes unnoticed.
 */
export function chooseBaseUrl(
  choice: { baseUrl?: string | undefined; region?: unknown },
  env: Record<string, string | undefined>,
): string {
  const region = choice.region === undefined ? undefined : parseRegion(choice.region);
  const envRegionText = env[REGION_ENV]?.trim();
  const envRegion = envRegionText ? parseRegion(envRegionText, REGION_ENV) : undefined;
  const baseUrl = choice.baseUrl?.trim();
  if (baseUrl) return baseUrl;
  if (region !== undefined) return REGION_BASE_URLS[region];
  const envBase = env["TIKHUB_BASE_URL"]?.trim();
  if (envBase) return envBase;
  return REGION_BASE_URLS[envRegion ?? "global"];
}

/** The base URL without a trailing slash, chosen as `chooseBaseUrl` says and validated. */
export function resolveBaseUrl(
  option: string | undefined,
  env: Record<string, string | undefined>,
  region?: unknown,
): string {
  const raw = chooseBaseUrl({ baseUrl: option, region }, env);
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new InvalidInputError(`invalid base URL ${JSON.stringify(raw)}: expected e.g. ${DEFAULT_BASE_URL}`);
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    throw new InvalidInputError(`invalid base URL ${JSON.stringify(raw)}: expected http(s)`);
  }
  return raw.replace(/\/+$/, "");
}

export function buildUrl(baseUrl: string, spec: EndpointSpec, params: Record<string, string>): string {
  const query = new URLSearchParams(params).toString();
  return `${baseUrl}${spec.path}${query ? `?${query}` : ""}`;
}

export interface HttpAttempt {
  fetch: typeof globalThis.fetch;
  baseUrl: string;
  apiKey: string;
  spec: EndpointSpec;
  params: Record<string, string>;
  timeoutMs: number;
  sleep: Sleep;
  signal?: AbortSignal | undefined;
  userAgent?: string;
}

export interface HttpResult extends HttpAnswer {
  requestId: string | undefined;
}

/**
 * Sends one request. Throws `AbortedError` when the caller's signal fires, `TimeoutError` after
 * `timeoutMs` (body reading included), `ConnectionError` when fetch rejects or the body breaks off.
 */
export async function sendHttp(attempt: HttpAttempt): Promise<HttpResult> {
  const { spec, signal } = attempt;
  const context: ErrorContext = { endpoint: spec.name, series: spec.series };
  if (signal?.aborted) throw new AbortedError(`${spec.name}: aborted before the request was sent`, context);

  const controller = new AbortController();
  const timer = new AbortController();
  let outcome: "aborted" | "timeout" | undefined;
  let rejectStop: (reason: unknown) => void = () => {};
  // Settles when the caller aborts or the timeout fires, even if an injected fetch ignores its signal.
  const stopped = new Promise<never>((_, reject) => {
    rejectStop = reject;
  });
  stopped.catch(() => {});
  const stop = (why: "aborted" | "timeout") => {
    if (outcome) return;
    outcome = why;
    controller.abort();
    rejectStop(why);
  };
  const onCallerAbort = () => stop("aborted");
  signal?.addEventListener("abort", onCallerAbort, { once: true });
  attempt.sleep(attempt.timeoutMs, timer.signal).then(
    () => stop("timeout"),
    () => {},
  );

  try {
    const response = await Promise.race([
      attempt.fetch(buildUrl(attempt.baseUrl, spec, attempt.params), {
        method: "GET",
        headers: {
          authorization: `Bearer ${attempt.apiKey}`,
          accept: "application/json",
          "user-agent": attempt.userAgent ?? USER_AGENT,
        },
        signal: controller.signal,
      }),
      stopped,
    ]);
    const text = await Promise.race([response.text(), stopped]);
    return {
      status: response.status,
      headers: response.headers,
      text,
      requestId: response.headers.get("x-request-id") ?? undefined,
    };
  } catch (error) {
    if (outcome === "aborted") {
      throw new AbortedError(`${spec.name}: aborted by the caller`, { ...context, cause: signal?.reason });
    }
    if (outcome === "timeout") {
      throw new TimeoutError(`${spec.name}: no answer within ${attempt.timeoutMs} ms`, context);
    }
    const why = error instanceof Error ? `${error.message}${causeText(error)}` : String(error);
    throw new ConnectionError(`${spec.name}: connection failed: ${redact(why, [attempt.apiKey])}`, context);
  } finally {
    signal?.removeEventListener("abort", onCallerAbort);
    timer.abort();
  }
}

/** Node's fetch hides the useful part ("ECONNREFUSED") in `cause`. */
function causeText(error: Error): string {
  const cause = (error as { cause?: unknown }).cause;
  if (cause instanceof Error) return ` (${cause.message})`;
  if (cause && typeof cause === "object" && "code" in cause) return ` (${String((cause as { code: unknown }).code)})`;
  return "";
}
