/**
 * Lists through the router: which series may serve each list, its first-page parameters per series,
 * what "about what was asked" means for its records, and whether its order is the same on every series.
 */
import {
  COMMENT_SORT_MAP,
  COMMENT_SORTS,
  type CommentSort,
  NOTE_TYPE_FILTERS,
  NOTE_TYPE_MAP,
  SEARCH_SORT_MAP,
  SEARCH_SORTS,
  TIME_FILTER_MAP,
  TIME_FILTERS,
  TOPIC_SORT_MAP,
  TOPIC_SORTS,
} from "../catalog/filters.js";
import type { EndpointSpec } from "../catalog/types.js";
import { AllSeriesFailedError, InvalidInputError, NotFoundError } from "../core/errors.js";
import type { Paginator } from "../core/types.js";
import type { Capability, Series } from "../core/vocabulary.js";
import { CannotServeHere, wrongItemError } from "../failover/answer-verdicts.js";
import { CommentThreadPaginator } from "../failover/comment-threads.js";
import { type ListDefinition, ListPaginator, type ListRoute } from "../failover/paginate.js";
import { type FilterRequest, requireRoutes } from "../failover/router.js";
import type { Comment, Note, User } from "../model/types.js";
import { checkId } from "../refs/ids.js";
import { parseTopicRef } from "../refs/parse-ref.js";
import type { NormalizedItem } from "../series/types.js";
import type { ClientContext } from "./context.js";
import { checkKeyword } from "./keyword.js";
import { resolveRef } from "./links.js";
import { getNote, getUser } from "./records.js";
import type { CommentListOptions, ListOptions, SearchNotesOptions, TopicNotesOptions } from "./types.js";

function oneOf<T extends string>(name: string, value: T | undefined, allowed: readonly T[]): void {
  if (value !== undefined && !allowed.includes(value)) {
    throw new InvalidInputError(`${name} must be one of ${allowed.join(", ")}; got ${JSON.stringify(value)}`);
  }
}

function filter(
  name: string,
  table: FilterRequest["table"],
  value: string | undefined,
  neutral: string,
): FilterRequest[] {
  return value === undefined ? [] : [{ name, table, value, neutral }];
}

interface ListSetup<T extends NormalizedItem> {
  capability: Capability;
  key: string;
  subject: string;
  ordering: "stable" | "relevance";
  /**
   * For a "stable" list: whether a series gives that same order. A list one of whose series does not (it
   * cannot be told the order) is walked as relevance-ordered: a switch of series dedupes instead of skipping.
   */
  keepsOrder?: (route: ListRoute) => boolean;
  /** Degraded reasons that hold once a series is paged past its first page (see ListRoute.pagingReasons). */
  pagingReasons?: (series: Series) => string[] | undefined;
  filters?: FilterRequest[];
  xsecToken?: string | null;
  /** First-page parameters on a series (filters are added). */
  params(series: Series, endpoint: EndpointSpec): Record<string, string>;
  check?: (endpoint: EndpointSpec) => ((items: T[]) => void) | undefined;
  bloomBytes?: number;
  /** The subject is known to have items (an empty first page is then a fault). */
  expectsItems?: () => boolean;
  /** Asks whether the subject exists (see ListDefinition.askExists). */
  askExists?: (signal?: AbortSignal) => Promise<boolean | null>;
  /** Asks the subject's record whether it has items (see ListDefinition.askHasItems). */
  askHasItems?: (signal?: AbortSignal) => Promise<boolean | null>;
  /** The subject is known to have no items (see ListDefinition.expectsNone). */
  expectsNone?: () => boolean;
  /** A genuine empty answer names its subject (see ListDefinition.emptyNamesSubject). */
  emptyNamesSubject?: boolean;
}

function buildList<T extends NormalizedItem>(
  ctx: ClientContext,
  setup: ListSetup<T>,
  options: ListOptions,
): ListPaginator<T> {
  const routes = requireRoutes({
    capability: setup.capability,
    order: options.series ?? ctx.order,
    filters: setup.filters,
    acceptDegraded: options.acceptDegraded,
    xsecToken: setup.xsecToken,
  });
  const listRoutes: ListRoute[] = routes.map((route) => {
    const endpoint = route.endpoints[0]!;
    return {
      series: route.series,
      endpoint,
      params: { ...setup.params(route.series, endpoint), ...route.filterParams },
      degradedReasons: route.degradedReasons,
      pagingReasons: setup.pagingReasons?.(route.series),
    };
  });
  const keepsOrder = setup.keepsOrder;
  const ordering =
    setup.ordering === "stable" && keepsOrder && !listRoutes.every(keepsOrder) ? "relevance" : setup.ordering;
  const checks = new Map(listRoutes.map((r) => [r.endpoint.name, setup.check?.(r.endpoint)]));
  const def: ListDefinition<T> = {
    // Known items: what the setup knows (a note's comment count) or this list answering items before.
    expectsItems: () => setup.expectsItems?.() === true || ctx.knowledge.listHadItems(setup.key),
    expectsNone: setup.expectsNone,
    askHasItems: setup.askHasItems,
    askExists: setup.askExists,
    emptyNamesSubject: setup.emptyNamesSubject,
    capability: setup.capability,
    key: setup.key,
    subject: setup.subject,
    routes: listRoutes,
    ordering,
    idOf: (item) => item.id,
    check: (items, endpoint) => checks.get(endpoint.name)?.(items),
    onItems: (items) => {
      ctx.knowledge.learn(items);
      if (items.length > 0) ctx.knowledge.rememberListItems(setup.key);
    },
    bloomBytes: setup.bloomBytes,
  };
  return new ListPaginator<T>(def, ctx, options);
}

/** A lazy paginator: the ref is resolved (maybe a paid call) on first use, so the factory stays synchronous. */
class DeferredPaginator<T> implements Paginator<T> {
  private inner: Paginator<T> | null = null;
  private pending: Promise<Paginator<T>> | null = null;
  constructor(
    private readonly make: () => Promise<Paginator<T>>,
    private readonly initialCursor: string | null,
  ) {}
  private async get(): Promise<Paginator<T>> {
    if (this.inner) return this.inner;
    this.pending ??= this.make().then((p) => {
      this.inner = p;
      return p;
    });
    return this.pending;
  }
  async *pages() {
    yield* (await this.get()).pages();
  }
  async *[Symbol.asyncIterator]() {
    yield* await this.get();
  }
  async collect(limit: number): Promise<T[]> {
    return (await this.get()).collect(limit);
  }
  get cursor(): string | null {
    return this.inner ? this.inner.cursor : this.initialCursor;
  }
  get degraded(): boolean {
    return this.inner?.degraded ?? false;
  }
  get degradedReasons(): readonly string[] {
    return this.inner?.degradedReasons ?? [];
  }
}

function deferred<T>(options: ListOptions, make: () => Promise<Paginator<T>>): Paginator<T> {
  if (options.limit !== undefined && (!Number.isInteger(options.limit) || options.limit < 0)) {
    throw new InvalidInputError(`limit must be a non-negative integer, got ${options.limit}`);
  }
  return new DeferredPaginator(make, options.cursor ?? null);
}

/** Notes whose author is someone else: not this user's list. */
function authoredBy(endpoint: EndpointSpec, userId: string) {
  return (items: Note[]) => {
    const other = items.find((n) => n.author !== null && n.author.id !== userId);
    if (other) throw wrongItemError(endpoint, `answered a note by ${other.author!.id}, not by ${userId}`);
  };
}

export function userNotes(ctx: ClientContext, ref: string, options: ListOptions = {}): Paginator<Note> {
  return deferred(options, async () => {
    const { id } = await resolveRef(ctx, ref, "user", options);
    return buildList<Note>(
      ctx,
      {
        capability: "userNotes",
        key: `userNotes:${id}`,
        subject: `the notes of user ${id}`,
        ordering: "stable",
        params: () => ({ user_id: id }),
        check: (endpoint) => authoredBy(endpoint, id),
        expectsItems: () => ctx.knowledge.userHasNotes(id),
        // Empty answers from two series: the user's record says whether they posted notes (one call).
        askHasItems: async (signal) => {
          const user = await getUser(ctx, id, signal ? { signal } : {});
          return user.noteCount === null ? null : user.noteCount > 0;
        },
      },
      options,
    );
  });
}

export function userFavorites(ctx: ClientContext, ref: string, options: ListOptions = {}): Paginator<Note> {
  return deferred(options, async () => {
    const { id } = await resolveRef(ctx, ref, "user", options);
    return buildList<Note>(
      ctx,
      {
        capability: "userFavorites",
        key: `userFavorites:${id}`,
        subject: `the favourites of user ${id}`,
        ordering: "stable",
        params: () => ({ user_id: id }),
      },
      options,
    );
  });
}

function aboutNote(endpoint: EndpointSpec, noteId: string, rootId: string | null) {
  return (items: Comment[]) => {
    const other = items.find((c) => c.noteId !== noteId);
    if (other) throw wrongItemError(endpoint, `answered a comment of note ${other.noteId}, not of ${noteId}`);
    if (rootId !== null) {
      const stray = items.find((c) => c.rootId !== null && c.rootId !== rootId);
      if (stray) throw wrongItemError(endpoint, `answered a reply in thread ${stray.rootId}, not in ${rootId}`);
    }
  };
}

function commentParams(noteId: string, token: string | null, series: Series): Record<string, string> {
  const params: Record<string, string> = { note_id: noteId };
  if (series === "web_v3" && token) params.xsec_token = token;
  return params;
}

/**
 * Said on an App V2 comment list in relevance order once it is paged past its first page: TikHub documents
 * that `sort_strategy=default` loses or repeats comments when paged (tikhub-api.md §10).
 */
export const RELEVANCE_PAGING_REASON =
  "app_v2 comments in relevance order (sort: default) past the first page: TikHub's paging of this order loses or repeats comments (repeats were dropped; leave sort unset for a complete list, newest first)";

/**
 * The sort filter of a comment list. No sort asked: the complete order, newest first, on every series that
 * takes a sort (App V2 `latest_v2`, App V1 `2`; `sort_strategy=default` loses or repeats comments when paged);
 * Web V3 takes none and serves its only order. A sort asked: that order, a series that cannot give it skipped
 * unless degraded results are accepted.
 */
function commentSortFilter(sort: CommentSort | undefined): FilterRequest[] {
  return sort === undefined
    ? filter("sort", COMMENT_SORT_MAP, "latest", "latest")
    : filter("sort", COMMENT_SORT_MAP, sort, "default");
}

function commentList(
  ctx: ClientContext,
  noteId: string,
  token: string | null,
  sort: CommentSort | undefined,
  options: ListOptions,
): ListPaginator<Comment> {
  const newestFirst = sort === undefined || sort === "latest";
  return buildList<Comment>(
    ctx,
    {
      capability: "comments",
      key: `comments:${noteId}:${sort ?? "-"}`,
      subject: `the comments of note ${noteId}`,
      // Newest first is the same order on every series that can be told it; relevance orders are each series' own.
      ordering: newestFirst ? "stable" : "relevance",
      keepsOrder: (route) => COMMENT_SORT_MAP[route.series] !== null && route.degradedReasons.length === 0,
      pagingReasons: (series) => (series === "app_v2" && sort === "default" ? [RELEVANCE_PAGING_REASON] : undefined),
      filters: commentSortFilter(sort),
      xsecToken: token,
      params: (series) => commentParams(noteId, token, series),
      check: (endpoint) => aboutNote(endpoint, noteId, null),
      // A note the client has seen with comments cannot have an empty comment list (stats.comments > 0).
      expectsItems: () => (ctx.knowledge.noteCommentCount(noteId) ?? 0) > 0,
      expectsNone: () => ctx.knowledge.noteCommentCount(noteId) === 0,
      emptyNamesSubject: true,
      // Web V3's "当前笔记暂时无法浏览" next to empty answers: is the note gone, or hidden from the web?
      askExists: async (signal) => {
        try {
          await getNote(ctx, noteId, signal ? { signal } : {});
          return true;
        } catch (error) {
          if (error instanceof NotFoundError) return false;
          // A series that answered the note but cannot serve it (App V1, a video note): it exists.
          if (error instanceof AllSeriesFailedError && error.attempts.some((e) => e instanceof CannotServeHere)) {
            return true;
          }
          throw error;
        }
      },
    },
    options,
  );
}

function replyList(
  ctx: ClientContext,
  noteId: string,
  token: string | null,
  commentId: string,
  options: ListOptions,
): ListPaginator<Comment> {
  return buildList<Comment>(
    ctx,
    {
      capability: "replies",
      key: `replies:${noteId}:${commentId}`,
      subject: `the replies to comment ${commentId} of note ${noteId}`,
      ordering: "stable",
      xsecToken: token,
      params: (series): Record<string, string> =>
        series === "web_v3"
          ? { ...commentParams(noteId, token, series), root_comment_id: commentId }
          : { note_id: noteId, comment_id: commentId },
      check: (endpoint) => aboutNote(endpoint, noteId, commentId),
      bloomBytes: 512,
    },
    options,
  );
}

export function comments(ctx: ClientContext, noteRef: string, options: CommentListOptions = {}): Paginator<Comment> {
  oneOf("sort", options.sort, COMMENT_SORTS);
  const maxReplies = options.maxRepliesPerThread;
  if (maxReplies !== undefined && (!Number.isInteger(maxReplies) || maxReplies < 0)) {
    throw new InvalidInputError(`maxRepliesPerThread must be a non-negative integer, got ${maxReplies}`);
  }
  return deferred(options, async () => {
    const { id, xsecToken } = await resolveRef(ctx, noteRef, "note", options);
    const token = xsecToken ?? ctx.knowledge.noteToken(id) ?? null;
    if (!options.withReplies) return commentList(ctx, id, token, options.sort, options);
    const { limit: _limit, cursor: _cursor, ...callOptions } = options;
    return new CommentThreadPaginator({
      limit: options.limit,
      cursor: options.cursor,
      key: `threads:${id}:${options.sort ?? "-"}`,
      maxRepliesPerThread: maxReplies,
      topLevel: (cursor) => commentList(ctx, id, token, options.sort, { ...callOptions, cursor }),
      replies: (comment, cursor, limit) => replyList(ctx, id, token, comment, { ...callOptions, cursor, limit }),
    });
  });
}

export function replies(
  ctx: ClientContext,
  noteRef: string,
  commentId: string,
  options: ListOptions = {},
): Paginator<Comment> {
  const rootId = checkId("comment", commentId);
  return deferred(options, async () => {
    const { id, xsecToken } = await resolveRef(ctx, noteRef, "note", options);
    return replyList(ctx, id, xsecToken ?? ctx.knowledge.noteToken(id) ?? null, rootId, options);
  });
}

function keywordOf(keyword: string): string {
  return checkKeyword(keyword);
}

export function searchNotes(ctx: ClientContext, keyword: string, options: SearchNotesOptions = {}): Paginator<Note> {
  const k = keywordOf(keyword);
  oneOf("sort", options.sort, SEARCH_SORTS);
  oneOf("type", options.type, NOTE_TYPE_FILTERS);
  oneOf("time", options.time, TIME_FILTERS);
  const filters = [
    ...filter("sort", SEARCH_SORT_MAP, options.sort, "general"),
    ...filter("type", NOTE_TYPE_MAP, options.type, "all"),
    ...filter("time", TIME_FILTER_MAP, options.time, "all"),
  ];
  return deferred(options, async () =>
    buildList<Note>(
      ctx,
      {
        capability: "searchNotes",
        key: `searchNotes:${k}:${options.sort ?? "-"}:${options.type ?? "-"}:${options.time ?? "-"}`,
        subject: `the notes found for ${JSON.stringify(k)}`,
        ordering: "relevance",
        filters,
        params: () => ({ keyword: k, page: "1" }),
      },
      options,
    ),
  );
}

export function searchUsers(ctx: ClientContext, keyword: string, options: ListOptions = {}): Paginator<User> {
  const k = keywordOf(keyword);
  return deferred(options, async () =>
    buildList<User>(
      ctx,
      {
        capability: "searchUsers",
        key: `searchUsers:${k}`,
        subject: `the users found for ${JSON.stringify(k)}`,
        ordering: "relevance",
        params: () => ({ keyword: k, page: "1" }),
      },
      options,
    ),
  );
}

export function topicNotes(ctx: ClientContext, pageId: string, options: TopicNotesOptions = {}): Paginator<Note> {
  const id = parseTopicRef(pageId);
  oneOf("sort", options.sort, TOPIC_SORTS);
  return deferred(options, async () =>
    buildList<Note>(
      ctx,
      {
        capability: "topicNotes",
        key: `topicNotes:${id}:${options.sort ?? "-"}`,
        subject: `the notes of topic ${id}`,
        ordering: "relevance",
        filters: filter("sort", TOPIC_SORT_MAP, options.sort, "general"),
        params: (series): Record<string, string> =>
          // App V1 requires the first load time (ms); both keep it constant across pages (it stays in the params).
          series === "app_v1" ? { page_id: id, first_load_time: String(ctx.clock.now()) } : { page_id: id },
      },
      options,
    ),
  );
}
