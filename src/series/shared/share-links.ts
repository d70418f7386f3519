/**
 * What share-link resolvers have in common: the canonical URL of what a link points to.
 */
import type { ResolvedLink } from "../../model/types.js";
import { noteUrl, userUrl } from "../../refs/parse-ref.js";

/** The note's or profile's URL, with its xsec_token when known: what a resolved link points to. */
export function canonicalUrl(link: { kind: ResolvedLink["kind"]; id: string; xsecToken: string | null }): string {
  return link.kind === "note" ? noteUrl(link.id, link.xsecToken) : userUrl(link.id, link.xsecToken);
}
