/**
 * The shape of one catalogue entry: a declarative description of one TikHub endpoint.
 * Pure data; the simulator, the transport (raw calls, local validation) and the failover router all read it.
 */
import type { Capability, Series } from "../core/vocabulary.js";

/** What an id-like parameter must look like: an id kind (src/refs/ids.ts) or an xsec_token. */
export type ParamFormat = "note" | "user" | "comment" | "topic" | "xsec_token";

export interface ParamSpec {
  name: string;
  type: "string" | "integer";
  /** Required on its own. (One-of groups such as note_id | share_text are on the entry.) */
  required: boolean;
  /** TikHub's default, as the OpenAPI subset or the usage guide gives it. */
  default?: string | number;
  /** Allowed values. TikHub silently ignores others; xhs-kit rejects them locally. */
  enum?: readonly (string | number)[];
  /** Upper bound for integers (e.g. Web V3 user notes `num` ≤ 30). */
  max?: number;
  /**
   * The id (or token) the value must be, checked locally before the call (src/refs/ids.ts): TikHub bills a
   * wrong id like a good one. Only on parameters a caller supplies; cursors echoed from answers are not checked.
   */
  format?: ParamFormat;
  /** Longest string value accepted (share text and links: MAX_REF_LENGTH, the ref parser's bound). */
  maxLength?: number;
  description: string;
}

/**
 * How an endpoint pages:
 * - none: a single answer
 * - note-cursor: send `cursor` = the last item's `cursor` (or its id); stop on has_more false or an empty page
 * - comment-cursor: `cursor` (plain id or JSON {cursor,index,pageArea}) plus `index`/`pageArea`
 * - start-cursor: App V1 comments: `start` = the previous answer's cursor or last id
 * - search-page: `page` plus server-issued search/session ids
 * - page: plain `page` numbers
 * - topic-feed: cursor_score / last_note_id / last_note_ct with constant session_id / first_load_time
 */
export type PaginationScheme =
  | "none"
  | "note-cursor"
  | "comment-cursor"
  | "start-cursor"
  | "search-page"
  | "page"
  | "topic-feed";

export interface EndpointSpec {
  /** Endpoint name as written everywhere: the URL tail after /api/v1/xiaohongshu/, e.g. "app_v2/get_image_note_detail". */
  name: string;
  series: Series;
  path: string;
  capability: Capability;
  /** For note detail: the note types this endpoint can answer correctly. */
  noteTypes?: readonly ("image" | "video")[];
  params: readonly ParamSpec[];
  /** Groups of parameters of which at least one must be given (e.g. note_id | share_text). */
  oneOf?: readonly (readonly string[])[];
  /** Web V3 note detail, comments and replies need the note's xsec_token. */
  needsXsecToken?: boolean;
  pagination: PaginationScheme;
  /** Whether the body is cut (search and list endpoints): notes from here have textTruncated. */
  truncatesText?: boolean;
  /** Price per call in USD; see docs/decisions.md for which prices are observed and which assumed. */
  priceUsd: number;
  /** Where the usage guide and OpenAPI subset disagree, or where the shape is inferred: a pointer to docs/reference-conflicts.md. */
  notes?: string;
}
