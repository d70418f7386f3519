/**
 * The contract between a series' normalizers and everything above them.
 * A normalizer turns one raw TikHub answer (the whole envelope, as parsed by JSON.parse) into normalized
 * records plus what is needed to ask for the next page. It never calls the network.
 * Each series also says how its requests are built (RequestBuilders, ShareLinkResolver) and what its answers
 * mean where series differ (SeriesTraits), so the layers above never name a series.
 */
import type { CommentSort } from "../catalog/filters.js";
import type { EndpointSpec } from "../catalog/types.js";
import type { Capability, Series } from "../core/vocabulary.js";
import type { Comment, Note, ResolvedLink, Topic, User } from "../model/types.js";

/** Parameters to send (merged over the first request's) to get the next page; null when there is none. */
export type NextPageParams = Record<string, string> | null;

export interface NormalizeContext {
  endpoint: EndpointSpec;
  /** The parameters the request was sent with (values as strings), for context the payload lacks. */
  params: Record<string, string>;
  /** ISO 8601 UTC time of the fetch, stamped on every record. */
  fetchedAt: string;
  /** Told about every field the normalizer expected but did not find, for shape-drift statistics. */
  onDrift?: (path: string) => void;
}

export type NormalizedItem = Note | User | Comment | Topic | ResolvedLink;

export interface NormalizedPage<T = NormalizedItem> {
  items: T[];
  /** What the answer says about more pages; null when it does not say. */
  hasMore: boolean | null;
  /** What to send for the next page (series-native parameters), or null. */
  next: NextPageParams;
  /** Inner success / failure and the payload state, for the transport's "correct or nothing" check. */
  status: AnswerStatus;
}

export type AnswerStatus =
  | { ok: true }
  /** 200 with inner success false / non-zero code: the upstream message when there is one. */
  | { ok: false; reason: "inner_failure"; message: string | null; notFound: boolean }
  /** 200 with an empty payload (no list, empty note_list, data: []). */
  | { ok: false; reason: "empty" };

export type Normalizer = (raw: unknown, context: NormalizeContext) => NormalizedPage;

// ------------------------------------------------------------------------------------ building requests

/** Request parameters as sent (values as strings). */
export type RequestParams = Record<string, string>;

/**
 * What a caller knows when it asks a capability, already normalized (ids checked, keyword trimmed): the input
 * of every series' request builder for that capability.
 */
export interface RequestInputs {
  note: { noteId: string; xsecToken: string | null };
  user: { userId: string };
  topic: { pageId: string };
  userNotes: { userId: string };
  userFavorites: { userId: string };
  comments: { noteId: string; xsecToken: string | null };
  replies: { noteId: string; xsecToken: string | null; commentId: string };
  searchNotes: { keyword: string };
  searchUsers: { keyword: string };
  /** `now` in ms: a series that pages a topic from a load time takes it from here (kept across pages). */
  topicNotes: { pageId: string; now: number };
}
export type RequestCapability = keyof RequestInputs;

/** One request to build: the capability and its inputs, e.g. `{ capability: "user", userId }`. */
export type RequestFor = { [C in RequestCapability]: { capability: C } & RequestInputs[C] }[RequestCapability];

/**
 * How one series builds the first-page parameters of each capability it serves. The endpoint is the
 * catalogue's (the router picks it); the next pages' parameters come from the series' normalizers.
 */
export type RequestBuilders = { [C in RequestCapability]?: (input: RequestInputs[C]) => RequestParams };

/** How one series turns a short link or share text into an id: the request, and how to read its answer. */
export interface ShareLinkResolver {
  series: Series;
  request(kind: ResolvedLink["kind"], link: string): { endpoint: EndpointSpec; params: RequestParams };
  /** The link the answer's records name, or null when they name none of that kind. */
  read(kind: ResolvedLink["kind"], items: readonly unknown[]): ResolvedLink | null;
}

// ------------------------------------------------------------------------------------ what answers mean

/** What a series' answers mean where series differ: what the router consults instead of naming a series. */
export interface SeriesTraits {
  /** Note detail: the image-only endpoint answers an empty payload for a video note (a type hint, not a fault). */
  emptyImageDetailMeansVideo: boolean;
  /** Inner-failure messages that are a not-found vote on a capability, besides the ones every series uses. */
  notFoundVotes: Partial<Record<Capability, RegExp>>;
  /** A comment sort that loses or repeats comments once paged past the first page, and what to say about it. */
  lossyCommentPaging: { sort: CommentSort; reason: string } | null;
}
