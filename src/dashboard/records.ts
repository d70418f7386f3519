/**
 * What the dashboard's record pages read: notes filtered, sorted and paged on the server (the table stays fast
 * with 100,000 notes: only one page crosses the wire), one note with its curve and comment threads, users with
 * their curves and notes. Read-only queries on the store's own tables through its Kysely handle; rows become
 * model records with the store's own mappers, so nothing here invents a field.
 */
import { type Expression, type SqlBool, sql } from "kysely";
import { z } from "zod";
import { InvalidInputError } from "../core/errors.js";
import type { Comment, Note, User } from "../model/types.js";
import type { NoteObservation, UserObservation } from "../store/port.js";
import type { Db } from "../store/sql/dialect.js";
import { rowToComment, rowToNote, rowToUser } from "../store/sql/rows.js";

/** The store surface the dashboard reads: the ports plus the SQL handle. */
export interface ReadableStore {
  db(): Db;
  /** Raw SQL on the store's connection (the media table's queries run through it). */
  executeSql(text: string, values?: readonly unknown[]): Promise<{ rows: Record<string, unknown>[] }>;
  getNote(id: string): Promise<Note | null>;
  getUser(id: string): Promise<User | null>;
  noteObservations(noteId: string): Promise<NoteObservation[]>;
  userObservations(userId: string): Promise<UserObservation[]>;
}

/** Sortable note columns: every count, and the two times. */
export const NOTE_SORTS = {
  likes: "likes",
  collects: "collects",
  comments: "comments",
  shares: "shares",
  published: "published_at",
  fetched: "fetched_ms",
} as const;
export type NoteSort = keyof typeof NOTE_SORTS;

const day = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, "expected a date YYYY-MM-DD")
  .refine((d) => !Number.isNaN(Date.parse(`${d}T00:00:00Z`)), "expected a real date");

export const NoteQuerySchema = z
  .object({
    q: z.string().trim().max(100).optional(),
    author: z.string().trim().max(100).optional(),
    type: z.enum(["image", "video"]).optional(),
    from: day.optional(),
    to: day.optional(),
    sort: z.enum(Object.keys(NOTE_SORTS) as [NoteSort, ...NoteSort[]]).default("likes"),
    order: z.enum(["asc", "desc"]).default("desc"),
    page: z.coerce.number().int().min(1).max(100_000).default(1),
    pageSize: z.coerce.number().int().min(1).max(100).default(20),
  })
  .strict();
export type NoteQuery = z.infer<typeof NoteQuerySchema>;

/** Reads query parameters into a checked note query; a bad value is a clear 400, before any SQL. */
export function parseNoteQuery(params: URLSearchParams): NoteQuery {
  const raw: Record<string, string> = {};
  for (const [key, value] of params) if (value !== "") raw[key] = value;
  const parsed = NoteQuerySchema.safeParse(raw);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `${i.path.join(".") || "query"}: ${i.message}`);
    throw new InvalidInputError(`bad note filter: ${lines.join("; ")}`);
  }
  if (parsed.data.from && parsed.data.to && parsed.data.from > parsed.data.to) {
    throw new InvalidInputError("bad note filter: from is after to");
  }
  return parsed.data;
}

/** `%text%` for LIKE, with the wildcards the user typed taken literally. */
function containing(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

function likeAny(columns: readonly string[], text: string): Expression<SqlBool> {
  const pattern = containing(text);
  const parts = columns.map((c) => sql<SqlBool>`${sql.ref(c)} LIKE ${pattern} ESCAPE '\\'`);
  return sql<SqlBool>`(${sql.join(parts, sql` OR `)})`;
}

function whereOf(query: NoteQuery): Expression<SqlBool>[] {
  const out: Expression<SqlBool>[] = [];
  if (query.q) out.push(likeAny(["title", "text", "tags"], query.q));
  // The author column is the UserRef as JSON (id and nickname): one LIKE finds either.
  if (query.author) out.push(sql<SqlBool>`(author_id = ${query.author} OR ${likeAny(["author"], query.author)})`);
  if (query.type) out.push(sql<SqlBool>`type = ${query.type}`);
  if (query.from) out.push(sql<SqlBool>`published_at >= ${`${query.from}T00:00:00`}`);
  // Inclusive end day: everything before the next day's midnight (times are ISO UTC, so text order is time order).
  if (query.to) out.push(sql<SqlBool>`published_at < ${`${query.to}T99`}`);
  return out;
}

export interface NotePage {
  total: number;
  page: number;
  pageSize: number;
  notes: Note[];
}

export async function queryNotes(store: ReadableStore, query: NoteQuery): Promise<NotePage> {
  const db = store.db();
  const where = whereOf(query);
  let base = db.selectFrom("notes");
  for (const w of where) base = base.where(w);
  const countRow = await base.select(sql<number>`COUNT(*)`.as("n")).executeTakeFirst();
  const column = NOTE_SORTS[query.sort];
  // Unknown counts go last in either order, on both dialects (SQLite and Postgres place NULLs differently).
  const rows = await base
    .selectAll()
    .orderBy(sql`${sql.ref(column)} IS NULL`)
    .orderBy(sql.ref(column), query.order)
    .orderBy("id")
    .limit(query.pageSize)
    .offset((query.page - 1) * query.pageSize)
    .execute();
  return {
    total: Number(countRow?.n ?? 0),
    page: query.page,
    pageSize: query.pageSize,
    notes: rows.map(rowToNote),
  };
}

/** Every note matching the filter in the table's order, a page at a time (bounded memory, for downloads). */
export async function* iterateNotes(store: ReadableStore, query: NoteQuery): AsyncGenerator<Note> {
  const pageSize = 100;
  for (let page = 1; ; page += 1) {
    const batch = await queryNotes(store, { ...query, page, pageSize });
    yield* batch.notes;
    if (batch.notes.length < pageSize) return;
  }
}

export interface CommentThread {
  comment: Comment;
  replies: Comment[];
}

/** Most comments one note page shows (threads beyond it are counted, not sent). */
export const MAX_NOTE_COMMENTS = 2000;

export async function noteComments(
  store: ReadableStore,
  noteId: string,
): Promise<{ threads: CommentThread[]; total: number }> {
  const db = store.db();
  const total = await db
    .selectFrom("comments")
    .select(sql<number>`COUNT(*)`.as("n"))
    .where("note_id", "=", noteId)
    .executeTakeFirst();
  const rows = await db
    .selectFrom("comments")
    .selectAll()
    .where("note_id", "=", noteId)
    .orderBy("created_at")
    .orderBy("id")
    .limit(MAX_NOTE_COMMENTS)
    .execute();
  const comments = rows.map(rowToComment);
  const threads = new Map<string, CommentThread>();
  for (const c of comments) if (c.rootId === null) threads.set(c.id, { comment: c, replies: [] });
  const orphans: CommentThread[] = [];
  for (const c of comments) {
    if (c.rootId === null) continue;
    const thread = threads.get(c.rootId);
    // A reply whose root was not stored still shows, as its own thread.
    if (thread) thread.replies.push(c);
    else orphans.push({ comment: c, replies: [] });
  }
  const ordered = [...threads.values()].sort(
    (a, b) => (b.comment.likes ?? -1) - (a.comment.likes ?? -1) || a.comment.id.localeCompare(b.comment.id),
  );
  return { threads: [...ordered, ...orphans], total: Number(total?.n ?? 0) };
}

export const USER_SORTS = {
  followers: "followers",
  following: "following",
  likesAndCollects: "likes_and_collects",
  noteCount: "note_count",
  fetched: "fetched_ms",
} as const;

const UserQuerySchema = z
  .object({
    q: z.string().trim().max(100).optional(),
    sort: z
      .enum(Object.keys(USER_SORTS) as [keyof typeof USER_SORTS, ...(keyof typeof USER_SORTS)[]])
      .default("followers"),
    page: z.coerce.number().int().min(1).max(100_000).default(1),
    pageSize: z.coerce.number().int().min(1).max(100).default(20),
  })
  .strict();

export async function queryUsers(
  store: ReadableStore,
  params: URLSearchParams,
): Promise<{ total: number; page: number; pageSize: number; users: User[] }> {
  const raw: Record<string, string> = {};
  for (const [key, value] of params) if (value !== "") raw[key] = value;
  const parsed = UserQuerySchema.safeParse(raw);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `${i.path.join(".") || "query"}: ${i.message}`);
    throw new InvalidInputError(`bad user filter: ${lines.join("; ")}`);
  }
  const query = parsed.data;
  let base = store.db().selectFrom("users");
  if (query.q) base = base.where(likeAny(["nickname", "red_id", "id"], query.q));
  const countRow = await base.select(sql<number>`COUNT(*)`.as("n")).executeTakeFirst();
  const column = USER_SORTS[query.sort];
  const rows = await base
    .selectAll()
    .orderBy(sql`${sql.ref(column)} IS NULL`)
    .orderBy(sql.ref(column), "desc")
    .orderBy("id")
    .limit(query.pageSize)
    .offset((query.page - 1) * query.pageSize)
    .execute();
  return { total: Number(countRow?.n ?? 0), page: query.page, pageSize: query.pageSize, users: rows.map(rowToUser) };
}

/** The author's stored notes, newest first (at most 200). */
export async function notesOfUser(store: ReadableStore, userId: string): Promise<Note[]> {
  const rows = await store
    .db()
    .selectFrom("notes")
    .selectAll()
    .where("author_id", "=", userId)
    .orderBy(sql`published_at IS NULL`)
    .orderBy("published_at", "desc")
    .orderBy("id")
    .limit(200)
    .execute();
  return rows.map(rowToNote);
}
