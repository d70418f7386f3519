/**
 * Runs one capability for the HTTP API and for MCP alike: validate the input (free, before anything
 * is paid), serve from the cache or join a call in flight, check the daily cap, call the client, and
 * shape a list as `{items, cursor, hasMore, degraded, degradedReasons}`. A not-found answer is cached
 * for the cache's short negative TTL.
 */

import type { XhsClient } from "../client/types.js";
import { isXhsError } from "../core/errors.js";
import type { Page, Paginator } from "../core/types.js";
import type { CapabilityDef } from "./operations.js";
import { invalidInputProblem } from "./problem.js";
import type { CachedAnswer, ResponseCache } from "./response-cache.js";
import type { SpendGuard } from "./spend-guard.js";

/** What a list request answers. */
export interface ListAnswer<T = unknown> {
  items: T[];
  /** Pass back as `cursor` to continue after the last item; null when the list is exhausted. */
  cursor: string | null;
  hasMore: boolean;
  degraded: boolean;
  degradedReasons: string[];
}

export interface ExecuteOptions {
  /** Skip the stored answer (`?fresh=true`). */
  fresh?: boolean;
}

export interface Executor {
  readonly client: XhsClient;
  /** Validates `input`, then answers from the cache or the client. Throws ServerProblem or XhsError. */
  execute(cap: CapabilityDef, input: unknown, options?: ExecuteOptions): Promise<CachedAnswer>;
}

/** Keys sorted, so the same input always makes the same cache key. */
function stableJson(value: unknown): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value) ?? "null";
  if (Array.isArray(value)) return `[${value.map(stableJson).join(",")}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableJson(v)}`).join(",")}}`;
}

async function collectList(paginator: Paginator<unknown>): Promise<ListAnswer> {
  const items: unknown[] = [];
  let last: Page<unknown> | null = null;
  // `pages()` stops at the paginator's limit; each page says whether more exist and where to resume.
  for await (const page of paginator.pages()) {
    items.push(...page.items);
    last = page;
  }
  return {
    items,
    cursor: last ? last.cursor : null,
    hasMore: last ? last.hasMore && last.cursor !== null : false,
    degraded: paginator.degraded,
    degradedReasons: [...paginator.degradedReasons],
  };
}

/** "This item does not exist" is an answer worth keeping (briefly): asking again would pay again. */
function isNegativeAnswer(error: unknown): boolean {
  return isXhsError(error) && error.kind === "not_found";
}

export function createExecutor(parts: {
  client: XhsClient;
  cache: ResponseCache;
  spend: SpendGuard;
  /** Aborts upstream work when the server shuts down (a caller hanging up does not: others may share the call). */
  signal?: AbortSignal;
}): Executor {
  const { client, cache, spend, signal } = parts;
  return {
    client,
    async execute(cap, rawInput, options = {}) {
      const parsed = cap.input.safeParse(rawInput ?? {});
      if (!parsed.success) throw invalidInputProblem(parsed.error);
      const input = parsed.data as Record<string, unknown>;
      const key = `${cap.name}:${stableJson(input)}`;
      return cache.get(
        key,
        cap.cache,
        async () => {
          spend.check();
          const base = signal ? { signal } : {};
          const value =
            cap.kind === "get"
              ? await cap.run(client, input, base)
              : await collectList(cap.run(client, input, { ...base, limit: input["limit"] as number }));
          return JSON.stringify(value);
        },
        { ...(options.fresh ? { fresh: true } : {}), negative: isNegativeAnswer },
      );
    },
  };
}
