/**
 * Where media requests go (`xhs media`, a crawl's `expand.media`): --cdn-base-url, else XHS_CDN_BASE_URL, else
 * the simulated CDN when the API base URL is an `xhs mock` (asked once, free); TikHub's own hosts are never asked
 * (real notes, real CDN). A bad URL is a usage error, before anything is paid.
 */
import { cdnRewriter, discoverSimulatedCdn } from "../media/cdn-base.js";
import { chooseBaseUrl } from "../transport/http.js";
import type { CliContext } from "./context.js";
import { UsageError } from "./errors.js";
import { isTikHubHost } from "./options.js";

/** The API base URL the client will use (TikHub's when the flags are bad: the client reports those). */
export function apiBaseUrl(opts: { baseUrl?: string | undefined; region?: unknown }, ctx: CliContext): string {
  try {
    return chooseBaseUrl({ baseUrl: opts.baseUrl, region: opts.region }, ctx.env);
  } catch {
    return "https://api.tikhub.io";
  }
}

/** The CDN base URL media are asked at, or undefined for the URLs as given. */
export async function cdnBaseFor(
  explicit: string | undefined,
  apiBase: string,
  ctx: CliContext,
): Promise<string | undefined> {
  const chosen = explicit ?? ctx.env["XHS_CDN_BASE_URL"]?.trim();
  if (chosen) {
    try {
      const u = new URL(chosen);
      if (u.protocol !== "http:" && u.protocol !== "https:") throw new Error("not http(s)");
    } catch {
      throw new UsageError(`--cdn-base-url / XHS_CDN_BASE_URL: expected an http(s) URL, got "${chosen}"`);
    }
    return chosen;
  }
  if (isTikHubHost(apiBase)) return undefined;
  return discoverSimulatedCdn(apiBase, ctx.fetch ?? globalThis.fetch, ctx.signal);
}

/** The URL rewrite for `downloadMedia` (`rewriteUrl`), or undefined when media go to the URLs as given. */
export async function mediaRewriter(
  explicit: string | undefined,
  opts: { baseUrl?: string | undefined; region?: unknown },
  ctx: CliContext,
): Promise<((url: string) => string) | undefined> {
  const base = await cdnBaseFor(explicit, apiBaseUrl(opts, ctx), ctx);
  return base ? cdnRewriter(base) : undefined;
}

/**
 * What a crawl's `expand.media` needs of the command line: the same CDN choice as `xhs media` (XHS_CDN_BASE_URL,
 * or `xhs mock`'s simulated CDN found by its free probe), and the command's injected fetch when there is one.
 */
export async function crawlMediaDeps(
  opts: { baseUrl?: string | undefined; region?: unknown },
  ctx: CliContext,
): Promise<{ rewriteUrl?: (url: string) => string; fetch?: typeof globalThis.fetch; baseDir: string }> {
  const rewriteUrl = await mediaRewriter(undefined, opts, ctx);
  return { ...(rewriteUrl ? { rewriteUrl } : {}), ...(ctx.fetch ? { fetch: ctx.fetch } : {}), baseDir: ctx.cwd };
}
