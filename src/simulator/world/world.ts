/**
 * The simulated Xiaohongshu world: users, notes, topics, comments and share links, generated
 * deterministically from a seed. Users, notes and topics are built at start (generate.ts: a default world
 * in well under a second); comments and replies are generated on demand (see comments.ts), so a note with
 * 100,000 comments costs almost nothing until it is read. This file answers the queries over them: the
 * truth the renderers serve and the tests check against.
 *
 * It holds the usage guide's own examples so that the guide's code gets real answers (see GUIDE, guide.ts).
 */
import { BoundedMap } from "../../core/bounded-map.js";
import { type NoteThreads, type ThreadContext, NoteThreads as Threads } from "./comments.js";
import { byTimeDesc, generateWorld, resolveSize } from "./generate.js";
import { DAY, WORLD_NOW } from "./guide.js";
import { hash32, hex8, hexN } from "./random.js";
import { WorldTimeline, type WorldTimeOptions } from "./timeline.js";
import type {
  CommentOrder,
  ResolvedShareLink,
  SearchFilters,
  TopicOrder,
  WorldComment,
  WorldNote,
  WorldSize,
  WorldSizeName,
  WorldTopic,
  WorldUser,
} from "./types.js";

// Kept importable from here: the tests, the bench and the package entry name world.ts for them.
export { GUIDE, WORLD_NOW } from "./guide.js";

export class World {
  readonly seed: number;
  readonly size: WorldSize;
  /** Set when the world follows a clock (timeline.ts); else the world is the static one. */
  private readonly timeline: WorldTimeline | null;

  private readonly userList: WorldUser[];
  private readonly usersById: Map<string, WorldUser>;
  private readonly noteList: WorldNote[];
  private readonly notesById: Map<string, WorldNote>;
  private readonly topicList: WorldTopic[];
  private readonly topicsById: Map<string, WorldTopic>;
  private readonly notesByUser: Map<string, WorldNote[]>;
  private readonly favoriteIds: Map<string, string[]>;
  private readonly notesByKeyword: Map<string, WorldNote[]>;
  private readonly shortCodes: Map<string, { kind: "note" | "user"; id: string }>;
  // Bounded caches of what the world derives lazily (a derived value is a pure function of its key, so
  // dropping the least recently used one only costs its recomputation, never a different answer).
  private readonly threads = new BoundedMap<string, NoteThreads>({ maxEntries: 2000 });
  private readonly searchCache = new BoundedMap<string, WorldNote[]>({ maxEntries: 500 });
  private readonly threadCtx: ThreadContext;
  private readonly signs = new BoundedMap<string, string>({ maxEntries: 50_000 });

  /** With `time`, the world moves with that clock (new notes, growing counts, deletions): see timeline.ts. */
  constructor(seed = 1, size?: WorldSizeName | Partial<WorldSize>, time?: WorldTimeOptions) {
    this.seed = seed;
    this.size = resolveSize(size);
    const data = generateWorld(seed, this.size);
    this.userList = data.userList;
    this.usersById = data.usersById;
    this.noteList = data.noteList;
    this.notesById = data.notesById;
    this.topicList = data.topicList;
    this.topicsById = data.topicsById;
    this.notesByUser = data.notesByUser;
    this.favoriteIds = data.favoriteIds;
    this.notesByKeyword = data.notesByKeyword;
    this.shortCodes = data.shortCodes;
    this.threadCtx = data.threadCtx;
    this.timeline = time ? new WorldTimeline(seed, this.size, data, time) : null;
  }

  /** Unix seconds: WORLD_NOW, plus the clock's elapsed time (in whole minutes) when the world follows one. */
  get now(): number {
    return this.timeline ? this.timeline.now() : WORLD_NOW;
  }

  /**
   * Brings a moving world to its clock's time. True when anything changed: whatever was derived from the
   * world (its own search cache here; the simulator's payload cache and fragment memos) is stale. Always
   * false for a static world.
   */
  sync(): boolean {
    if (!this.timeline?.sync()) return false;
    this.searchCache.clear();
    return true;
  }

  // ------------------------------------------------------------------ queries (the truth tests check against)

  /** A note by id, deleted ones included; undefined when the world never had it. */
  note(id: string): WorldNote | undefined {
    return this.notesById.get(id);
  }

  /** Every note, deleted ones included, in generation order. */
  notes(): readonly WorldNote[] {
    return this.noteList;
  }

  /** A user by id. */
  user(id: string): WorldUser | undefined {
    return this.usersById.get(id);
  }

  users(): readonly WorldUser[] {
    return this.userList;
  }

  /** A user's posted notes (deleted ones left out), newest first. */
  userNotes(userId: string): readonly WorldNote[] {
    return this.notesByUser.get(userId) ?? [];
  }

  /** A user's public favourites, most recently faved first; null when the user keeps them private or is unknown. */
  favorites(userId: string): readonly WorldNote[] | null {
    const ids = this.favoriteIds.get(userId);
    if (!ids) return null;
    return ids.map((id) => this.notesById.get(id)).filter((n): n is WorldNote => n !== undefined && !n.deleted);
  }

  /** The lazily generated comments of a note (undefined for an unknown note). */
  threadsOf(noteId: string): NoteThreads | undefined {
    const cached = this.threads.get(noteId);
    if (cached) return cached;
    const note = this.notesById.get(noteId);
    if (!note) return undefined;
    const threads = new Threads(this.threadCtx, note);
    this.threads.set(noteId, threads);
    return threads;
  }

  /** Every top-level comment of a note in an order ("latest" newest first, or "most_liked"). */
  comments(noteId: string, order: CommentOrder = "latest"): WorldComment[] {
    return this.threadsOf(noteId)?.all(order) ?? [];
  }

  /** A top-level comment or reply of a note by id. */
  comment(noteId: string, commentId: string): WorldComment | undefined {
    const threads = this.threadsOf(noteId);
    const parsed = threads?.parseId(commentId);
    if (!threads || !parsed) return undefined;
    return parsed.reply === 0 ? threads.top(parsed.index) : threads.reply(parsed.index, parsed.reply - 1);
  }

  /** Every reply under a top-level comment, oldest first ([] for an unknown comment). */
  replies(noteId: string, commentId: string): WorldComment[] {
    const threads = this.threadsOf(noteId);
    const parsed = threads?.parseId(commentId);
    if (!threads || !parsed || parsed.reply !== 0) return [];
    return threads.allReplies(parsed.index);
  }

  /**
   * Notes matching a keyword, filtered and sorted; the full list, without the real API's page cap.
   * A note matches when it is filed under the keyword or its title or body contains it.
   */
  search(keyword: string, filters: SearchFilters = {}): readonly WorldNote[] {
    const key = `${keyword}\u0000${filters.sort ?? "general"}\u0000${filters.noteType ?? "all"}\u0000${filters.time ?? "all"}`;
    const cached = this.searchCache.get(key);
    if (cached) return cached;
    const k = keyword.trim();
    let found: WorldNote[] = [];
    if (k.length > 0) {
      const indexed = this.notesByKeyword.get(k);
      const seen = new Set(indexed?.map((n) => n.id));
      found = [...(indexed ?? [])];
      for (const n of this.noteList) {
        if (!n.deleted && !seen.has(n.id) && (n.title.includes(k) || n.desc.includes(k))) found.push(n);
      }
    }
    const type = filters.noteType ?? "all";
    if (type === "image") found = found.filter((n) => n.type === "normal");
    else if (type === "video") found = found.filter((n) => n.type === "video");
    else if (type === "live") found = []; // The world has no live-stream notes.
    const window = { all: Number.POSITIVE_INFINITY, day: DAY, week: 7 * DAY, half_year: 182 * DAY }[
      filters.time ?? "all"
    ];
    if (Number.isFinite(window)) found = found.filter((n) => this.now - n.time <= window);
    const sort = filters.sort ?? "general";
    const score = (n: WorldNote): number => {
      switch (sort) {
        case "latest":
          return n.time;
        case "most_liked":
          return n.likes;
        case "most_commented":
          return n.commentsTotal;
        case "most_collected":
          return n.collects;
        default:
          // Relevance: popularity with a per-keyword jitter, so different keywords rank differently.
          return n.hotScore * (0.5 + hash32(this.seed, k, n.id) / 0x1_0000_0000);
      }
    };
    const scored = found.map((n) => ({ n, s: score(n) }));
    scored.sort((a, b) => b.s - a.s || (a.n.id < b.n.id ? -1 : 1));
    const result = scored.map((x) => x.n);
    this.searchCache.set(key, result);
    return result;
  }

  /** Users matching a keyword (nickname, bio or red id), most followed first. */
  searchUsers(keyword: string): readonly WorldUser[] {
    const k = keyword.trim();
    if (k.length === 0) return [];
    return this.userList
      .filter((u) => u.nickname.includes(k) || u.desc.includes(k) || u.redId === k)
      .sort((a, b) => b.fans - a.fans || (a.id < b.id ? -1 : 1));
  }

  /** A topic by page id. */
  topic(pageId: string): WorldTopic | undefined {
    return this.topicsById.get(pageId);
  }

  topics(): readonly WorldTopic[] {
    return this.topicList;
  }

  /** A topic's notes: "time" newest first, "hot" by popularity, "trend" by recent popularity. */
  topicNotes(pageId: string, order: TopicOrder = "hot"): readonly WorldNote[] {
    const key = `topic\u0000${pageId}\u0000${order}`;
    const cached = this.searchCache.get(key);
    if (cached) return cached;
    const list = this.noteList.filter((n) => !n.deleted && n.topicIds.includes(pageId));
    if (order === "time") list.sort(byTimeDesc);
    else if (order === "hot") list.sort((a, b) => b.hotScore - a.hotScore || (a.id < b.id ? -1 : 1));
    else {
      const trend = (n: WorldNote) => n.hotScore / Math.sqrt((this.now - n.time) / DAY + 1);
      list.sort((a, b) => trend(b) - trend(a) || (a.id < b.id ? -1 : 1));
    }
    this.searchCache.set(key, list);
    return list;
  }

  /** The long share URL of a note (what short links redirect to). */
  noteUrl(note: WorldNote): string {
    return `https://www.xiaohongshu.com/discovery/item/${note.id}?source=webshare&xhsshare=pc_web&xsec_token=${encodeURIComponent(note.xsecToken)}&xsec_source=pc_share`;
  }

  /** The long profile URL of a user. */
  userUrl(user: WorldUser): string {
    return `https://www.xiaohongshu.com/user/profile/${user.id}?xsec_token=${encodeURIComponent(user.xsecToken)}&xsec_source=app_share`;
  }

  /** Short links: notes use /a/ (also /o/), users /m/; xhslink.cn works the same. */
  shortLink(kind: "note" | "user", code: string): string {
    return `http://xhslink.com/${kind === "note" ? "a" : "m"}/${code}`;
  }

  /** Resolve a short link (xhslink.com or xhslink.cn, /a/ /m/ /o/ forms); null when unknown. */
  resolveShortLink(url: string): ResolvedShareLink | null {
    const m = /xhslink\.(?:com|cn)\/(?:[amo]\/)?([A-Za-z0-9]+)/.exec(url);
    const hit = m?.[1] ? this.shortCodes.get(m[1]) : undefined;
    if (!hit) return null;
    return this.resolved(hit.kind, hit.id);
  }

  /**
   * Resolve share text (a share message with a link in it, a long URL or a short link) to a note or a user.
   * Long URLs resolve when they name a world entity (with its own token, whatever token the URL carries).
   */
  resolveShareText(text: string): ResolvedShareLink | null {
    const note = /xiaohongshu\.com\/(?:discovery\/item|explore)\/([0-9a-f]{24})/.exec(text);
    if (note?.[1]) return this.resolved("note", note[1]);
    const userNote = /xiaohongshu\.com\/user\/profile\/[0-9a-f]{24}\/([0-9a-f]{24})/.exec(text);
    if (userNote?.[1]) return this.resolved("note", userNote[1]);
    const user = /xiaohongshu\.com\/user\/profile\/([0-9a-f]{24})/.exec(text);
    if (user?.[1]) return this.resolved("user", user[1]);
    return this.resolveShortLink(text);
  }

  private resolved(kind: "note" | "user", id: string): ResolvedShareLink | null {
    if (kind === "note") {
      const n = this.notesById.get(id);
      return n ? { kind, id, xsecToken: n.xsecToken, url: this.noteUrl(n) } : null;
    }
    const u = this.usersById.get(id);
    return u ? { kind, id, xsecToken: u.xsecToken, url: this.userUrl(u) } : null;
  }

  /** Sum of likes and collects over a user's notes (the profile's 获赞与收藏). */
  likesAndCollects(userId: string): { liked: number; collected: number } {
    let liked = 0;
    let collected = 0;
    for (const n of this.userNotes(userId)) {
      liked += n.likes;
      collected += n.collects;
    }
    return { liked, collected };
  }

  /** A stable hex string for signatures and ids derived from a key. */
  sign(...parts: (string | number)[]): string {
    const key = parts.join("|");
    const hit = this.signs.get(key);
    if (hit !== undefined) return hit;
    const value = hexN(32, this.seed, ...parts);
    this.signs.set(key, value);
    return value;
  }

  hex8(...parts: (string | number)[]): string {
    return hex8(this.seed, ...parts);
  }
}

/** Build a world (a thin wrapper for symmetry with createSimulatorCore). */
export function createWorld(seed = 1, size?: WorldSizeName | Partial<WorldSize>, time?: WorldTimeOptions): World {
  return new World(seed, size, time);
}
