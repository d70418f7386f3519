/** The jobs a plan starts with: one search per keyword slice, a note job per note, a profile and a list per user or topic. */
import type { NotePayload, SearchPayload, TopicNotesPayload, UserNotesPayload } from "./jobs.js";
import { keys, newJob, refKey } from "./jobs.js";
import type { CrawlPlan } from "./plan/types.js";

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
