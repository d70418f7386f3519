/**
 * Media downloads (issue #15), the public entry `xhs-kit/media`: which file to fetch (choose.ts), fetching it
 * verified and resumable (fetch-file.ts), the folder layout (files.ts), the run (download.ts), where files are
 * recorded (media-index.ts; the store's media table is `SqlMediaIndex` in the store layer), the refetches that
 * did not help (refetch-log.ts) and where media are asked (cdn-base.ts: the real CDN, or `xhs mock`'s
 * simulated one). No key, no native addon.
 */
export type { MediaFile } from "../model/media-file.js";
export { cdnRewriter, DISCOVERY_HEADER, discoverSimulatedCdn } from "./cdn-base.js";
export {
  type Candidate,
  type CandidateRule,
  DEFAULT_SELECTION,
  imageCandidates,
  imageToken,
  type MediaItem,
  type MediaKind,
  type MediaSelection,
  planNoteMedia,
  rankStreams,
  type VideoCodecPreference,
  videoCandidates,
} from "./choose.js";
export {
  type DownloadOptions,
  downloadMedia,
  type ItemEvent,
  type ItemFailure,
  itemName,
  type MediaReport,
} from "./download.js";
export { MediaFetchError, MediaWriteError } from "./fetch-file.js";
export { type FileOps, nodeFileOps, type WritableFile } from "./files.js";
export { JsonlMediaIndex, type MediaIndex, type MediaRow, MemoryMediaIndex } from "./media-index.js";
export { JsonlRefetchLog, MemoryRefetchLog, type RefetchEntry, type RefetchLog } from "./refetch-log.js";
export { type MediaFormat, sniffFormat } from "./verify.js";
