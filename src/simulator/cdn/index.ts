export {
  type CdnAnswer,
  type CdnFaults,
  type CdnFileInfo,
  type CdnOptions,
  type CdnStats,
  pathKey,
  SimulatedCdn,
} from "./cdn.js";
export { CDN_HOSTS, createCdnFetch, routeMediaToCdn } from "./fetch.js";
export { type CdnFormat, CONTENT_TYPES, synthesize, WATERMARK_MARK } from "./files.js";
export {
  CDN_DISCOVERY_HEADER,
  CDN_PATH_PREFIX,
  cdnUrlFor,
  mediaUrlOf,
  type RunningCdn,
  serveCdnRequest,
  startCdnServer,
} from "./server.js";
