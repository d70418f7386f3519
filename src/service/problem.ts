/**
 * Errors as RFC 9457 problem details (`application/problem+json`). The status is about *this* server:
 * TikHub's 401/402 never pass through (they become 503 with a distinct type: the operator, not the
 * caller, must act). Every message says what to do and goes through the redactor first.
 */
import type { ZodError } from "zod";
import { AllSeriesFailedError, type ErrorKind, isXhsError, XhsError } from "../core/errors.js";
import { namedIssues } from "../core/issues.js";

/** Problem type URIs: stable identifiers clients can switch on. */
export const PROBLEM_TYPES = {
  invalidInput: "urn:xhs-kit:problem:invalid-input",
  notFound: "urn:xhs-kit:problem:not-found",
  unknownRoute: "urn:xhs-kit:problem:unknown-route",
  unauthorized: "urn:xhs-kit:problem:unauthorized",
  forbiddenOrigin: "urn:xhs-kit:problem:forbidden-origin",
  tooLarge: "urn:xhs-kit:problem:request-too-large",
  rateLimited: "urn:xhs-kit:problem:rate-limited",
  spendingCap: "urn:xhs-kit:problem:spending-cap",
  upstreamCredentials: "urn:xhs-kit:problem:upstream-credentials",
  upstreamBalance: "urn:xhs-kit:problem:upstream-balance",
  upstreamRateLimited: "urn:xhs-kit:problem:upstream-rate-limited",
  upstreamFailed: "urn:xhs-kit:problem:upstream-failed",
  upstreamTimeout: "urn:xhs-kit:problem:upstream-timeout",
  cancelled: "urn:xhs-kit:problem:cancelled",
  internal: "urn:xhs-kit:problem:internal",
} as const;
export type ProblemType = (typeof PROBLEM_TYPES)[keyof typeof PROBLEM_TYPES];

export interface ProblemBody {
  type: ProblemType;
  title: string;
  status: number;
  detail: string;
  /** The request path (no query: it may carry what the caller typed). */
  instance?: string;
  /** Invalid input: one entry per bad field. */
  errors?: { field: string; message: string }[];
  /** Seconds to wait before retrying (also in the Retry-After header). */
  retryAfterSec?: number;
  /** Upstream failures: what each series said, without keys. */
  attempts?: { series: string | null; kind: string; message: string }[];
}

/**
 * The error kind of each problem type, so a ServerProblem is an XhsError like any other the server throws
 * (a caller catching the executor needs one root). `problemFor` answers with the body, never the kind.
 */
const PROBLEM_KINDS: Record<ProblemType, ErrorKind> = {
  [PROBLEM_TYPES.invalidInput]: "invalid_input",
  [PROBLEM_TYPES.notFound]: "not_found",
  [PROBLEM_TYPES.unknownRoute]: "not_found",
  [PROBLEM_TYPES.unauthorized]: "auth",
  [PROBLEM_TYPES.forbiddenOrigin]: "permission",
  [PROBLEM_TYPES.tooLarge]: "invalid_input",
  [PROBLEM_TYPES.rateLimited]: "rate_limited",
  [PROBLEM_TYPES.spendingCap]: "budget",
  [PROBLEM_TYPES.upstreamCredentials]: "auth",
  [PROBLEM_TYPES.upstreamBalance]: "payment",
  [PROBLEM_TYPES.upstreamRateLimited]: "rate_limited",
  [PROBLEM_TYPES.upstreamFailed]: "all_failed",
  [PROBLEM_TYPES.upstreamTimeout]: "timeout",
  [PROBLEM_TYPES.cancelled]: "aborted",
  // The taxonomy has no "bug" kind; "upstream" is its non-fatal "failed, try again" (never thrown as a problem).
  [PROBLEM_TYPES.internal]: "upstream",
};

/** An error this server answers with a given problem (thrown by middleware and the executor). */
export class ServerProblem extends XhsError {
  readonly body: ProblemBody;
  constructor(body: ProblemBody) {
    // No httpStatus: on an XhsError that is TikHub's status, and body.status is this server's.
    super(PROBLEM_KINDS[body.type], body.detail, { retryAfterSec: body.retryAfterSec });
    this.body = body;
  }

  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), body: this.body };
  }
}

export function problem(
  type: ProblemType,
  status: number,
  title: string,
  detail: string,
  extra: Partial<ProblemBody> = {},
): ServerProblem {
  return new ServerProblem({ type, title, status, detail, ...extra });
}

/** Bad input found by a zod schema: 400 with one line per field, before anything is paid. */
export function invalidInputProblem(error: ZodError): ServerProblem {
  const errors = namedIssues(error).map((issue) => ({ field: issue.path, message: issue.message }));
  const summary = errors.map((e) => `${e.field}: ${e.message}`).join("; ");
  return problem(
    PROBLEM_TYPES.invalidInput,
    400,
    "Invalid input",
    `Fix the request and send it again (nothing was paid): ${summary}`,
    {
      errors,
    },
  );
}

function timedOut(error: XhsError): boolean {
  if (error.kind === "timeout") return true;
  return (
    error instanceof AllSeriesFailedError &&
    error.attempts.length > 0 &&
    error.attempts.every((a) => a.kind === "timeout")
  );
}

/** Maps any error to the problem this server answers with. */
export function problemFor(error: unknown): ProblemBody {
  if (error instanceof ServerProblem) return error.body;
  if (!isXhsError(error)) {
    return {
      type: PROBLEM_TYPES.internal,
      title: "Internal error",
      status: 500,
      detail:
        "The server hit an unexpected error; it is logged on the server. Try again, and report it if it persists.",
    };
  }
  switch (error.kind) {
    case "invalid_input":
      return {
        type: PROBLEM_TYPES.invalidInput,
        title: "Invalid input",
        status: 400,
        detail: `Fix the request and send it again (nothing was paid): ${error.message}`,
        // The library names no field; the message does.
        errors: [{ field: "(input)", message: error.message }],
      };
    case "not_found":
      return {
        type: PROBLEM_TYPES.notFound,
        title: "Not found",
        status: 404,
        detail: `${error.message}. Check the id or link: the item may have been deleted or made private.`,
      };
    case "auth":
    case "permission":
      return {
        type: PROBLEM_TYPES.upstreamCredentials,
        title: "Upstream credentials rejected",
        status: 503,
        detail:
          "This server's TikHub API key is missing, wrong or lacks the Xiaohongshu scope. The server operator must fix TIKHUB_API_KEY and restart; retrying will not help.",
      };
    case "payment":
      return {
        type: PROBLEM_TYPES.upstreamBalance,
        title: "Upstream balance exhausted",
        status: 503,
        detail:
          "This server's TikHub balance is exhausted. The server operator must top it up at https://user.tikhub.io; retrying will not help.",
      };
    case "budget":
      // The daily cap's refusal carries its own problem (how much was spent, Retry-After to midnight).
      if (error.cause instanceof ServerProblem) return error.cause.body;
      return {
        type: PROBLEM_TYPES.spendingCap,
        title: "Spending cap reached",
        status: 503,
        detail:
          "This server reached its configured spending cap; cached answers are still served. The operator can raise --max-cost.",
      };
    case "rate_limited":
      return {
        type: PROBLEM_TYPES.upstreamRateLimited,
        title: "Upstream rate limit",
        status: 503,
        detail: "TikHub is rate limiting this server's key. Wait and retry.",
        retryAfterSec: error.retryAfterSec ?? 5,
      };
    case "aborted":
      return {
        type: PROBLEM_TYPES.cancelled,
        title: "Cancelled",
        status: 503,
        detail: "The request was cancelled before it finished. Send it again.",
      };
    default: {
      const attempts =
        error instanceof AllSeriesFailedError
          ? error.attempts.map((a) => ({ series: a.series ?? null, kind: a.kind, message: a.message }))
          : [{ series: error.series ?? null, kind: error.kind, message: error.message }];
      if (timedOut(error)) {
        return {
          type: PROBLEM_TYPES.upstreamTimeout,
          title: "Upstream timeout",
          status: 504,
          detail: "TikHub did not answer in time on any series. Try again in a moment.",
          attempts,
        };
      }
      return {
        type: PROBLEM_TYPES.upstreamFailed,
        title: "Every upstream series failed",
        status: 502,
        detail:
          "Every eligible TikHub series failed for this request (see attempts). Try again later; failures are never cached.",
        attempts,
      };
    }
  }
}

/** The problem as a Response, with its message passed through `redact` (the key never leaves). */
export function problemResponse(body: ProblemBody, redact: (text: string) => string, instance?: string): Response {
  const full: ProblemBody = instance ? { ...body, instance } : body;
  const headers: Record<string, string> = {
    "content-type": "application/problem+json; charset=utf-8",
    "cache-control": "no-store",
  };
  if (body.retryAfterSec !== undefined) headers["retry-after"] = String(Math.max(1, Math.ceil(body.retryAfterSec)));
  if (body.status === 401) headers["www-authenticate"] = 'Bearer realm="xhs-kit"';
  return new Response(redact(JSON.stringify(full)), { status: body.status, headers });
}
