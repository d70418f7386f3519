/** The plain GET both baseline strategies make, like Python's `requests.get(url, headers, params)`. */
import type { StrategyEnv } from "./types.js";

export const API_PREFIX = "/api/v1/xiaohongshu/";

export function headersFor(env: StrategyEnv): Record<string, string> {
  return { authorization: `Bearer ${env.apiKey}`, accept: "application/json" };
}

/** GET `endpoint` (URL form, e.g. "app/get_note_info") with the parameters as given. */
export function get(
  env: StrategyEnv,
  endpoint: string,
  params: Record<string, string>,
  signal?: AbortSignal,
): Promise<Response> {
  const url = `${env.baseUrl.replace(/\/+$/, "")}${API_PREFIX}${endpoint}?${new URLSearchParams(params)}`;
  return env.fetch(url, { headers: headersFor(env), ...(signal ? { signal } : {}) });
}

/** Races `work` against a virtual-time deadline; on expiry aborts `controller` and rejects. */
export async function withDeadline<T>(
  env: StrategyEnv,
  ms: number,
  controller: AbortController,
  work: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const timer = new AbortController();
  const expired = env.sleep(ms, timer.signal).then(
    () => {
      const error = new Error(`timed out after ${ms} ms`);
      controller.abort(error);
      throw error;
    },
    () => undefined as never,
  );
  try {
    return await Promise.race([work(controller.signal), expired]);
  } finally {
    timer.abort();
  }
}
