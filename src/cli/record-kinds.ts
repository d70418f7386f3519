/** The records the CLI prints, by kind, and one printed cell (CSV and tables). */
import type { Comment, Note, ResolvedLink, Topic, User } from "../model/types.js";

export type RecordKind = "note" | "user" | "comment" | "topic" | "link";
export interface RecordOfKind {
  note: Note;
  user: User;
  comment: Comment;
  topic: Topic;
  link: ResolvedLink;
}

export type Cell = string | number | boolean | null;
