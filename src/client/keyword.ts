/**
 * The one check of a search keyword, shared by the client (`search.notes` / `search.users`), the CLI's
 * keyword arguments and flags, and crawl plan files: what one refuses, all refuse, before anything is paid.
 *
 * A keyword is trimmed; it must then be 1 to MAX_KEYWORD_LENGTH characters, well-formed Unicode, with no
 * control characters (C0, DEL, C1, line and paragraph separators) and no bidirectional-text controls
 * (which can make a keyword shown in a terminal or a report read differently from what is searched).
 * See docs/decisions.md ("Keywords: …").
 */
import { InvalidInputError } from "../core/errors.js";

/** The longest keyword accepted, in characters (code points); a search box takes a phrase, not a page. */
export const MAX_KEYWORD_LENGTH = 100;

/** Bidirectional controls: LRM, RLM, ALM, LRE…RLO, LRI…PDI. */
const BIDI = new Set([0x200e, 0x200f, 0x061c, 0x202a, 0x202b, 0x202c, 0x202d, 0x202e, 0x2066, 0x2067, 0x2068, 0x2069]);

function clip(value: string): string {
  return value.length > 40 ? `${value.slice(0, 37)}…` : value;
}

/** Why `value` is not a usable keyword (a short reason), or null when it is one. Judges the trimmed text. */
export function keywordProblem(value: unknown): string | null {
  if (typeof value !== "string") return `expected text, got ${value === null ? "null" : typeof value}`;
  const text = value.trim();
  if (text === "") return "the keyword is empty";
  // With the u flag a surrogate matches only when it is alone (not half of a pair).
  if (/[\uD800-\uDFFF]/u.test(text)) return "the keyword is not well-formed Unicode";
  let length = 0;
  for (const char of text) {
    length += 1;
    const c = char.codePointAt(0) ?? 0;
    if (c < 0x20 || (c >= 0x7f && c <= 0x9f) || c === 0x2028 || c === 0x2029) {
      return `the keyword holds a control character (U+${c.toString(16).toUpperCase().padStart(4, "0")})`;
    }
    if (BIDI.has(c)) {
      return `the keyword holds a bidirectional-text control (U+${c.toString(16).toUpperCase().padStart(4, "0")})`;
    }
  }
  if (length > MAX_KEYWORD_LENGTH) {
    return `the keyword has ${length} characters, more than ${MAX_KEYWORD_LENGTH} ("${clip(text)}")`;
  }
  return null;
}

/**
 * The keyword, trimmed, when it is usable.
 * @throws InvalidInputError saying why not (nothing is paid).
 */
export function checkKeyword(value: unknown): string {
  const problem = keywordProblem(value);
  if (problem !== null) throw new InvalidInputError(problem);
  return (value as string).trim();
}
