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

/** The body of the notes row `n` as SQL text (title, text, then each tag, separated by newlines). */
function bodySql(dialect: DialectName, n: string): string {
  if (dialect === "postgres") {
    const fold = (x: string) => `translate(${x}, '${UPPER}', '${LOWER}')`;
    return `${fold(`COALESCE(${n}.title, '')`)} || chr(10) || ${fold(`COALESCE(${n}.text, '')`)} || chr(10) || COALESCE((SELECT string_agg(${fold("tag")}, chr(10) ORDER BY ord) FROM json_array_elements_text(${n}.tags::json) WITH ORDINALITY AS t(tag, ord)), '')`;
  }
  return `lower(COALESCE(${n}.title, '')) || char(10) || lower(COALESCE(${n}.text, '')) || char(10) || COALESCE((SELECT group_concat(lower(value), char(10)) FROM json_each(${n}.tags)), '')`;
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
  // after it does the rest.
  return `CREATE TABLE note_search (n INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, body TEXT NOT NULL);
CREATE VIRTUAL TABLE note_search_trigrams USING fts5(body, content='note_search', content_rowid='n', tokenize='trigram', detail='none');
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
  return [...grams].map((g) => `"${g.replaceAll('"', '""')}"`).join(" AND ");
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
  return sql<SqlBool>`EXISTS (SELECT 1 FROM note_search s WHERE s.id = notes.id AND ${bodyHolds(dialect, sql`s.body`, needle)})`;
}

/**
 * The ids of the notes the search matches, as a source of rows `s` (column `id`) for a join: driven by the trigram
 * index where there is one and the words have 3+ characters, else a scan of the narrow table.
 */
export function searchMatches(dialect: DialectName, words: string): RawBuilder<unknown> {
  const needle = needleOf(words);
  const holds = bodyHolds(dialect, sql`s.body`, needle);
  const grams = dialect === "sqlite" ? trigramQuery(needle) : null;
  return grams === null
    ? sql`(SELECT s.id FROM note_search s WHERE ${holds})`
    : sql`(SELECT s.id FROM note_search s WHERE s.n IN (SELECT rowid FROM note_search_trigrams WHERE note_search_trigrams MATCH ${grams}) AND ${holds})`;
}
