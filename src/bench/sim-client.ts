/** The client a measurement drives an in-process simulator with. */
import { createClient } from "../client/create-client.js";
import type { XhsClient } from "../client/types.js";
import type { Simulator } from "../simulator/index.js";
import type { BenchTime } from "./scaled-time.js";

/** The bench's key, the simulator's fetch, and every wait (timeouts, backoff, pacing) on the measurement's time base. */
export function simClient(
  sim: Pick<Simulator, "fetch" | "url">,
  time: Pick<BenchTime, "clock" | "sleep">,
  limits: { qps: number; concurrency?: number },
): XhsClient {
  return createClient({
    apiKey: "bench-key",
    fetch: sim.fetch,
    baseUrl: sim.url,
    clock: time.clock,
    sleep: time.sleep,
    ...limits,
  });
}
