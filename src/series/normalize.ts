/**
 * The normalizer registry and the public `normalize(endpoint, raw, options?)`: one saved raw TikHub answer
 * in, normalized records out. No network.
 */
import { findEndpoint } from "../catalog/endpoints.js";
import type { EndpointSpec } from "../catalog/types.js";
import { InvalidInputError, NotFoundError, UpstreamError, WrongItemError } from "../core/errors.js";
import { toIsoTime } from "../model/times.js";
import { APP_V1_NORMALIZERS } from "./app_v1/normalizers.js";
import { APP_V2_NORMALIZERS } from "./app_v2/normalizers.js";
import { isObj, stringParams } from "./shared/pick.js";
import type { NextPageParams, NormalizeContext, NormalizedItem, NormalizedPage, Normalizer } from "./types.js";
import { WEB_V3_NORMALIZERS } from "./web_v3/normalizers.js";

export const NORMALIZERS: Readonly<Record<string, Normalizer>> = {
  ...APP_V2_NORMALIZERS,
  ...APP_V1_NORMALIZERS,
  ...WEB_V3_NORMALIZERS,
};

/** The normalizer of a catalogue endpoint ("app_v2/search_notes", "app/get_note_info", "app_v1/…" too). */
export function normalizerFor(endpoint: string | EndpointSpec): Normalizer {
  const spec = typeof endpoint === "string" ? findEndpoint(endpoint) : endpoint;
  const normalizer = spec ? NORMALIZERS[spec.name] : undefined;
  if (!spec || !normalizer) throw unknownEndpoint(typeof endpoint === "string" ? endpoint : endpoint.name);
  return normalizer;
}

function unknownEndpoint(name: string): InvalidInputError {
  return new InvalidInputError(`Unknown endpoint "${name}". Known: ${Object.keys(NORMALIZERS).join(", ")}`);
}

/** The id a record is about (notes, users, comments, topics, resolved links all have `id`). */
function idOf(item: NormalizedItem): string {
  return item.id;
}

/** The record among a detail answer's candidates whose id is `id` (video detail answers carry recommendations). */
export function pickRequested<T extends NormalizedItem>(items: readonly T[], id: string): T | undefined {
  return items.find((item) => idOf(item) === id);
}

export interface NormalizeOptions {
  /** For detail endpoints: the id of the record wanted (else the id the envelope's `params` asked for). */
  id?: string;
  /** Request parameters, merged over the envelope's echoed `params` (context the payload lacks). */
  params?: Record<string, string>;
  /** ISO time stamped on records; default: the envelope's `time_stamp`, else now. */
  fetchedAt?: string;
  onDrift?: (path: string) => void;
}

export interface NormalizeResult {
  /** The endpoint as written in the catalogue, e.g. "app_v2/get_image_note_detail". */
  endpoint: string;
  items: NormalizedItem[];
  /** What the answer says about more pages; null when it does not say. */
  hasMore: boolean | null;
  /** Series-native parameters for the next page, or null. */
  cursor: NextPageParams;
}

/** Which request parameter names the record a detail endpoint is about. */
const REQUESTED_ID_PARAM: Partial<Record<EndpointSpec["capability"], string>> = {
  note: "note_id",
  user: "user_id",
  topic: "page_id",
};

/** Builds the normalizer context of a raw answer: its echoed params and its fetch time. */
export function contextFor(spec: EndpointSpec, raw: unknown, options: NormalizeOptions = {}): NormalizeContext {
  const echoed = isObj(raw) ? stringParams(raw.params) : {};
  const stamped = isObj(raw) ? toIsoTime(raw.time_stamp) : null;
  return {
    endpoint: spec,
    params: { ...echoed, ...(options.params ?? {}) },
    fetchedAt: options.fetchedAt ?? stamped ?? new Date().toISOString(),
    onDrift: options.onDrift,
  };
}

/**
 * Normalizes one raw TikHub answer (the whole envelope, as JSON.parse gives it).
 *
 * Lists: every record of the page. Detail endpoints (note, user, topic): the one record the answer is about:
 * the one matching `options.id`, else the one matching the id the echoed `params` asked for, else the first.
 *
 * @throws InvalidInputError for an unknown endpoint; ShapeError when the answer's structure is not one the
 *   series uses; NotFoundError / UpstreamError for an inner failure (not-found only when the message says
 *   so); UpstreamError (emptyPayload) for a detail answer with no record; WrongItemError when the answer is
 *   about something else than the id asked for (e.g. the video endpoint called on an image note).
 */
export function normalize(endpoint: string, raw: unknown, options: NormalizeOptions = {}): NormalizeResult {
  const spec = findEndpoint(endpoint.replace(/^\/?api\/v1\/xiaohongshu\//, ""));
  if (!spec) throw unknownEndpoint(endpoint);
  const context = contextFor(spec, raw, options);
  const page = normalizerFor(spec)(raw, context);
  return selectResult(spec, page, context, options.id);
}

/** Turns a normalized page into the public result, applying the detail selection and status rules. */
export function selectResult(
  spec: EndpointSpec,
  page: NormalizedPage,
  context: NormalizeContext,
  wantedId?: string,
): NormalizeResult {
  const where = { endpoint: spec.name, series: spec.series };
  const { status } = page;
  if (!status.ok && status.reason === "inner_failure") {
    const message = `${spec.name} answered with an inner failure${status.message ? `: ${status.message}` : ""}`;
    if (status.notFound) throw new NotFoundError(message, where);
    throw new UpstreamError(message, { ...where, upstreamMessage: status.message ?? undefined });
  }
  const result: NormalizeResult = { endpoint: spec.name, items: page.items, hasMore: page.hasMore, cursor: page.next };
  const idParam = REQUESTED_ID_PARAM[spec.capability];
  if (spec.pagination !== "none" || idParam === undefined) return result;

  if (page.items.length === 0) {
    throw new UpstreamError(`${spec.name} answered with an empty payload`, { ...where, emptyPayload: true });
  }
  const asked = wantedId ?? (context.params[idParam] || undefined);
  if (asked === undefined) return { ...result, items: page.items.slice(0, 1) };
  const match = pickRequested(page.items, asked);
  if (!match) {
    const found = page.items.map(idOf).join(", ");
    throw new WrongItemError(`${spec.name} answered about ${found}, not the requested ${asked}`, where);
  }
  return { ...result, items: [match] };
}
