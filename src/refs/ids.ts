/**
 * The one place that says what an id looks like. TikHub bills a wrong id like a good one
 * (docs/reference-notes.md#billing), so every id is checked here, locally, before any paid call: by the ref
 * parser, by the catalogue's parameter validation (every call, raw ones included) and by the CLI, server and
 * MCP input checks.
 *
 * - note and comment ids: exactly 24 lowercase hex characters (ObjectId-like [S]; docs/reference-notes.md#ids).
 * - user ids: lowercase hex, 24 to 32 characters (most are 24; a 29-character one was observed).
 * - topic page ids: lowercase hex, 24 to 32 characters (the known ones are 24; the evidence is thin).
 * - xsec_token: opaque (inferred), so only what cannot be a token is refused: see XSEC_TOKEN.
 * See docs/decisions.md ("Ids: …").
 */
import { InvalidInputError } from "../core/errors.js";

export type IdKind = "note" | "user" | "comment" | "topic";

interface IdRule {
  /** How the kind is named in messages. */
  name: string;
  min: number;
  max: number;
  example: string;
}

const RULES: Readonly<Record<IdKind, IdRule>> = {
  note: { name: "note id", min: 24, max: 24, example: "697c0eee000000000a03c308" },
  comment: { name: "comment id", min: 24, max: 24, example: "68f599c1000000001b0249a5" },
  user: { name: "user id", min: 24, max: 32, example: "61b46d790000000010008153" },
  topic: { name: "topic page id", min: 24, max: 32, example: "5c1cc866febed9000184b7c1" },
};

/** The longest xsec_token accepted: real ones are about 46 characters. */
export const MAX_XSEC_TOKEN_LENGTH = 1024;

/** Longer values are clipped in messages: an error never echoes a whole megabyte back. */
function clip(value: string): string {
  return value.length > 60 ? `${value.slice(0, 57)}…` : value;
}

function isLowerHex(value: string): boolean {
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (!((c >= 48 && c <= 57) || (c >= 97 && c <= 102))) return false;
  }
  return true;
}

/** What an id of this kind looks like, for messages: "24 lowercase hex characters (0-9, a-f), like …". */
export function describeId(kind: IdKind): string {
  const { min, max, example } = RULES[kind];
  const length = min === max ? `${min}` : `${min} to ${max}`;
  return `${length} lowercase hex characters (0-9, a-f), like ${example}`;
}

/** Why `value` is not an id of this kind (a short reason), or null when it is one. */
export function idProblem(kind: IdKind, value: string): string | null {
  const { min, max } = RULES[kind];
  if (value.length < min || value.length > max) {
    return `it has ${value.length} character${value.length === 1 ? "" : "s"}, not ${min === max ? min : `${min} to ${max}`}`;
  }
  if (isLowerHex(value)) return null;
  if (isLowerHex(value.toLowerCase())) return "it has uppercase letters; ids are lowercase";
  return "it has characters other than 0-9 and a-f";
}

/** Whether `value` is an id of this kind, exactly (no trimming). */
export function isId(kind: IdKind, value: unknown): value is string {
  return typeof value === "string" && idProblem(kind, value) === null;
}

/**
 * The full complaint about `value` as an id of this kind (or an xsec_token), naming the value, the reason
 * and the expected form; null when it is fine. Used by checkId and by the catalogue's parameter check.
 */
export function formatProblem(kind: IdKind | "xsec_token", value: string): string | null {
  if (kind === "xsec_token") {
    const problem = xsecTokenProblem(value);
    return problem === null ? null : `not an xsec_token: ${JSON.stringify(clip(value))} (${problem})`;
  }
  const problem = idProblem(kind, value);
  if (problem === null) return null;
  const { name } = RULES[kind];
  return `not a ${name}: ${JSON.stringify(clip(value))} (${problem}; a ${name} is ${describeId(kind)})`;
}

/**
 * The id, trimmed, when it is one of this kind.
 * @throws InvalidInputError naming the bad value, the reason and the expected form (nothing is paid).
 */
export function checkId(kind: IdKind, value: unknown): string {
  if (typeof value !== "string") {
    throw new InvalidInputError(`not a ${RULES[kind].name}: expected a string, got ${typeof value}`);
  }
  const id = value.trim();
  const problem = formatProblem(kind, id);
  if (problem === null) return id;
  throw new InvalidInputError(problem);
}

/**
 * Why `value` cannot be an xsec_token, or null. Tokens are opaque (observed: URL-safe base64 ending in "=",
 * about 46 characters), so only what no token can be is refused: empty, longer than MAX_XSEC_TOKEN_LENGTH,
 * or holding anything but visible ASCII (spaces, control characters, non-ASCII).
 */
export function xsecTokenProblem(value: string): string | null {
  if (value.length === 0) return "it is empty";
  if (value.length > MAX_XSEC_TOKEN_LENGTH) {
    return `it has ${value.length} characters, more than ${MAX_XSEC_TOKEN_LENGTH}`;
  }
  for (const char of value) {
    const c = char.charCodeAt(0); // a character beyond the BMP starts with a surrogate, above 0x7e
    if (c < 0x21 || c > 0x7e) return "it holds spaces, control or non-ASCII characters";
  }
  return null;
}
