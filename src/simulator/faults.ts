/**
 * Fault decisions. Whether a request meets a fault is a pure function of
 * (seed, series, endpoint, canonical parameters, attempt number, decision name): one FNV-1a hash of
 * those, finished with murmur3's fmix32, gives one uniform number per decision. Two clients making the
 * same request meet the same fault, and after `reset()` a run repeats exactly.
 *
 * The fault kind is chosen with one uniform `u` against the cumulative rates (in FAULT_KINDS order), so
 * the observed frequency of each kind is its configured rate (not shadowed by the kinds before it).
 */
import type { EndpointSpec } from "../catalog/types.js";
import type { Series } from "../core/vocabulary.js";
import {
  FAULT_KINDS,
  type FaultKind,
  type FaultProfile,
  type FaultRates,
  type Latency,
  type Outage,
} from "./fault-profile.js";
import { avalanche, fnv1a } from "./world/random.js";

/** FNV-1a (32 bit) over a string's UTF-16 code units, seeded, then an avalanche (the world's own hash). */
export function hash32(text: string, seed = 0): number {
  return avalanche(fnv1a((0x811c9dc5 ^ seed) >>> 0, text));
}

/** A uniform number in [0, 1) for one named decision about one request. */
export function uniform(seed: number, requestKey: string, decision: string): number {
  return hash32(`${requestKey}\u0001${decision}`, seed) / 4294967296;
}

/**
 * Canonical parameters: the catalogue's defaults filled in, keys sorted, so `page=1` and no `page`
 * are the same request. Unknown parameters are kept (TikHub ignores them, but they make a new request).
 */
export function canonicalParams(spec: EndpointSpec | undefined, query: Record<string, string>): string {
  const merged: Record<string, string> = {};
  if (spec) for (const p of spec.params) if (p.default !== undefined) merged[p.name] = String(p.default);
  for (const [k, v] of Object.entries(query)) merged[k] = v;
  return Object.keys(merged)
    .sort()
    .map((k) => `${k}=${merged[k]}`)
    .join("&");
}

export interface FaultRequest {
  series: Series;
  /** Catalogue name, e.g. "app_v2/search_notes" or "app/get_note_info". */
  endpoint: string;
  /** From canonicalParams(). */
  params: string;
  /** Short hash of the API key (billing.keyId); attempts are counted per key. */
  keyId: string;
}

export interface FaultDecision {
  /** null: answer normally. */
  kind: FaultKind | null;
  /** Why: "rate" (drawn) or "outage". */
  cause: "rate" | "outage" | null;
  /** Latency to add before answering, in ms (already scaled). */
  latencyMs: number;
  /** 0-based: how many identical requests (same key, endpoint, params) came before this one since reset. */
  attempt: number;
}

interface ResolvedRule {
  latency: Latency | undefined;
  /** Cumulative thresholds in FAULT_KINDS order; empty when no fault can happen. */
  thresholds: { kind: FaultKind; upTo: number }[];
}

export interface FaultEngineOptions {
  seed: number;
  profile: FaultProfile;
  /** Wall clock in ms (injected; default Date.now). */
  now?: () => number;
}

/** Stateful part of fault injection: attempt counters, outage call counters, the current profile. */
export class FaultEngine {
  readonly seed: number;
  #profile: FaultProfile;
  #now: () => number;
  #startedAt: number;
  #attempts = new Map<string, number>();
  #targetCalls = new Map<string, number>();
  #rules = new Map<string, ResolvedRule>();
  #outages: { outage: Outage; fromMs: number; toMs: number }[] = [];

  constructor(options: FaultEngineOptions) {
    this.seed = options.seed >>> 0;
    this.#now = options.now ?? Date.now;
    this.#startedAt = this.#now();
    this.#profile = options.profile;
    this.#compileOutages();
  }

  get profile(): FaultProfile {
    return this.#profile;
  }

  /** Replaces the profile (already validated). Counters are kept: use reset() for a fresh run. */
  setProfile(profile: FaultProfile): void {
    this.#profile = profile;
    this.#rules.clear();
    this.#compileOutages();
  }

  /** Forgets attempt and call counters; outage windows by time restart from now. */
  reset(): void {
    this.#attempts.clear();
    this.#targetCalls.clear();
    this.#startedAt = this.#now();
    this.#compileOutages();
  }

  /** Decides the fate of one request and counts it (attempt number, outage call windows). */
  decide(req: FaultRequest): FaultDecision {
    const attemptKey = `${req.keyId}\u0001${req.endpoint}\u0001${req.params}`;
    const attempt = this.#attempts.get(attemptKey) ?? 0;
    this.#attempts.set(attemptKey, attempt + 1);
    const requestKey = `${req.series}\u0001${req.endpoint}\u0001${req.params}\u0001${attempt}`;

    const rule = this.#rule(req.series, req.endpoint);
    const latencyMs = this.#latency(rule.latency, requestKey);

    const outageKind = this.#outageKind(req);
    if (outageKind) return { kind: outageKind, cause: "outage", latencyMs, attempt };

    if (rule.thresholds.length === 0) return { kind: null, cause: null, latencyMs, attempt };
    const u = uniform(this.seed, requestKey, "fault");
    for (const t of rule.thresholds) if (u < t.upTo) return { kind: t.kind, cause: "rate", latencyMs, attempt };
    return { kind: null, cause: null, latencyMs, attempt };
  }

  /** The effective fault rates for an endpoint (endpoint rule > series rule > defaults, per kind). */
  ratesFor(series: Series, endpoint: string): FaultRates {
    const p = this.#profile;
    const out: FaultRates = {};
    for (const kind of FAULT_KINDS) {
      const value =
        p.endpoints?.[endpoint]?.rates?.[kind] ?? p.series?.[series]?.rates?.[kind] ?? p.defaults?.rates?.[kind];
      if (value !== undefined && value > 0) out[kind] = value;
    }
    return out;
  }

  #rule(series: Series, endpoint: string): ResolvedRule {
    const cacheKey = `${series}\u0001${endpoint}`;
    const cached = this.#rules.get(cacheKey);
    if (cached) return cached;
    const p = this.#profile;
    const latency = p.endpoints?.[endpoint]?.latency ?? p.series?.[series]?.latency ?? p.defaults?.latency;
    const rates = this.ratesFor(series, endpoint);
    const thresholds: ResolvedRule["thresholds"] = [];
    let upTo = 0;
    for (const kind of FAULT_KINDS) {
      const r = rates[kind];
      if (r === undefined) continue;
      upTo += r;
      thresholds.push({ kind, upTo });
    }
    const rule = { latency, thresholds };
    this.#rules.set(cacheKey, rule);
    return rule;
  }

  #latency(latency: Latency | undefined, requestKey: string): number {
    const scale = this.#profile.latencyScale ?? 1;
    if (!latency || latency.kind === "none" || scale === 0) return 0;
    switch (latency.kind) {
      case "fixed":
        return latency.ms * scale;
      case "uniform":
        return (latency.minMs + (latency.maxMs - latency.minMs) * uniform(this.seed, requestKey, "latency")) * scale;
      case "lognormal": {
        // Box–Muller from two decision-specific uniforms; 1 - u keeps log() away from 0.
        const u1 = 1 - uniform(this.seed, requestKey, "latency-1");
        const u2 = uniform(this.seed, requestKey, "latency-2");
        const z = Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
        const value = latency.medianMs * Math.exp(latency.sigma * z);
        return Math.min(value, latency.maxMs ?? 30_000) * scale;
      }
    }
  }

  #compileOutages(): void {
    this.#outages = (this.#profile.outages ?? []).map((outage) => {
      if (outage.from !== undefined || outage.to !== undefined) {
        return {
          outage,
          fromMs: outage.from ? Date.parse(outage.from) : Number.NEGATIVE_INFINITY,
          toMs: outage.to ? Date.parse(outage.to) : Number.POSITIVE_INFINITY,
        };
      }
      if (outage.afterMs !== undefined || outage.forMs !== undefined) {
        const fromMs = this.#startedAt + (outage.afterMs ?? 0);
        return { outage, fromMs, toMs: outage.forMs === undefined ? Number.POSITIVE_INFINITY : fromMs + outage.forMs };
      }
      return { outage, fromMs: Number.NaN, toMs: Number.NaN };
    });
  }

  /** Counts the call against its series and endpoint, and returns the kind of the first outage that is on. */
  #outageKind(req: FaultRequest): FaultKind | null {
    if (this.#outages.length === 0) return null;
    const seriesIndex = this.#countCall(`s:${req.series}`);
    const endpointIndex = this.#countCall(`e:${req.endpoint}`);
    let now: number | undefined;
    for (const { outage, fromMs, toMs } of this.#outages) {
      const matches = outage.endpoint ? outage.endpoint === req.endpoint : outage.series === req.series;
      if (!matches) continue;
      if (outage.fromCall !== undefined || outage.toCall !== undefined) {
        const index = outage.endpoint ? endpointIndex : seriesIndex;
        if (index >= (outage.fromCall ?? 0) && index < (outage.toCall ?? Number.POSITIVE_INFINITY)) return outage.kind;
      } else {
        now ??= this.#now();
        if (now >= fromMs && now < toMs) return outage.kind;
      }
    }
    return null;
  }

  /** Returns the 0-based index of this call to a target and counts it. */
  #countCall(target: string): number {
    const index = this.#targetCalls.get(target) ?? 0;
    this.#targetCalls.set(target, index + 1);
    return index;
  }
}
