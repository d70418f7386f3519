/**
 * Media downloads (issue #15): which file to fetch (choose.ts), fetching it verified and resumable
 * (fetch-file.ts), the folder layout (files.ts) and the run (download.ts).
 */
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
export { type MediaFormat, sniffFormat } from "./verify.js";
