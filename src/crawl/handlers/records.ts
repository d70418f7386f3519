/**
 * Jobs that fetch one record: a note's detail (and the expansions it leads to: comments, its author, the
 * author's notes), a user's profile, a topic.
 */
import type { Note } from "../../model/types.js";
import type { NotePayload, TopicPayload, UserNotesPayload, UserPayload } from "../jobs.js";
import { keys, newJob, noteRef } from "../jobs.js";
import { countUpserts } from "../statistics.js";
import type { Handler } from "./context.js";
import { downloadNoteMedia } from "./media.js";
import { publishedBefore } from "./note-lists.js";

export const note: Handler = async (ctx) => {
  const p = ctx.job.payload as NotePayload;
  const { plan } = ctx;
  let fetched: Note | null = null;
  if (plan.expand.details && !(plan.incremental && (await ctx.store.hasFullNote(p.noteId)))) {
    fetched = await ctx.client.notes.get(noteRef(p.noteId, p.xsecToken), {
      signal: ctx.signal,
      ...(p.type !== undefined ? { type: p.type } : {}),
    });
  }
  if (plan.expand.media) {
    const withMedia = fetched ?? (await ctx.store.getNote(p.noteId));
    if (withMedia) await downloadNoteMedia(ctx, plan.expand.media, withMedia);
  }
  await ctx.commit(async (stats) => {
    if (fetched) {
      const results = await ctx.store.upsertNotes([fetched], { runId: ctx.runId });
      countUpserts(stats, "notes", results);
      ctx.sawNew(results.filter((r) => r.outcome === "new").map((r) => r.id));
    }
    const publishedAt = fetched?.publishedAt ?? null;
    if (!publishedBefore(publishedAt, plan.since)) {
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

export const user: Handler = async (ctx) => {
  const p = ctx.job.payload as UserPayload;
  const fetched = await ctx.client.users.get(p.ref, { signal: ctx.signal });
  await ctx.commit(async (stats) => {
    countUpserts(stats, "users", await ctx.store.upsertUsers([fetched], { runId: ctx.runId }));
    await ctx.queue.complete(ctx.job);
  });
};

export const topic: Handler = async (ctx) => {
  const p = ctx.job.payload as TopicPayload;
  const fetched = await ctx.client.topics.get(p.pageId, { signal: ctx.signal });
  await ctx.commit(async (stats) => {
    countUpserts(stats, "topics", await ctx.store.upsertTopics([fetched], { runId: ctx.runId }));
    await ctx.queue.complete(ctx.job);
  });
};
