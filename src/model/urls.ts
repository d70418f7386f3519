/**
 * Canonical Xiaohongshu URLs of notes and users, and the xsec_token a URL carries.
 */

const SITE = "https://www.xiaohongshu.com";

/** The query a share link carries: the token, and the source the web page expects beside it. */
function withToken(base: string, xsecToken: string | null | undefined): string {
  return xsecToken ? `${base}?xsec_token=${encodeURIComponent(xsecToken)}&xsec_source=pc_feed` : base;
}

/**
 * `https://www.xiaohongshu.com/explore/<id>?xsec_token=…&xsec_source=pc_feed` when the token is known,
 * else without the query (the web page then usually asks for a login, but the id stays correct).
 */
export function noteUrl(id: string, xsecToken: string | null = null): string {
  return withToken(`${SITE}/explore/${encodeURIComponent(id)}`, xsecToken);
}

/** `https://www.xiaohongshu.com/user/profile/<id>`, with the same query as a note's when the token is known. */
export function userUrl(id: string, xsecToken: string | null = null): string {
  return withToken(`${SITE}/user/profile/${encodeURIComponent(id)}`, xsecToken);
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
