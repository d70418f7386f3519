/**
 * One handler per job kind. A handler fetches (outside any transaction: network waits never hold the
 * database), then commits each page's writes, the jobs it found and its checkpoint or completion in one
 * transaction through `ctx.commit`, so a crash at any instant leaves either all of a page or none of it.
 */

import type { XhsClient } from "../client/types.js";
import type { Page, Paginator } from "../core/types.js";
import type { Comment, Note } from "../model/types.js";
import type { Job, JobQueue, Store } from "../store/port.js";
import type {
  CommentsPayload,
  JobKind,
  NotePayload,
  RepliesPayload,
  SearchPayload,
  TopicNotesPayload,
  TopicPayload,
  UserNotesPayload,
  UserPayload,
} from "./jobs.js";
import { keys, newJob, noteRef, refKey } from "./jobs.js";
import type { CrawlPlan } from "./plan/types.js";
import { countUpserts, type RunStats } from "./statistics.js";

/** Search is cut upstream at about 11–12 pages: a slice that runs dry at or past this many pages hit the cap. */
export const SEARCH_CAP_MIN_PAGES = 10;

export interface HandlerContext {
  readonly client: XhsClient;
  readonly store: Store;
  readonly queue: JobQueue;
  readonly plan: CrawlPlan;
  readonly runId: string;
  readonly job: Job;
  readonly signal: AbortSignal;
  /** Runs `fn` in one transaction with a draft of the run's stats, saved in the same transaction. */
  commit(fn: (stats: RunStats) => Promise<void>): Promise<void>;
  /** The run's statistics as last committed (read-only). */
  currentStats(): Readonly<RunStats>;
  /** Throws BudgetExceededError once the engine's budget is spent (checked between pages). */
  checkBudget(): void;
  /** Of these note ids, those the store held before this session stored them (for incremental mode). */
  knownNotes(ids: readonly string[]): Promise<Set<string>>;
  /** Tells the engine which notes this session stored as new (so they do not count as "known" later). */
  sawNew(ids: readonly string[]): void;
}

type Handler = (ctx: HandlerContext) => Promise<void>;

interface ListState {
  pages: number;
  items: number;
}

/** Pages through a list from the job's checkpoint; `onPage` commits each page and says whether to stop. */
async function pageList<T>(
  ctx: HandlerContext,
  open: (cursor: string | undefined) => Paginator<T>,
  onPage: (page: Page<T>, state: ListState, finish: (stop: boolean) => Promise<void>) => Promise<boolean>,
  onEnd: (state: ListState, stats: RunStats) => void = () => {},
): Promise<void> {
  const saved = ctx.job.checkpoint;
  const data = (saved?.data ?? {}) as { pages?: number };
  const state: ListState = { pages: data.pages ?? 0, items: saved?.itemsSoFar ?? 0 };
  const cursor = saved?.cursor ?? undefined;
  for await (const page of open(cursor ?? undefined).pages()) {
    state.pages += 1;
    const exhausted = !page.hasMore || page.cursor === null;
    let done = false;
    const finish = async (stop: boolean) => {
      const checkpoint = { cursor: page.cursor, itemsSoFar: state.items, data: { pages: state.pages } };
      if (stop || exhausted) {
        await ctx.queue.complete(ctx.job, checkpoint);
        done = true;
      } else {
        await ctx.queue.checkpoint(ctx.job, checkpoint);
      }
    };
    const stopped = await onPage(page, state, finish);
    if (done) {
      if (exhausted && !stopped) await ctx.commit(async (stats) => onEnd(state, stats));
      return;
    }
    if (ctx.signal.aborted) return;
    ctx.checkBudget();
  }
  // The list ended without a last page that said so (e.g. an empty page ends a search).
  await ctx.commit(async (stats) => {
    onEnd(state, stats);
    await ctx.queue.complete(ctx.job, {
      cursor: null,
      itemsSoFar: state.items,
      data: { pages: state.pages },
    });
  });
}

function before(iso: string | null, since: string | null): boolean {
  return since !== null && iso !== null && iso < since;
}

/**
 * Follows listed notes: stores them (list bodies are cut; the store never lets them degrade a detail)
 * and enqueues a note job per new note until the seed's limit or the run's `maxNotes` is reached.
 * Returns whether the list should stop.
 */
async function followNotes(
  ctx: HandlerContext,
  notes: readonly Note[],
  stats: RunStats,
  seed: { key: string; limit: number; follow: boolean },
  depth: number,
): Promise<boolean> {
  const wanted = notes.filter((note) => !before(note.publishedAt, ctx.plan.since));
  const results = await ctx.store.upsertNotes(wanted, { runId: ctx.runId });
  countUpserts(stats, "notes", results);
  ctx.sawNew(results.filter((r) => r.outcome === "new").map((r) => r.id));
  if (!seed.follow) return false;
  for (const note of wanted) {
    const taken = stats.seedTaken[seed.key] ?? 0;
    if (taken >= seed.limit || stats.notesFollowed >= ctx.plan.maxNotes) return true;
    const payload: NotePayload = {
      noteId: note.id,
      xsecToken: note.xsecToken,
      reportedComments: note.stats.comments,
      authorId: note.author?.id ?? null,
    };
    const { added } = await ctx.queue.enqueue(
      newJob(ctx.runId, "note", keys.note(note.id), payload, depth, ctx.job.key),
    );
    if (added) {
      stats.seedTaken[seed.key] = taken + 1;
      stats.notesFollowed += 1;
    }
  }
  return (stats.seedTaken[seed.key] ?? 0) >= seed.limit || stats.notesFollowed >= ctx.plan.maxNotes;
}

/** For a time-ordered list: should paging stop here (incremental: met a known note; since: all older)? */
async function timeOrderedStop(ctx: HandlerContext, notes: readonly Note[]): Promise<"incremental" | "since" | null> {
  if (ctx.plan.incremental && notes.length > 0) {
    const known = await ctx.knownNotes(notes.map((n) => n.id));
    if (known.size > 0) return "incremental";
  }
  if (ctx.plan.since !== null) {
    const dated = notes.filter((n) => n.publishedAt !== null);
    if (dated.length > 0 && dated.every((n) => before(n.publishedAt, ctx.plan.since))) return "since";
  }
  return null;
}

/** A list of notes (search, user notes, topic notes), followed under a seed's limit. */
async function noteList(
  ctx: HandlerContext,
  open: (cursor: string | undefined) => Paginator<Note>,
  seed: { key: string; limit: number; follow: boolean },
  timeOrdered: boolean,
  onEnd?: (state: ListState, stats: RunStats) => void,
): Promise<void> {
  // A resumed job whose seed is already full has nothing left to do.
  const live = ctx.currentStats();
  if (seed.follow && ((live.seedTaken[seed.key] ?? 0) >= seed.limit || live.notesFollowed >= ctx.plan.maxNotes)) {
    await ctx.commit(async () => ctx.queue.complete(ctx.job, ctx.job.checkpoint ?? undefined));
    return;
  }
  await pageList(
    ctx,
    open,
    async (page, state, finish) => {
      const early = timeOrdered ? await timeOrderedStop(ctx, page.items) : null;
      let stop = false;
      await ctx.commit(async (stats) => {
        state.items += page.items.length;
        const items = seed.follow
          ? page.items
          : page.items.slice(0, Math.max(0, seed.limit - (state.items - page.items.length)));
        stop = await followNotes(ctx, items, stats, seed, ctx.job.depth + 1);
        if (!seed.follow && state.items >= seed.limit) stop = true;
        if (early !== null) {
          stats.stoppedEarly.push({ key: ctx.job.key, reason: early, pages: state.pages });
          stop = true;
        }
        await finish(stop);
      });
      return stop;
    },
    onEnd,
  );
}

const search: Handler = async (ctx) => {
  const p = ctx.job.payload as SearchPayload;
  await noteList(
    ctx,
    (cursor) =>
      ctx.client.search.notes(p.keyword, { sort: p.sort, type: p.type, time: p.time, cursor, signal: ctx.signal }),
    { key: p.seedKey, limit: p.limit, follow: true },
    p.sort === "latest",
    (state, stats) => {
      // Ran dry before the seed's limit, at about the upstream cap: say so (a split seed may reach further).
      if (state.pages >= SEARCH_CAP_MIN_PAGES && (stats.seedTaken[p.seedKey] ?? 0) < p.limit) {
        stats.searchCaps.push({
          keyword: p.keyword,
          sort: p.sort,
          type: p.type,
          time: p.time,
          pages: state.pages,
          items: state.items,
        });
      }
    },
  );
};

const userNotes: Handler = async (ctx) => {
  const p = ctx.job.payload as UserNotesPayload;
  await noteList(
    ctx,
    (cursor) => ctx.client.users.notes(p.ref, { cursor, signal: ctx.signal }),
    { key: p.seedKey, limit: p.limit, follow: p.follow },
    true,
  );
};

const topicNotes: Handler = async (ctx) => {
  const p = ctx.job.payload as TopicNotesPayload;
  await noteList(
    ctx,
    (cursor) => ctx.client.topics.notes(p.pageId, { sort: p.sort, cursor, signal: ctx.signal }),
    { key: p.seedKey, limit: p.limit, follow: true },
    p.sort === "latest",
  );
};

const note: Handler = async (ctx) => {
  const p = ctx.job.payload as NotePayload;
  const { plan } = ctx;
  let fetched: Note | null = null;
  if (plan.expand.details && !(plan.incremental && (await ctx.store.hasFullNote(p.noteId)))) {
    fetched = await ctx.client.notes.get(noteRef(p.noteId, p.xsecToken), { signal: ctx.signal });
  }
  await ctx.commit(async (stats) => {
    if (fetched) {
      const results = await ctx.store.upsertNotes([fetched], { runId: ctx.runId });
      countUpserts(stats, "notes", results);
      ctx.sawNew(results.filter((r) => r.outcome === "new").map((r) => r.id));
    }
    const publishedAt = fetched?.publishedAt ?? null;
    if (!before(publishedAt, plan.since)) {
      const token = fetched?.xsecToken ?? p.xsecToken;
      const authorId = fetched?.author?.id ?? p.authorId;
      const reported = fetched?.stats.comments ?? p.reportedComments;
      const depth = ctx.job.depth + 1;
      const jobs = [];
      if (plan.expand.comments && reported !== 0) {
        jobs.push(
          newJob(
            ctx.runId,
            "comments",
            keys.comments(p.noteId),
            { noteId: p.noteId, xsecToken: token },
            depth,
            ctx.job.key,
          ),
        );
      }
      if (authorId && plan.expand.authors) {
        jobs.push(newJob(ctx.runId, "user", keys.user(authorId), { ref: authorId }, depth, ctx.job.key));
      }
      if (authorId && plan.expand.authorNotes) {
        const payload: UserNotesPayload = {
          ref: authorId,
          follow: false,
          seedKey: keys.userNotes(authorId),
          limit: plan.expand.authorNotes.limit,
        };
        jobs.push(newJob(ctx.runId, "user_notes", keys.userNotes(authorId), payload, depth, ctx.job.key));
      }
      if (jobs.length > 0) await ctx.queue.enqueueMany(jobs);
    }
    await ctx.queue.complete(ctx.job);
  });
};

const comments: Handler = async (ctx) => {
  const p = ctx.job.payload as CommentsPayload;
  const options = ctx.plan.expand.comments;
  if (!options) {
    await ctx.commit(async () => ctx.queue.complete(ctx.job));
    return;
  }
  const ref = noteRef(p.noteId, p.xsecToken);
  const sort = options.sort ?? undefined;
  await pageList<Comment>(
    ctx,
    (cursor) => ctx.client.comments.list(ref, { sort, cursor, signal: ctx.signal }),
    async (page, state, finish) => {
      // Newest first: `latest`, or no sort (the complete order) unless Web V3 (no sort parameter) served the page.
      const timeOrdered = sort === "latest" || (sort === undefined && page.source !== "web_v3");
      const known = ctx.plan.incremental && timeOrdered ? await ctx.store.knownCommentIds(p.noteId) : null;
      let stop = false;
      await ctx.commit(async (stats) => {
        // Keep top-level comments up to the per-note cap, with the replies that came along with them.
        const room = options.maxPerNote - state.items;
        const kept: Comment[] = [];
        const droppedRoots = new Set<string>();
        let topLevel = 0;
        let cut = false;
        for (const comment of page.items) {
          if (comment.rootId === null) {
            if (topLevel >= room) {
              cut = true;
              droppedRoots.add(comment.id);
              continue;
            }
            topLevel += 1;
            kept.push(comment);
          } else if (!droppedRoots.has(comment.rootId)) {
            kept.push(comment);
          }
        }
        state.items += topLevel;
        const results = await ctx.store.upsertComments(kept, { runId: ctx.runId });
        countUpserts(stats, "comments", results);
        if (options.replies) {
          const jobs = [];
          for (const comment of kept) {
            if (comment.rootId !== null || !comment.replyCount) continue;
            const alongside = kept.filter((c) => c.rootId === comment.id).length;
            if (alongside >= Math.min(comment.replyCount, options.maxRepliesPerThread)) continue;
            const payload: RepliesPayload = {
              noteId: p.noteId,
              commentId: comment.id,
              xsecToken: p.xsecToken,
              replyCount: comment.replyCount,
            };
            jobs.push(
              newJob(ctx.runId, "replies", keys.replies(p.noteId, comment.id), payload, ctx.job.depth + 1, ctx.job.key),
            );
          }
          if (jobs.length > 0) await ctx.queue.enqueueMany(jobs);
        }
        if (state.items >= options.maxPerNote) {
          stop = true;
          if ((cut || page.hasMore) && !stats.commentsCapped.includes(p.noteId)) stats.commentsCapped.push(p.noteId);
        }
        // A pinned comment may sit on top of a newest-first list however old it is: it says nothing about the rest.
        if (known && page.items.some((c) => known.has(c.id) && c.pinned !== true)) {
          stats.stoppedEarly.push({ key: ctx.job.key, reason: "incremental", pages: state.pages });
          stop = true;
        }
        await finish(stop);
      });
      return stop;
    },
  );
};

const replies: Handler = async (ctx) => {
  const p = ctx.job.payload as RepliesPayload;
  const cap = ctx.plan.expand.comments?.maxRepliesPerThread ?? 0;
  const ref = noteRef(p.noteId, p.xsecToken);
  await pageList<Comment>(
    ctx,
    (cursor) => ctx.client.comments.replies(ref, p.commentId, { cursor, signal: ctx.signal }),
    async (page, state, finish) => {
      let stop = false;
      await ctx.commit(async (stats) => {
        const room = Math.max(0, cap - state.items);
        const kept = page.items.slice(0, room);
        state.items += kept.length;
        const results = await ctx.store.upsertComments(kept, { runId: ctx.runId });
        countUpserts(stats, "comments", results);
        if (state.items >= cap) {
          stop = true;
          const more = kept.length < page.items.length || page.hasMore || (p.replyCount ?? 0) > state.items;
          if (more) {
            const cut = stats.threadsCut[p.noteId] ?? [];
            if (!cut.includes(p.commentId)) cut.push(p.commentId);
            stats.threadsCut[p.noteId] = cut;
          }
        }
        await finish(stop);
      });
      return stop;
    },
  );
};

const user: Handler = async (ctx) => {
  const p = ctx.job.payload as UserPayload;
  const fetched = await ctx.client.users.get(p.ref, { signal: ctx.signal });
  await ctx.commit(async (stats) => {
    countUpserts(stats, "users", await ctx.store.upsertUsers([fetched], { runId: ctx.runId }));
    await ctx.queue.complete(ctx.job);
  });
};

const topic: Handler = async (ctx) => {
  const p = ctx.job.payload as TopicPayload;
  const fetched = await ctx.client.topics.get(p.pageId, { signal: ctx.signal });
  await ctx.commit(async (stats) => {
    countUpserts(stats, "topics", await ctx.store.upsertTopics([fetched], { runId: ctx.runId }));
    await ctx.queue.complete(ctx.job);
  });
};

export const HANDLERS: Record<JobKind, Handler> = {
  search,
  note,
  comments,
  replies,
  user,
  user_notes: userNotes,
  topic,
  topic_notes: topicNotes,
};

/** The jobs a plan starts with (enqueueing them again on resume does nothing: keys are idempotent). */
export function seedJobs(plan: CrawlPlan, runId: string) {
  const jobs = [];
  for (const seed of plan.keywords) {
    const seedKey = keys.seedOfKeyword(seed.keyword);
    for (const slice of seed.slices) {
      const payload: SearchPayload = { keyword: seed.keyword, ...slice, seedKey, limit: seed.limit, split: seed.split };
      jobs.push(newJob(runId, "search", keys.search(payload), payload, 0));
    }
  }
  for (const ref of plan.notes) {
    const id = refKey(ref, "note");
    const payload: NotePayload = { noteId: id, xsecToken: null, reportedComments: null, authorId: null };
    // A URL seed carries its token: keep the whole ref so Web V3 can be used.
    if (id !== ref) payload.xsecToken = tokenOf(ref);
    jobs.push(newJob(runId, "note", keys.note(id), payload, 0));
  }
  for (const seed of plan.users) {
    const id = refKey(seed.ref, "user");
    jobs.push(newJob(runId, "user", keys.user(id), { ref: seed.ref }, 0));
    const payload: UserNotesPayload = { ref: seed.ref, follow: true, seedKey: `seed:user:${id}`, limit: seed.limit };
    jobs.push(newJob(runId, "user_notes", keys.userNotes(id), payload, 0));
  }
  for (const seed of plan.topics) {
    jobs.push(newJob(runId, "topic", keys.topic(seed.pageId), { pageId: seed.pageId }, 0));
    const payload: TopicNotesPayload = {
      pageId: seed.pageId,
      sort: seed.sort,
      seedKey: `seed:topic:${seed.pageId}`,
      limit: seed.limit,
    };
    jobs.push(newJob(runId, "topic_notes", keys.topicNotes(seed.pageId, seed.sort), payload, 0));
  }
  return jobs;
}

function tokenOf(ref: string): string | null {
  const match = /[?&]xsec_token=([^&\s]+)/.exec(ref);
  return match?.[1] ? decodeURIComponent(match[1]) : null;
}
