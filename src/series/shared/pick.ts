/**
 * Tolerant field pickers shared by every series' normalizers.
 *
 * Keys are written in snake_case; each lookup also tries the camelCase twin (`liked_count` → `likedCount`),
 * because Web V3 passes through payloads of either case and SSR-derived ones mix both. Dotted paths
 * (`interact_info.liked_count`) descend through objects. A missing or null value is absent, never a throw.
 * Key lists are compiled once, at module load, with `keys(…)` (see there for why).
 */
import { type ParsedCount, parseCount } from "../../model/counts.js";
import { toIsoTime } from "../../model/times.js";

export type Obj = Record<string, unknown>;

export function isObj(value: unknown): value is Obj {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** `liked_count` → `likedCount`; keys without `_` are their own twin. */
export function camelTwin(key: string): string {
  return key.replace(/_([a-z0-9])/g, (_m, c: string) => c.toUpperCase());
}

/** Reads `source` for each key in order; the first value `take` accepts (returns non-null) wins. */
type Reader = <R>(source: unknown, take: (value: unknown) => R | null) => R | null;

/** Field names tried in order, each with its camelCase twin; build with `keys(…)` once per module. */
export interface Keys {
  readonly names: readonly string[];
  readonly first: Reader;
}

const SAFE_NAME = /^[A-Za-z0-9_]+$/;

/**
 * Compiles a key list into one function of plain property reads (`s["liked_count"] ?? s["likedCount"]`).
 * Why generated code: a generic reader (`source[key]` in a loop) makes every read a megamorphic keyed load,
 * and most reads miss (the names of the other series and the camelCase twins): ≈ 20 ns each, about half of
 * what normalizing cost. Each compiled list has its own inline caches, which see one or a few object shapes:
 * ≈ 2 ns per read. Names are checked against SAFE_NAME and quoted with JSON.stringify, so the source is
 * only ever made of our own literals.
 */
export function keys(...names: string[]): Keys {
  // One labelled block per name: `o` is the object being read, `v` the value found; `break` = absent.
  const blocks = names.map((name, index) => {
    const reads = name.split(".").map((segment, depth) => {
      if (!SAFE_NAME.test(segment)) throw new Error(`keys(): unsupported field name "${name}"`);
      const twin = camelTwin(segment);
      const descend =
        depth === 0 ? "o = s;" : `if (typeof v !== "object" || Array.isArray(v)) break k${index};\no = v;`;
      const fallback = twin === segment ? "" : `\nif (v == null) v = o[${JSON.stringify(twin)}];`;
      return `${descend}\nv = o[${JSON.stringify(segment)}];${fallback}\nif (v == null) break k${index};\n`;
    });
    return `k${index}: {\n${reads.join("")}r = t(v);\nif (r !== null) return r;\n}\n`;
  });
  const guard = `if (typeof s !== "object" || s === null || Array.isArray(s)) return null;\n`;
  const source = `${guard}let o, v, r;\n${blocks.join("")}return null;`;
  return { names, first: new Function("s", "t", source) as Reader };
}

/** A field by name ("a|b": either name will do) with its compiled keys: drift checks and list paths name it. */
export interface Field {
  readonly name: string;
  readonly keys: Keys;
}

/** Compiles named fields once, at module load (see `keys`). */
export function fields(...names: string[]): readonly Field[] {
  return names.map((name) => ({ name, keys: keys(...name.split("|")) }));
}

const anything = (value: unknown): unknown => value;

/** The first of `keys` (or its camelCase twin) present and not null in `source`. */
export function pickValue(source: unknown, keys: Keys): unknown {
  return keys.first(source, anything) ?? undefined;
}

/** Whether any of `keys` is present (not null), for drift reports. */
export function hasValue(source: unknown, keys: Keys): boolean {
  return keys.first(source, anything) !== null;
}

const asId = (value: unknown): string | null => {
  if (typeof value === "string") {
    const trimmed = value.trim();
    return trimmed === "" ? null : trimmed;
  }
  return typeof value === "number" && Number.isSafeInteger(value) && value >= 0 ? String(value) : null;
};

/**
 * An identifier or token: a non-empty string, or a safe integer turned into a string (ids past 2^53 are
 * already corrupted by JSON.parse and are refused).
 */
export function pickId(source: unknown, keys: Keys): string | null {
  return keys.first(source, asId);
}

const asNonEmptyString = (value: unknown): string | null => (typeof value === "string" && value !== "" ? value : null);
const asEmptyString = (value: unknown): string | null => (value === "" ? value : null);

/**
 * Free text: the first non-empty string among `keys`; "" when the only strings given were empty (an empty
 * title is a fact); null when none was given.
 */
export function pickText(source: unknown, keys: Keys): string | null {
  return keys.first(source, asNonEmptyString) ?? keys.first(source, asEmptyString);
}

const asNonBlankString = (value: unknown): string | null =>
  typeof value === "string" && value.trim() !== "" ? value : null;

/** A non-empty string (URLs, locations): "" counts as absent. */
export function pickNonEmpty(source: unknown, keys: Keys): string | null {
  return keys.first(source, asNonBlankString);
}

const DECIMAL = /^\s*\d+(\.\d+)?\s*$/;
const asNumber = (value: unknown): number | null => {
  const n = typeof value === "string" && DECIMAL.test(value) ? Number(value) : value;
  return typeof n === "number" && Number.isFinite(n) && n >= 0 ? n : null;
};
const asInt = (value: unknown): number | null => {
  const n = asNumber(value);
  return n !== null && n <= Number.MAX_SAFE_INTEGER ? Math.round(n) : null;
};

/** A non-negative integer (sizes, pixels) from a number or a digit string; null otherwise. */
export function pickInt(source: unknown, keys: Keys): number | null {
  return keys.first(source, asInt);
}

/** A finite non-negative number (durations) from a number or a numeric string; null otherwise. */
export function pickNumber(source: unknown, keys: Keys): number | null {
  return keys.first(source, asNumber);
}

const asList = (value: unknown): unknown[] | null => (Array.isArray(value) ? value : null);
const asObj = (value: unknown): Obj | null => (isObj(value) ? value : null);

/** The first array among `keys`, or undefined. */
export function pickList(source: unknown, keys: Keys): unknown[] | undefined {
  return keys.first(source, asList) ?? undefined;
}

/** The first object among `keys`, or undefined (a wrong type counts as absent: leaf objects are optional). */
export function pickObject(source: unknown, keys: Keys): Obj | undefined {
  return keys.first(source, asObj) ?? undefined;
}

/** The objects of an optional array, skipping anything else. */
export function objects(value: unknown): Obj[] {
  return Array.isArray(value) ? value.filter(isObj) : [];
}

const asCount = (value: unknown): ParsedCount | null => {
  const parsed = parseCount(value);
  return parsed.value !== null ? parsed : null;
};
const NO_COUNT: ParsedCount = { value: null, approx: false };

/** The first count among `keys` that parses (see parseCount), with its approx flag. */
export function pickCount(source: unknown, keys: Keys): ParsedCount {
  return keys.first(source, asCount) ?? NO_COUNT;
}

/** The first time among `keys` that parses (seconds or milliseconds; 0 and placeholders skipped). */
export function pickTime(source: unknown, keys: Keys): string | null {
  return keys.first(source, toIsoTime);
}

const asBool = (value: unknown): boolean | null => {
  if (typeof value === "boolean") return value;
  if (value === 1 || value === "true" || value === "1") return true;
  if (value === 0 || value === "false" || value === "0") return false;
  return null;
};

/** A boolean from true/false, 1/0 or "true"/"false"; null otherwise. */
export function pickBool(source: unknown, keys: Keys): boolean | null {
  return keys.first(source, asBool);
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
