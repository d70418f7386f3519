/**
 * "retry-only": what a typical SDK does. One series (App V2), the guide's parameters, up to three
 * retries with exponential backoff (0.5 s, 1 s, 2 s, ±25 % jitter, as TikHub's SDK) on 429 and 5xx,
 * sleeping Retry-After when the answer has one; a per-attempt timeout of 30 s (the documented lower
 * bound); no failover. Any HTTP 200 with valid JSON is handed to the caller as the answer.
 *
 * Note detail without a known type uses the image endpoint (the guide's default).
 */

import { seededRandom } from "../stats.js";
import type { BenchRequest } from "../workload.js";
import { guideCalls } from "./guide.js";
import { get, withDeadline } from "./http.js";
import type { Strategy, StrategyAnswer, StrategyEnv } from "./types.js";

export const RETRY_ONLY = { maxRetries: 3, baseMs: 500, factor: 2, jitter: 0.25, timeoutMs: 30_000 } as const;

export function createRetryOnlyStrategy(env: StrategyEnv): Strategy {
  const random = seededRandom(env.seed ^ 0x5eed);
  const backoff = (retry: number) =>
    RETRY_ONLY.baseMs * RETRY_ONLY.factor ** (retry - 1) * (1 + RETRY_ONLY.jitter * (2 * random() - 1));

  const attempt = async (request: BenchRequest): Promise<StrategyAnswer> => {
    const call = guideCalls(request)[0]!; // the App V2 call of the guide
    let last = "";
    let retryAfterMs: number | null = null;
    for (let retry = 0; retry <= RETRY_ONLY.maxRetries; retry++) {
      // Retry-After (429) replaces the backoff when the answer has one.
      if (retry > 0) await env.sleep(retryAfterMs ?? Math.round(backoff(retry)));
      let response: Response;
      try {
        response = await withDeadline(env, RETRY_ONLY.timeoutMs, new AbortController(), (signal) =>
          get(env, call.path, call.params, signal),
        );
      } catch (error) {
        return { kind: "failed", reason: `${call.endpoint}: ${(error as Error).message}` };
      }
      if (response.status === 200) {
        try {
          return { kind: "raw", endpoint: call.endpoint, body: await response.json(), params: call.params };
        } catch (error) {
          return { kind: "failed", reason: `${call.endpoint}: invalid JSON (${(error as Error).message})` };
        }
      }
      await response.body?.cancel();
      last = `${call.endpoint}: HTTP ${response.status}`;
      if (response.status !== 429 && response.status < 500) return { kind: "failed", reason: last };
      const retryAfter = Number(response.headers.get("retry-after"));
      retryAfterMs =
        response.status === 429 && Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter * 1000 : null;
    }
    return { kind: "failed", reason: `${last} after ${RETRY_ONLY.maxRetries} retries` };
  };
  return { name: "retry-only", run: attempt };
}
