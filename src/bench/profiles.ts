/**
 * The benchmark's fault profiles. Each is a simulator fault profile (validated by the simulator) plus
 * the quirks switch. Latencies are at full scale (virtual ms); the run's time scale shrinks them all.
 *
 * Every profile keeps the real API's quirks on (the simulator's default: the video endpoint answering
 * other notes, the image endpoint answering an empty list for a video note, Web V3 needing the token,
 * web-restricted notes): they are how TikHub behaves, not faults. The "quirks" profile adds what the
 * real API also does now and then: empty payloads presented as success, on every series.
 */
import type { FaultProfileInput } from "../simulator/fault-profile.js";

/** A normal answer's latency: median 600 ms, heavy-ish tail, at most 15 s (assumed; not in the reference). */
const NORMAL_LATENCY = { kind: "lognormal", medianMs: 600, sigma: 0.5, maxMs: 15_000 } as const;

/** TikHub's documented limit: 10 requests/s per key. */
export const DOCUMENTED_QPS = 10;

export interface BenchProfile {
  name: string;
  /** One line for the results table. */
  description: string;
  /** Whether at least one series can serve every request (the ≥ 99.9 % target applies). */
  servable: boolean;
  faults: FaultProfileInput;
}

const MIXED_30 = {
  http_5xx: 0.04,
  http_502: 0.03,
  http_503: 0.04,
  http_504: 0.02,
  upstream_400: 0.05,
  inner_failure: 0.04,
  empty_payload: 0.04,
  malformed_json: 0.02,
  html_error: 0.02,
} as const;

export const BENCH_PROFILES: readonly BenchProfile[] = [
  {
    name: "healthy",
    description: "no faults; latency lognormal, median 600 ms",
    servable: true,
    faults: { name: "bench-healthy", defaults: { latency: NORMAL_LATENCY } },
  },
  {
    name: "primary-down",
    description: "every App V2 call hangs (no answer ever); App V1 and Web V3 healthy",
    servable: true,
    faults: {
      name: "bench-primary-down",
      defaults: { latency: NORMAL_LATENCY },
      outages: [{ series: "app_v2", kind: "hang", fromCall: 0 }],
    },
  },
  {
    name: "primary-5xx",
    description: "50 % of App V2 calls answer 500/502/503/504; the others healthy",
    servable: true,
    faults: {
      name: "bench-primary-5xx",
      defaults: { latency: NORMAL_LATENCY },
      series: { app_v2: { rates: { http_5xx: 0.2, http_502: 0.1, http_503: 0.15, http_504: 0.05 } } },
    },
  },
  {
    name: "mixed-30",
    description:
      "every series: 30 % of calls fail (5xx 13 %, 400 jitter 5 %, inner failure 4 %, empty payload 4 %, malformed JSON 2 %, HTML 502 2 %)",
    servable: true,
    faults: { name: "bench-mixed-30", defaults: { latency: NORMAL_LATENCY, rates: MIXED_30 } },
  },
  {
    name: "brownout",
    description: "App V2 slow: latency median 8 s, sigma 0.7, up to 60 s; the others healthy",
    servable: true,
    faults: {
      name: "bench-brownout",
      defaults: { latency: NORMAL_LATENCY },
      series: { app_v2: { latency: { kind: "lognormal", medianMs: 8_000, sigma: 0.7, maxMs: 60_000 } } },
    },
  },
  {
    name: "quirks",
    description: "the real API's quirks plus 5 % empty payloads with success on every series",
    servable: true,
    faults: { name: "bench-quirks", defaults: { latency: NORMAL_LATENCY, rates: { empty_payload: 0.05 } } },
  },
];

export function benchProfile(name: string): BenchProfile {
  const found = BENCH_PROFILES.find((p) => p.name === name);
  if (!found)
    throw new Error(`unknown bench profile "${name}" (known: ${BENCH_PROFILES.map((p) => p.name).join(", ")})`);
  return found;
}
