/**
 * What a list is (its routes per series, its ordering, what is known about its subject) and what it runs on.
 * The client builds a ListDefinition per call; ListPaginator (list-paginator.ts) walks it across series.
 */

import type { EndpointSpec } from "../catalog/types.js";
import type { Sleep } from "../core/types.js";
import type { Capability, Series } from "../core/vocabulary.js";
import type { NormalizedItem } from "../series/types.js";
import type { HealthBoard } from "./health.js";
import type { DriftSink, NormalizerLookup, SeriesPort } from "./port.js";

export interface ListRoute {
  series: Series;
  endpoint: EndpointSpec;
  /** First-page parameters on this series. */
  params: Record<string, string>;
  /** Filters this series cannot honour (only with acceptDegraded). */
  degradedReasons: string[];
  /** Reasons that hold once this series is paged past its first page (App V2 comments in relevance order). */
  pagingReasons?: string[] | undefined;
}

export interface ListDefinition<T extends NormalizedItem> {
  capability: Capability;
  /** Identifies the list in its cursor (capability, subject, filters). */
  key: string;
  /** For messages: "the comments of note 64f…". */
  subject: string;
  routes: ListRoute[];
  ordering: "stable" | "relevance";
  idOf(item: T): string;
  /** Throws WrongItemError when a page is not about what was asked. */
  check?: ((items: T[], endpoint: EndpointSpec) => void) | undefined;
  /** Sees every page's records (the client learns tokens and note types from them). */
  onItems?: ((items: T[]) => void) | undefined;
  bloomBytes?: number | undefined;
  /**
   * True when the subject is known to have items (e.g. a note whose comment count the client has seen
   * above 0): an empty first page is then a fault, never the end of the list.
   */
  expectsItems?: (() => boolean) | undefined;
  /**
   * True when the subject is known to have no items (a note whose comment count the client saw at exactly
   * 0): one empty first answer that is evidence of emptiness then ends the list, without a second opinion.
   */
  expectsNone?: (() => boolean) | undefined;
  /**
   * Another source's word on whether the subject has items (a user's record and its note count): asked at
   * most once, when empty first answers would end the list. True makes those answers faults (the list fails
   * over, and fails rather than end empty); false lets them end it; null (cannot tell) leaves the rule of
   * every eligible series. Asked after two empty answers (the record is the independent opinion a third
   * series would give).
   */
  askHasItems?: ((signal?: AbortSignal) => Promise<boolean | null>) | undefined;
  /**
   * Whether the list's subject exists (a note, for its comments): true, false (not found) or null (cannot
   * tell). Asked at most once, only before a "not found" resting on votes a live thing hidden from the web
   * also gets (see SubjectEvidence.stillExists); true keeps the list open (it fails, and gets its second round).
   */
  askExists?: ((signal?: AbortSignal) => Promise<boolean | null>) | undefined;
  /**
   * True when a genuine empty answer of this list names its subject (comments: the note's `user_id`):
   * an empty answer that does not is an empty-payload fault and is no evidence that the list is empty.
   */
  emptyNamesSubject?: boolean | undefined;
}

export interface ListEnvironment {
  port: SeriesPort;
  /** For the pause before a second round when every series failed (no second round without it). */
  sleep?: Sleep | undefined;
  normalizers: NormalizerLookup;
  health: HealthBoard;
  onDrift?: DriftSink | undefined;
}

export interface ListRunOptions {
  limit?: number | undefined;
  cursor?: string | undefined;
  signal?: AbortSignal | undefined;
}
