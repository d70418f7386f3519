/**
 * What the dashboard's record pages read: notes filtered, sorted and paged on the server (the table stays fast
 * with 100,000 notes: only one page crosses the wire), one note with its curve and comment threads, users with
 * their curves and notes. Read-only queries on the store's own tables through its Kysely handle; rows become
 * model records with the store's own mappers, so nothing here invents a field.
 */
import { type Expression, type RawBuilder, type SqlBool, sql } from "kysely";
import { z } from "zod";
import { InvalidInputError } from "../core/errors.js";
import type { Comment, Note, User } from "../model/types.js";
import type { NoteObservation, UserObservation } from "../store/port.js";
import type { Db, DialectName } from "../store/sql/dialect.js";
import { containingPattern, noteMatchesSearch, searchSource, UNSEARCHABLE } from "../store/sql/note-search.js";
import { rowToComment, rowToNote, rowToUser } from "../store/sql/rows.js";

/** The store surface the dashboard reads: the ports plus the SQL handle. */
export interface ReadableStore {
  readonly dialect: DialectName;
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
    q: z
      .string()
      .trim()
      .max(100)
      .refine((q) => !UNSEARCHABLE.test(q), "control characters cannot be searched")
      .optional(),
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

function likeAny(columns: readonly string[], text: string): Expression<SqlBool> {
  const pattern = containingPattern(text);
  const parts = columns.map((c) => sql<SqlBool>`${sql.ref(c)} LIKE ${pattern} ESCAPE '\\'`);
  return sql<SqlBool>`(${sql.join(parts, sql` OR `)})`;
}

/** A 24-hex-digit Xiaohongshu user id: the author filter then matches the indexed author_id column alone. */
const USER_ID = /^[0-9a-f]{24}$/;

interface NoteFilter {
  /** What an index serves (author id, type, dates). */
  indexed: Expression<SqlBool>[];
  /** LIKE searches on the notes row itself (an author's nickname): checked row by row. */
  text: Expression<SqlBool>[];
  /** The words of a text search (title, text, tags), looked up in note_search (store/sql/note-search.ts). */
  search: string | null;
}

/** The filter as SQL, split into what an index can serve, the LIKEs on the row, and the text search. */
function whereOf(query: NoteQuery): NoteFilter {
  const indexed: Expression<SqlBool>[] = [];
  const text: Expression<SqlBool>[] = [];
  // The author column is the UserRef as JSON (id and nickname): one LIKE finds either; an id needs no LIKE.
  if (query.author && USER_ID.test(query.author)) indexed.push(sql<SqlBool>`author_id = ${query.author}`);
  else if (query.author) text.push(likeAny(["author"], query.author));
  if (query.type) indexed.push(sql<SqlBool>`type = ${query.type}`);
  if (query.from) indexed.push(sql<SqlBool>`published_at >= ${`${query.from}T00:00:00`}`);
  // Inclusive end day: everything before the next day's midnight (times are ISO UTC, so text order is time order).
  if (query.to) indexed.push(sql<SqlBool>`published_at < ${`${query.to}T99`}`);
  return { indexed, text, search: query.q ? query.q : null };
}

/** Every condition as a filter of the notes table (the search as a per-note probe of note_search). */
function allOf(store: ReadableStore, filter: NoteFilter): Filter {
  const search = filter.search === null ? [] : [noteMatchesSearch(store.dialect, filter.search)];
  return [...filter.indexed, ...filter.text, ...search];
}

/**
 * Where a filter's matches are read from: no note can match; the notes (their indexes first, then a probe of
 * note_search per note: an author, type or date filter narrows more cheaply than a common word); or the search's
 * matches in note_search (trigram index or scan), joined to the notes by key only for an author's nickname.
 */
type MatchPlan = { from: "none" } | { from: "notes" } | { from: "search"; rows: RawBuilder<unknown> };

async function matchPlan(store: ReadableStore, filter: NoteFilter): Promise<MatchPlan> {
  if (filter.search === null) return { from: "notes" };
  const source = await searchSource(store.db(), store.dialect, filter.search);
  if (source.kind === "none") return { from: "none" };
  return filter.indexed.length > 0 ? { from: "notes" } : { from: "search", rows: source.rows };
}

/** The search's matches `m` joined to their notes rows (CROSS JOIN: SQLite reads the matches first), with the LIKEs. */
function searchedNotes(store: ReadableStore, rows: RawBuilder<unknown>, filter: NoteFilter) {
  let base = store.db().selectFrom(sql`${rows}`.as("m")).crossJoin("notes").whereRef("notes.id", "=", "m.id");
  for (const w of filter.text) base = base.where(w);
  return base;
}

/** Up to `limit` notes the plan matches, with the sort column's value as `k`. */
async function collectMatches(
  store: ReadableStore,
  plan: MatchPlan,
  filter: NoteFilter,
  sortColumn: string,
  limit: number,
): Promise<Record<string, unknown>[]> {
  if (plan.from === "none") return [];
  const column = sql.ref(`notes.${sortColumn}`);
  const selected = [sql<string>`notes.id`.as("id"), sql<unknown>`${column}`.as("k")];
  if (plan.from === "notes") {
    return selectFrom(store, allOf(store, filter)).select(selected).limit(limit).execute();
  }
  if (filter.text.length > 0) return searchedNotes(store, plan.rows, filter).select(selected).limit(limit).execute();
  // Ids alone first: a common word stops here (past the bound), without reading a single notes row.
  const found = await store
    .db()
    .selectFrom(sql`${plan.rows}`.as("m"))
    .select(sql<string>`m.id`.as("id"))
    .limit(limit)
    .execute();
  if (found.length >= limit) return found.map((r) => ({ id: r.id, k: null }));
  const keyed: Record<string, unknown>[] = [];
  for (let i = 0; i < found.length; i += 500) {
    const part = found.slice(i, i + 500).map((r) => String(r.id));
    keyed.push(...(await store.db().selectFrom("notes").select(selected).where("notes.id", "in", part).execute()));
  }
  return keyed;
}

/**
 * Most matches of a text search that are counted: beyond it the total is "more than" this (`totalExact` false).
 * A search checks every body it reads (a 1–2 character word has no trigram to narrow them), so an exact count of
 * a common word would cost a scan of note_search on every page; below the bound the one pass that counts also
 * yields the page.
 */
export const TEXT_MATCH_COUNT_LIMIT = 10_000;

export interface NotePage {
  /** Notes matching the filter; when `totalExact` is false, more than this many match (a text search's bound). */
  total: number;
  totalExact: boolean;
  page: number;
  pageSize: number;
  notes: Note[];
}

type Filter = Expression<SqlBool>[];

type Paged = "notes" | "users";

function selectFrom(store: ReadableStore, where: Filter, table: Paged = "notes") {
  let base = store.db().selectFrom(table);
  for (const w of where) base = base.where(w);
  return base;
}

async function countOf(store: ReadableStore, where: Filter, table: Paged = "notes"): Promise<number> {
  const row = await selectFrom(store, where, table).select(sql<number>`COUNT(*)`.as("n")).executeTakeFirst();
  return Number(row?.n ?? 0);
}

/** A table's order: known values of `column` by (value, id) in these directions, then unknown ones by id ascending. */
interface TableSort {
  table: Paged;
  column: string;
  order: "asc" | "desc";
  idOrder: "asc" | "desc";
}

/**
 * The ids of one page in the table's order: known values of the sort column by (value, id) in the chosen
 * direction, then the notes whose value is unknown by id ascending. Each part is a range of the column's
 * (column, id, …) index (migration 8), read from the index alone, so a deep page costs an index walk, not a sort
 * of the table; two queries rather than `ORDER BY x IS NULL` keep that true on both dialects, which place NULLs
 * differently.
 */
async function pageIds(
  store: ReadableStore,
  where: Filter,
  sort: TableSort,
  offset: number,
  limit: number,
): Promise<string[]> {
  const column = sql.ref(sort.column);
  const known = await selectFrom(store, [...where, sql<SqlBool>`${column} IS NOT NULL`], sort.table)
    .select("id")
    .orderBy(column, sort.order)
    .orderBy("id", sort.idOrder)
    .limit(limit)
    .offset(offset)
    .execute();
  const ids = known.map((r) => String(r.id));
  if (ids.length === limit) return ids;
  // The page reaches past the known values: where they end tells how far into the unknown ones it starts.
  const knownCount =
    ids.length > 0 || offset === 0
      ? offset + ids.length
      : await countOf(store, [...where, sql<SqlBool>`${column} IS NOT NULL`], sort.table);
  const unknown = await selectFrom(store, [...where, sql<SqlBool>`${column} IS NULL`], sort.table)
    .select("id")
    .orderBy("id", "asc")
    .limit(limit - ids.length)
    .offset(Math.max(0, offset - knownCount))
    .execute();
  return [...ids, ...unknown.map((r) => String(r.id))];
}

interface SortKey {
  id: string;
  /** The sort column's value: a number for counts and fetch times (Postgres sends BIGINT as text), else text. */
  k: string | number | null;
}

function sortKey(sort: NoteSort, row: Record<string, unknown>): SortKey {
  const k = row.k === null || row.k === undefined ? null : sort === "published" ? String(row.k) : Number(row.k);
  return { id: String(row.id), k };
}

/** The table's order on sort keys, as pageIds reads it: JavaScript's for a rare text search's matches. */
function tableOrder(order: "asc" | "desc"): (a: SortKey, b: SortKey) => number {
  const sign = order === "asc" ? 1 : -1;
  const cmp = (a: string | number, b: string | number) => (a < b ? -1 : a > b ? 1 : 0);
  return (a, b) => {
    if (a.k === null || b.k === null) return a.k === b.k ? cmp(a.id, b.id) : a.k === null ? 1 : -1;
    return sign * cmp(a.k, b.k) || sign * cmp(a.id, b.id);
  };
}

/** The full rows of `ids`, in that order (one query by primary key). */
async function notesByIds(store: ReadableStore, ids: readonly string[]): Promise<Note[]> {
  if (ids.length === 0) return [];
  const rows = await store.db().selectFrom("notes").selectAll().where("id", "in", ids).execute();
  const byId = new Map(rows.map((r) => [String(r.id), r]));
  return ids.flatMap((id) => {
    const row = byId.get(id);
    return row ? [rowToNote(row)] : [];
  });
}

function noteSort(query: NoteQuery): TableSort {
  return { table: "notes", column: NOTE_SORTS[query.sort], order: query.order, idOrder: query.order };
}

export interface QueryNotesOptions {
  /** Most text-search matches counted (default TEXT_MATCH_COUNT_LIMIT; tests lower it to reach both paths). */
  textCountLimit?: number;
}

export async function queryNotes(
  store: ReadableStore,
  query: NoteQuery,
  options: QueryNotesOptions = {},
): Promise<NotePage> {
  const bound = options.textCountLimit ?? TEXT_MATCH_COUNT_LIMIT;
  const filter = whereOf(query);
  const where = allOf(store, filter);
  const offset = (query.page - 1) * query.pageSize;
  let total: number;
  let totalExact = true;
  let ids: string[];
  if (filter.text.length === 0 && filter.search === null) {
    total = await countOf(store, where);
    ids = offset >= total ? [] : await pageIds(store, where, noteSort(query), offset, query.pageSize);
  } else {
    // One pass collects up to the bound's matches with their sort values: a rare word's page is sorted from
    // them (a walk of the sort index would check every note, in index order: far slower); a common word's
    // matches are dense, so the index walk finds its page after few notes.
    const plan = await matchPlan(store, filter);
    const matches = await collectMatches(store, plan, filter, NOTE_SORTS[query.sort], bound + 1);
    if (matches.length <= bound) {
      total = matches.length;
      const sorted = matches.map((m) => sortKey(query.sort, m)).sort(tableOrder(query.order));
      ids = sorted.slice(offset, offset + query.pageSize).map((m) => m.id);
    } else {
      total = bound;
      totalExact = false;
      ids = await pageIds(store, where, noteSort(query), offset, query.pageSize);
    }
  }
  return { total, totalExact, page: query.page, pageSize: query.pageSize, notes: await notesByIds(store, ids) };
}

/** Every note matching the filter, exactly counted (downloads need the number, not a bound). */
export async function countNotes(store: ReadableStore, query: NoteQuery): Promise<number> {
  const filter = whereOf(query);
  const plan = await matchPlan(store, filter);
  if (plan.from === "none") return 0;
  if (plan.from === "notes") return countOf(store, allOf(store, filter));
  const row = await searchedNotes(store, plan.rows, filter).select(sql<number>`COUNT(*)`.as("n")).executeTakeFirst();
  return Number(row?.n ?? 0);
}

/**
 * Every note matching the filter in the table's order, a batch at a time (bounded memory, for downloads): each
 * batch starts after the last one's (value, id), so a 100,000-note download never re-reads what it skipped.
 */
export async function* iterateNotes(store: ReadableStore, query: NoteQuery): AsyncGenerator<Note> {
  const batchSize = 100;
  const where = allOf(store, whereOf(query));
  const column = sql.ref(NOTE_SORTS[query.sort]);
  const after = query.order === "asc" ? sql.raw(">") : sql.raw("<");
  let last: { k: unknown; id: string } | null = null;
  for (;;) {
    const keyset: Filter = last ? [sql<SqlBool>`(${column}, id) ${after} (${last.k}, ${last.id})`] : [];
    const rows = await selectFrom(store, [...where, sql<SqlBool>`${column} IS NOT NULL`, ...keyset])
      .selectAll()
      .orderBy(column, query.order)
      .orderBy("id", query.order)
      .limit(batchSize)
      .execute();
    yield* rows.map(rowToNote);
    if (rows.length < batchSize) break;
    const end = rows[rows.length - 1] as Record<string, unknown>;
    last = { k: end[NOTE_SORTS[query.sort]], id: String(end.id) };
  }
  let lastId: string | null = null;
  for (;;) {
    const keyset: Filter = lastId === null ? [] : [sql<SqlBool>`id > ${lastId}`];
    const rows = await selectFrom(store, [...where, sql<SqlBool>`${column} IS NULL`, ...keyset])
      .selectAll()
      .orderBy("id", "asc")
      .limit(batchSize)
      .execute();
    yield* rows.map(rowToNote);
    if (rows.length < batchSize) return;
    lastId = String((rows[rows.length - 1] as Record<string, unknown>).id);
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
  const where: Filter = query.q ? [likeAny(["nickname", "red_id", "id"], query.q)] : [];
  const total = await countOf(store, where, "users");
  const offset = (query.page - 1) * query.pageSize;
  // Largest first, ties by id, unknown counts last: a range of the column's (count DESC, id) index (migration 11),
  // ids first, then their rows, as the notes table pages.
  const sort: TableSort = { table: "users", column: USER_SORTS[query.sort], order: "desc", idOrder: "asc" };
  const ids = offset >= total ? [] : await pageIds(store, where, sort, offset, query.pageSize);
  return { total, page: query.page, pageSize: query.pageSize, users: await usersByIds(store, ids) };
}

/** The full rows of `ids`, in that order (one query by primary key). */
async function usersByIds(store: ReadableStore, ids: readonly string[]): Promise<User[]> {
  if (ids.length === 0) return [];
  const rows = await store.db().selectFrom("users").selectAll().where("id", "in", ids).execute();
  const byId = new Map(rows.map((r) => [String(r.id), r]));
  return ids.flatMap((id) => {
    const row = byId.get(id);
    return row ? [rowToUser(row)] : [];
  });
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
