/** One handler per job kind (the engine leases a job and runs its kind's handler). */
import type { JobKind } from "../jobs.js";
import { comments, replies } from "./comments.js";
import type { Handler } from "./context.js";
import { search, topicNotes, userNotes } from "./note-lists.js";
import { note, topic, user } from "./records.js";

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
