/**
 * The simulator service: its state (fault engine, rate limits, billing ledger, keys) and the request
 * pipeline around the core. Transport-free: in-process-fetch.ts and server.ts (node:http) reach it.
 *
 * Order of checks for a request to a TikHub route: route known? → the gate (gate.ts: key 401, rate limits
 * 429, balance 402) → outage window / drawn fault → the core's answer. Admin routes under /__sim/ need
 * no key (admin.ts).
 */
import { API_PREFIX, endpointByPath } from "../catalog/endpoints.js";
import type { EndpointSpec } from "../catalog/types.js";
import { systemSleep } from "../core/clock.js";
import type { Clock, Sleep } from "../core/types.js";
import { ADMIN_PREFIX, handleAdmin } from "./admin.js";
import { fixedFaultAnswer, JSON_HEADERS, response, type SimAnswer } from "./answers.js";
import { BillingLedger, type PriceTable } from "./billing.js";
import {
  type Budget,
  type FaultKind,
  type FaultProfile,
  type FaultProfileInput,
  loadFaultProfile,
  parseFaultProfile,
  parseRateLimit,
  type RateLimit,
} from "./fault-profile.js";
import { canonicalParams, FaultEngine } from "./faults.js";
import { admit, type GateState } from "./gate.js";
import { DEFAULT_RATE_LIMIT, type EffectiveRateLimit, KeyRateLimiter } from "./rate-limit.js";

// ------------------------------------------------------------------ the core, as this file needs it

/** One request as the core sees it. */
export interface CoreRequest {
  path: string;
  query: Record<string, string>;
}
/** The core's answer: `body` is a JSON-able value or a string that is already JSON text. */
export interface CoreResult {
  status: number;
  body: unknown;
  /** When the core has them: `body` (then JSON text) as UTF-8 bytes, written as they are. */
  bytes?: Buffer;
  /** The envelope's request_id, when the core gives `bytes` (saves scanning a large body for it). */
  requestId?: string;
  endpoint: string | null;
}
/** The simulator core (src/simulator/core.ts) and its renderers, bound together. */
export interface CoreBinding<W = unknown> {
  core: { world: W; handle(req: CoreRequest): CoreResult };
  renderInnerFailure(endpoint: string, params: Record<string, string>, message: string, now: number): unknown;
  renderEmptyPayload(endpoint: string, params: Record<string, string>, now: number): unknown;
}

// ------------------------------------------------------------------ options

export interface SimulatorServiceOptions {
  /** Seed of the fault draws (the core uses the same seed for its world). Default 1. */
  seed?: number;
  /** A profile object, a built-in profile name (healthy, mild, primary-down, chaos) or a JSON file path. */
  faults?: FaultProfileInput | string;
  /** Valid API keys; default: any non-empty key. */
  keys?: readonly string[];
  /**
   * Per-key requests/s (a number) or a full limit with per-endpoint ones (`{ perSecond: 10, endpoints:
   * { "web_v3/fetch_note_detail": 1 } }`); overrides the profile's. Default 10/s per key plus Web V3 note
   * detail 1/s per key. 0 (or `{ perSecond: 0 }`) = no limit at all.
   */
  rateLimit?: number | RateLimit;
  /** Per-key balance; overrides the profile's. Default: unlimited. */
  budget?: Budget;
  /** Price per billable call in USD by endpoint name (e.g. "app_v2/search_notes"); default the catalogue's. */
  prices?: PriceTable;
  /** Wall clock (ms) for the bucket, outage windows and envelope times. Default Date.now. */
  clock?: Clock;
  /** Waits out injected latency. Default: a real timer that rejects when the signal aborts. */
  sleep?: Sleep;
}

export interface SimIncomingRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  authorization?: string | undefined;
  cookie?: string | undefined;
  body?: string | undefined;
  signal?: AbortSignal | undefined;
}

/** The simulator service: state plus the request pipeline. Transport-free. */
export class SimulatorService<W = unknown> {
  readonly binding: CoreBinding<W>;
  readonly ledger: BillingLedger;
  readonly faults: FaultEngine;
  readonly rateLimiter: KeyRateLimiter;
  readonly startedAt: number;
  #keys: ReadonlySet<string> | null;
  #clock: Clock;
  #sleep: Sleep;
  /** A number overrides only the per-key rate (0: every limit off); an object overrides the whole limit. */
  #rateLimitOverride: number | RateLimit | undefined;
  #budgetOverride: Budget | undefined;
  #gate: GateState;

  constructor(binding: CoreBinding<W>, options: SimulatorServiceOptions = {}) {
    this.binding = binding;
    this.#clock = options.clock ?? { now: Date.now };
    this.#sleep = options.sleep ?? systemSleep;
    this.#keys = options.keys ? new Set(options.keys) : null;
    // Validated either way (a negative rate or an unknown endpoint is a FaultProfileError).
    const rateLimit = options.rateLimit === undefined ? undefined : parseRateLimit(options.rateLimit);
    this.#rateLimitOverride = typeof options.rateLimit === "number" ? options.rateLimit : rateLimit;
    this.#budgetOverride = options.budget;
    const profile = resolveProfile(options.faults);
    this.ledger = new BillingLedger(options.prices);
    const now = () => this.#clock.now();
    this.faults = new FaultEngine({ seed: options.seed ?? 1, profile, now });
    this.rateLimiter = new KeyRateLimiter(this.#effectiveRateLimit(), now);
    this.startedAt = now();
    const service = this;
    this.#gate = {
      keys: this.#keys,
      rateLimiter: this.rateLimiter,
      ledger: this.ledger,
      get budget() {
        return service.budget;
      },
      now,
    };
  }

  /** The simulator's wall clock, in ms. */
  now(): number {
    return this.#clock.now();
  }

  get world(): W {
    return this.binding.core.world;
  }

  get profile(): FaultProfile {
    return this.faults.profile;
  }

  /** Replaces the fault profile (an object, a built-in name or a JSON file path; validated); the rate limit and budget follow it unless overridden by options. */
  setProfile(input: unknown): FaultProfile {
    const profile = typeof input === "string" ? loadFaultProfile(input) : parseFaultProfile(input);
    this.faults.setProfile(profile);
    this.rateLimiter.setLimit(this.#effectiveRateLimit());
    return profile;
  }

  /** The limits in force (defaults filled in; endpoints with a limit of their own listed). */
  get rateLimit(): EffectiveRateLimit {
    return this.rateLimiter.limit;
  }

  get budget(): Budget | undefined {
    return this.#budgetOverride ?? this.faults.profile.budget;
  }

  /** Forgets attempt counters, outage counters, rate buckets and the ledger: a run can be repeated exactly. */
  reset(): void {
    this.faults.reset();
    this.rateLimiter.reset();
    this.ledger.reset();
  }

  #effectiveRateLimit(): RateLimit {
    const override = this.#rateLimitOverride;
    const fromProfile = this.faults.profile.rateLimit;
    if (typeof override !== "number") return override ?? fromProfile ?? DEFAULT_RATE_LIMIT;
    // A bare rate keeps the profile's endpoint limits (`xhs mock --rate-limit 20 --faults my.json`).
    return override > 0 && fromProfile?.endpoints
      ? { perSecond: override, endpoints: fromProfile.endpoints }
      : { perSecond: override };
  }

  /** Serves one request. Rejects only if the signal aborts during injected latency. */
  async handle(req: SimIncomingRequest): Promise<SimAnswer> {
    if (req.path.startsWith(ADMIN_PREFIX)) {
      const admin = handleAdmin(this, req.method, req.path, req.body);
      return response(admin.status, admin.body);
    }
    const spec = req.path.startsWith(API_PREFIX) ? endpointByPath(req.path) : undefined;
    if (!spec) return this.#fromCore(req); // the core answers 404 (or its own routes)
    if (req.method !== "GET") {
      return response(405, { detail: "Method Not Allowed" }, { allow: "GET" });
    }

    const endpoint = spec.name;
    const admission = admit(this.#gate, req.authorization, req.cookie, endpoint);
    if (!admission.admitted) return admission.answer;
    const id = admission.keyId;

    const decision = this.faults.decide({
      series: spec.series,
      endpoint,
      params: canonicalParams(spec, req.query),
      keyId: id,
    });
    const answer = this.#answer(req, spec, decision.kind);
    this.ledger.record(
      id,
      endpoint,
      answer.kind === "response" ? answer.status : answer.kind === "drop" ? "dropped" : "hang",
    );
    if (decision.latencyMs > 0 && answer.kind !== "hang") await this.#sleep(decision.latencyMs, req.signal);
    return answer;
  }

  #answer(req: SimIncomingRequest, spec: EndpointSpec, kind: FaultKind | null): SimAnswer {
    switch (kind) {
      case null:
        return this.#fromCore(req);
      case "hang":
      case "dropped_connection":
      case "http_5xx":
      case "http_502":
      case "http_503":
      case "http_504":
      case "upstream_400":
      case "html_error":
        return fixedFaultAnswer(kind, spec, () => this.#clock.now());
      case "inner_failure":
      case "empty_payload":
      case "malformed_json": {
        // These corrupt a good answer; a request the core rejects (422, 400) gets the core's answer.
        const real = this.#fromCore(req);
        if (real.kind !== "response" || real.status !== 200) return real;
        if (kind === "malformed_json") {
          return { ...real, body: real.body.slice(0, Math.max(1, real.body.length >> 1)), bytes: undefined };
        }
        const now = this.#clock.now();
        const body =
          kind === "inner_failure"
            ? this.binding.renderInnerFailure(spec.name, req.query, "服务异常", now)
            : this.binding.renderEmptyPayload(spec.name, req.query, now);
        return response(200, body);
      }
    }
  }

  #fromCore(req: SimIncomingRequest): SimAnswer & { kind: "response" } {
    const result = this.binding.core.handle({ path: req.path, query: req.query });
    if (result.bytes && result.requestId) {
      // The core's 200s: already encoded, request id known; the (large) text is not scanned.
      const headers = { ...JSON_HEADERS, "x-request-id": result.requestId };
      return { kind: "response", status: result.status, headers, body: String(result.body), bytes: result.bytes };
    }
    return response(result.status, result.body);
  }
}

function resolveProfile(faults: FaultProfileInput | string | undefined): FaultProfile {
  if (faults === undefined) return loadFaultProfile("healthy");
  if (typeof faults === "string") return loadFaultProfile(faults);
  return parseFaultProfile(faults);
}
