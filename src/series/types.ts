/**
 * The contract between a series' normalizers and everything above them.
 * A normalizer turns one raw TikHub answer (the whole envelope, as parsed by JSON.parse) into normalized
 * records plus what is needed to ask for the next page. It never calls the network.
 */
import type { EndpointSpec } from "../catalog/types.js";
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
