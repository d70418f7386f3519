/**
 * Server metrics in the Prometheus text format (0.0.4). Upstream figures come from the client's attempt
 * events (calls, billable calls, cost, failovers, per-series outcome and latency); HTTP and cache
 * figures from the server. Labels are fixed vocabularies (series, outcome, route pattern, status): no
 * caller input and no key can reach a metric.
 */
import type { AttemptEvent } from "../core/types.js";
import type { CacheStats } from "./response-cache.js";

/** Latency buckets in seconds (upper bounds). */
const BUCKETS_SEC = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

class Histogram {
  readonly counts = new Array<number>(BUCKETS_SEC.length).fill(0);
  sum = 0;
  count = 0;
  observe(seconds: number): void {
    this.sum += seconds;
    this.count++;
    const i = BUCKETS_SEC.findIndex((b) => seconds <= b);
    if (i >= 0) this.counts[i]!++;
  }
}

function histogramFor(map: Map<string, Histogram>, key: string): Histogram {
  let h = map.get(key);
  if (!h) {
    h = new Histogram();
    map.set(key, h);
  }
  return h;
}

function labels(values: Record<string, string>): string {
  const parts = Object.entries(values).map(
    ([k, v]) => `${k}="${v.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n")}"`,
  );
  return parts.length > 0 ? `{${parts.join(",")}}` : "";
}

/** Counter keyed by a label set. */
class LabelledCounter {
  readonly values = new Map<string, { labels: Record<string, string>; value: number }>();
  add(labelValues: Record<string, string>, by = 1): void {
    const key = labels(labelValues);
    const entry = this.values.get(key);
    if (entry) entry.value += by;
    else this.values.set(key, { labels: labelValues, value: by });
  }
  total(): number {
    let sum = 0;
    for (const e of this.values.values()) sum += e.value;
    return sum;
  }
}

export interface MetricsSources {
  cache: () => CacheStats;
  spend: () => { spentUsd: number; billableCalls: number };
  maxCostPerDayUsd: number | undefined;
}

export class ServerMetrics {
  private readonly upstreamCalls = new LabelledCounter();
  private readonly upstreamBillable = new LabelledCounter();
  private readonly upstreamCost = new LabelledCounter();
  private readonly upstreamFailovers = new LabelledCounter();
  private readonly upstreamRetries = new LabelledCounter();
  private readonly upstreamLatency = new Map<string, Histogram>();
  private readonly httpRequests = new LabelledCounter();
  private readonly httpLatency = new Map<string, Histogram>();
  private readonly mcpCalls = new LabelledCounter();
  private readonly rateLimited = new LabelledCounter();

  constructor(private readonly sources: MetricsSources) {}

  recordAttempt(event: AttemptEvent): void {
    const series = event.series;
    this.upstreamCalls.add({ series, outcome: event.outcome });
    if (event.billable) this.upstreamBillable.add({ series });
    if (event.costUsd > 0) this.upstreamCost.add({ series }, event.costUsd);
    if (event.failover && event.retry === 0) this.upstreamFailovers.add({ series });
    if (event.retry > 0) this.upstreamRetries.add({ series });
    histogramFor(this.upstreamLatency, series).observe(event.latencyMs / 1000);
  }

  /** `route` is the route pattern (e.g. /v1/notes/:ref), never the concrete path. */
  recordRequest(route: string, status: number, seconds: number): void {
    this.httpRequests.add({ route, status: String(status) });
    histogramFor(this.httpLatency, route).observe(seconds);
  }

  recordRateLimited(): void {
    this.rateLimited.add({});
  }

  recordToolCall(tool: string, ok: boolean): void {
    this.mcpCalls.add({ tool, outcome: ok ? "ok" : "error" });
  }

  /** Totals for tests and the load run. */
  totals(): { upstreamCalls: number; billableCalls: number; costUsd: number; httpRequests: number } {
    return {
      upstreamCalls: this.upstreamCalls.total(),
      billableCalls: this.upstreamBillable.total(),
      costUsd: this.upstreamCost.total(),
      httpRequests: this.httpRequests.total(),
    };
  }

  render(): string {
    const out: string[] = [];
    const counter = (name: string, help: string, c: LabelledCounter) => {
      out.push(`# HELP ${name} ${help}`, `# TYPE ${name} counter`);
      for (const { labels: l, value } of c.values.values()) out.push(`${name}${labels(l)} ${num(value)}`);
    };
    const gauge = (name: string, help: string, value: number) => {
      out.push(`# HELP ${name} ${help}`, `# TYPE ${name} gauge`, `${name} ${num(value)}`);
    };
    const histogram = (name: string, help: string, label: string, hs: Map<string, Histogram>) => {
      out.push(`# HELP ${name} ${help}`, `# TYPE ${name} histogram`);
      for (const [key, h] of hs) {
        let cumulative = 0;
        BUCKETS_SEC.forEach((le, i) => {
          cumulative += h.counts[i]!;
          out.push(`${name}_bucket${labels({ [label]: key, le: String(le) })} ${cumulative}`);
        });
        out.push(`${name}_bucket${labels({ [label]: key, le: "+Inf" })} ${h.count}`);
        out.push(`${name}_sum${labels({ [label]: key })} ${num(h.sum)}`);
        out.push(`${name}_count${labels({ [label]: key })} ${h.count}`);
      }
    };

    counter(
      "xhs_upstream_calls_total",
      "Upstream (TikHub) attempts by series and outcome (ok or an error kind).",
      this.upstreamCalls,
    );
    counter(
      "xhs_upstream_billable_calls_total",
      "Upstream attempts TikHub bills (HTTP 200, inner failures included).",
      this.upstreamBillable,
    );
    counter("xhs_upstream_cost_usd_total", "Estimated upstream cost in USD.", this.upstreamCost);
    counter(
      "xhs_upstream_failovers_total",
      "Calls moved to this series after another series failed.",
      this.upstreamFailovers,
    );
    counter("xhs_upstream_retries_total", "Retries on the same series.", this.upstreamRetries);
    histogram("xhs_upstream_latency_seconds", "Upstream attempt latency by series.", "series", this.upstreamLatency);
    counter("xhs_http_requests_total", "HTTP requests by route pattern and status.", this.httpRequests);
    histogram(
      "xhs_http_request_duration_seconds",
      "HTTP request duration by route pattern.",
      "route",
      this.httpLatency,
    );
    counter("xhs_mcp_tool_calls_total", "MCP tool calls by tool and outcome.", this.mcpCalls);

    const cache = this.sources.cache();
    const cacheCounter = new LabelledCounter();
    cacheCounter.add({ result: "hit" }, cache.hits);
    cacheCounter.add({ result: "miss" }, cache.misses);
    cacheCounter.add({ result: "coalesced" }, cache.coalesced);
    cacheCounter.add({ result: "bypass" }, cache.bypasses);
    counter(
      "xhs_cache_requests_total",
      "Cacheable requests by result (hit, miss, coalesced into a call in flight, bypass with fresh=true).",
      cacheCounter,
    );
    gauge("xhs_cache_entries", "Answers in the cache.", cache.entries);
    gauge("xhs_cache_bytes", "Bytes the cached answers hold.", cache.bytes);
    gauge("xhs_cache_max_bytes", "Bound of the cache in bytes.", cache.maxBytes);
    const evictions = new LabelledCounter();
    evictions.add({}, cache.evictions);
    counter("xhs_cache_evictions_total", "Answers evicted to stay within the byte bound.", evictions);

    const spend = this.sources.spend();
    gauge("xhs_spend_today_usd", "Estimated upstream spend today (UTC) in USD.", spend.spentUsd);
    if (this.sources.maxCostPerDayUsd !== undefined)
      gauge("xhs_spend_cap_usd", "Daily spending cap in USD.", this.sources.maxCostPerDayUsd);
    counter("xhs_rate_limited_total", "Requests refused with 429 by the per-client rate limit.", this.rateLimited);
    return `${out.join("\n")}\n`;
  }
}

function num(value: number): string {
  return Number.isInteger(value) ? String(value) : String(Number(value.toFixed(9)));
}
