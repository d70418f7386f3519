/**
 * The notes' searchable text, kept narrow (issue #16): `note_search (id, body)` holds each note's title, text and
 * tags, one per line, ASCII letters lower-cased, so a text search reads a few dozen MB instead of the notes table
 * (whose rows carry images, URLs and JSON). A search matches a note when its words occur inside the title, the
 * text or one tag, ASCII case ignored (what SQLite's LIKE did; Postgres's LIKE was case-sensitive: both now agree).
 *
 * On SQLite an FTS5 trigram index (`note_search_trigrams`, external content, kept in step by triggers) finds the
 * candidates of a 3+ character search; 1–2 characters have no trigram and scan `note_search`. Every candidate is
 * checked against the body itself, so the index only narrows. On Postgres a pg_trgm GIN index serves LIKE when the
 * extension can be had; without it LIKE scans `note_search`, with the same results.
 *
 * The body is computed in SQL from the notes row, by one expression shared by the migration's backfill, the store's
 * upserts (same transaction as the note's row) and `xhs db copy`'s rebuild, so all three agree byte for byte.
 */
import { type Expression, type RawBuilder, type SqlBool, sql } from "kysely";
import { InvalidInputError } from "../../core/errors.js";
import type { Db, DialectName } from "./dialect.js";

const UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
const LOWER = "abcdefghijklmnopqrstuvwxyz";

/** ASCII letters lower-cased, nothing else touched: SQLite's lower() without ICU, spelt the same everywhere. */
export function foldAscii(text: string): string {
  return text.replace(/[A-Z]+/g, (s) => s.toLowerCase());
}

/**
 * The body of the notes row `n` as SQL text: title, text, then each tag, separated by newlines, and two more at the
 * end, so every character, even the last, starts a trigram (1–2 character searches look for those).
 */
function bodySql(dialect: DialectName, n: string): string {
  if (dialect === "postgres") {
    const fold = (x: string) => `translate(${x}, '${UPPER}', '${LOWER}')`;
    return `${fold(`COALESCE(${n}.title, '')`)} || chr(10) || ${fold(`COALESCE(${n}.text, '')`)} || chr(10) || COALESCE((SELECT string_agg(${fold("tag")}, chr(10) ORDER BY ord) FROM json_array_elements_text(${n}.tags::json) WITH ORDINALITY AS t(tag, ord)), '') || chr(10) || chr(10)`;
  }
  return `lower(COALESCE(${n}.title, '')) || char(10) || lower(COALESCE(${n}.text, '')) || char(10) || COALESCE((SELECT group_concat(lower(value), char(10)) FROM json_each(${n}.tags)), '') || char(10) || char(10)`;
}

/** Migration 10's text: the table, its index, and the backfill of every stored note. */
export function noteSearchTableSql(dialect: DialectName): string {
  const backfill = `INSERT INTO note_search (id, body) SELECT n.id, ${bodySql(dialect, "n")} FROM notes n;`;
  if (dialect === "postgres") {
    // pg_trgm ships with Postgres (contrib) and is a trusted extension since 13, but a server may lack it or the
    // role may not create it: then the table is scanned, with the same results.
    return `CREATE TABLE note_search (id TEXT PRIMARY KEY, body TEXT NOT NULL);
${backfill}
DO $$ BEGIN CREATE EXTENSION IF NOT EXISTS pg_trgm; EXCEPTION WHEN OTHERS THEN NULL; END $$;
DO $$ BEGIN
  IF EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm') THEN
    EXECUTE 'CREATE INDEX note_search_trigrams ON note_search USING gin (body gin_trgm_ops)';
  END IF;
EXCEPTION WHEN OTHERS THEN NULL;
END $$;`;
  }
  // An explicit INTEGER PRIMARY KEY: the FTS index refers to it, and VACUUM may renumber an implicit rowid.
  // detail=none: the index says which bodies hold each trigram, not where (a quarter of the size); the body check
  // after it does the rest. case_sensitive 1: its trigrams are the body's own characters, so the vocabulary
  // (note_search_terms) answers "which trigrams start with these 1–2 characters" exactly.
  return `CREATE TABLE note_search (n INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, body TEXT NOT NULL);
CREATE VIRTUAL TABLE note_search_trigrams USING fts5(body, content='note_search', content_rowid='n', tokenize='trigram case_sensitive 1', detail='none');
CREATE VIRTUAL TABLE note_search_terms USING fts5vocab(note_search_trigrams, 'row');
CREATE TRIGGER note_search_inserted AFTER INSERT ON note_search BEGIN
  INSERT INTO note_search_trigrams (rowid, body) VALUES (new.n, new.body);
END;
CREATE TRIGGER note_search_deleted AFTER DELETE ON note_search BEGIN
  INSERT INTO note_search_trigrams (note_search_trigrams, rowid, body) VALUES ('delete', old.n, old.body);
END;
CREATE TRIGGER note_search_updated AFTER UPDATE ON note_search BEGIN
  INSERT INTO note_search_trigrams (note_search_trigrams, rowid, body) VALUES ('delete', old.n, old.body);
  INSERT INTO note_search_trigrams (rowid, body) VALUES (new.n, new.body);
END;
${backfill}`;
}

/** The tables the search keeps (derived from notes: `xhs db copy` rebuilds them instead of copying). */
export function isNoteSearchTable(table: string): boolean {
  return table === "note_search" || table.startsWith("note_search_");
}

/**
 * Rewrites the search rows of the notes `ids` from their stored rows (call in the transaction that wrote them).
 * A body that did not change is not rewritten (its trigram entries stay).
 */
export async function refreshNoteSearch(db: Db, dialect: DialectName, ids: readonly string[]): Promise<void> {
  if (ids.length === 0) return;
  await sql`INSERT INTO note_search (id, body) SELECT n.id, ${sql.raw(bodySql(dialect, "n"))} FROM notes n
    WHERE n.id IN (${sql.join(ids)})
    ON CONFLICT (id) DO UPDATE SET body = excluded.body WHERE note_search.body <> excluded.body`.execute(db);
}

/** Every search row rebuilt from the notes (after a bulk copy of the notes rows). */
export async function rebuildNoteSearch(db: Db, dialect: DialectName): Promise<void> {
  await sql`DELETE FROM note_search`.execute(db);
  await sql`INSERT INTO note_search (id, body) SELECT n.id, ${sql.raw(bodySql(dialect, "n"))} FROM notes n`.execute(db);
}

/** Characters a search may not hold: the body's field separator and its kin (a search box cannot type them). */
export const UNSEARCHABLE = /[\u0000-\u001f\u007f]/;

/** The search's words as the body spells them. */
function needleOf(words: string): string {
  if (UNSEARCHABLE.test(words)) throw new InvalidInputError("a note search cannot hold control characters");
  return foldAscii(words);
}

/** FTS5 query: every trigram of the words, each a quoted string (so no character is query syntax). */
function trigramQuery(needle: string): string | null {
  const chars = Array.from(needle);
  if (chars.length < 3) return null;
  const grams = new Set<string>();
  for (let i = 0; i + 3 <= chars.length; i += 1) grams.add(chars.slice(i, i + 3).join(""));
  return [...grams].map(quoted).join(" AND ");
}

/** A term as an FTS5 string (no character of it is query syntax). */
function quoted(term: string): string {
  return `"${term.replaceAll('"', '""')}"`;
}

/** `%text%` for LIKE, with the wildcards the user typed taken literally. */
export function containingPattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** Whether the body column `body` holds the needle (exact, after folding). */
function bodyHolds(dialect: DialectName, body: RawBuilder<unknown>, needle: string): Expression<SqlBool> {
  return dialect === "postgres"
    ? sql<SqlBool>`${body} LIKE ${containingPattern(needle)} ESCAPE '\\'`
    : sql<SqlBool>`instr(${body}, ${needle}) > 0`;
}

/**
 * The search as a filter of the notes table (`notes.id` in scope): a primary-key probe of `note_search` per note,
 * for queries that walk a sort index and stop after a page.
 */
export function noteMatchesSearch(dialect: DialectName, words: string): Expression<SqlBool> {
  const needle = needleOf(words);
  // One body at a time: no index to serve, and strpos beats LIKE's pattern match on Postgres (330 vs 426 ms for
  // page 500 of a common word on 100,000 notes).
  const holds =
    dialect === "postgres" ? sql<SqlBool>`strpos(s.body, ${needle}) > 0` : bodyHolds(dialect, sql`s.body`, needle);
  return sql<SqlBool>`EXISTS (SELECT 1 FROM note_search s WHERE s.id = notes.id AND ${holds})`;
}

/** Most trigrams a 1–2 character search is widened to; past it, scanning note_search is the cheaper way. */
export const MAX_PREFIX_TRIGRAMS = 300;

/** Where a search's matches come from: nowhere (no body can hold the words), or rows `s` with an `id` column. */
export type SearchSource =
  | { kind: "none" }
  /** `indexed`: candidates from the trigram index (few for a rare word); else a scan of note_search. */
  | { kind: "rows"; rows: RawBuilder<unknown>; indexed: boolean };

/**
 * The notes the search matches. On SQLite 3+ characters ask the trigram index for bodies holding every trigram of
 * the words; 1–2 characters ask it for bodies holding any trigram that starts with them (every occurrence starts
 * one, as each body ends in two newlines), unless they start too many (then the scan). Every candidate's body is
 * checked, so the index only narrows. The candidates stream in index order: a LIMIT stops the search early.
 */
export async function searchSource(db: Db, dialect: DialectName, words: string): Promise<SearchSource> {
  const needle = needleOf(words);
  const holds = bodyHolds(dialect, sql`s.body`, needle);
  const scan: SearchSource = {
    kind: "rows",
    rows: sql`(SELECT s.id FROM note_search s WHERE ${holds})`,
    indexed: false,
  };
  if (dialect !== "sqlite") return scan;
  let match = trigramQuery(needle);
  if (match === null) {
    // The last code point there is: every trigram starting with the needle sorts between the two.
    const { rows } = await sql<{ term: string }>`SELECT term FROM note_search_terms
      WHERE term >= ${needle} AND term <= ${`${needle}\u{10FFFF}`} LIMIT ${MAX_PREFIX_TRIGRAMS + 1}`.execute(db);
    const terms = rows.map((r) => r.term).filter((t) => t.startsWith(needle));
    if (terms.length === 0) return { kind: "none" };
    if (rows.length > MAX_PREFIX_TRIGRAMS) return scan;
    match = terms.map(quoted).join(" OR ");
  }
  return {
    kind: "rows",
    rows: sql`(SELECT s.id FROM note_search_trigrams CROSS JOIN note_search s ON s.n = note_search_trigrams.rowid
      WHERE note_search_trigrams MATCH ${match} AND ${holds})`,
    indexed: true,
  };
}
