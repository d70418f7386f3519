/**
 * One HTTP attempt: builds the URL, sends it with the key, enforces the per-attempt timeout (on the
 * injected sleep, so tests use virtual time) and reads the body. Returns the raw answer; classification
 * is `classify.ts`'s job.
 */
import type { EndpointSpec } from "../catalog/types.js";
import type { Sleep } from "../client/types.js";
import type { HttpAnswer } from "./classify.js";
import { AbortedError, ConnectionError, type ErrorContext, InvalidInputError, TimeoutError } from "./errors.js";
import { redact } from "./redact.js";

export const DEFAULT_BASE_URL = "https://api.tikhub.io";
/** TikHub's host for mainland China. */
export const MAINLAND_BASE_URL = "https://api.tikhub.dev";
export const DEFAULT_TIMEOUT_MS = 30_000;
/** Cloudflare in front of TikHub blocks requests without a browser-like User-Agent (error 1010). */
export const USER_AGENT = "Mozilla/5.0 (compatible; xhs-kit/0.1; +https://github.com/xhs-kit/xhs-kit) Node.js";

/** The base URL without a trailing slash; option, then TIKHUB_BASE_URL, then the default. */
export function resolveBaseUrl(option: string | undefined, env: Record<string, string | undefined>): string {
  const raw = (option ?? env["TIKHUB_BASE_URL"] ?? "").trim() || DEFAULT_BASE_URL;
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
