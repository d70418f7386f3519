/** What a per-series endpoint renderer receives and returns. */

import type { EndpointSpec } from "../../catalog/types.js";
import { BoundedMap } from "../../core/bounded-map.js";
import type { Quirks } from "../quirks.js";
import type { World } from "../world/world.js";

export interface RenderContext {
  world: World;
  quirks: Quirks;
  spec: EndpointSpec;
  /** The query as sent (strings), for echoing. */
  params: Record<string, string>;
  /** Parameter values after defaults (the catalogue's), as strings. */
  args: Record<string, string>;
  /** Wall-clock milliseconds (envelope times, web `time`/`current_time` fields). */
  nowMs: number;
}

export type RenderOutcome =
  /** HTTP 200 with the TikHub envelope around `data` (the series' inner wrapper). */
  | { kind: "data"; data: unknown }
  /** Any other HTTP answer (TikHub-level errors such as Web V3's 400 for an empty token). */
  | { kind: "http"; status: number; body: unknown };

export type EndpointRenderer = (ctx: RenderContext) => RenderOutcome;

export interface SeriesRenderer {
  /** Renderers by endpoint tail ("search_notes"). */
  endpoints: Record<string, EndpointRenderer>;
  /** The series' inner failure wrapper (HTTP 200, billed). */
  innerFailure(message: string, code?: number): unknown;
  /** The series' successful but empty answer for an endpoint ("200 with an empty payload"). */
  emptyPayload(tail: string): unknown;
}

const memos = new WeakMap<World, BoundedMap<string, unknown>>();
/** Cap on cached fragments per world (about 20,000 notes/comments; cleared when full). */
const MEMO_CAP = 20_000;

/**
 * Cache a rendered fragment (a note or comment object) per world: rendering is deterministic, and reusing
 * fragments keeps `handle` at thousands of requests per second. Cached objects are shared: never mutate them.
 */
export function memo<T>(world: World, key: string, build: () => T): T {
  let cache = memos.get(world);
  if (!cache) {
    cache = new BoundedMap({ maxEntries: MEMO_CAP });
    memos.set(world, cache);
  }
  const hit = cache.get(key);
  if (hit !== undefined) return hit as T;
  const value = build();
  cache.set(key, value);
  return value;
}

/** Drops a world's cached fragments (the world moved in time: they show old counts). */
export function forgetMemos(world: World): void {
  memos.delete(world);
}

/** One page of a list, by position. */
export function slice<T>(items: readonly T[], start: number, size: number): { page: T[]; hasMore: boolean } {
  const from = Math.max(0, start);
  const page = items.slice(from, from + size);
  return { page, hasMore: from + size < items.length };
}

/** Position after the item whose id is `cursor` ("" → 0; unknown → -1). */
export function positionAfter<T>(items: readonly T[], cursor: string, idOf: (item: T) => string): number {
  if (cursor === "") return 0;
  const i = items.findIndex((x) => idOf(x) === cursor);
  return i < 0 ? -1 : i + 1;
}

/** A page number parameter: integers below 1 count as 1. */
export function pageNumber(value: string | undefined): number {
  const n = Number.parseInt(value ?? "1", 10);
  return Number.isFinite(n) && n >= 1 ? n : 1;
}

/** A search/session id like XHS's (base36), derived from a key so answers are reproducible. */
export function searchId(world: World, ...parts: string[]): string {
  const hex = world.sign("search", ...parts).slice(0, 20);
  return BigInt(`0x${hex}`).toString(36);
}
