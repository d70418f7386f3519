/**
 * xhs-kit: Xiaohongshu (RedNote) data through TikHub's API, one normalized model, failover across
 * series. The package's public surface. The offline simulator is a separate entry: `xhs-kit/simulator`.
 *
 * @example
 * ```ts
 * import { createClient, NotFoundError } from "xhs-kit";
 * const xhs = createClient(); // TIKHUB_API_KEY from the environment
 * const note = await xhs.notes.get("https://www.xiaohongshu.com/explore/64f0…?xsec_token=AB…");
 * ```
 */

// The endpoint catalogue and the unified filter vocabulary.
export { API_PREFIX, ENDPOINTS, endpoint, endpointsFor, findEndpoint } from "./catalog/endpoints.js";
export {
  COMMENT_SORT_MAP,
  COMMENT_SORTS,
  type CommentSort,
  mapFilter,
  NOTE_TYPE_FILTERS,
  NOTE_TYPE_MAP,
  type NoteTypeFilter,
  SEARCH_SORT_MAP,
  SEARCH_SORTS,
  type SearchSort,
  TIME_FILTER_MAP,
  TIME_FILTERS,
  type TimeFilter,
  TOPIC_SORT_MAP,
  TOPIC_SORTS,
  type TopicSort,
} from "./catalog/filters.js";
export type { EndpointSpec, PaginationScheme, ParamSpec } from "./catalog/types.js";
// The facade.
export { createClient } from "./client/create-client.js";
export type {
  CallOptions,
  ClientOptions,
  CommentListOptions,
  ListOptions,
  Ref,
  SearchNotesOptions,
  TopicNotesOptions,
  XhsClient,
} from "./client/types.js";
// Persistence (Store, JobQueue, SQLite, export) is the `xhs-kit/store` entry, not re-exported here:
// it loads better-sqlite3's native addon and csv-stringify, which a client alone never needs.
// Time, injected (tests run on a fake clock).
export { createFakeClock, type FakeClock } from "./core/clock.js";
// Errors.
export {
  AbortedError,
  AllSeriesFailedError,
  AuthError,
  BudgetExceededError,
  ConnectionError,
  type ErrorKind,
  InvalidInputError,
  isXhsError,
  NotFoundError,
  PaymentRequiredError,
  PermissionError,
  RateLimitError,
  ShapeError,
  TimeoutError,
  UpstreamError,
  WrongItemError,
  XhsError,
} from "./core/errors.js";
// A pool of keys (createClient's `apiKeys`): each key shows only as its fingerprint.
export { keyFingerprint } from "./core/key-fingerprint.js";
export type { AttemptEvent, ClientStats, Clock, Logger, Page, Paginator, SeriesStats, Sleep } from "./core/types.js";
export type { Series } from "./core/vocabulary.js";
export { CAPABILITIES, type Capability, SERIES } from "./core/vocabulary.js";
export { type ParsedCount, parseCount } from "./model/counts.js";
export { buildJsonSchema } from "./model/json-schema.js";
export type {
  Comment,
  Item,
  Note,
  NoteImage,
  NoteStats,
  NoteType,
  NoteVideo,
  ResolvedLink,
  Topic,
  User,
  UserRef,
} from "./model/types.js";
// The normalized model: types and runtime schemas.
export {
  CommentSchema,
  NoteImageSchema,
  NoteSchema,
  NoteStatsSchema,
  NoteVideoSchema,
  ResolvedLinkSchema,
  SeriesSchema,
  TopicSchema,
  UserRefSchema,
  UserSchema,
} from "./model/types.js";
export { type IdKind, isId } from "./refs/ids.js";
export {
  MAX_REF_LENGTH,
  type ParsedRef,
  parseNoteRef,
  parseRef,
  parseTopicRef,
  parseUserRef,
} from "./refs/parse-ref.js";
// Offline parsing of saved answers, and reference parsing at no cost.
export { type NormalizeOptions, type NormalizeResult, normalize, pickRequested } from "./series/normalize.js";
export type { AnswerStatus, NormalizedPage, Normalizer } from "./series/types.js";
// TikHub's hosts: `region: "cn"` (api.tikhub.dev, mainland China) or "global" (api.tikhub.io).
export { REGION_BASE_URLS, REGIONS, type Region } from "./transport/http.js";
export type { RawResult } from "./transport/raw.js";
// Rate limits shared across processes (createClient's `sharedLimits`).
export {
  type BucketRule,
  SharedLimitError,
  type SharedLimitsOption,
  type SharedRateLimiter,
} from "./transport/shared-limit.js";
