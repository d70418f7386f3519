/**
 * What the HTTP API and the MCP server share over one client: the cache, the daily spending cap, the
 * metrics fed by the client's attempt events, and the executor that ties them together.
 */
import { readFileSync } from "node:fs";
import { transportOf } from "../client/create-client.js";
import type { XhsClient } from "../client/types.js";
import { systemClock } from "../core/clock.js";
import { createRedactor } from "../core/redact.js";
import type { Clock } from "../core/types.js";
import { createExecutor, type Executor } from "./executor.js";
import { ServerMetrics } from "./metrics.js";
import type { CacheClass } from "./operations.js";
import { ResponseCache } from "./response-cache.js";
import { SpendGuard } from "./spend-guard.js";

export interface RuntimeOptions {
  client: XhsClient;
  clock?: Clock;
  /** Cache bound in bytes (default 64 MiB), TTL in seconds per class and of not-found answers (see cache.ts). */
  cache?: { maxBytes?: number; ttlSec?: Partial<Record<CacheClass, number>>; negativeTtlSec?: number };
  /**
   * USD per UTC day, reserved before every upstream call (see spend-guard.ts); once no call fits, requests
   * that need upstream are refused (503). Default: no cap.
   */
  maxCostPerDayUsd?: number;
  /** Secrets that must never leave the server (the TikHub key); redacted from every error message. */
  secrets?: readonly (string | undefined)[];
}

export interface ServerRuntime {
  client: XhsClient;
  executor: Executor;
  cache: ResponseCache;
  spend: SpendGuard;
  metrics: ServerMetrics;
  clock: Clock;
  version: string;
  redact(text: string): string;
  /** Stops listening to the client and aborts upstream work in flight. */
  close(): void;
}

function packageVersion(): string {
  try {
    // src/server/ and dist/server/ both sit two levels below the package root.
    const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as {
      version?: string;
    };
    return pkg.version ?? "0.0.0";
  } catch {
    return "0.0.0";
  }
}

export function createServerRuntime(options: RuntimeOptions): ServerRuntime {
  const clock = options.clock ?? systemClock;
  const cache = new ResponseCache({ ...options.cache, clock });
  const spend = new SpendGuard(options.maxCostPerDayUsd, clock);
  const metrics = new ServerMetrics({
    cache: () => cache.stats(),
    spend: () => spend.today(),
    maxCostPerDayUsd: options.maxCostPerDayUsd,
  });
  const unsubscribe = options.client.subscribe((event) => {
    spend.record(event);
    metrics.recordAttempt(event);
  });
  // The cap is reserved before every upstream call (each page of a list too). A client not made by
  // createClient has no ledger to ask: it gets only the check before each request.
  const removeGate = transportOf(options.client)?.ledger.addGate(spend);
  const controller = new AbortController();
  const executor = createExecutor({ client: options.client, cache, spend, signal: controller.signal });
  const redact = createRedactor(options.secrets ?? []);
  return {
    client: options.client,
    executor,
    cache,
    spend,
    metrics,
    clock,
    version: packageVersion(),
    redact,
    close: () => {
      unsubscribe();
      removeGate?.();
      controller.abort();
    },
  };
}
