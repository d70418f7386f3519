/**
 * The list cursor: where a list stands, as base64url JSON, small whatever the list's length
 * (native next-page parameters of one series, the last yielded id, and a deflated Bloom filter of the
 * ids yielded so far: well under 4 KB).
 *
 * In memory a list's position has readable names (ListPosition); only the serialised form keeps the short
 * keys (ListCursorWire), because crawls resume from cursors written by earlier versions: the wire format
 * must not change.
 */

import { InvalidInputError } from "../core/errors.js";
import type { Series } from "../core/vocabulary.js";

export const CURSOR_VERSION = 1;

/** Where a list stands, as a list walker keeps it. */
export interface ListPosition {
  /** Which list this is (capability + subject + filters): a cursor is never resumed on another list. */
  listKey: string;
  /** Series the list is on (null: not started). */
  series: Series | null;
  /** Parameters (merged over the first page's) of the next page to fetch on `series`; null = its first page. */
  nextParams: Record<string, string> | null;
  /** Pages already fetched on `series` (0: the next fetch is its first page). */
  pagesFetched: number;
  /** What the last fetched page said about more pages. */
  lastHasMore: boolean | null;
  lastYieldedId: string | null;
  yieldedCount: number;
  /** Skipping forward: drop already-yielded items until `lastYieldedId` is met (after a series switch or mid-page resume). */
  skippingToLast: boolean;
  /**
   * Items were yielded on one series and the list moved to another. Only then does a relevance-ranked list
   * drop ids the Bloom filter says were seen (its false positives would otherwise drop real items of a long
   * list: within one series, native paging yields each item once).
   */
  crossedSeries: boolean;
  /** Series that failed during this list (not asked again for it). */
  failedSeries: Series[];
  /** Empty first pages seen (see SubjectEvidence.emptiesNeeded). */
  emptyFirstPages: number;
  degradedReasons: string[];
  /** Bloom filter of yielded ids: deflated base64url, its byte size and how many ids it holds. */
  yieldedFilter: { deflated: string; bytes: number; count: number };
}

/** The serialised form: the short keys every cursor ever written carries. */
export interface ListCursorWire {
  v: typeof CURSOR_VERSION;
  k: string;
  s: Series | null;
  a: Record<string, string> | null;
  p: number;
  h: boolean | null;
  l: string | null;
  y: number;
  sk: boolean;
  f: Series[];
  e: number;
  d: string[];
  b: string;
  bn: number;
  bc: number;
  /** Written only when true (cursors from before it had none). */
  x?: boolean;
}

/** The wire form, keys in the order cursors have always been written. */
export function toWire(position: ListPosition): ListCursorWire {
  const wire: ListCursorWire = {
    v: CURSOR_VERSION,
    k: position.listKey,
    s: position.series,
    a: position.nextParams,
    p: position.pagesFetched,
    h: position.lastHasMore,
    l: position.lastYieldedId,
    y: position.yieldedCount,
    sk: position.skippingToLast,
    f: position.failedSeries,
    e: position.emptyFirstPages,
    d: position.degradedReasons,
    b: position.yieldedFilter.deflated,
    bn: position.yieldedFilter.bytes,
    bc: position.yieldedFilter.count,
  };
  if (position.crossedSeries) wire.x = true;
  return wire;
}

export function fromWire(wire: ListCursorWire): ListPosition {
  return {
    listKey: wire.k,
    series: wire.s,
    nextParams: wire.a,
    pagesFetched: wire.p,
    lastHasMore: wire.h,
    lastYieldedId: wire.l,
    yieldedCount: wire.y,
    skippingToLast: wire.sk,
    crossedSeries: wire.x === true,
    failedSeries: wire.f,
    emptyFirstPages: wire.e,
    degradedReasons: wire.d,
    yieldedFilter: { deflated: wire.b, bytes: wire.bn, count: wire.bc },
  };
}

export function encodeCursor(position: ListPosition): string {
  return Buffer.from(JSON.stringify(toWire(position)), "utf8").toString("base64url");
}

export function decodeCursor(cursor: string, expectedKey: string): ListPosition {
  let state: unknown;
  try {
    state = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
  } catch {
    throw new InvalidInputError("The cursor is not a cursor xhs-kit made (not base64url JSON)");
  }
  if (typeof state !== "object" || state === null || (state as { v?: unknown }).v !== CURSOR_VERSION) {
    throw new InvalidInputError("The cursor is not a cursor xhs-kit made (unknown version)");
  }
  const wire = state as ListCursorWire;
  if (wire.k !== expectedKey) {
    throw new InvalidInputError(`The cursor belongs to another list ("${wire.k}"), not to "${expectedKey}"`);
  }
  if (typeof wire.b !== "string" || typeof wire.bn !== "number" || !Array.isArray(wire.f) || !Array.isArray(wire.d)) {
    throw new InvalidInputError("The cursor is damaged (missing fields)");
  }
  return fromWire(wire);
}
