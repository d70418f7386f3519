/**
 * Fault profiles: what the simulator does wrong, and how often. A profile is plain JSON (a file under
 * profiles/, an options object, or `PUT /__sim/faults`), validated here with zod so a typo is a clear
 * error rather than a silently healthy simulator.
 *
 * Rules resolve per request: endpoint rule, then series rule, then `defaults` (per fault kind, and the
 * latency as a whole), so `{"series":{"app_v2":{"rates":{"http_503":0.5}}}}` only touches App V2.
 */

import { existsSync, readFileSync } from "node:fs";
import { z } from "zod";
import { findEndpoint } from "../catalog/endpoints.js";
import { InvalidInputError } from "../core/errors.js";
import { formatIssues } from "../core/issues.js";
import { SERIES } from "../core/vocabulary.js";
import chaosJson from "./profiles/chaos.json" with { type: "json" };
import healthyJson from "./profiles/healthy.json" with { type: "json" };
import mildJson from "./profiles/mild.json" with { type: "json" };
import primaryDownJson from "./profiles/primary-down.json" with { type: "json" };

/** Every kind of fault, in the order the cumulative draw walks them (see faults.ts). */
export const FAULT_KINDS = [
  "http_5xx",
  "http_502",
  "http_503",
  "http_504",
  "upstream_400",
  "inner_failure",
  "empty_payload",
  "malformed_json",
  "html_error",
  "dropped_connection",
  "hang",
] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

const ms = z.number().finite().nonnegative();

export const LatencySchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("none") }).strict(),
  z.object({ kind: z.literal("fixed"), ms }).strict(),
  z
    .object({ kind: z.literal("uniform"), minMs: ms, maxMs: ms })
    .strict()
    .refine((l) => l.maxMs >= l.minMs, { message: "maxMs must be ≥ minMs" }),
  /** Median `medianMs`, spread `sigma` (of the underlying normal); capped at `maxMs` (default 30 000). */
  z
    .object({
      kind: z.literal("lognormal"),
      medianMs: ms,
      sigma: z.number().finite().nonnegative(),
      maxMs: ms.optional(),
    })
    .strict(),
]);
export type Latency = z.infer<typeof LatencySchema>;

const rate = z.number().min(0, "a rate is a probability in [0, 1]").max(1, "a rate is a probability in [0, 1]");

export const FaultRatesSchema = z.partialRecord(z.enum(FAULT_KINDS), rate);
export type FaultRates = z.infer<typeof FaultRatesSchema>;

export const FaultRuleSchema = z
  .object({
    latency: LatencySchema.optional(),
    /** Probability of each fault kind per request; their sum must be ≤ 1. */
    rates: FaultRatesSchema.optional(),
  })
  .strict()
  .refine((r) => sumRates(r.rates) <= 1 + 1e-9, { message: "the fault rates of one rule add up to more than 1" });
export type FaultRule = z.infer<typeof FaultRuleSchema>;

/** Outage kinds: anything that is not an answer about the thing asked. */
const OutageKindSchema = z.enum(FAULT_KINDS);

const UNKNOWN_ENDPOINT =
  "unknown endpoint (use catalogue names such as app_v2/search_notes, app/get_note_info, web_v3/fetch_note_detail)";
const endpointName = z.string().refine((name) => findEndpoint(name) !== undefined, { message: UNKNOWN_ENDPOINT });

export const OutageSchema = z
  .object({
    /** A series or an endpoint (catalogue name); exactly one. */
    series: z.enum(SERIES).optional(),
    endpoint: endpointName.optional(),
    /** What callers meet during the outage (default http_503). */
    kind: OutageKindSchema.default("http_503"),
    /** By wall time, in ms since the simulator started (or was last reset): [afterMs, afterMs + forMs). */
    afterMs: ms.optional(),
    forMs: ms.optional(),
    /** By wall time, absolute ISO 8601 instants: [from, to). */
    from: z.iso.datetime({ offset: true }).optional(),
    to: z.iso.datetime({ offset: true }).optional(),
    /** By call count: the target's calls number fromCall..toCall-1 (0-based, counted since the last reset) fail. */
    fromCall: z.number().int().nonnegative().optional(),
    toCall: z.number().int().nonnegative().optional(),
  })
  .strict()
  .superRefine((o, ctx) => {
    if ((o.series === undefined) === (o.endpoint === undefined)) {
      ctx.addIssue({ code: "custom", message: "an outage names exactly one of `series` or `endpoint`" });
    }
    const relative = o.afterMs !== undefined || o.forMs !== undefined;
    const absolute = o.from !== undefined || o.to !== undefined;
    const byCount = o.fromCall !== undefined || o.toCall !== undefined;
    if ([relative, absolute, byCount].filter(Boolean).length !== 1) {
      ctx.addIssue({
        code: "custom",
        message: "an outage has exactly one window: afterMs/forMs, from/to (ISO times) or fromCall/toCall",
      });
    }
    if (o.fromCall !== undefined && o.toCall !== undefined && o.toCall < o.fromCall) {
      ctx.addIssue({ code: "custom", message: "toCall must be ≥ fromCall" });
    }
    if (o.from !== undefined && o.to !== undefined && Date.parse(o.to) < Date.parse(o.from)) {
      ctx.addIssue({ code: "custom", message: "`to` must not be before `from`" });
    }
  });
export type Outage = z.infer<typeof OutageSchema>;

const bucketRate = z
  .object({
    /** Requests per second (token refill rate); 0 switches this bucket off. */
    perSecond: z.number().finite().nonnegative(),
    /** Bucket size (default = perSecond, at least 1). */
    burst: z.number().finite().positive().optional(),
  })
  .strict();

/** One endpoint's own limit per key: req/s (burst = the rate, at least 1) or a full bucket; 0 = none. */
export const EndpointRateLimitSchema = z.union([z.number().finite().nonnegative(), bucketRate]);
export type EndpointRateLimit = z.infer<typeof EndpointRateLimitSchema>;

/** A record keyed by catalogue endpoint name; an unknown name is a clear error, not a silent no-op. */
function byEndpoint<T extends z.ZodType>(value: T) {
  return z.record(z.string(), value).superRefine((entries, ctx) => {
    for (const name of Object.keys(entries)) {
      if (findEndpoint(name) === undefined) ctx.addIssue({ code: "custom", path: [name], message: UNKNOWN_ENDPOINT });
    }
  });
}

export const RateLimitSchema = bucketRate
  .extend({
    /**
     * Per-endpoint limits per key, on top of the per-key one, by catalogue name. They are merged over the
     * defaults (Web V3 note detail 1/s, burst 1: see rate-limit.ts); 0 removes one. `perSecond: 0` with no
     * `endpoints` switches every limit off.
     */
    endpoints: byEndpoint(EndpointRateLimitSchema).optional(),
  })
  .strict();
export type RateLimit = z.infer<typeof RateLimitSchema>;

export const BudgetSchema = z
  .object({
    /** Balance per key in USD: once a key's billed cost reaches it, answers are 402. */
    usd: z.number().finite().nonnegative().optional(),
    /** Or a number of billable calls per key. */
    calls: z.number().int().nonnegative().optional(),
  })
  .strict();
export type Budget = z.infer<typeof BudgetSchema>;

export const FaultProfileSchema = z
  .object({
    name: z.string().optional(),
    description: z.string().optional(),
    /** Multiplies every latency (e.g. 0 for benchmarks, 0.1 for quick demos). Default 1. */
    latencyScale: z.number().finite().nonnegative().optional(),
    defaults: FaultRuleSchema.optional(),
    series: z.partialRecord(z.enum(SERIES), FaultRuleSchema).optional(),
    endpoints: byEndpoint(FaultRuleSchema).optional(),
    outages: z.array(OutageSchema).optional(),
    rateLimit: RateLimitSchema.optional(),
    budget: BudgetSchema.optional(),
  })
  .strict();
export type FaultProfile = z.infer<typeof FaultProfileSchema>;
/** What callers may write (outage `kind` optional). */
export type FaultProfileInput = z.input<typeof FaultProfileSchema>;

export class FaultProfileError extends InvalidInputError {
  readonly issues: string[];
  constructor(issues: string[], source?: string) {
    super(`Invalid fault profile${source ? ` (${source})` : ""}:\n  ${issues.join("\n  ")}`);
    this.issues = issues;
  }
}

/** Validates a profile; throws FaultProfileError listing every problem with its JSON path. */
export function parseFaultProfile(input: unknown, source?: string): FaultProfile {
  // zod's records drop a "__proto__" key without a word (JSON.parse makes it an own key): refuse it here.
  const polluted = protoKeyPaths(input);
  if (polluted.length > 0) {
    throw new FaultProfileError(
      polluted.map((at) => `${at}: "__proto__" is not a valid key`),
      source,
    );
  }
  const parsed = FaultProfileSchema.safeParse(input);
  if (parsed.success) return normalizeEndpointNames(parsed.data);
  throw new FaultProfileError(formatIssues(parsed.error, { root: "(profile)" }), source);
}

/** JSON paths of every own "__proto__" key in a JSON value (depth-bounded: profiles are shallow). */
function protoKeyPaths(value: unknown, at = "(profile)", depth = 0): string[] {
  if (value === null || typeof value !== "object" || depth > 16) return [];
  const found: string[] = [];
  for (const key of Object.keys(value)) {
    const path = at === "(profile)" ? key : `${at}.${key}`;
    if (key === "__proto__") found.push(path);
    else found.push(...protoKeyPaths((value as Record<string, unknown>)[key], path, depth + 1));
  }
  return found;
}

/** "app_v1/…" is accepted as a synonym of the URL form "app/…"; rules are looked up by the URL form. */
function normalizeEndpointNames(profile: FaultProfile): FaultProfile {
  const canonical = (name: string) => findEndpoint(name)?.name ?? name;
  const endpoints = profile.endpoints
    ? Object.fromEntries(Object.entries(profile.endpoints).map(([name, rule]) => [canonical(name), rule]))
    : undefined;
  const outages = profile.outages?.map((o) => (o.endpoint ? { ...o, endpoint: canonical(o.endpoint) } : o));
  return {
    ...profile,
    ...(endpoints ? { endpoints } : {}),
    ...(outages ? { outages } : {}),
    ...(profile.rateLimit ? { rateLimit: canonicalRateLimit(profile.rateLimit) } : {}),
  };
}

function canonicalRateLimit(limit: RateLimit): RateLimit {
  if (!limit.endpoints) return limit;
  const endpoints = Object.fromEntries(
    Object.entries(limit.endpoints).map(([name, rate]) => [findEndpoint(name)?.name ?? name, rate]),
  );
  return { ...limit, endpoints };
}

/**
 * Validates a rate limit given outside a profile (the simulator's `rateLimit` option): a number is the
 * per-key req/s (0 = every limit off); an object is checked like a profile's `rateLimit`.
 */
export function parseRateLimit(input: number | RateLimit, source = "rateLimit option"): RateLimit {
  if (typeof input === "number") {
    if (!Number.isFinite(input) || input < 0) {
      throw new FaultProfileError([`rateLimit: expected a number of requests per second ≥ 0, got ${input}`], source);
    }
    return { perSecond: input };
  }
  const parsed = RateLimitSchema.safeParse(input);
  if (parsed.success) return canonicalRateLimit(parsed.data);
  throw new FaultProfileError(formatIssues(parsed.error, { under: "rateLimit" }), source);
}

function sumRates(rates: FaultRates | undefined): number {
  let sum = 0;
  for (const value of Object.values(rates ?? {})) sum += value ?? 0;
  return sum;
}

/** The healthy profile: no latency, no faults, no rate limit of its own. */
export const HEALTHY_PROFILE: FaultProfile = { name: "healthy" };

/** The named profiles shipped in profiles/. */
export const BUILT_IN_PROFILES: Readonly<Record<string, unknown>> = {
  healthy: healthyJson,
  mild: mildJson,
  "primary-down": primaryDownJson,
  chaos: chaosJson,
};

/**
 * A built-in profile by name (validated), or undefined: only the shipped names count, never an
 * inherited property ("__proto__", "constructor", "toString" are not profile names).
 */
export function builtInProfile(name: string): FaultProfile | undefined {
  if (!Object.hasOwn(BUILT_IN_PROFILES, name)) return undefined;
  return parseFaultProfile(BUILT_IN_PROFILES[name], `built-in profile "${name}"`);
}

function noSuchBuiltIn(name: string, alsoFile: boolean): FaultProfileError {
  const known = Object.keys(BUILT_IN_PROFILES).join(", ");
  return new FaultProfileError(
    [`no built-in profile ${JSON.stringify(name)} (known: ${known})${alsoFile ? " and no such file" : ""}`],
    alsoFile ? name : undefined,
  );
}

/**
 * A profile by value or by built-in name; never a file. What a caller across a trust boundary (the
 * admin route `PUT /__sim/faults`) may give.
 */
export function profileByValueOrName(input: unknown): FaultProfile {
  if (typeof input !== "string") return parseFaultProfile(input);
  const builtIn = builtInProfile(input);
  if (builtIn === undefined) throw noSuchBuiltIn(input, false);
  return builtIn;
}

/**
 * A built-in profile by name, or a JSON file by path (validated either way): for the process's own
 * configuration (`xhs mock --faults`, the `faults` option), never for a request's input. Errors name the
 * file and the problem, never the file's contents.
 */
export function loadFaultProfile(nameOrPath: string): FaultProfile {
  const builtIn = builtInProfile(nameOrPath);
  if (builtIn !== undefined) return builtIn;
  if (!/\.json$/i.test(nameOrPath) && !existsSync(nameOrPath)) throw noSuchBuiltIn(nameOrPath, true);
  let text: string;
  try {
    text = readFileSync(nameOrPath, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new FaultProfileError([`cannot read the file${code ? ` (${code})` : ""}`], nameOrPath);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    // The engine's message quotes the text around the error: not repeated, so no error shows the file.
    throw new FaultProfileError(["not valid JSON"], nameOrPath);
  }
  return parseFaultProfile(json, nameOrPath);
}
