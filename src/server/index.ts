/** `xhs serve`: the HTTP API (and MCP at /mcp) over one client. */

export { createExecutor, type Executor, type ListAnswer } from "../service/executor.js";
export { ServerMetrics } from "../service/metrics.js";
export { PROBLEM_TYPES, type ProblemBody, problemFor, ServerProblem } from "../service/problem.js";
export {
  type CacheOutcome,
  DEFAULT_CACHE_BYTES,
  DEFAULT_NEGATIVE_TTL_SEC,
  DEFAULT_TTL_SEC,
  ResponseCache,
} from "../service/response-cache.js";
export { createServerRuntime, type RuntimeOptions, type ServerRuntime } from "../service/runtime.js";
export { SpendGuard } from "../service/spend-guard.js";
export { type AppOptions, createApp } from "./app.js";
export { buildOpenApi } from "./openapi.js";
export { ClientRateLimiter, DEFAULT_RATE_LIMIT, type RateLimitOptions } from "./rate-limit.js";
export { assertSafeBind, isLoopbackHost, UnsafeBindError } from "./security.js";
export { DEFAULT_HOST, DEFAULT_PORT, type RunningServer, type StartOptions, startServer } from "./start.js";
