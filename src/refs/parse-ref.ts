/**
 * Local reference parsing: turns what a user pastes (an id, a note or profile URL, share text, a short
 * link) into ids and an xsec_token at no cost. Only short links and free share text without a readable
 * URL need a paid resolve call; the parser says so instead of guessing.
 *
 * The parse is bounded and linear: input longer than MAX_REF_LENGTH is refused before any scanning, and
 * every scan below moves forward only (no regular expression that can backtrack over the input). Its
 * work is counted (`countParseSteps`) so a test can hold it to a linear bound.
 */
import { InvalidInputError } from "../core/errors.js";
import { checkId, describeId, idProblem, isId, xsecTokenProblem } from "./ids.js";

export type RefKind = "note" | "user";

export type ParsedRef =
  /**
   * A note: from a bare id (when a note was expected), /explore/, /discovery/item/ or /user/profile/<uid>/<noteId>.
   * `noteType` when the URL says it (app share links carry `type=normal|video` [I],
   * docs/reference-notes.md#urls-and-share-links): one call instead of two.
   */
  | { kind: "note"; id: string; xsecToken: string | null; userId?: string; noteType?: "image" | "video" }
  /** A user: from a bare id (when a user was expected) or /user/profile/<id>. */
  | { kind: "user"; id: string; xsecToken: string | null }
  /** xhslink.com/a|m|o/… or xhslink.cn/…: following it needs a (paid) resolve call. `text` is the share text it came in. */
  | { kind: "short_link"; url: string; text?: string }
  /** Share text that mentions Xiaohongshu but holds no URL the parser can read: needs a (paid) resolve call. */
  | { kind: "share_text"; text: string };

/**
 * The longest reference accepted, in UTF-16 units (before trimming). A share text with its long link is
 * well under 1,000; a longer input is refused before it is scanned (a 100 KB ref once held a server's
 * event loop for seconds).
 */
export const MAX_REF_LENGTH = 4096;

const XHS_HOSTS = /^(?:www\.|m\.)?(?:xiaohongshu|rednote)\.com$/i;
/**
 * Short-link hosts, exactly: URL lowercases a hostname. A set, not an anchored pattern: the search below starts
 * a link at its host, so neither anchor could be told apart from its absence (mutation run of 2026-12-03).
 */
const SHORT_HOSTS = new Set(["xhslink.com", "www.xhslink.com", "xhslink.cn", "www.xhslink.cn"]);
/** Hosts searched for in share text (lowercase). The first two take a "www." or "m." prefix, the others "www.". */
const TEXT_HOSTS = ["xiaohongshu.com", "rednote.com", "xhslink.com", "xhslink.cn"] as const;
const MENTIONS = ["小红书", "xiaohongshu", "rednote", "xhslink", "复制本条信息", "打开【小红书】"] as const;
/** Characters that may continue a URL inside share text: ASCII URL characters only, so the Chinese around it is not swallowed. */
const URL_CHARS = new Uint8Array(128);
for (const c of "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~:/?#[]@!$&'()*+,;=%") {
  URL_CHARS[c.charCodeAt(0)] = 1;
}
/** Inside prose, these at the end of a URL belong to the sentence. */
const TRAILING = new Set([...".,;:!?)]'*"].map((c) => c.charCodeAt(0)));
/** ASCII with its capitals lowercased, by code (String#toLowerCase can change a text's length; this cannot). */
const ASCII_LOWER = Uint8Array.from({ length: 128 }, (_, c) => c);
for (const c of "ABCDEFGHIJKLMNOPQRSTUVWXYZ") ASCII_LOWER[c.charCodeAt(0)] = c.toLowerCase().charCodeAt(0);

/** Work done by one parse, in character steps: every loop below counts what it visits. */
interface Meter {
  steps: number;
}

function describe(expect: RefKind): string {
  return expect === "note" ? "a note id, note URL or share link" : "a user id, profile URL or share link";
}

function clip(input: string): string {
  return input.length > 80 ? `${input.slice(0, 77)}…` : input;
}

/** What /\s/ matches: ASCII and Unicode spaces, line and paragraph separators, the BOM. */
function isSpace(c: number): boolean {
  if (c === 32 || (c >= 9 && c <= 13) || c === 0xa0) return true;
  return (
    c === 0x1680 ||
    (c >= 0x2000 && c <= 0x200a) ||
    c === 0x2028 ||
    c === 0x2029 ||
    c === 0x202f ||
    c === 0x205f ||
    c === 0x3000 ||
    c === 0xfeff
  );
}

function hasSpace(text: string, meter: Meter): boolean {
  for (let i = 0; i < text.length; i++) {
    meter.steps++;
    if (isSpace(text.charCodeAt(i))) return true;
  }
  return false;
}

/** Whether `text` is ASCII letters and digits only (parse refuses "" before it asks). */
function isAlnum(text: string, meter: Meter): boolean {
  for (let i = 0; i < text.length; i++) {
    meter.steps++;
    const c = text.charCodeAt(i);
    if (!((c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122))) return false;
  }
  return true;
}

/** A UTF-16 unit with ASCII letters lowercased; beyond ASCII (and NaN past either end) as it is. */
function lowerAt(text: string, at: number): number {
  const c = text.charCodeAt(at);
  return ASCII_LOWER[c] ?? c;
}

/** Whether `text` holds the lowercase `word` at `at`, ASCII case ignored: at most word.length steps. */
function holdsAt(text: string, at: number, word: string, meter: Meter): boolean {
  if (at < 0 || at + word.length > text.length) return false;
  for (let k = 0; k < word.length; k++) {
    meter.steps++;
    if (lowerAt(text, at + k) !== word.charCodeAt(k)) return false;
  }
  return true;
}

/**
 * The XHS URLs inside free text, left to right: `[http(s)://][www.|m.]<host>[/<URL characters>]`. One
 * forward pass; a candidate's characters are never looked at again by the search.
 */
function findUrls(text: string, meter: Meter): string[] {
  const found: string[] = [];
  let i = 0;
  while (i < text.length) {
    meter.steps++;
    const host = TEXT_HOSTS.find((h) => holdsAt(text, i, h, meter));
    if (host === undefined) {
      i++;
      continue;
    }
    let start = i;
    if (host.startsWith("xhslink")) {
      if (holdsAt(text, start - 4, "www.", meter)) start -= 4;
    } else if (holdsAt(text, start - 4, "www.", meter)) start -= 4;
    else if (holdsAt(text, start - 2, "m.", meter)) start -= 2;
    if (holdsAt(text, start - 8, "https://", meter)) start -= 8;
    else if (holdsAt(text, start - 7, "http://", meter)) start -= 7;
    let end = i + host.length;
    if (text.charCodeAt(end) === 47) {
      while (end < text.length) {
        meter.steps++;
        // Beyond ASCII (and past the end, NaN) the table has no entry.
        if (URL_CHARS[text.charCodeAt(end)] !== 1) break;
        end++;
      }
    }
    found.push(text.slice(start, end));
    i = end;
  }
  return found;
}

/** `raw` without the sentence punctuation at its end: one backward pass. */
function trimTrailing(raw: string, meter: Meter): string {
  let end = raw.length;
  // No end > 0 bound: before the start charCodeAt is NaN, which TRAILING lacks.
  while (TRAILING.has(raw.charCodeAt(end - 1))) {
    meter.steps++;
    end--;
  }
  return raw.slice(0, end);
}

/** Whether the text mentions Xiaohongshu (at most MENTIONS' total length steps per position). */
function mentionsXhs(text: string, meter: Meter): boolean {
  for (let i = 0; i < text.length; i++) {
    meter.steps++;
    for (const word of MENTIONS) if (holdsAt(text, i, word, meter)) return true;
  }
  return false;
}

/** The id in a URL path, or the error that names why it is not one. */
function idIn(kind: "note" | "user", segment: string, url: string): string | InvalidInputError {
  if (isId(kind, segment)) return segment;
  // Stryker disable next-line StringLiteral: isId is false only when idProblem names a problem, so "" is never used
  const problem = idProblem(kind, segment) ?? "";
  return new InvalidInputError(
    `not a ${kind} id in ${JSON.stringify(clip(url))}: ${JSON.stringify(clip(segment))} (${problem})`,
  );
}

type UrlResult = ParsedRef | InvalidInputError | null;

/** Parses one URL string; null when it is not an XHS URL the parser recognizes, an error when its id or token is bad. */
function parseUrl(raw: string, expect: RefKind, trim: boolean, meter: Meter): UrlResult {
  const cleaned = trim ? trimTrailing(raw, meter) : raw;
  // The WHATWG URL parser and URLSearchParams are linear in their input: counted as one step a character.
  meter.steps += 2 * cleaned.length;
  let url: URL;
  try {
    url = new URL(/^https?:\/\//i.test(cleaned) ? cleaned : `https://${cleaned}`);
  } catch {
    return null;
  }
  const segments = url.pathname.split("/").filter((s) => s !== "");
  if (SHORT_HOSTS.has(url.hostname)) {
    if (segments.length === 0) return null;
    return { kind: "short_link", url: `${url.protocol}//${url.hostname}${url.pathname}${url.search}` };
  }
  if (!XHS_HOSTS.test(url.hostname)) return null;
  const [first, second, third, fourth] = segments;
  let noteSegment: string | undefined;
  let userSegment: string | undefined;
  if (first === "explore" && segments.length >= 2) noteSegment = second;
  else if (first === "discovery" && second === "item" && segments.length >= 3) noteSegment = third;
  else if (first === "user" && second === "profile" && segments.length >= 3) {
    userSegment = third;
    if (expect === "note") noteSegment = fourth; // undefined without a fourth segment
  } else if (first === "page" && second === "topics") {
    return new InvalidInputError(`a topic page link, not ${describe(expect)}: ${JSON.stringify(clip(cleaned))}`);
  } else return null;

  const token = url.searchParams.get("xsec_token");
  const xsecToken = token || null; // absent or empty: none
  if (xsecToken !== null) {
    const problem = xsecTokenProblem(xsecToken);
    if (problem) return new InvalidInputError(`bad xsec_token in ${JSON.stringify(clip(cleaned))}: ${problem}`);
  }
  // App share links say `type=normal|video`; anything else is ignored.
  const typeParam = url.searchParams.get("type");
  const type: "image" | "video" | undefined =
    typeParam === "normal" ? "image" : typeParam === "video" ? "video" : undefined;
  const userId = userSegment === undefined ? undefined : idIn("user", userSegment, cleaned);
  if (userId instanceof InvalidInputError) return userId;
  if (noteSegment !== undefined) {
    const id = idIn("note", noteSegment, cleaned);
    if (id instanceof InvalidInputError) return id;
    return { kind: "note", id, xsecToken, ...(userId ? { userId } : {}), ...(type ? { noteType: type } : {}) };
  }
  return { kind: "user", id: userId as string, xsecToken };
}

/** The parse proper, on trimmed text of bounded length. */
function parse(text: string, expect: RefKind, meter: Meter): ParsedRef {
  if (text === "") throw new InvalidInputError(`empty reference: give ${describe(expect)}`);
  const oneToken = !hasSpace(text, meter);
  if (oneToken && isAlnum(text, meter)) {
    // A bare id, checked exactly: a wrong id is billed like a good one.
    const problem = idProblem(expect, text);
    if (problem === null) return { kind: expect, id: text, xsecToken: null };
    const what = expect === "note" ? "a note id" : "a user id";
    throw new InvalidInputError(
      `not ${describe(expect)}: ${JSON.stringify(clip(text))} (as ${what}: ${problem}; ${what} is ${describeId(expect)})`,
    );
  }
  let firstError: InvalidInputError | null = null;
  if (oneToken) {
    // A lone URL is read whole, so a token ending in ")" or "." is kept intact.
    const whole = parseUrl(text, expect, false, meter);
    if (whole instanceof InvalidInputError) firstError = whole;
    else if (whole && whole.kind !== "short_link") return whole;
  }

  const candidates = findUrls(text, meter);
  // The first candidate is the whole text only when it is the only one.
  const isWholeUrl = candidates[0] === text;
  let shortLink: ParsedRef | null = null;
  for (const candidate of candidates) {
    const parsed = parseUrl(candidate, expect, true, meter);
    if (parsed === null) continue;
    if (parsed instanceof InvalidInputError) {
      firstError ??= parsed;
      continue;
    }
    if (parsed.kind === "short_link") {
      shortLink ??= isWholeUrl ? parsed : { ...parsed, text };
      continue;
    }
    return parsed; // a long URL wins over a short link: it costs nothing to read
  }
  if (shortLink) return shortLink;
  if (firstError) throw firstError;
  if (!isWholeUrl && !oneToken && mentionsXhs(text, meter)) return { kind: "share_text", text };
  throw new InvalidInputError(`not ${describe(expect)}: ${JSON.stringify(clip(text))}`);
}

function bounded(input: unknown, what: string): string {
  if (typeof input !== "string") return "";
  if (input.length > MAX_REF_LENGTH) {
    throw new InvalidInputError(
      `${what} is too long: ${input.length} characters, at most ${MAX_REF_LENGTH} (a share text with its link is far shorter)`,
    );
  }
  return input.trim();
}

/**
 * Parses a reference locally.
 *
 * @param expect what a bare id (and a /user/profile/<uid>/<noteId> URL) is taken for; default "note".
 * @returns a note or user with its xsec_token when the URL had one, or a short link / share text that
 *   needs a resolve call.
 * @throws InvalidInputError for anything else (e.g. "not a note id, note URL or share link: …"), for an id
 *   that is not exactly of its kind's form, and for input longer than MAX_REF_LENGTH.
 */
export function parseRef(input: string, expect: RefKind = "note"): ParsedRef {
  return parse(bounded(input, "the reference"), expect, { steps: 0 });
}

/**
 * For tests and benchmarks: the character steps one parse takes, with no length bound (so long inputs can
 * be measured). Errors count as a finished parse.
 */
export function countParseSteps(input: string, expect: RefKind = "note"): number {
  const meter: Meter = { steps: 0 };
  try {
    parse(input.trim(), expect, meter);
  } catch {
    // parse throws only InvalidInputError: a refused reference is a finished parse, its steps counted.
  }
  return meter.steps;
}

/** A reference that must be a note (a profile URL is rejected); short links and share text pass through. */
export function parseNoteRef(input: string): Exclude<ParsedRef, { kind: "user" }> {
  const parsed = parseRef(input, "note");
  if (parsed.kind === "user") {
    throw new InvalidInputError(`expected a note, got a user profile reference: ${JSON.stringify(clip(input.trim()))}`);
  }
  return parsed;
}

/** A reference that must be a user (a note URL is rejected); short links and share text pass through. */
export function parseUserRef(input: string): Exclude<ParsedRef, { kind: "note" }> {
  const parsed = parseRef(input, "user");
  if (parsed.kind === "note") {
    throw new InvalidInputError(`expected a user, got a note reference: ${JSON.stringify(clip(input.trim()))}`);
  }
  return parsed;
}

/**
 * A topic page: its bare page id, its page URL (`xiaohongshu.com/page/topics/<pageId>?…`, also on
 * rednote.com) or the app's deep link (`xhsdiscover://topic/v2/<pageId>`). Free; nothing is resolved.
 * @throws InvalidInputError naming the bad value.
 */
export function parseTopicRef(input: string): string {
  const text = bounded(input, "the topic reference");
  if (text === "") throw new InvalidInputError("empty topic reference: give a topic page id or its page URL");
  if (!/[/:.]/.test(text)) return checkId("topic", text);
  let url: URL | null = null;
  try {
    // Stryker disable BlockStatement: url is still null when the constructor throws, with or without the catch's line
    url = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? text : `https://${text}`);
  } catch {
    url = null;
  }
  // Stryker restore BlockStatement
  // Stryker disable next-line ArrayDeclaration: without a URL nothing below reads the segments
  const segments = url ? url.pathname.split("/").filter((s) => s !== "") : [];
  let pageId: string | undefined;
  if (url && (url.protocol === "https:" || url.protocol === "http:") && XHS_HOSTS.test(url.hostname)) {
    if (segments[0] === "page" && segments[1] === "topics" && segments.length === 3) pageId = segments[2];
  } else if (url?.protocol === "xhsdiscover:" && url.hostname === "topic") {
    if (segments[0] === "v2" && segments.length === 2) pageId = segments[1];
  }
  if (pageId === undefined) {
    throw new InvalidInputError(
      `not a topic page id or topic page URL: ${JSON.stringify(clip(text))} (expected like https://www.xiaohongshu.com/page/topics/5c1cc866febed9000184b7c1)`,
    );
  }
  return checkId("topic", pageId);
}

/** The canonical note and profile URLs live with the model; re-exported for callers that resolve refs. */
export { noteUrl, userUrl } from "../model/urls.js";
