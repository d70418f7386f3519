/**
 * The simulator's core: a pure, in-process `handle(request)` that answers like TikHub for every endpoint
 * of the catalogue. No I/O, no timers: the HTTP server (auth, faults, rate limits, ledger) wraps it.
 *
 * Order of checks, as FastAPI does them: unknown route → 404 {"detail":"Not Found"}; missing or ill-typed
 * parameters → 422 with FastAPI's validation body; then the series' answer. Unknown enum values are
 * accepted silently (treated as the default), like the real API.
 */
import { API_PREFIX, endpointByPath, findEndpoint } from "../catalog/endpoints.js";
import type { EndpointSpec, ParamSpec } from "../catalog/types.js";
import type { Clock } from "../core/types.js";
import { type Quirks, resolveQuirks } from "./quirks.js";
import { appV1 } from "./render/app_v1/handlers.js";
import { appV2 } from "./render/app_v2/handlers.js";
import { envelope, envelopeHead, serializeBody } from "./render/envelope.js";
import { PayloadCache, type PayloadCacheLimits } from "./render/payload-cache.js";
import { compileTemplate, fillTemplate } from "./render/per-request.js";
import { forgetMemos, type RenderContext, type SeriesRenderer } from "./render/types.js";
import { webV3 } from "./render/web_v3/handlers.js";
import { resolveSize } from "./world/generate.js";
import type { WorldSize, WorldSizeName } from "./world/types.js";
import { World } from "./world/world.js";

export interface SimulatorCoreOptions {
  /** World seed; default 1. */
  seed?: number;
  /** "tiny" | "default" | "large" or a partial size; default "default" (starts in well under a second). */
  size?: WorldSizeName | Partial<WorldSize>;
  /** Every quirk switchable, all on by default (see quirks.ts). */
  quirks?: Partial<Quirks>;
  /** Milliseconds since the epoch for envelope time fields; default Date.now. */
  now?: () => number;
  /**
   * The cache of serialized payloads (render/payload-cache.ts): limits, or false to render every request.
   * Default 4,096 payloads / 96 MiB. Answers are the same bytes either way.
   */
  cache?: Partial<PayloadCacheLimits> | false;
  /**
   * The clock the world follows (new notes, growing counts, deletions: world/timeline.ts). Default none: the
   * world stands still at WORLD_NOW, as it always did. Separate from `now`, which only stamps envelopes.
   */
  worldClock?: Clock;
}

export interface ResolvedCoreOptions {
  seed: number;
  size: WorldSize;
  quirks: Quirks;
  now: () => number;
  cache: PayloadCacheLimits;
}

export interface SimRequest {
  /** e.g. "/api/v1/xiaohongshu/app_v2/search_notes" (a query string, if any, is ignored). */
  path: string;
  query: Record<string, string>;
}

export interface SimResult {
  status: number;
  /** A JSON-able value, or a string that is already JSON text (every HTTP 200 answer with the envelope). */
  body: unknown;
  /** For HTTP 200 answers: `body` as UTF-8 bytes, ready to write (encoding large bodies is costly). */
  bytes?: Buffer;
  /** For HTTP 200 answers: the envelope's request_id (so the server need not scan the body for it). */
  requestId?: string;
  /** Catalogue name, e.g. "app_v2/search_notes" ("app/…" for App V1); null on 404. */
  endpoint: string | null;
}

export interface SimulatorCore {
  world: World;
  options: ResolvedCoreOptions;
  /** The payload cache (its size and limits; `clear()` empties it). */
  cache: PayloadCache;
  handle(req: SimRequest): SimResult;
}

/** The envelope's closing brace, after `data`. */
const CLOSE = Buffer.from("}");

const RENDERERS: Record<string, SeriesRenderer> = { app_v2: appV2, app_v1: appV1, web_v3: webV3 };

function seriesOf(endpoint: string): { spec: EndpointSpec; renderer: SeriesRenderer; tail: string } {
  const spec = findEndpoint(endpoint);
  if (!spec) throw new Error(`Unknown endpoint "${endpoint}"`);
  const renderer = RENDERERS[spec.series];
  if (!renderer) throw new Error(`No renderer for series ${spec.series}`);
  return { spec, renderer, tail: spec.name.slice(spec.name.indexOf("/") + 1) };
}

/** The TikHub envelope around `data` (the series' inner wrapper), for the server's own answers. */
export function renderEnvelope(endpoint: string, params: Record<string, string>, data: unknown, now: number): unknown {
  return envelope(findEndpoint(endpoint)?.name ?? endpoint, params, data, now);
}

/** HTTP 200 with the series' inner failure ("服务异常" style), in the endpoint's real shape. Billed. */
export function renderInnerFailure(
  endpoint: string,
  params: Record<string, string>,
  message: string,
  now: number,
): unknown {
  const { spec, renderer } = seriesOf(endpoint);
  return envelope(spec.name, params, renderer.innerFailure(message), now);
}

/** HTTP 200, inner success, and an empty payload (no items), in the endpoint's real shape. Billed. */
export function renderEmptyPayload(endpoint: string, params: Record<string, string>, now: number): unknown {
  const { spec, renderer, tail } = seriesOf(endpoint);
  return envelope(spec.name, params, renderer.emptyPayload(tail), now);
}

export { serializeBody };

// ------------------------------------------------------------------ validation (FastAPI's 422 body)

interface ValidationError {
  type: string;
  loc: [string, string];
  msg: string;
  input: unknown;
}

const INTEGER = /^[+-]?\d+$/;

function validate(spec: EndpointSpec, query: Record<string, string>, quirks: Quirks): ValidationError[] {
  const errors: ValidationError[] = [];
  for (const p of spec.params) {
    const value = query[p.name];
    if (value === undefined) {
      if (p.required) errors.push({ type: "missing", loc: ["query", p.name], msg: "Field required", input: null });
      continue;
    }
    if (p.type === "integer") {
      if (!INTEGER.test(value.trim())) {
        errors.push({
          type: "int_parsing",
          loc: ["query", p.name],
          msg: "Input should be a valid integer, unable to parse string as an integer",
          input: value,
        });
      } else if (p.max !== undefined && Number(value) > p.max) {
        errors.push({
          type: "less_than_equal",
          loc: ["query", p.name],
          msg: `Input should be less than or equal to ${p.max}`,
          input: value,
        });
      }
    }
  }
  for (const group of spec.oneOf ?? []) {
    if (!group.some((name) => (query[name] ?? "").trim() !== "")) {
      const name = group[0] ?? "";
      errors.push({
        type: "missing",
        loc: ["query", name],
        msg: `Field required: one of ${group.join(", ")} must be given`,
        input: null,
      });
    }
  }
  // Web V3 detail/comments/replies without xsec_token: 422 although the OpenAPI subset marks it optional
  // (reported by a third-party client [I]; docs/reference-notes.md#xsec_token).
  if (spec.needsXsecToken && quirks.webV3NeedsToken && query.xsec_token === undefined) {
    errors.push({ type: "missing", loc: ["query", "xsec_token"], msg: "Field required", input: null });
  }
  return errors;
}

/** Parameter values after the catalogue's defaults; unknown enum values fall back to the default. */
function withDefaults(spec: EndpointSpec, query: Record<string, string>): Record<string, string> {
  const args: Record<string, string> = { ...query };
  for (const p of spec.params as readonly ParamSpec[]) {
    const value = query[p.name];
    const fallback = p.default === undefined ? undefined : String(p.default);
    if (value === undefined) {
      if (fallback !== undefined) args[p.name] = fallback;
    } else if (p.enum && fallback !== undefined && !p.enum.map(String).includes(value.trim())) {
      args[p.name] = fallback;
    } else if (p.type === "integer") {
      args[p.name] = String(Number.parseInt(value.trim(), 10));
    }
  }
  return args;
}

// ------------------------------------------------------------------ the core

export function createSimulatorCore(options: SimulatorCoreOptions = {}): SimulatorCore {
  const cache = new PayloadCache(options.cache === false ? { maxEntries: 0 } : options.cache);
  const resolved: ResolvedCoreOptions = {
    seed: options.seed ?? 1,
    size: resolveSize(options.size),
    // Frozen: cached payloads assume the quirks never change after the core is made.
    quirks: Object.freeze(resolveQuirks(options.quirks)),
    now: options.now ?? Date.now,
    cache: cache.limits,
  };
  const world = new World(resolved.seed, resolved.size, options.worldClock ? { clock: options.worldClock } : undefined);

  function handle(req: SimRequest): SimResult {
    const path = (req.path.split("?")[0] ?? "").replace(/\/+$/, "");
    const spec = endpointByPath(path);
    if (!spec) return { status: 404, body: { detail: "Not Found" }, endpoint: null };
    const query = req.query ?? {};
    if (world.sync()) {
      // The world moved: every cached answer and fragment shows the old counts.
      cache.clear();
      forgetMemos(world);
    }
    try {
      // The query as sent (names, order, values) decides the payload: see payload-cache.ts.
      const key = cache.enabled ? `${spec.name}?${JSON.stringify(query)}` : "";
      let template = cache.enabled ? cache.get(key) : undefined;
      let nowMs: number;
      if (template) {
        nowMs = resolved.now();
      } else {
        const errors = validate(spec, query, resolved.quirks);
        if (errors.length > 0) return { status: 422, body: { detail: errors }, endpoint: spec.name };
        const renderer = RENDERERS[spec.series];
        const tail = spec.name.slice(spec.name.indexOf("/") + 1);
        const render = renderer?.endpoints[tail];
        if (!render) return { status: 404, body: { detail: "Not Found" }, endpoint: null };
        nowMs = resolved.now();
        const ctx: RenderContext = {
          world,
          quirks: resolved.quirks,
          spec,
          params: query,
          args: withDefaults(spec, query),
          nowMs,
        };
        const outcome = render(ctx);
        // Other answers (TikHub-level 400s) are rare and carry the time: rendered every time.
        if (outcome.kind === "http") return { status: outcome.status, body: outcome.body, endpoint: spec.name };
        // serializeBody writes integers beyond 2^53 (bigInt placeholders) as raw digits.
        template = compileTemplate(serializeBody(outcome.data));
        if (cache.enabled) cache.set(key, template);
      }
      const { head, requestId } = envelopeHead(spec.name, query, nowMs);
      const parts = [Buffer.from(head, "utf8")];
      const text = `${fillTemplate(template, { nowMs, world, endpoint: spec.name }, head, parts)}}`;
      parts.push(CLOSE);
      return { status: 200, body: text, bytes: Buffer.concat(parts), requestId, endpoint: spec.name };
    } catch (error) {
      // Never throw to the server: a bug here is TikHub's 500.
      const message = error instanceof Error ? error.message : String(error);
      return {
        status: 500,
        body: {
          detail: { code: 500, message: `Internal Server Error: ${message}`, router: `${API_PREFIX}${spec.name}` },
        },
        endpoint: spec.name,
      };
    }
  }

  return { world, options: resolved, cache, handle };
}
