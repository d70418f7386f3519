/**
 * Comment lists through the router: a note's comments (newest first unless a sort is asked), with their
 * replies when asked, and one comment's replies; what "about the note asked" means for their records.
 */
import { COMMENT_SORT_MAP, COMMENT_SORTS, type CommentSort } from "../catalog/filters.js";
import type { EndpointSpec } from "../catalog/types.js";
import { AllSeriesFailedError, InvalidInputError, NotFoundError } from "../core/errors.js";
import type { Paginator } from "../core/types.js";
import { CannotServeHere, wrongItemError } from "../failover/answer-verdicts.js";
import { CommentThreadPaginator } from "../failover/comment-threads.js";
import type { ListPaginator } from "../failover/list-paginator.js";
import type { FilterRequest } from "../failover/router.js";
import type { Comment } from "../model/types.js";
import { checkId } from "../refs/ids.js";
import { seriesTraits } from "../series/registry.js";
import type { ClientContext } from "./context.js";
import { resolveRef } from "./links.js";
import { buildList, deferred, filter, oneOf } from "./list-builder.js";
import { getNote } from "./records.js";
import type { CommentListOptions, ListOptions } from "./types.js";

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
      request: { capability: "comments", noteId, xsecToken: token },
      key: `comments:${noteId}:${sort ?? "-"}`,
      subject: `the comments of note ${noteId}`,
      // Newest first is the same order on every series that can be told it; relevance orders are each series' own.
      ordering: newestFirst ? "stable" : "relevance",
      keepsOrder: (route) => COMMENT_SORT_MAP[route.series] !== null && route.degradedReasons.length === 0,
      // A series whose paging of the asked order loses or repeats comments says so past its first page.
      pagingReasons: (series) => {
        const lossy = seriesTraits(series).lossyCommentPaging;
        return lossy !== null && lossy.sort === sort ? [lossy.reason] : undefined;
      },
      filters: commentSortFilter(sort),
      xsecToken: token,
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
      request: { capability: "replies", noteId, xsecToken: token, commentId },
      key: `replies:${noteId}:${commentId}`,
      subject: `the replies to comment ${commentId} of note ${noteId}`,
      ordering: "stable",
      xsecToken: token,
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
