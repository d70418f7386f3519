/**
 * Tolerant field pickers shared by every series' normalizers.
 *
 * Keys are written in snake_case; each lookup also tries the camelCase twin (`liked_count` → `likedCount`),
 * because Web V3 passes through payloads of either case and SSR-derived ones mix both. Dotted paths
 * (`interact_info.liked_count`) descend through objects. A missing or null value is `undefined`, never a throw.
 */
import { parseCount } from "../../model/counts.js";
import { toIsoTime } from "../../model/times.js";

export type Obj = Record<string, unknown>;

export function isObj(value: unknown): value is Obj {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

const camelCache = new Map<string, string>();
/** `liked_count` → `likedCount`; keys without `_` are their own twin. */
export function camelTwin(key: string): string {
  let twin = camelCache.get(key);
  if (twin === undefined) {
    twin = key.replace(/_([a-z0-9])/g, (_m, c: string) => c.toUpperCase());
    camelCache.set(key, twin);
  }
  return twin;
}

/**
 * A dotted key split once into segments, each with its camelCase twin (null when it has none). Normalizers
 * read the same few hundred keys millions of times: splitting and re-deriving twins per read was the
 * largest cost of normalizing (see bench/results.md, parse cost).
 */
const pathCache = new Map<string, readonly (readonly [string, string | null])[]>();

function pathOf(key: string): readonly (readonly [string, string | null])[] {
  let path = pathCache.get(key);
  if (path === undefined) {
    path = key.split(".").map((segment) => {
      const twin = camelTwin(segment);
      return [segment, twin === segment ? null : twin] as const;
    });
    pathCache.set(key, path);
  }
  return path;
}

function getOne(source: unknown, key: string): unknown {
  let current: unknown = source;
  for (const [segment, twin] of pathOf(key)) {
    if (!isObj(current)) return undefined;
    let next = current[segment];
    if ((next === undefined || next === null) && twin !== null) next = current[twin];
    if (next === undefined || next === null) return undefined;
    current = next;
  }
  return current;
}

/** The first of `keys` (or its camelCase twin) present and not null in `source`. */
export function get(source: unknown, ...keys: string[]): unknown {
  for (const key of keys) {
    const value = getOne(source, key);
    if (value !== undefined) return value;
  }
  return undefined;
}

/** Whether any of `keys` is present (not null), for drift reports. */
export function has(source: unknown, ...keys: string[]): boolean {
  return get(source, ...keys) !== undefined;
}

/**
 * An identifier or token: a non-empty string, or a safe integer turned into a string (ids past 2^53 are
 * already corrupted by JSON.parse and are refused).
 */
export function id(source: unknown, ...keys: string[]): string | null {
  for (const key of keys) {
    const value = getOne(source, key);
    if (typeof value === "string" && value.trim() !== "") return value.trim();
    if (typeof value === "number" && Number.isSafeInteger(value) && value >= 0) return String(value);
  }
  return null;
}

/**
 * Free text: the first non-empty string among `keys`; "" when the only strings given were empty (an empty
 * title is a fact); null when none was given.
 */
export function text(source: unknown, ...keys: string[]): string | null {
  let sawEmpty = false;
  for (const key of keys) {
    const value = getOne(source, key);
    if (typeof value === "string") {
      if (value !== "") return value;
      sawEmpty = true;
    }
  }
  return sawEmpty ? "" : null;
}

/** A non-empty string (URLs, locations): "" counts as absent. */
export function nonEmpty(source: unknown, ...keys: string[]): string | null {
  for (const key of keys) {
    const value = getOne(source, key);
    if (typeof value === "string" && value.trim() !== "") return value;
  }
  return null;
}

/** A non-negative integer (sizes, pixels) from a number or a digit string; null otherwise. */
export function int(source: unknown, ...keys: string[]): number | null {
  for (const key of keys) {
    const value = getOne(source, key);
    const n = typeof value === "string" && /^\s*\d+(\.\d+)?\s*$/.test(value) ? Number(value) : value;
    if (typeof n === "number" && Number.isFinite(n) && n >= 0 && n <= Number.MAX_SAFE_INTEGER) return Math.round(n);
  }
  return null;
}

/** A finite non-negative number (durations) from a number or a numeric string; null otherwise. */
export function num(source: unknown, ...keys: string[]): number | null {
  for (const key of keys) {
    const value = getOne(source, key);
    const n = typeof value === "string" && /^\s*\d+(\.\d+)?\s*$/.test(value) ? Number(value) : value;
    if (typeof n === "number" && Number.isFinite(n) && n >= 0) return n;
  }
  return null;
}

/** The first array among `keys`, or undefined. */
export function list(source: unknown, ...keys: string[]): unknown[] | undefined {
  for (const key of keys) {
    const value = getOne(source, key);
    if (Array.isArray(value)) return value;
  }
  return undefined;
}

/** The first object among `keys`, or undefined (a wrong type counts as absent: leaf objects are optional). */
export function obj(source: unknown, ...keys: string[]): Obj | undefined {
  for (const key of keys) {
    const value = getOne(source, key);
    if (isObj(value)) return value;
  }
  return undefined;
}

/** The objects of an optional array, skipping anything else. */
export function objects(value: unknown): Obj[] {
  return Array.isArray(value) ? value.filter(isObj) : [];
}

/** The first count among `keys` that parses (see parseCount), with its approx flag. */
export function count(source: unknown, ...keys: string[]): { value: number | null; approx: boolean } {
  for (const key of keys) {
    const parsed = parseCount(getOne(source, key));
    if (parsed.value !== null) return parsed;
  }
  return { value: null, approx: false };
}

/** The first time among `keys` that parses (seconds or milliseconds; 0 and placeholders skipped). */
export function time(source: unknown, ...keys: string[]): string | null {
  for (const key of keys) {
    const iso = toIsoTime(getOne(source, key));
    if (iso !== null) return iso;
  }
  return null;
}

/** A boolean from true/false, 1/0 or "true"/"false"; null otherwise. */
export function bool(source: unknown, ...keys: string[]): boolean | null {
  for (const key of keys) {
    const value = getOne(source, key);
    if (typeof value === "boolean") return value;
    if (value === 1 || value === "true" || value === "1") return true;
    if (value === 0 || value === "false" || value === "0") return false;
  }
  return null;
}

/** Stringifies request-parameter values (TikHub echoes them as strings; callers may pass numbers). */
export function stringParams(value: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!isObj(value)) return out;
  for (const [key, v] of Object.entries(value)) {
    if (typeof v === "string") out[key] = v;
    else if (typeof v === "number" || typeof v === "boolean") out[key] = String(v);
  }
  return out;
}
