/**
 * Count parsing. XHS and TikHub give counts as JSON integers (App V2), digit strings (web) or
 * abbreviated displays ("1.2万", "3.5w", "10万+", "2k"). Integers come out; `approx` says the display was
 * abbreviated or a lower bound ("10+"), so 12000 from "1.2万" is known to be approximate.
 */

export interface ParsedCount {
  /** A non-negative integer, or null when the answer did not say (missing, "", garbage). Never 0 for unknown. */
  value: number | null;
  /** True for abbreviated displays ("1.2万", "2k") and "+" lower bounds ("10+", "10万+"). */
  approx: boolean;
}

const UNKNOWN: ParsedCount = { value: null, approx: false };

/** Multipliers of the suffixes XHS displays use (万/w = 10^4, 千/k = 10^3, 亿 = 10^8, m = 10^6 on RedNote). */
// Both cases are listed (no toLowerCase: lower-casing a CJK unit took longer than the regex).
const MULTIPLIERS: Record<string, number> = {
  万: 1e4,
  w: 1e4,
  W: 1e4,
  千: 1e3,
  k: 1e3,
  K: 1e3,
  亿: 1e8,
  m: 1e6,
  M: 1e6,
};

// digits with optional decimals, optional unit (either case), optional "+" (lower bound)
const DISPLAY = /^(\d+(?:\.\d+)?)\s*([万wW千kK亿mM])?\s*(\+)?$/;

const isDigit = (code: number): boolean => code >= 48 && code <= 57;

/**
 * The compact forms nearly every count takes ("9404", "2.9万", "10+", "10万+": no spaces, no separators),
 * read in one scan: the regexes below cost more than the rest of normalizing a web note. Null for any other
 * form (the general path reads it). Same value as Number(digits): at most 15 digits in all, so the decimal
 * is (whole·10^k + fraction) / 10^k, one correctly rounded division of exact integers.
 */
function scanCompact(input: string): ParsedCount | null {
  // No `i < input.length` bounds: past the end charCodeAt is NaN and charAt is "", which no digit, ".",
  // unit or "+" test accepts, so every scan stops at the end by itself.
  let i = 0;
  let mantissa = 0;
  while (isDigit(input.charCodeAt(i))) mantissa = mantissa * 10 + input.charCodeAt(i++) - 48;
  if (i === 0) return null;
  let scale = 1;
  if (input.charCodeAt(i) === 46) {
    const start = ++i;
    while (isDigit(input.charCodeAt(i))) {
      mantissa = mantissa * 10 + input.charCodeAt(i++) - 48;
      scale *= 10;
    }
    if (i === start) return null;
  }
  const digits = scale === 1 ? i : i - 1;
  if (digits > 15) return null; // the mantissa may not be exact: leave it to Number()
  const multiplier = MULTIPLIERS[input.charAt(i)];
  if (multiplier !== undefined) i++;
  const plus = input.charCodeAt(i) === 43;
  if (plus) i++;
  if (i !== input.length) return null;
  const value = Math.round((mantissa / scale) * (multiplier ?? 1));
  if (value > Number.MAX_SAFE_INTEGER) return UNKNOWN;
  return { value, approx: multiplier !== undefined || plus };
}

/** Parses one count as any series gives it. Never throws. */
export function parseCount(input: unknown): ParsedCount {
  if (typeof input === "number") {
    if (!Number.isFinite(input) || input < 0 || input > Number.MAX_SAFE_INTEGER) return UNKNOWN;
    return { value: Math.round(input), approx: false };
  }
  if (typeof input !== "string") return UNKNOWN;
  const compact = scanCompact(input);
  if (compact !== null) return compact;
  // Thousands separators (ASCII and full-width commas) and all whitespace carry no meaning. (No trim():
  // \s is the whitespace trim() removes. No check for "": DISPLAY does not match it.)
  const cleaned = input.replace(/[,，\s]/g, "");
  const match = DISPLAY.exec(cleaned);
  if (!match) return UNKNOWN;
  const [, digits, unit, plus] = match;
  const base = Number(digits);
  const multiplier = unit ? (MULTIPLIERS[unit] ?? 1) : 1;
  const value = Math.round(base * multiplier);
  if (!Number.isFinite(value) || value > Number.MAX_SAFE_INTEGER) return UNKNOWN;
  return { value, approx: unit !== undefined || plus !== undefined };
}

/**
 * Collects parsed counts into the integer fields of a record and the names of the approximate ones.
 * `counts({ likes: "1.2万", shares: 3 })` → `{ values: { likes: 12000, shares: 3 }, approx: ["likes"] }`.
 */
export function parseCounts<K extends string>(
  inputs: Record<K, unknown>,
): { values: Record<K, number | null>; approx: K[] } {
  const values = {} as Record<K, number | null>;
  const approx: K[] = [];
  for (const key of Object.keys(inputs) as K[]) {
    const parsed = parseCount(inputs[key]);
    values[key] = parsed.value;
    if (parsed.approx) approx.push(key); // an unknown count (null) is never approximate
  }
  return { values, approx };
}
