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
export { cdnUrlFor, mediaUrlOf, type RunningCdn, startCdnServer } from "./server.js";
