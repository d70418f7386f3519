/**
 * Small fakes for the failover layer: a scripted series port (no HTTP, no transport) whose "raw answer"
 * is already a normalized page, and record factories.
 */
import { createClientWith } from "../../src/client/create-client.js";
import { createFakeClock } from "../../src/core/clock.js";
import type { XhsError } from "../../src/core/errors.js";
import type { Series } from "../../src/core/vocabulary.js";
import type { AttemptContext, NormalizerLookup, SeriesPort } from "../../src/failover/port.js";
import type { Comment, Note, NoteType, User } from "../../src/model/types.js";
import type { AnswerStatus, NextPageParams, NormalizedItem } from "../../src/series/types.js";

export interface FakeAnswer {
  items: NormalizedItem[];
  hasMore?: boolean | null;
  next?: NextPageParams;
  status?: AnswerStatus;
}

export type Handler = (
  params: Record<string, string>,
  ctx: AttemptContext,
) => FakeAnswer | XhsError | Promise<FakeAnswer | XhsError>;

export interface RecordedCall {
  endpoint: string;
  series: Series;
  params: Record<string, string>;
  failover: boolean;
  reason?: string | undefined;
}

export function fakePort(handlers: Record<string, Handler>): { port: SeriesPort; calls: RecordedCall[] } {
  const calls: RecordedCall[] = [];
  const port: SeriesPort = {
    async call(endpoint, params, interpret, ctx) {
      calls.push({
        endpoint: endpoint.name,
        series: endpoint.series,
        params: { ...params },
        failover: ctx.failover,
        reason: ctx.reason,
      });
      const handler = handlers[endpoint.name];
      if (!handler) throw new Error(`fake port: no handler for ${endpoint.name}`);
      const answer = await handler(params, ctx);
      if (answer instanceof Error) throw answer;
      return interpret(answer, { fetchedAt: "2026-01-01T00:00:00.000Z", params });
    },
  };
  return { port, calls };
}

/** The "raw" answer of the fake port is already a normalized page. */
export const fakeNormalizers: NormalizerLookup = () => (raw) => {
  const answer = raw as FakeAnswer;
  return {
    items: answer.items,
    hasMore: answer.hasMore ?? null,
    next: answer.next ?? null,
    status: answer.status ?? (answer.items.length > 0 ? { ok: true } : { ok: false, reason: "empty" }),
  };
};

const FETCHED = "2026-01-01T00:00:00.000Z";

export function note(
  id: string,
  options: { type?: NoteType; source?: Series; token?: string | null; author?: string; video?: boolean } = {},
): Note {
  const type = options.type ?? "image";
  const hasVideo = options.video ?? type === "video";
  return {
    id,
    type,
    title: `title ${id}`,
    text: `text ${id}`,
    textTruncated: false,
    tags: [],
    author: { id: options.author ?? "u1", nickname: "n", avatarUrl: null, redId: null },
    stats: { likes: 1, collects: 2, comments: 3, shares: 4 },
    approx: [],
    images: [],
    video: hasVideo ? { url: `https://v/${id}.mp4`, backupUrls: [], durationSec: 10, width: 1, height: 1 } : null,
    publishedAt: FETCHED,
    updatedAt: null,
    ipLocation: null,
    xsecToken: options.token === undefined ? null : options.token,
    url: `https://www.xiaohongshu.com/explore/${id}`,
    source: options.source ?? "app_v2",
    fetchedAt: FETCHED,
  };
}

export function user(id: string, source: Series = "app_v2", token: string | null = null): User {
  return {
    id,
    nickname: `user ${id}`,
    redId: null,
    avatarUrl: null,
    bio: null,
    gender: null,
    ipLocation: null,
    followers: 1,
    following: 2,
    likesAndCollects: 3,
    noteCount: 4,
    approx: [],
    xsecToken: token,
    url: `https://www.xiaohongshu.com/user/profile/${id}`,
    source,
    fetchedAt: FETCHED,
  };
}

export function comment(
  id: string,
  noteId: string,
  options: { rootId?: string | null; replyCount?: number | null; source?: Series } = {},
): Comment {
  return {
    id,
    noteId,
    rootId: options.rootId ?? null,
    replyToUser: null,
    author: null,
    text: `comment ${id}`,
    likes: 0,
    replyCount: options.replyCount === undefined ? 0 : options.replyCount,
    createdAt: FETCHED,
    ipLocation: null,
    pictures: [],
    pinned: false,
    byNoteAuthor: false,
    approx: [],
    source: options.source ?? "app_v2",
    fetchedAt: FETCHED,
  };
}

/** 24-hex ids that parseRef accepts. */
export function hexId(n: number): string {
  return n.toString(16).padStart(24, "0").replace(/^0/, "a");
}

/** A client over `fakePort(handlers)` on a fake clock: the calls it made, and their endpoints in order. */
export function fakeClient(handlers: Record<string, Handler>) {
  const fake = createFakeClock();
  const { port, calls } = fakePort(handlers);
  const xhs = createClientWith({
    port,
    normalizers: fakeNormalizers,
    options: { clock: fake.clock, sleep: fake.sleep },
  });
  return { xhs, calls, fake, endpoints: () => calls.map((c) => c.endpoint) };
}
