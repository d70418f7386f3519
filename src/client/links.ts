/**
 * Turning what a user pastes into ids: locally and free whenever possible (ids, note and profile URLs,
 * with the xsec_token from the query); short links and share text cost one call, once per client
 * (cached), through the series' share-link resolvers (src/series/registry.ts: App V1's resolver tools, then
 * App V2's `share_text` parameter as the fallback).
 */
import { InvalidInputError, isXhsError } from "../core/errors.js";
import { emptyPayloadError, interpretPage } from "../failover/answer-verdicts.js";
import { type Attempt, listPlanner, runFailover } from "../failover/run-failover.js";
import type { ResolvedLink } from "../model/types.js";
import { parseRef, type RefKind } from "../refs/parse-ref.js";
import { SHARE_LINK_RESOLVERS } from "../series/registry.js";
import { canonicalUrl } from "../series/shared/share-links.js";
import type { ClientContext } from "./context.js";
import type { CallOptions } from "./types.js";

export interface ResolvedRef {
  id: string;
  xsecToken: string | null;
  /** Whether a paid call was needed. */
  paid: boolean;
}

function cacheKey(kind: RefKind, text: string): string {
  return `${kind}:${text.trim()}`;
}

/** Resolves a short link or share text through a paid call (cached per client). */
async function resolveRemote(
  ctx: ClientContext,
  kind: RefKind,
  link: string,
  options: CallOptions,
): Promise<ResolvedLink> {
  const cached = ctx.resolvedLinks.get(cacheKey(kind, link));
  if (cached) return cached;
  const capability = kind === "note" ? "resolveNote" : "resolveUser";
  const allowed = new Set(options.series ?? ctx.order);
  const resolvers = SHARE_LINK_RESOLVERS.filter((resolver) => allowed.has(resolver.series));
  if (resolvers.length === 0) {
    const needed = SHARE_LINK_RESOLVERS.map((resolver) => resolver.series).join(" or ");
    throw new InvalidInputError(`Resolving a share link needs ${needed} in the series order`);
  }
  const attempts: Attempt<ResolvedLink>[] = resolvers.map((resolver) => {
    const { endpoint: spec, params } = resolver.request(kind, link);
    return {
      series: spec.series,
      endpoint: spec,
      run: async (run: { failover: boolean; reason?: string; signal: AbortSignal }) => {
        const answer = await ctx.port.call(
          spec,
          params,
          interpretPage(spec, { normalizers: ctx.normalizers, onDrift: ctx.onDrift }),
          {
            capability,
            failover: run.failover,
            signal: run.signal,
            ...(run.reason ? { reason: run.reason } : {}),
          },
        );
        const found = answer.empty ? null : resolver.read(kind, answer.items);
        if (!found) throw emptyPayloadError(spec, `the ${kind} link ${JSON.stringify(link)}`);
        return found;
      },
    };
  });
  const { value } = await runFailover(listPlanner(attempts), {
    capability,
    health: ctx.health,
    sleep: ctx.sleep,
    subject: `the ${kind} share link ${JSON.stringify(link)}`,
    signal: options.signal,
  });
  ctx.resolvedLinks.set(cacheKey(kind, link), value);
  if (kind === "note") ctx.knowledge.rememberNoteToken(value.id, value.xsecToken);
  else ctx.knowledge.rememberUserToken(value.id, value.xsecToken);
  return value;
}

/** A note or user reference → id and token (a paid call only for short links and share text). */
export async function resolveRef(
  ctx: ClientContext,
  ref: string,
  kind: RefKind,
  options: CallOptions = {},
): Promise<ResolvedRef> {
  const parsed = parseRef(ref, kind);
  if (parsed.kind === "note" || parsed.kind === "user") {
    if (parsed.kind !== kind) {
      throw new InvalidInputError(`expected a ${kind} reference, got a ${parsed.kind} one: ${JSON.stringify(ref)}`);
    }
    if (parsed.kind === "note") {
      ctx.knowledge.rememberNoteToken(parsed.id, parsed.xsecToken);
      if (parsed.noteType) ctx.knowledge.rememberNoteType(parsed.id, parsed.noteType);
    } else ctx.knowledge.rememberUserToken(parsed.id, parsed.xsecToken);
    const known = kind === "note" ? ctx.knowledge.noteToken(parsed.id) : ctx.knowledge.userToken(parsed.id);
    return { id: parsed.id, xsecToken: parsed.xsecToken ?? known ?? null, paid: false };
  }
  const link = parsed.kind === "short_link" ? parsed.url : parsed.text;
  const resolved = await resolveRemote(ctx, kind, link, options);
  return { id: resolved.id, xsecToken: resolved.xsecToken, paid: true };
}

/** `links.resolve(text)`: a note or user link → kind, id, token; free for long URLs. */
export async function resolveLink(ctx: ClientContext, text: string, options: CallOptions = {}): Promise<ResolvedLink> {
  const parsed = parseRef(text, "note");
  if (parsed.kind === "note" || parsed.kind === "user") {
    if (parsed.kind === "note") ctx.knowledge.rememberNoteToken(parsed.id, parsed.xsecToken);
    else ctx.knowledge.rememberUserToken(parsed.id, parsed.xsecToken);
    // The URL given, when the text is one; else (share text around a long URL) the canonical one.
    const given = /^https?:\/\//i.test(text.trim()) && !/\s/.test(text.trim()) ? text.trim() : null;
    return { kind: parsed.kind, id: parsed.id, xsecToken: parsed.xsecToken, url: given ?? canonicalUrl(parsed) };
  }
  const link = parsed.kind === "short_link" ? parsed.url : parsed.text;
  try {
    return await resolveRemote(ctx, "note", link, options);
  } catch (error) {
    // A short link may point to a profile: the note resolver cannot read it, the user resolver can. So a
    // link the note tool cannot parse (HTTP 400, invalid input) is asked of the profile tool, once; any
    // other fatal error (key, balance, budget, local validation) ends here.
    const unparsed = isXhsError(error) && error.kind === "invalid_input" && error.httpStatus === 400;
    if (isXhsError(error) && error.fatal && !unparsed) throw error;
    return resolveRemote(ctx, "user", link, options);
  }
}
