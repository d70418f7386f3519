/**
 * Lists through the router: a user's notes and favourites, searches and a topic's notes, and what "about what
 * was asked" means for their records (comment lists: comment-lists.ts; how a list is built: list-builder.ts).
 */
import {
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
import type { Paginator } from "../core/types.js";
import { wrongItemError } from "../failover/answer-verdicts.js";
import type { Note, User } from "../model/types.js";
import { parseTopicRef } from "../refs/parse-ref.js";
import type { ClientContext } from "./context.js";
import { checkKeyword } from "./keyword.js";
import { resolveRef } from "./links.js";
import { buildList, deferred, filter, oneOf } from "./list-builder.js";
import { getUser } from "./records.js";
import type { ListOptions, SearchNotesOptions, TopicNotesOptions } from "./types.js";

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
        request: { capability: "userNotes", userId: id },
        key: `userNotes:${id}`,
        subject: `the notes of user ${id}`,
        ordering: "stable",
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
        request: { capability: "userFavorites", userId: id },
        key: `userFavorites:${id}`,
        subject: `the favourites of user ${id}`,
        ordering: "stable",
      },
      options,
    );
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
        request: { capability: "searchNotes", keyword: k },
        key: `searchNotes:${k}:${options.sort ?? "-"}:${options.type ?? "-"}:${options.time ?? "-"}`,
        subject: `the notes found for ${JSON.stringify(k)}`,
        ordering: "relevance",
        filters,
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
        request: { capability: "searchUsers", keyword: k },
        key: `searchUsers:${k}`,
        subject: `the users found for ${JSON.stringify(k)}`,
        ordering: "relevance",
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
        request: { capability: "topicNotes", pageId: id, now: ctx.clock.now() },
        key: `topicNotes:${id}:${options.sort ?? "-"}`,
        subject: `the notes of topic ${id}`,
        ordering: "relevance",
        filters: filter("sort", TOPIC_SORT_MAP, options.sort, "general"),
      },
      options,
    ),
  );
}
