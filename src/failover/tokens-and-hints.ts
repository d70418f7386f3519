/**
 * What the client learns for free from the answers it already paid for: each note's xsec_token and
 * type, each user's xsec_token, which users have notes and which lists had items (so an empty first page
 * of theirs is taken for the fault it is). Web V3 note detail, comments and replies need the note's token, and
 * knowing a note's type saves the image-then-video probe on App V2 (one paid call).
 *
 * Bounded (least recently set entries are dropped first) so a long crawl cannot grow it without limit.
 */
import { BoundedMap } from "../core/bounded-map.js";
import type { Comment, Note, NoteType, User } from "../model/types.js";
import type { NormalizedItem } from "../series/types.js";

/** Entries kept per map (default 50 000: about 5 MB at most). */
export const DEFAULT_TOKENS_AND_HINTS_CAPACITY = 50_000;

/** Least recently *set* entries go first: reading a token does not keep it. */
function bounded<V>(capacity: number): BoundedMap<string, V> {
  return new BoundedMap<string, V>({ maxEntries: capacity, refreshOnGet: false });
}

function isNote(item: NormalizedItem): item is Note {
  return "type" in item && "images" in item && "stats" in item;
}
function isUser(item: NormalizedItem): item is User {
  return "followers" in item && "nickname" in item && "source" in item;
}
function isComment(item: NormalizedItem): item is Comment {
  return "noteId" in item && "rootId" in item;
}

/** The tokens a call needs and the hints that make calls cheaper or empty pages suspect (see above). */
export class TokensAndHints {
  private readonly noteTokens: BoundedMap<string, string>;
  private readonly userTokens: BoundedMap<string, string>;
  private readonly noteTypes: BoundedMap<string, NoteType>;
  /** Each note's comment count as last seen (an empty first comment page is then a fault when > 0). */
  private readonly noteCommentCounts: BoundedMap<string, number>;
  /** Users known to have posted notes (a note of theirs was seen, or their record counted notes). */
  private readonly usersWithNotes: BoundedMap<string, true>;
  /** Lists (by their key: capability, subject, filters) that have answered items (an empty first page is then a fault). */
  private readonly listsWithItems: BoundedMap<string, true>;

  constructor(capacity = DEFAULT_TOKENS_AND_HINTS_CAPACITY) {
    this.noteTokens = bounded(capacity);
    this.userTokens = bounded(capacity);
    this.noteTypes = bounded(capacity);
    this.noteCommentCounts = bounded(capacity);
    this.usersWithNotes = bounded(capacity);
    this.listsWithItems = bounded(capacity);
  }

  /** Whether the user is known to have posted notes: a note of theirs was seen, or their record counted some. */
  userHasNotes(userId: string): boolean {
    return this.usersWithNotes.get(userId) === true;
  }

  /** Whether this list (its key) has answered items before in this client. */
  listHadItems(key: string): boolean {
    return this.listsWithItems.get(key) === true;
  }
  rememberListItems(key: string): void {
    this.listsWithItems.set(key, true);
  }

  /** The note's comment count as last seen in a note record, or undefined. */
  noteCommentCount(noteId: string): number | undefined {
    return this.noteCommentCounts.get(noteId);
  }
  rememberNoteCommentCount(noteId: string, count: number | null | undefined): void {
    if (typeof count === "number" && Number.isInteger(count) && count >= 0) this.noteCommentCounts.set(noteId, count);
  }

  noteToken(noteId: string): string | undefined {
    return this.noteTokens.get(noteId);
  }
  userToken(userId: string): string | undefined {
    return this.userTokens.get(userId);
  }
  noteType(noteId: string): NoteType | undefined {
    return this.noteTypes.get(noteId);
  }

  rememberNoteToken(noteId: string, token: string | null | undefined): void {
    if (token) this.noteTokens.set(noteId, token);
  }
  rememberUserToken(userId: string, token: string | null | undefined): void {
    if (token) this.userTokens.set(userId, token);
  }
  rememberNoteType(noteId: string, type: NoteType): void {
    this.noteTypes.set(noteId, type);
  }

  /** Learn from every record of an answer: notes teach their token and type, users their token. */
  learn(items: readonly NormalizedItem[]): void {
    for (const item of items) {
      if (isNote(item)) {
        this.rememberNoteToken(item.id, item.xsecToken);
        this.noteTypes.set(item.id, item.type);
        this.rememberNoteCommentCount(item.id, item.stats.comments);
        if (item.author?.id) this.usersWithNotes.set(item.author.id, true);
      } else if (isUser(item)) {
        this.rememberUserToken(item.id, item.xsecToken);
        if ((item.noteCount ?? 0) > 0) this.usersWithNotes.set(item.id, true);
      } else if (isComment(item)) {
        // Comments carry no token; nothing to learn.
      } else if ("kind" in item && (item.kind === "note" || item.kind === "user")) {
        if (item.kind === "note") this.rememberNoteToken(item.id, item.xsecToken);
        else this.rememberUserToken(item.id, item.xsecToken);
      }
    }
  }

  get sizes(): { noteTokens: number; userTokens: number; noteTypes: number } {
    return { noteTokens: this.noteTokens.size, userTokens: this.userTokens.size, noteTypes: this.noteTypes.size };
  }
}
