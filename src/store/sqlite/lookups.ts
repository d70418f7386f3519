/**
 * What an incremental crawl asks the store before it fetches: is this note known, is its body full, the
 * author's latest note, the comments already kept. Synchronous reads on the shared connection.
 */
import type { SqliteConnection } from "./connection.js";

/** Ids per `IN (…)` lookup. */
const LOOKUP_CHUNK = 500;

export class RecordLookups {
  private readonly connection: SqliteConnection;

  constructor(connection: SqliteConnection) {
    this.connection = connection;
  }

  hasNote(id: string): boolean {
    return this.connection.statement("SELECT 1 FROM notes WHERE id = ?").get(id) !== undefined;
  }

  knownNoteIds(ids: readonly string[]): Set<string> {
    const known = new Set<string>();
    const lookup = this.connection
      .statement("SELECT id FROM notes WHERE id IN (SELECT value FROM json_each(?))")
      .pluck();
    for (let i = 0; i < ids.length; i += LOOKUP_CHUNK) {
      for (const id of lookup.all(JSON.stringify(ids.slice(i, i + LOOKUP_CHUNK)))) known.add(String(id));
    }
    return known;
  }

  hasFullNote(id: string): boolean {
    return this.connection.statement("SELECT 1 FROM notes WHERE id = ? AND text_truncated = 0").get(id) !== undefined;
  }

  latestNotePublishedAt(authorId: string): string | null {
    // Compared as instants, not as strings: ISO strings of different precision do not sort as text.
    const times = this.connection
      .statement("SELECT published_at FROM notes WHERE author_id = ? AND published_at IS NOT NULL")
      .pluck()
      .all(authorId) as string[];
    let best: string | null = null;
    let bestMs = Number.NEGATIVE_INFINITY;
    for (const time of times) {
      const ms = Date.parse(time);
      if (!Number.isNaN(ms) && ms > bestMs) {
        best = time;
        bestMs = ms;
      }
    }
    return best;
  }

  knownCommentIds(noteId: string): Set<string> {
    const ids = this.connection.statement("SELECT id FROM comments WHERE note_id = ?").pluck().all(noteId) as unknown[];
    return new Set(ids.map(String));
  }

  countComments(noteId: string, options?: { rootId?: string }): number {
    const n =
      options?.rootId === undefined
        ? this.connection.statement("SELECT COUNT(*) FROM comments WHERE note_id = ?").pluck().get(noteId)
        : this.connection
            .statement("SELECT COUNT(*) FROM comments WHERE note_id = ? AND root_id = ?")
            .pluck()
            .get(noteId, options.rootId);
    return Number(n);
  }
}
