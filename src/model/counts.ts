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
const MULTIPLIERS: Record<string, number> = {
  万: 1e4,
  w: 1e4,
  千: 1e3,
  k: 1e3,
  亿: 1e8,
  m: 1e6,
};

// digits with optional decimals, optional unit, optional "+" (lower bound)
const DISPLAY = /^(\d+(?:\.\d+)?)\s*(万|w|千|k|亿|m)?\s*(\+)?$/i;

/** 1 to 15 ASCII digits and nothing else. */
function isPlainDigits(input: string): boolean {
  if (input.length === 0 || input.length > 15) return false;
  for (let i = 0; i < input.length; i++) {
    const code = input.charCodeAt(i);
    if (code < 48 || code > 57) return false;
  }
  return true;
}

/** Parses one count as any series gives it. Never throws. */
export function parseCount(input: unknown): ParsedCount {
  if (typeof input === "number") {
    if (!Number.isFinite(input) || input < 0 || input > Number.MAX_SAFE_INTEGER) return UNKNOWN;
    return { value: Math.round(input), approx: false };
  }
  if (typeof input !== "string") return UNKNOWN;
  // Most string counts are plain digits ("9404"): read them without the regexes below (they dominated the
  // cost of normalizing web answers). At most 15 digits, so the value is a safe integer.
  if (isPlainDigits(input)) return { value: Number(input), approx: false };
  // Thousands separators (ASCII and full-width commas) and inner spaces carry no meaning: removed, unless the
  // display already reads as is ("2.9万", the usual case; removing them would change nothing).
  const match = DISPLAY.exec(input) ?? DISPLAY.exec(input.trim().replace(/[,，\s]/g, ""));
  if (!match) return UNKNOWN;
  const [, digits, unit, plus] = match;
  const base = Number(digits);
  const multiplier = unit ? (MULTIPLIERS[unit.toLowerCase()] ?? 1) : 1;
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
    if (parsed.value !== null && parsed.approx) approx.push(key);
  }
  return { values, approx };
}
