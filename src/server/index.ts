/** `xhs serve`: the HTTP API (and MCP at /mcp) over one client. */
export { type AppOptions, createApp } from "./app.js";
export {
  AnswerCache,
  type CacheOutcome,
  DEFAULT_CACHE_BYTES,
  DEFAULT_NEGATIVE_TTL_SEC,
  DEFAULT_TTL_SEC,
} from "./cache.js";
export { createExecutor, type Executor, type ListAnswer } from "./executor.js";
export { ServerMetrics } from "./metrics.js";
export { buildOpenApi } from "./openapi.js";
export { PROBLEM_TYPES, type ProblemBody, problemFor, ServerProblem } from "./problem.js";
export { ClientRateLimiter, DEFAULT_RATE_LIMIT, type RateLimitOptions } from "./rate-limit.js";
export { createServerRuntime, type RuntimeOptions, type ServerRuntime } from "./runtime.js";
export { assertSafeBind, isLoopbackHost, UnsafeBindError } from "./security.js";
export { SpendGuard } from "./spend-guard.js";
export { DEFAULT_HOST, DEFAULT_PORT, type RunningServer, type StartOptions, startServer } from "./start.js";
