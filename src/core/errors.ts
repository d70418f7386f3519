/**
 * The error taxonomy. One root (`XhsError`), one class per kind, each carrying where it happened
 * (endpoint, series, HTTP status, TikHub request id) and never the API key.
 *
 * `fatal` errors stop at once with no failover (the same call cannot succeed anywhere: bad key, no
 * balance, invalid input, budget). Transient ones are retried on the same series, then failed over.
 */
import type { Series } from "./vocabulary.js";

export type ErrorKind =
  | "auth"
  | "permission"
  | "payment"
  | "rate_limited"
  | "invalid_input"
  | "not_found"
  | "upstream"
  | "wrong_item"
  | "timeout"
  | "connection"
  | "shape"
  | "budget"
  | "aborted"
  | "all_failed";

export interface ErrorContext {
  endpoint?: string | undefined;
  series?: Series | undefined;
  httpStatus?: number | undefined;
  requestId?: string | undefined;
  /** Seconds to wait, from Retry-After (429) when the server sent it. */
  retryAfterSec?: number | undefined;
  cause?: unknown;
}

const FATAL: ReadonlySet<ErrorKind> = new Set(["auth", "permission", "payment", "invalid_input", "budget", "aborted"]);

export class XhsError extends Error {
  readonly kind: ErrorKind;
  readonly endpoint: string | undefined;
  readonly series: Series | undefined;
  readonly httpStatus: number | undefined;
  readonly requestId: string | undefined;
  readonly retryAfterSec: number | undefined;

  constructor(kind: ErrorKind, message: string, context: ErrorContext = {}) {
    super(message, context.cause === undefined ? undefined : { cause: context.cause });
    this.name = new.target.name;
    this.kind = kind;
    this.endpoint = context.endpoint;
    this.series = context.series;
    this.httpStatus = context.httpStatus;
    this.requestId = context.requestId;
    this.retryAfterSec = context.retryAfterSec;
  }

  /** Fatal errors stop the call (and a crawl) at once: no retry, no failover. */
  get fatal(): boolean {
    return FATAL.has(this.kind);
  }

  toJSON(): Record<string, unknown> {
    return {
      name: this.name,
      kind: this.kind,
      message: this.message,
      endpoint: this.endpoint,
      series: this.series,
      httpStatus: this.httpStatus,
      requestId: this.requestId,
    };
  }
}

/** 401: the key is missing or wrong. */
export class AuthError extends XhsError {
  constructor(message: string, context?: ErrorContext) {
    super("auth", message, context);
  }
}
/** 403: the key lacks the scope for this endpoint. */
export class PermissionError extends XhsError {
  constructor(message: string, context?: ErrorContext) {
    super("permission", message, context);
  }
}
/** 402, or a 403 whose message is about balance: top up the TikHub account. */
export class PaymentRequiredError extends XhsError {
  constructor(message: string, context?: ErrorContext) {
    super("payment", message, context);
  }
}
/** 429 after the retries allowed. */
export class RateLimitError extends XhsError {
  constructor(message: string, context?: ErrorContext) {
    super("rate_limited", message, context);
  }
}
/** 422 from TikHub, or parameters rejected locally before any paid call. */
export class InvalidInputError extends XhsError {
  constructor(message: string, context?: ErrorContext) {
    super("invalid_input", message, context);
  }
}
/** Deleted or nonexistent: confirmed by two series, or said explicitly by one answer. */
export class NotFoundError extends XhsError {
  constructor(message: string, context?: ErrorContext) {
    super("not_found", message, context);
  }
}
/** 5xx, 400 "upstream jitter", 200 with an inner failure, or 200 with an empty payload. */
export class UpstreamError extends XhsError {
  /** The upstream message when there was one (e.g. "服务异常", "当前笔记暂时无法浏览"). */
  readonly upstreamMessage: string | undefined;
  /** True when the answer was 200 with an empty payload (never taken for "not found" alone). */
  readonly emptyPayload: boolean;
  /**
   * False when retrying on the same series cannot help (a deprecated endpoint, an unknown route):
   * the call fails over instead. Default true.
   */
  readonly retryable: boolean;
  constructor(
    message: string,
    context?: ErrorContext & { upstreamMessage?: string | undefined; emptyPayload?: boolean; retryable?: boolean },
  ) {
    super("upstream", message, context);
    this.upstreamMessage = context?.upstreamMessage;
    this.emptyPayload = context?.emptyPayload ?? false;
    this.retryable = context?.retryable ?? true;
  }
}
/** 200 with a payload about something other than what was asked (e.g. the video endpoint on an image note). */
export class WrongItemError extends XhsError {
  constructor(message: string, context?: ErrorContext) {
    super("wrong_item", message, context);
  }
}
/** The attempt took longer than the per-attempt timeout. */
export class TimeoutError extends XhsError {
  constructor(message: string, context?: ErrorContext) {
    super("timeout", message, context);
  }
}
/** The connection failed or dropped. */
export class ConnectionError extends XhsError {
  constructor(message: string, context?: ErrorContext) {
    super("connection", message, context);
  }
}
/** The answer is not JSON, or not in any shape the normalizer knows. */
export class ShapeError extends XhsError {
  /** JSON path where the shape broke, e.g. "data.data[0].note_list". */
  readonly path: string | undefined;
  constructor(message: string, context?: ErrorContext & { path?: string }) {
    super("shape", message, context);
    this.path = context?.path;
  }
}
/** --max-calls / --max-cost reached: stopped cleanly before paying more. */
export class BudgetExceededError extends XhsError {
  constructor(message: string, context?: ErrorContext) {
    super("budget", message, context);
  }
}
/** The caller's AbortSignal fired. */
export class AbortedError extends XhsError {
  constructor(message: string, context?: ErrorContext) {
    super("aborted", message, context);
  }
}
/** Every eligible series failed; `attempts` holds each series' last error. */
export class AllSeriesFailedError extends XhsError {
  readonly attempts: readonly XhsError[];
  constructor(message: string, attempts: readonly XhsError[], context?: ErrorContext) {
    super("all_failed", message, context);
    this.attempts = attempts;
  }
}

export function isXhsError(error: unknown): error is XhsError {
  return error instanceof XhsError;
}
