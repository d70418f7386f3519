/** Lists of notes (search, a user's notes, a topic's notes): stored, and followed under a seed's limit. */
import type { Paginator } from "../../core/types.js";
import type { Note } from "../../model/types.js";
import type { NotePayload, SearchPayload, TopicNotesPayload, UserNotesPayload } from "../jobs.js";
import { keys, newJob } from "../jobs.js";
import { countUpserts, type RunStats } from "../statistics.js";
import type { Handler, HandlerContext } from "./context.js";
import { type ListState, pageList } from "./paging.js";

/** Search is cut upstream at about 11–12 pages: a slice that runs dry at or past this many pages hit the cap. */
export const SEARCH_CAP_MIN_PAGES = 10;

/** Published before `since` (never, without a `since` or a date). */
export function publishedBefore(iso: string | null, since: string | null): boolean {
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
  const wanted = notes.filter((note) => !publishedBefore(note.publishedAt, ctx.plan.since));
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
      type: note.type,
    };
    const { added } = await ctx.queue.enqueue(
      newJob(ctx.runId, "note", keys.note(note.id), payload, depth, ctx.job.key),
    );
    // A seed takes the first notes of its own list, whether or not another seed followed them already: which
    // notes a run follows must not depend on which seed's list was read first (workers read them in any order).
    stats.seedTaken[seed.key] = taken + 1;
    if (added) stats.notesFollowed += 1;
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
    if (dated.length > 0 && dated.every((n) => publishedBefore(n.publishedAt, ctx.plan.since))) return "since";
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

export const search: Handler = async (ctx) => {
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

export const userNotes: Handler = async (ctx) => {
  const p = ctx.job.payload as UserNotesPayload;
  await noteList(
    ctx,
    (cursor) => ctx.client.users.notes(p.ref, { cursor, signal: ctx.signal }),
    { key: p.seedKey, limit: p.limit, follow: p.follow },
    true,
  );
};

export const topicNotes: Handler = async (ctx) => {
  const p = ctx.job.payload as TopicNotesPayload;
  await noteList(
    ctx,
    (cursor) => ctx.client.topics.notes(p.pageId, { sort: p.sort, cursor, signal: ctx.signal }),
    { key: p.seedKey, limit: p.limit, follow: true },
    p.sort === "latest",
  );
};
