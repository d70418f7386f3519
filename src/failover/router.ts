/**
 * The router: for one capability, the ordered series that may serve a call, under the usage guide's rules.
 *
 * - Default order app_v2, app_v1, web_v3 (per client and per call configurable).
 * - App V1 never for video notes (its answer has no video URL).
 * - Web V3 note detail, comments and replies only with the note's xsec_token.
 * - A series with no endpoint for the capability is skipped (App V1: no user search, no favourites,
 *   no topic info; Web V3: no topics; only App V2 has favourites).
 * - A series that cannot honour a requested filter is skipped, unless the caller accepts degraded
 *   results: then it serves the call without that filter and the result says so.
 */
import { endpointsFor } from "../catalog/endpoints.js";
import { type FilterMapping, mapFilter } from "../catalog/filters.js";
import type { EndpointSpec } from "../catalog/types.js";
import { InvalidInputError } from "../core/errors.js";
import type { Capability } from "../core/vocabulary.js";
import { SERIES, type Series } from "../core/vocabulary.js";
import type { NoteType } from "../model/types.js";

export const DEFAULT_SERIES_ORDER: readonly Series[] = SERIES;

/** One unified filter value asked for, with the table that maps it per series. */
export interface FilterRequest {
  /** The unified filter's name, for messages ("sort", "type", "time"). */
  name: string;
  table: Record<Series, FilterMapping<string> | null>;
  value: string;
  /** The value that means "no filter" (sent as nothing on a series without that filter). */
  neutral: string;
}

export interface RouteRequest {
  capability: Capability;
  order?: readonly Series[] | undefined;
  /** For note detail: the note's type when known (video rules App V1 out). */
  noteType?: NoteType | null | undefined;
  /** The note's xsec_token when known (Web V3 note detail, comments, replies need it). */
  xsecToken?: string | null | undefined;
  filters?: readonly FilterRequest[] | undefined;
  acceptDegraded?: boolean | undefined;
}

export interface Route {
  series: Series;
  /** The endpoints of this series for the capability (App V2 note detail: image then video). */
  endpoints: EndpointSpec[];
  /** Filter parameters to send on this series. */
  filterParams: Record<string, string>;
  /** Filters this series cannot honour (only with acceptDegraded). */
  degradedReasons: string[];
}

export interface RoutePlan {
  routes: Route[];
  /** Series left out and why; `filter` when only a filter it cannot honour kept it out. */
  skipped: { series: Series; reason: string; filter?: true }[];
}

/** Removes duplicates and unknown names, keeping the caller's order. */
export function normalizeOrder(order: readonly Series[] | undefined): Series[] {
  const seen = new Set<Series>();
  for (const s of order ?? DEFAULT_SERIES_ORDER) {
    if (!(SERIES as readonly string[]).includes(s)) {
      throw new InvalidInputError(`Unknown series "${s}". Known: ${SERIES.join(", ")}`);
    }
    seen.add(s);
  }
  if (seen.size === 0)
    throw new InvalidInputError(`The series order is empty: name at least one of ${SERIES.join(", ")}`);
  return [...seen];
}

export function planRoutes(request: RouteRequest): RoutePlan {
  const routes: Route[] = [];
  const skipped: RoutePlan["skipped"] = [];
  for (const series of normalizeOrder(request.order)) {
    let endpoints = endpointsFor(request.capability, series);
    if (endpoints.length === 0) {
      skipped.push({ series, reason: `${series} has no endpoint for ${request.capability}` });
      continue;
    }
    if (request.capability === "note" && request.noteType) {
      const type = request.noteType;
      endpoints = endpoints.filter((e) => !e.noteTypes || e.noteTypes.includes(type));
      if (endpoints.length === 0) {
        skipped.push({
          series,
          reason: `${series} cannot serve ${type} notes (App V1 answers them without a video URL)`,
        });
        continue;
      }
    }
    if (endpoints.some((e) => e.needsXsecToken) && !request.xsecToken) {
      skipped.push({ series, reason: `${series} needs the note's xsec_token, and none is known` });
      continue;
    }
    const filterParams: Record<string, string> = {};
    const degradedReasons: string[] = [];
    let honoured = true;
    for (const filter of request.filters ?? []) {
      const mapped = mapFilter(filter.table, series, filter.value, filter.neutral);
      if (mapped === null) {
        const reason = `${series} cannot honour ${filter.name}=${filter.value}`;
        if (!request.acceptDegraded) {
          skipped.push({ series, reason, filter: true });
          honoured = false;
          break;
        }
        degradedReasons.push(reason);
        continue;
      }
      for (const [key, value] of Object.entries(mapped)) filterParams[key] = String(value);
    }
    if (!honoured) continue;
    routes.push({ series, endpoints, filterParams, degradedReasons });
  }
  return { routes, skipped };
}

/** The plan's routes, or a clear InvalidInputError (nothing was paid) when no series can serve the call. */
export function requireRoutes(request: RouteRequest): Route[] {
  const plan = planRoutes(request);
  if (plan.routes.length === 0) {
    const why = plan.skipped.map((s) => s.reason).join("; ");
    // The hint only where accepting a degraded series would have left one to ask.
    const hint = plan.skipped.some((s) => s.filter)
      ? " (pass acceptDegraded: true to accept a series without the filter)"
      : "";
    throw new InvalidInputError(`No series can serve ${request.capability}: ${why}${hint}`);
  }
  return plan.routes;
}
