/**
 * Every series' request builders, share-link resolvers and traits, by series: what the client and the
 * router ask instead of naming a series (a new series adds its builders and traits here).
 */
import type { Series } from "../core/vocabulary.js";
import { APP_V1_REQUESTS, APP_V1_SHARE_LINKS } from "./app_v1/requests.js";
import { APP_V1_TRAITS } from "./app_v1/traits.js";
import { APP_V2_REQUESTS, APP_V2_SHARE_LINKS } from "./app_v2/requests.js";
import { APP_V2_TRAITS } from "./app_v2/traits.js";
import type { RequestBuilders, RequestFor, RequestParams, SeriesTraits, ShareLinkResolver } from "./types.js";
import { WEB_V3_REQUESTS } from "./web_v3/requests.js";
import { WEB_V3_TRAITS } from "./web_v3/traits.js";

const REQUESTS: Readonly<Record<Series, RequestBuilders>> = {
  app_v2: APP_V2_REQUESTS,
  app_v1: APP_V1_REQUESTS,
  web_v3: WEB_V3_REQUESTS,
};

const TRAITS: Readonly<Record<Series, SeriesTraits>> = {
  app_v2: APP_V2_TRAITS,
  app_v1: APP_V1_TRAITS,
  web_v3: WEB_V3_TRAITS,
};

/**
 * The share-link resolvers, in the order they are asked (whatever the caller's series order): App V1's tools
 * are made for it; App V2's `share_text` on its detail endpoints is the fallback.
 */
export const SHARE_LINK_RESOLVERS: readonly ShareLinkResolver[] = [APP_V1_SHARE_LINKS, APP_V2_SHARE_LINKS];

/** Whether `series` builds requests for `capability` (exactly the pairs the catalogue has an endpoint for). */
export function buildsRequest(series: Series, capability: RequestFor["capability"]): boolean {
  return REQUESTS[series][capability] !== undefined;
}

/**
 * The first-page parameters of `request` on `series`.
 * @throws Error when the series serves no such capability: the router never routes there, so this is a bug.
 */
export function requestParams(series: Series, request: RequestFor): RequestParams {
  const build = REQUESTS[series][request.capability] as ((input: RequestFor) => RequestParams) | undefined;
  if (!build)
    throw new Error(`${series} builds no ${request.capability} request (the router should not route it here)`);
  return build(request);
}

/** What `series`' answers mean where the series differ. */
export function seriesTraits(series: Series): SeriesTraits {
  return TRAITS[series];
}
