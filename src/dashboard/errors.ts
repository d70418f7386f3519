/**
 * The dashboard's own refusals, and every dashboard error as an RFC 9457 problem body: the JSON API's shape
 * (src/service/problem.ts: a `urn:xhs-kit:problem:*` type, `application/problem+json`, no caching, the request
 * path as `instance`, the text through the redactor) with Chinese titles, as the pages show them.
 */
import { InvalidInputError } from "../core/errors.js";

/** 409: the action does not fit the run's state (a second run, pausing a run this server does not crawl). */
export class ConflictError extends InvalidInputError {}

/** 404: no such run, note or user in this database. */
export class MissingError extends InvalidInputError {}

/**
 * The dashboard's problem types: the JSON API's own URIs (the dashboard may not import the service layer; a test
 * holds them equal), plus the one refusal only the dashboard makes.
 */
export const DASHBOARD_PROBLEM_TYPES = {
  invalidInput: "urn:xhs-kit:problem:invalid-input",
  notFound: "urn:xhs-kit:problem:not-found",
  unknownRoute: "urn:xhs-kit:problem:unknown-route",
  conflict: "urn:xhs-kit:problem:conflict",
  internal: "urn:xhs-kit:problem:internal",
} as const;

export interface DashboardProblem {
  type: (typeof DASHBOARD_PROBLEM_TYPES)[keyof typeof DASHBOARD_PROBLEM_TYPES];
  title: string;
  status: 400 | 404 | 409 | 500;
  detail: string;
  /** The request path (no query: it may carry what the user typed). */
  instance: string;
}

/** The problem an error answers with; `known` is false for an unexpected one (a bug: its message stays here). */
export function dashboardProblem(error: unknown, path: string): { body: DashboardProblem; known: boolean } {
  const of = (type: DashboardProblem["type"], title: string, status: DashboardProblem["status"], detail: string) => ({
    body: { type, title, status, detail, instance: path },
    known: true,
  });
  if (error instanceof MissingError) return of(DASHBOARD_PROBLEM_TYPES.notFound, "找不到", 404, error.message);
  if (error instanceof ConflictError) return of(DASHBOARD_PROBLEM_TYPES.conflict, "与当前状态冲突", 409, error.message);
  if (error instanceof InvalidInputError)
    return of(DASHBOARD_PROBLEM_TYPES.invalidInput, "请求无效", 400, error.message);
  return {
    body: {
      type: DASHBOARD_PROBLEM_TYPES.internal,
      title: "服务器内部错误",
      status: 500,
      detail: "服务器出现意外错误，已记录在服务器日志中。请重试；若一直出现，请报告。",
      instance: path,
    },
    known: false,
  };
}

/** A route or file the dashboard does not have. */
export function unknownRouteProblem(method: string, path: string, what: "接口" | "文件"): DashboardProblem {
  return {
    type: DASHBOARD_PROBLEM_TYPES.unknownRoute,
    title: what === "接口" ? "没有这个接口" : "没有这个文件",
    status: 404,
    detail: `${method} ${path}：仪表盘没有这个${what}。`,
    instance: path,
  };
}

/** The problem as a response: its text through `redact` (the key never leaves), never cached. */
export function problemResponseOf(body: DashboardProblem, redact: (text: string) => string): Response {
  return new Response(redact(JSON.stringify(body)), {
    status: body.status,
    headers: { "content-type": "application/problem+json; charset=utf-8", "cache-control": "no-store" },
  });
}
