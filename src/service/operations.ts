/**
 * The ONE registry of what xhs-kit can do for a caller: each capability's name, description, input
 * schema (zod, with descriptions an agent can follow), kind (a single record or a list), how to call
 * the client, and where it lives in the CLI, the HTTP API and MCP.
 *
 * The HTTP routes, `/openapi.json` and the MCP tools are generated from this list; a test checks the
 * CLI's commands against it, so a capability missing from one surface fails the build.
 */
import { z } from "zod";
import { COMMENT_SORTS, NOTE_TYPE_FILTERS, SEARCH_SORTS, TIME_FILTERS, TOPIC_SORTS } from "../catalog/filters.js";
import type {
  CallOptions,
  CommentListOptions,
  ListOptions,
  SearchNotesOptions,
  TopicNotesOptions,
  XhsClient,
} from "../client/types.js";
import type { Paginator } from "../core/types.js";
import { CommentSchema, NoteSchema, ResolvedLinkSchema, TopicSchema, UserSchema } from "../model/types.js";
import { checkId } from "../refs/ids.js";
import { MAX_REF_LENGTH, parseRef, parseTopicRef, type RefKind } from "../refs/parse-ref.js";

/** Default and maximum `limit` of one list request. Every upstream page costs money, so both stay small. */
export const DEFAULT_LIST_LIMIT = 20;
export const MAX_LIST_LIMIT = 100;

/** What a capability returns: names the record schema and picks the cache TTL. */
export type RecordKind = "note" | "user" | "comment" | "topic" | "link";

export const RECORD_SCHEMAS = {
  note: NoteSchema,
  user: UserSchema,
  comment: CommentSchema,
  topic: TopicSchema,
  link: ResolvedLinkSchema,
} as const;

/** Cache classes: how fast each kind of answer goes stale (TTLs in src/service/response-cache.ts). */
export type CacheClass = "record" | "comments" | "list" | "search" | "link";

// ---------------------------------------------------------------- input building blocks

const TOPIC_ID =
  "The topic page id (24 lowercase hex characters, e.g. 5c1cc866febed9000184b7c1) or its page URL (xiaohongshu.com/page/topics/<id>).";

/** Refs are checked locally (free) with the library's own parser, so a typo never costs a paid call. */
function ref(kind: RefKind, description: string) {
  return z
    .string()
    .trim()
    .min(1, `give a ${kind} id, URL or share link`)
    .max(MAX_REF_LENGTH, `a reference is at most ${MAX_REF_LENGTH} characters`)
    .superRefine((value, ctx) => {
      try {
        const parsed = parseRef(value, kind);
        if (parsed.kind !== kind && parsed.kind !== "short_link" && parsed.kind !== "share_text") {
          ctx.addIssue({ code: "custom", message: `expected a ${kind} reference, got a ${parsed.kind} reference` });
        }
      } catch (error) {
        ctx.addIssue({ code: "custom", message: (error as Error).message });
      }
    })
    .describe(description);
}

/** A comment id, or a topic page id / topic page URL: checked exactly (src/refs/ids.ts), a wrong id is billed. */
function plainId(kind: "comment" | "topic", description: string) {
  return z
    .string()
    .trim()
    .superRefine((value, ctx) => {
      try {
        if (kind === "topic") parseTopicRef(value);
        else checkId(kind, value);
      } catch (error) {
        ctx.addIssue({ code: "custom", message: (error as Error).message });
      }
    })
    .describe(description);
}

function keyword(description: string) {
  return z
    .string()
    .trim()
    .min(1, "the keyword is empty")
    .max(100, "a keyword is at most 100 characters")
    .describe(description);
}

const listShape = {
  limit: z
    .number()
    .int()
    .min(1)
    .max(MAX_LIST_LIMIT)
    .default(DEFAULT_LIST_LIMIT)
    .describe(
      `How many items at most (1-${MAX_LIST_LIMIT}, default ${DEFAULT_LIST_LIMIT}). Each upstream page (about 10-20 items) is a paid call.`,
    ),
  cursor: z
    .string()
    .min(1)
    .max(8192)
    .optional()
    .describe("Opaque cursor from a previous answer's `cursor` field: continues the same list after its last item."),
  acceptDegraded: z
    .boolean()
    .optional()
    .describe("Accept a source that cannot honour a requested filter or sort; the answer then says `degraded: true`."),
};

const NOTE_REF =
  "Note id (24 hex chars), note URL (xiaohongshu.com/explore/…, keep its xsec_token), share text or xhslink.com short link.";
const USER_REF = "User id, profile URL (xiaohongshu.com/user/profile/…), share text or xhslink.com short link.";

// ---------------------------------------------------------------- the capability type

interface CapabilityBase<S extends z.ZodObject> {
  /** Stable identifier (also the key of the CLI/HTTP/MCP coverage test). */
  name: string;
  title: string;
  /** What it does, what it costs, and what to call next: written for people and agents alike. */
  description: string;
  record: RecordKind;
  cache: CacheClass;
  input: S;
  /** The hono route (`:param` for path parameters); every other input field is a query parameter. */
  http: { path: string };
  /** The MCP tool name (snake_case verbs: agents pick tools by name first). */
  tool: string;
  /** The CLI command path (words) and, when the capability is a mode of that command, the flag selecting it. */
  cli: { command: string[]; flag?: string };
}

export interface GetCapability<S extends z.ZodObject = z.ZodObject> extends CapabilityBase<S> {
  kind: "get";
  run(client: XhsClient, input: z.output<S>, call: CallOptions): Promise<unknown>;
}

export interface ListCapability<S extends z.ZodObject = z.ZodObject> extends CapabilityBase<S> {
  kind: "list";
  /** `options` carries limit, cursor, acceptDegraded and the signal; the capability adds its own filters. */
  run(client: XhsClient, input: z.output<S>, options: ListOptions): Paginator<unknown>;
}

export type CapabilityDef = GetCapability | ListCapability;

// The registry stores capabilities with their input types erased; `define*` keep each one type-checked.
function defineGet<S extends z.ZodObject>(cap: Omit<GetCapability<S>, "kind">): CapabilityDef {
  return { ...cap, kind: "get" } as unknown as CapabilityDef;
}
function defineList<S extends z.ZodObject>(cap: Omit<ListCapability<S>, "kind">): CapabilityDef {
  return { ...cap, kind: "list" } as unknown as CapabilityDef;
}

function listOptions(
  input: { limit: number; cursor?: string | undefined; acceptDegraded?: boolean | undefined },
  base: ListOptions,
): ListOptions {
  const options: ListOptions = { ...base, limit: input.limit };
  if (input.cursor !== undefined) options.cursor = input.cursor;
  if (input.acceptDegraded !== undefined) options.acceptDegraded = input.acceptDegraded;
  return options;
}

// ---------------------------------------------------------------- the registry

export const CAPABILITY_REGISTRY: readonly CapabilityDef[] = [
  defineGet({
    name: "note",
    title: "Get a note",
    description:
      "One Xiaohongshu note in full: title, text, tags, author, like/collect/comment/share counts, images or video, publish time. One or two paid upstream calls.",
    record: "note",
    cache: "record",
    input: z.object({
      ref: ref("note", NOTE_REF),
      type: z.enum(["image", "video"]).optional().describe("The note's type when known (saves a detection call)."),
    }),
    http: { path: "/v1/notes/:ref" },
    tool: "get_note",
    cli: { command: ["note"] },
    run: (client, input, call) => client.notes.get(input.ref, input.type ? { ...call, type: input.type } : call),
  }),
  defineList({
    name: "comments",
    title: "List a note's comments",
    description:
      "A note's comments, newest or most liked first if asked; with `replies` each comment's reply thread follows it (each thread costs extra calls).",
    record: "comment",
    cache: "comments",
    input: z.object({
      ref: ref("note", NOTE_REF),
      sort: z
        .enum(COMMENT_SORTS)
        .optional()
        .describe(
          "Comment order. Unset: the complete list, newest first. default: relevance order, which loses or repeats comments past the first page (TikHub); latest; most_liked.",
        ),
      replies: z
        .boolean()
        .optional()
        .describe("Also fetch every reply thread; replies follow their top-level comment."),
      maxRepliesPerThread: z
        .number()
        .int()
        .min(1)
        .max(MAX_LIST_LIMIT)
        .optional()
        .describe("With replies: at most this many replies per thread."),
      ...listShape,
    }),
    http: { path: "/v1/notes/:ref/comments" },
    tool: "list_comments",
    cli: { command: ["comments"] },
    run: (client, input, base) => {
      const options: CommentListOptions = listOptions(input, base);
      if (input.sort) options.sort = input.sort;
      if (input.replies) options.withReplies = true;
      if (input.maxRepliesPerThread !== undefined) options.maxRepliesPerThread = input.maxRepliesPerThread;
      return client.comments.list(input.ref, options);
    },
  }),
  defineList({
    name: "replies",
    title: "List a comment's replies",
    description: "The replies under one top-level comment of a note (the comment id comes from list_comments).",
    record: "comment",
    cache: "comments",
    input: z.object({
      ref: ref("note", NOTE_REF),
      commentId: plainId(
        "comment",
        "The top-level comment id (24 lowercase hex characters), e.g. 68f599c1000000001b0249a5.",
      ),
      ...listShape,
    }),
    http: { path: "/v1/notes/:ref/comments/:commentId/replies" },
    tool: "list_replies",
    cli: { command: ["replies"] },
    run: (client, input, base) => client.comments.replies(input.ref, input.commentId, listOptions(input, base)),
  }),
  defineGet({
    name: "user",
    title: "Get a user",
    description: "A user's profile: nickname, red id, bio, follower/following/likes counts, note count. One paid call.",
    record: "user",
    cache: "record",
    input: z.object({ ref: ref("user", USER_REF) }),
    http: { path: "/v1/users/:ref" },
    tool: "get_user",
    cli: { command: ["user"] },
    run: (client, input, call) => client.users.get(input.ref, call),
  }),
  defineList({
    name: "userNotes",
    title: "List a user's notes",
    description:
      "The notes a user posted, newest first (texts may be cut: `textTruncated`; get_note gives the full text).",
    record: "note",
    cache: "list",
    input: z.object({ ref: ref("user", USER_REF), ...listShape }),
    http: { path: "/v1/users/:ref/notes" },
    tool: "list_user_notes",
    cli: { command: ["user-notes"] },
    run: (client, input, base) => client.users.notes(input.ref, listOptions(input, base)),
  }),
  defineList({
    name: "userFavorites",
    title: "List a user's public favourites",
    description: "The notes a user collected, when their favourites are public (only App V2 serves this).",
    record: "note",
    cache: "list",
    input: z.object({ ref: ref("user", USER_REF), ...listShape }),
    http: { path: "/v1/users/:ref/favorites" },
    tool: "list_user_favorites",
    cli: { command: ["favorites"] },
    run: (client, input, base) => client.users.favorites(input.ref, listOptions(input, base)),
  }),
  defineList({
    name: "searchNotes",
    title: "Search notes",
    description:
      "Notes matching a keyword, with optional sort, note type and time window. Upstream stops after about 11-12 pages per keyword and filter set.",
    record: "note",
    cache: "search",
    input: z.object({
      q: keyword("The search keyword, e.g. 露营 (camping)."),
      sort: z
        .enum(SEARCH_SORTS)
        .optional()
        .describe("Result order: general (relevance), latest, most_liked, most_commented, most_collected."),
      type: z.enum(NOTE_TYPE_FILTERS).optional().describe("Note type: all, image, video or live."),
      time: z.enum(TIME_FILTERS).optional().describe("Published within: all, day, week or half_year."),
      ...listShape,
    }),
    http: { path: "/v1/search/notes" },
    tool: "search_notes",
    cli: { command: ["search", "notes"] },
    run: (client, input, base) => {
      const options: SearchNotesOptions = listOptions(input, base);
      if (input.sort) options.sort = input.sort;
      if (input.type) options.type = input.type;
      if (input.time) options.time = input.time;
      return client.search.notes(input.q, options);
    },
  }),
  defineList({
    name: "searchUsers",
    title: "Search users",
    description: "Users matching a keyword (nickname or red id).",
    record: "user",
    cache: "search",
    input: z.object({ q: keyword("The search keyword, e.g. a nickname."), ...listShape }),
    http: { path: "/v1/search/users" },
    tool: "search_users",
    cli: { command: ["search", "users"] },
    run: (client, input, base) => client.search.users(input.q, listOptions(input, base)),
  }),
  defineGet({
    name: "topic",
    title: "Get a topic",
    description: "A topic page's name, views and discussion count (the id is from xiaohongshu.com/page/topics/<id>).",
    record: "topic",
    cache: "record",
    input: z.object({ id: plainId("topic", TOPIC_ID) }),
    http: { path: "/v1/topics/:id" },
    tool: "get_topic",
    cli: { command: ["topic"] },
    run: (client, input, call) => client.topics.get(input.id, call),
  }),
  defineList({
    name: "topicNotes",
    title: "List a topic's notes",
    description: "The notes of a topic page, by relevance, latest or hottest.",
    record: "note",
    cache: "list",
    input: z.object({
      id: plainId("topic", TOPIC_ID),
      sort: z.enum(TOPIC_SORTS).optional().describe("Note order: general, latest or hottest."),
      ...listShape,
    }),
    http: { path: "/v1/topics/:id/notes" },
    tool: "list_topic_notes",
    cli: { command: ["topic"], flag: "--notes" },
    run: (client, input, base) => {
      const options: TopicNotesOptions = listOptions(input, base);
      if (input.sort) options.sort = input.sort;
      return client.topics.notes(input.id, options);
    },
  }),
  defineGet({
    name: "resolve",
    title: "Resolve a share link",
    description:
      "What a share link or share text points to: note or user, its id and xsec_token. Long URLs are read for free; short links cost one call.",
    record: "link",
    cache: "link",
    input: z.object({
      text: z
        .string()
        .trim()
        .min(1)
        .max(4096)
        .regex(
          /(xiaohongshu\.com|rednote\.com|xhslink\.com|xhslink\.cn)\//i,
          "expected a xiaohongshu.com / rednote.com URL or an xhslink.com short link",
        )
        .describe("An xhslink.com short link, a note or profile URL, or share text containing one."),
    }),
    http: { path: "/v1/resolve" },
    tool: "resolve_link",
    cli: { command: ["resolve"] },
    run: (client, input, call) => client.links.resolve(input.text, call),
  }),
];

export function capabilityByName(name: string): CapabilityDef | undefined {
  return CAPABILITY_REGISTRY.find((c) => c.name === name);
}

/** Path parameter names of a capability's HTTP route, in order. */
export function pathParams(cap: CapabilityDef): string[] {
  return [...cap.http.path.matchAll(/:([A-Za-z]+)/g)].map((m) => m[1]!);
}
