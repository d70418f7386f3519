/**
 * Local reference parsing: turns what a user pastes (an id, a note or profile URL, share text, a short
 * link) into ids and an xsec_token at no cost. Only short links and free share text without a readable
 * URL need a paid resolve call; the parser says so instead of guessing.
 */
import { InvalidInputError } from "../transport/errors.js";

export type RefKind = "note" | "user";

export type ParsedRef =
  /**
   * A note: from a bare id (when a note was expected), /explore/, /discovery/item/ or /user/profile/<uid>/<noteId>.
   * `noteType` when the URL says it (app share links carry `type=normal|video` [I]): one call instead of two.
   */
  | { kind: "note"; id: string; xsecToken: string | null; userId?: string; noteType?: "image" | "video" }
  /** A user: from a bare id (when a user was expected) or /user/profile/<id>. */
  | { kind: "user"; id: string; xsecToken: string | null }
  /** xhslink.com/a|m|o/… or xhslink.cn/…: following it needs a (paid) resolve call. `text` is the share text it came in. */
  | { kind: "short_link"; url: string; text?: string }
  /** Share text that mentions Xiaohongshu but holds no URL the parser can read: needs a (paid) resolve call. */
  | { kind: "share_text"; text: string };

/**
 * Ids are 24 hex characters today, but older and odd forms exist (a 29-character user id has been
 * seen), so a bare id is any 16–40 letters and digits with at least one digit.
 */
const BARE_ID = /^(?=[A-Za-z]*\d)[0-9A-Za-z]{16,40}$/;
const ID_SEGMENT = /^[0-9A-Za-z]{8,40}$/;
const XHS_HOSTS = /^(?:www\.|m\.)?(?:xiaohongshu|rednote)\.com$/i;
const SHORT_HOSTS = /^(?:www\.)?xhslink\.(?:com|cn)$/i;
/** URLs inside share text: ASCII URL characters only, so the Chinese text around them is not swallowed. */
const URL_IN_TEXT =
  /(?:https?:\/\/)?(?:(?:www\.|m\.)?(?:xiaohongshu|rednote)\.com|(?:www\.)?xhslink\.(?:com|cn))(?:\/[A-Za-z0-9\-._~:/?#[\]@!$&'()*+,;=%]*)?/gi;
const XHS_MENTION = /小红书|xiaohongshu|rednote|xhslink|复制本条信息|打开【小红书】/i;

function describe(expect: RefKind): string {
  return expect === "note" ? "a note id, note URL or share link" : "a user id, profile URL or share link";
}

function clip(input: string): string {
  return input.length > 80 ? `${input.slice(0, 77)}…` : input;
}

/** Parses one URL string; null when it is not an XHS URL the parser recognizes. */
function parseUrl(raw: string, expect: RefKind, trimTrailing = true): ParsedRef | null {
  // Inside prose, trailing punctuation belongs to the sentence, not the URL.
  const cleaned = trimTrailing ? raw.replace(/[.,;:!?)\]'*]+$/, "") : raw;
  let url: URL;
  try {
    url = new URL(/^https?:\/\//i.test(cleaned) ? cleaned : `https://${cleaned}`);
  } catch {
    return null;
  }
  const segments = url.pathname.split("/").filter((s) => s !== "");
  if (SHORT_HOSTS.test(url.hostname)) {
    if (segments.length === 0) return null;
    return { kind: "short_link", url: `${url.protocol}//${url.hostname.toLowerCase()}${url.pathname}${url.search}` };
  }
  if (!XHS_HOSTS.test(url.hostname)) return null;
  const token = url.searchParams.get("xsec_token");
  const xsecToken = token === null || token === "" ? null : token;
  const [first, second, third, fourth] = segments;
  const isId = (s: string | undefined): s is string => s !== undefined && ID_SEGMENT.test(s);
  // App share links say `type=normal|video`; anything else is ignored.
  const typeParam = url.searchParams.get("type");
  const type: "image" | "video" | undefined =
    typeParam === "normal" ? "image" : typeParam === "video" ? "video" : undefined;
  const note = (id: string) => ({ kind: "note" as const, id, xsecToken, ...(type ? { noteType: type } : {}) });
  if (first === "explore" && isId(second)) return note(second);
  if (first === "discovery" && second === "item" && isId(third)) return note(third);
  if (first === "user" && second === "profile" && isId(third)) {
    if (isId(fourth) && expect === "note") return { ...note(fourth), userId: third };
    return { kind: "user", id: third, xsecToken };
  }
  return null;
}

/**
 * Parses a reference locally.
 *
 * @param expect what a bare id (and a /user/profile/<uid>/<noteId> URL) is taken for; default "note".
 * @returns a note or user with its xsec_token when the URL had one, or a short link / share text that
 *   needs a resolve call.
 * @throws InvalidInputError for anything else (e.g. "not a note id, note URL or share link: …").
 */
export function parseRef(input: string, expect: RefKind = "note"): ParsedRef {
  const text = typeof input === "string" ? input.trim() : "";
  if (text === "") throw new InvalidInputError(`empty reference: give ${describe(expect)}`);
  if (BARE_ID.test(text)) return { kind: expect, id: text, xsecToken: null };
  if (/^\S+$/.test(text)) {
    // A lone URL is read whole, so a token ending in ")" or "." is kept intact.
    const whole = parseUrl(text, expect, false);
    if (whole && whole.kind !== "short_link") return whole;
  }

  const candidates = text.match(URL_IN_TEXT) ?? [];
  const isWholeUrl = candidates.length === 1 && candidates[0] === text;
  let shortLink: ParsedRef | null = null;
  for (const candidate of candidates) {
    const parsed = parseUrl(candidate, expect);
    if (parsed === null) continue;
    if (parsed.kind === "short_link") {
      shortLink ??= isWholeUrl ? parsed : { ...parsed, text };
      continue;
    }
    return parsed; // a long URL wins over a short link: it costs nothing to read
  }
  if (shortLink) return shortLink;
  if (!isWholeUrl && !/^\S+$/.test(text) && XHS_MENTION.test(text)) return { kind: "share_text", text };
  throw new InvalidInputError(`not ${describe(expect)}: ${JSON.stringify(clip(text))}`);
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

/** The canonical note URL, with its xsec_token when known. */
export function noteUrl(id: string, xsecToken?: string | null): string {
  const base = `https://www.xiaohongshu.com/explore/${id}`;
  return xsecToken ? `${base}?xsec_token=${encodeURIComponent(xsecToken)}&xsec_source=pc_feed` : base;
}

/** The canonical profile URL, with its xsec_token when known. */
export function userUrl(id: string, xsecToken?: string | null): string {
  const base = `https://www.xiaohongshu.com/user/profile/${id}`;
  return xsecToken ? `${base}?xsec_token=${encodeURIComponent(xsecToken)}&xsec_source=pc_feed` : base;
}
