/**
 * The list cursor: where a list stands, as base64url JSON, small whatever the list's length
 * (native next-page parameters of one series, the last yielded id, and a deflated Bloom filter of the
 * ids yielded so far: well under 4 KB).
 */

import { InvalidInputError } from "../core/errors.js";
import type { Series } from "../core/vocabulary.js";

export const CURSOR_VERSION = 1;

export interface ListCursorState {
  v: typeof CURSOR_VERSION;
  /** Which list this is (capability + subject + filters): a cursor is never resumed on another list. */
  k: string;
  /** Series the list is on (null: not started). */
  s: Series | null;
  /** Parameters (merged over the first page's) of the next page to fetch on `s`; null = its first page. */
  a: Record<string, string> | null;
  /** Pages already fetched on `s` (0: the next fetch is its first page). */
  p: number;
  /** What the last fetched page said about more pages. */
  h: boolean | null;
  /** Last yielded id. */
  l: string | null;
  /** Items yielded so far. */
  y: number;
  /** Skipping forward: drop already-yielded items until `l` is met (after a series switch or mid-page resume). */
  sk: boolean;
  /**
   * Crossed series: items were yielded on one series and the list moved to another. Only then does a
   * relevance-ranked list drop ids the Bloom filter says were seen (its false positives would otherwise
   * drop real items of a long list: within one series, native paging yields each item once).
   */
  x?: boolean;
  /** Series that failed during this list (not asked again for it). */
  f: Series[];
  /** Empty first pages seen (two make an empty list). */
  e: number;
  /** Degraded reasons. */
  d: string[];
  /** Bloom filter of yielded ids: deflated base64url, its byte size and count. */
  b: string;
  bn: number;
  bc: number;
}

export function encodeCursor(state: ListCursorState): string {
  return Buffer.from(JSON.stringify(state), "utf8").toString("base64url");
}

export function decodeCursor(cursor: string, expectedKey: string): ListCursorState {
  let state: unknown;
  try {
    state = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
  } catch {
    throw new InvalidInputError("The cursor is not a cursor xhs-kit made (not base64url JSON)");
  }
  if (typeof state !== "object" || state === null || (state as { v?: unknown }).v !== CURSOR_VERSION) {
    throw new InvalidInputError("The cursor is not a cursor xhs-kit made (unknown version)");
  }
  const s = state as ListCursorState;
  if (s.k !== expectedKey) {
    throw new InvalidInputError(`The cursor belongs to another list ("${s.k}"), not to "${expectedKey}"`);
  }
  if (typeof s.b !== "string" || typeof s.bn !== "number" || !Array.isArray(s.f) || !Array.isArray(s.d)) {
    throw new InvalidInputError("The cursor is damaged (missing fields)");
  }
  return s;
}
