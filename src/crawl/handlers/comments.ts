/** A note's comments (top-level up to the per-note cap, reply threads enqueued) and a thread's replies. */
import type { Comment } from "../../model/types.js";
import type { CommentsPayload, RepliesPayload } from "../jobs.js";
import { keys, newJob, noteRef } from "../jobs.js";
import { countUpserts } from "../statistics.js";
import type { Handler } from "./context.js";
import { pageList } from "./paging.js";

export const comments: Handler = async (ctx) => {
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

export const replies: Handler = async (ctx) => {
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
