/**
 * Canonical Xiaohongshu URLs of notes and users, and the xsec_token a URL carries.
 */

const SITE = "https://www.xiaohongshu.com";

/**
 * `https://www.xiaohongshu.com/explore/<id>?xsec_token=…&xsec_source=pc_feed` when the token is known,
 * else without the query (the web page then usually asks for a login, but the id stays correct).
 */
export function noteUrl(id: string, xsecToken: string | null = null): string {
  const base = `${SITE}/explore/${encodeURIComponent(id)}`;
  if (!xsecToken) return base;
  return `${base}?xsec_token=${encodeURIComponent(xsecToken)}&xsec_source=pc_feed`;
}

/** `https://www.xiaohongshu.com/user/profile/<id>`. */
export function userUrl(id: string): string {
  return `${SITE}/user/profile/${encodeURIComponent(id)}`;
}

/** The `xsec_token` query parameter of a URL (share links carry it), or null. Never throws. */
export function xsecTokenFromUrl(link: unknown): string | null {
  if (typeof link !== "string") return null;
  // Stryker disable next-line ConditionalExpression,StringLiteral: new URL("") throws, so "" gives null without this check too
  if (link === "") return null;
  let url: URL;
  try {
    url = new URL(link);
  } catch {
    return null;
  }
  const token = url.searchParams.get("xsec_token");
  return token ? token : null;
}
