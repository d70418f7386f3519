/**
 * What an incremental crawl asks the store before it fetches: is this note known, is its body full, the author's
 * latest note, the comments already kept.
 */
import type { SqlContext } from "./context.js";
import { chunks } from "./records.js";

export class RecordLookups {
  private readonly context: SqlContext;

  constructor(context: SqlContext) {
    this.context = context;
  }

  async hasNote(id: string): Promise<boolean> {
    const row = await this.context.run((db) =>
      db.selectFrom("notes").select("id").where("id", "=", id).executeTakeFirst(),
    );
    return row !== undefined;
  }

  async knownNoteIds(ids: readonly string[]): Promise<Set<string>> {
    const known = new Set<string>();
    for (const part of chunks([...new Set(ids)])) {
      const rows = await this.context.run((db) =>
        db.selectFrom("notes").select("id").where("id", "in", part).execute(),
      );
      for (const row of rows) known.add(String(row.id));
    }
    return known;
  }

  async hasFullNote(id: string): Promise<boolean> {
    const row = await this.context.run((db) =>
      db.selectFrom("notes").select("id").where("id", "=", id).where("text_truncated", "=", 0).executeTakeFirst(),
    );
    return row !== undefined;
  }

  async latestNotePublishedAt(authorId: string): Promise<string | null> {
    // Compared as instants, not as strings: ISO strings of different precision do not sort as text.
    const rows = await this.context.run((db) =>
      db
        .selectFrom("notes")
        .select("published_at")
        .where("author_id", "=", authorId)
        .where("published_at", "is not", null)
        .execute(),
    );
    let best: string | null = null;
    let bestMs = Number.NEGATIVE_INFINITY;
    for (const row of rows) {
      const time = String(row.published_at);
      const ms = Date.parse(time);
      if (!Number.isNaN(ms) && ms > bestMs) {
        best = time;
        bestMs = ms;
      }
    }
    return best;
  }

  async knownCommentIds(noteId: string): Promise<Set<string>> {
    const rows = await this.context.run((db) =>
      db.selectFrom("comments").select("id").where("note_id", "=", noteId).execute(),
    );
    return new Set(rows.map((row) => String(row.id)));
  }

  async countComments(noteId: string, options?: { rootId?: string }): Promise<number> {
    const row = await this.context.run((db) => {
      let query = db
        .selectFrom("comments")
        .select((eb) => eb.fn.countAll().as("n"))
        .where("note_id", "=", noteId);
      if (options?.rootId !== undefined) query = query.where("root_id", "=", options.rootId);
      return query.executeTakeFirst();
    });
    return Number(row?.n ?? 0);
  }
}
