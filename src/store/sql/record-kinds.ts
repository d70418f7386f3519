/**
 * The record kinds as data: for each kind, its table (named as the kind), its schema, its row mapping, its
 * merge rule and the count time series it appends to. Every per-kind statement and query of the SQL
 * store is derived from this one table, so adding a kind is adding a row here (and a migration).
 */
import type { z } from "zod";
import { InvalidInputError } from "../../core/errors.js";
import type { Series } from "../../core/vocabulary.js";
import { CommentSchema, NoteSchema, TopicSchema, UserSchema } from "../../model/types.js";
import { type MergeResult, mergeComment, mergeNote, mergeTopic, mergeUser } from "../merge.js";
import type { RecordKind, RecordOf } from "../port.js";
import {
  COMMENT_COLUMNS,
  commentToRow,
  NOTE_COLUMNS,
  noteToRow,
  type Row,
  rowToComment,
  rowToNote,
  rowToTopic,
  rowToUser,
  TOPIC_COLUMNS,
  topicToRow,
  USER_COLUMNS,
  userToRow,
} from "./rows.js";

/** What every stored record has: the natural key and the time and series of its latest fetch. */
export interface StoredRecord {
  id: string;
  fetchedAt: string;
  source: Series;
}

/** One count of a time series: its name in the observation read back, its column, and where the record keeps it. */
export interface ObservedCount<T> {
  field: string;
  column: string;
  of(record: T): number | null;
}

/** A count time series (`note_observations`, `user_observations`): one row per fetch of the counts. */
export interface ObservationTable<T> {
  table: string;
  /** The record id's column in the table, and its name in the observation read back. */
  idColumn: string;
  idField: string;
  counts: readonly ObservedCount<T>[];
}

export interface KindTable<T extends StoredRecord> {
  kind: RecordKind;
  schema: z.ZodType<T>;
  columns: readonly string[];
  toRow(record: T): Row;
  fromRow(row: Row): T;
  merge(stored: T, incoming: T): MergeResult<T>;
  observations?: ObservationTable<T>;
}

export const KIND_TABLES: { readonly [K in RecordKind]: KindTable<RecordOf[K]> } = {
  notes: {
    kind: "notes",
    schema: NoteSchema,
    columns: NOTE_COLUMNS,
    toRow: noteToRow,
    fromRow: rowToNote,
    merge: mergeNote,
    observations: {
      table: "note_observations",
      idColumn: "note_id",
      idField: "noteId",
      counts: [
        { field: "likes", column: "likes", of: (note) => note.stats.likes },
        { field: "collects", column: "collects", of: (note) => note.stats.collects },
        { field: "comments", column: "comments", of: (note) => note.stats.comments },
        { field: "shares", column: "shares", of: (note) => note.stats.shares },
      ],
    },
  },
  users: {
    kind: "users",
    schema: UserSchema,
    columns: USER_COLUMNS,
    toRow: userToRow,
    fromRow: rowToUser,
    merge: mergeUser,
    observations: {
      table: "user_observations",
      idColumn: "user_id",
      idField: "userId",
      counts: [
        { field: "followers", column: "followers", of: (user) => user.followers },
        { field: "following", column: "following", of: (user) => user.following },
        { field: "likesAndCollects", column: "likes_and_collects", of: (user) => user.likesAndCollects },
        { field: "noteCount", column: "note_count", of: (user) => user.noteCount },
      ],
    },
  },
  comments: {
    kind: "comments",
    schema: CommentSchema,
    columns: COMMENT_COLUMNS,
    toRow: commentToRow,
    fromRow: rowToComment,
    merge: mergeComment,
  },
  topics: {
    kind: "topics",
    schema: TopicSchema,
    columns: TOPIC_COLUMNS,
    toRow: topicToRow,
    fromRow: rowToTopic,
    merge: mergeTopic,
  },
};

/** The description of a kind; an unknown kind (from a CLI flag, say) is the caller's mistake. */
export function kindTable<K extends RecordKind>(kind: K): KindTable<RecordOf[K]> {
  if (!Object.hasOwn(KIND_TABLES, kind)) {
    throw new InvalidInputError(`Unknown record kind "${String(kind)}": use notes, users, comments or topics`);
  }
  return KIND_TABLES[kind];
}
