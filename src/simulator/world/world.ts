/**
 * The simulated Xiaohongshu world: users, notes, topics, comments and share links, generated
 * deterministically from a seed. Users, notes and topics are built at start (a default world in well
 * under a second); comments and replies are generated on demand (see comments.ts), so a note with
 * 100,000 comments costs almost nothing until it is read.
 *
 * It holds the usage guide's own examples so that the guide's code gets real answers (see GUIDE).
 */
import { type NoteThreads, type ThreadContext, NoteThreads as Threads, totalReplies } from "./comments.js";
import { hash32, hex8, hexN, Rng } from "./random.js";
import { CATEGORIES, type Category, IP_LOCATIONS, nickname, noteText, userDesc } from "./text.js";
import {
  type CommentOrder,
  type ResolvedShareLink,
  type SearchFilters,
  type TopicOrder,
  WORLD_SIZES,
  type WorldComment,
  type WorldImage,
  type WorldNote,
  type WorldSize,
  type WorldSizeName,
  type WorldTopic,
  type WorldUser,
  type WorldVideo,
} from "./types.js";

/** The world's fixed "now": 2026-09-01T00:00:00Z, in Unix seconds. Time filters are relative to it. */
export const WORLD_NOW = 1_788_220_800;

/** The usage guide's example ids and keywords; the world always holds them. */
export const GUIDE = {
  /** An image note (guide §1). */
  imageNoteId: "697c0eee000000000a03c308",
  /** The guide's reply example note (§4.2): the world's "huge" note, with long reply threads. */
  replyNoteId: "699916e6000000001d0253da",
  /** A food blogger (§2, §3): author of the image note. */
  userId: "61b46d790000000010008153",
  /** A user with public favourites (§3.2). */
  favUserId: "5a8cf39111be10466d285d6b",
  /** A topic page (§6), the topic 美食推荐. */
  topicPageId: "5c1cc866febed9000184b7c1",
  keywords: ["美食推荐", "美食博主", "口红"],
} as const;

const TOKEN_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
const EXTRA_TOPICS = ["日常", "生活记录", "好物分享", "OOTD", "vlog", "治愈系", "周末", "打卡", "种草", "新手教程"];
const DAY = 86_400;

export function resolveSize(size: WorldSizeName | Partial<WorldSize> | undefined): WorldSize {
  if (size === undefined) return { ...WORLD_SIZES.default };
  if (typeof size === "string") {
    const named = WORLD_SIZES[size];
    if (!named) throw new Error(`Unknown world size "${size}" (tiny, default, large)`);
    return { ...named };
  }
  return { ...WORLD_SIZES.default, ...size };
}

function objectId(time: number, rng: Rng): string {
  return `${time.toString(16).padStart(8, "0")}00000000${rng.hex(8)}`;
}

export class World {
  readonly seed: number;
  readonly size: WorldSize;
  /** Unix seconds; see WORLD_NOW. */
  readonly now = WORLD_NOW;

  private readonly userList: WorldUser[] = [];
  private readonly usersById = new Map<string, WorldUser>();
  private readonly noteList: WorldNote[] = [];
  private readonly notesById = new Map<string, WorldNote>();
  private readonly topicList: WorldTopic[] = [];
  private readonly topicsById = new Map<string, WorldTopic>();
  private readonly topicByName = new Map<string, WorldTopic>();
  private readonly notesByUser = new Map<string, WorldNote[]>();
  private readonly favoriteIds = new Map<string, string[]>();
  private readonly notesByKeyword = new Map<string, WorldNote[]>();
  private readonly shortCodes = new Map<string, { kind: "note" | "user"; id: string }>();
  private readonly threads = new Map<string, NoteThreads>();
  private readonly searchCache = new Map<string, WorldNote[]>();
  private readonly threadCtx: ThreadContext;
  private readonly signs = new Map<string, string>();

  constructor(seed = 1, size?: WorldSizeName | Partial<WorldSize>) {
    this.seed = seed;
    this.size = resolveSize(size);
    this.threadCtx = {
      seed,
      now: this.now,
      longestThread: this.size.longestThread,
      hugeNoteId: GUIDE.replyNoteId,
      userAt: (h) => {
        const u = this.userList[h % this.userList.length];
        if (!u) throw new Error("world has no users");
        return u;
      },
    };
    this.buildTopics();
    this.buildUsers();
    this.buildNotes();
    this.buildIndexes();
  }

  // ------------------------------------------------------------------ generation

  private buildTopics(): void {
    const rng = Rng.from(this.seed, "topics");
    const names: string[] = [];
    // Keywords first (so every keyword has a topic in default and large worlds), then generic ones.
    const keywords = CATEGORIES.flatMap((c) => c.keywords);
    for (const name of [GUIDE.keywords[0], ...keywords, ...EXTRA_TOPICS]) {
      if (!names.includes(name)) names.push(name);
    }
    const count = Math.max(1, Math.min(this.size.topics, names.length));
    for (let i = 0; i < count; i++) {
      const name = names[i] ?? `话题${i}`;
      const createdAt = this.now - rng.int(400 * DAY, 2500 * DAY);
      const pageId = i === 0 ? GUIDE.topicPageId : `${createdAt.toString(16)}${rng.hex(16)}`;
      const topic: WorldTopic = {
        pageId,
        tagId: `${(createdAt + 3600).toString(16)}${rng.hex(16)}`,
        name,
        views: rng.int(100_000, 900_000_000),
        discussions: rng.int(1_000, 5_000_000),
        createdAt,
      };
      this.topicList.push(topic);
      this.topicsById.set(pageId, topic);
      this.topicByName.set(name, topic);
    }
  }

  private buildUsers(): void {
    const rng = Rng.from(this.seed, "users");
    const ids = new Set<string>();
    for (let i = 0; i < this.size.users; i++) {
      // The guide's users first: index 0 posts the most notes, index 1 has public favourites.
      const category: Category =
        i === 0 ? (CATEGORIES[0] as Category) : i === 1 ? (CATEGORIES[1] as Category) : this.pickCategory(rng);
      const createdAt = this.now - rng.int(300 * DAY, 3000 * DAY);
      let id = i === 0 ? GUIDE.userId : i === 1 ? GUIDE.favUserId : objectId(createdAt, rng);
      while (ids.has(id)) id = objectId(createdAt, rng);
      ids.add(id);
      const popular = i < 12 || rng.bool(0.1);
      const user: WorldUser = {
        id,
        nickname: i === 0 ? "爱吃的鱼丸酱" : nickname(rng, category),
        redId: String(rng.int(100_000_000, 9_999_999_999)),
        desc: userDesc(rng, category),
        gender: rng.bool(0.7) ? 1 : 0,
        ipLocation: rng.pick(IP_LOCATIONS),
        avatarKey: `1040g2jo31${rng.hex(8)}${rng.chars("0123456789abcdefghijklmnopqrstuv", 20)}`,
        fans: i === 0 ? 123_456 : popular ? rng.int(10_000, 3_000_000) : rng.skewed(9_999),
        follows: rng.int(0, 1500),
        category: category.name,
        xsecToken: this.token("user", id),
        shortCode: this.shortCode("user", id),
        verified: popular && rng.bool(0.3),
        favoritesPublic: i === 1 || rng.bool(0.4),
        createdAt: i === 0 ? 0x61b46d79 : i === 1 ? 0x5a8cf391 : createdAt,
      };
      this.userList.push(user);
      this.usersById.set(id, user);
      this.shortCodes.set(user.shortCode, { kind: "user", id });
    }
  }

  private pickCategory(rng: Rng): Category {
    // Food and beauty dominate, as the guide's keywords do.
    const r = rng.next();
    const index = r < 0.3 ? 0 : r < 0.48 ? 1 : 2 + Math.floor(((r - 0.48) / 0.52) * (CATEGORIES.length - 2));
    return CATEGORIES[Math.min(index, CATEGORIES.length - 1)] as Category;
  }

  private buildNotes(): void {
    const rng = Rng.from(this.seed, "notes");
    const ids = new Set<string>();
    const users = this.userList;
    for (let i = 0; i < this.size.notes; i++) {
      const special = i === 0 ? "image" : i === 1 ? "huge" : null;
      // Authors are skewed: low-index users post much more (so user lists span many pages).
      const author =
        special === "image"
          ? (users[0] as WorldUser)
          : (users[Math.min(users.length - 1, Math.floor(users.length * rng.next() ** 2))] as WorldUser);
      const age = Math.floor((this.now - author.createdAt) * rng.next() ** 2);
      let time = special === "image" ? 0x697c0eee : special === "huge" ? 0x699916e6 : this.now - Math.max(60, age);
      let id = special === "image" ? GUIDE.imageNoteId : special === "huge" ? GUIDE.replyNoteId : objectId(time, rng);
      while (ids.has(id)) {
        time -= 1;
        id = objectId(time, rng);
      }
      ids.add(id);
      const own = CATEGORIES.find((c) => c.name === author.category) as Category;
      const category = special !== null || rng.bool(0.9) ? own : rng.pick(CATEGORIES);
      const keywords = this.pickKeywords(rng, category, special !== null);
      const type = special === "image" ? "normal" : special === "huge" ? "video" : rng.bool(0.3) ? "video" : "normal";
      const extra = rng.bool(0.5) ? [rng.pick(EXTRA_TOPICS)] : [];
      const hashtags = [...new Set([...keywords, ...extra])];
      const mentioned = rng.bool(0.2) ? [users[rng.int(0, users.length - 1)] as WorldUser] : [];
      const text = noteText(
        rng,
        category,
        keywords,
        hashtags,
        mentioned.map((u) => u.nickname),
      );
      const popular = rng.bool(0.15) || special !== null;
      const likes = special ? 21_429 + rng.int(0, 20_000) : popular ? rng.int(10_000, 300_000) : rng.skewed(9_999);
      const commentsL1 =
        special === "huge"
          ? this.size.hugeNoteComments
          : special === "image"
            ? Math.min(this.size.maxCommentsPerNote, 240)
            : rng.skewed(this.size.maxCommentsPerNote);
      const note: WorldNote = {
        id,
        type,
        title: text.title,
        desc: text.desc,
        time,
        lastUpdateTime: time + (rng.bool(0.3) ? rng.int(60, 5 * DAY) : 0),
        userId: author.id,
        topicIds: hashtags.map((h) => this.topicByName.get(h)?.pageId).filter((x): x is string => x !== undefined),
        keywords,
        atUserIds: mentioned.map((u) => u.id),
        likes,
        collects: Math.floor(likes * (0.1 + rng.next() * 0.7)),
        shares: Math.floor(likes * (0.01 + rng.next() * 0.15)),
        views: likes * rng.int(5, 40),
        commentsL1,
        commentsTotal: 0,
        images: [],
        video: null,
        ipLocation: rng.pick(IP_LOCATIONS),
        xsecToken: this.token("note", id),
        shortCode: this.shortCode("note", id),
        deleted: special === null && rng.bool(this.size.deletedShare),
        webRestricted: false,
        hotScore: 0,
      };
      note.webRestricted = special === null && !note.deleted && rng.bool(0.01);
      note.commentsTotal = commentsL1 + totalReplies(this.threadCtx, note, commentsL1);
      note.images = this.makeImages(rng, note);
      note.video = type === "video" ? this.makeVideo(rng, id) : null;
      const ageDays = (this.now - time) / DAY;
      note.hotScore = Math.round((likes + note.collects * 2 + note.commentsTotal * 3) / Math.sqrt(ageDays + 2));
      this.noteList.push(note);
      this.notesById.set(id, note);
      this.shortCodes.set(note.shortCode, { kind: "note", id });
    }
  }

  private pickKeywords(rng: Rng, category: Category, guide: boolean): string[] {
    if (guide) return ["美食推荐", "家常菜"];
    // The category's first keyword is the most common (美食推荐 and 口红 get hundreds of notes).
    const first = rng.bool(0.5) ? (category.keywords[0] as string) : rng.pick(category.keywords);
    const out = [first];
    if (rng.bool(0.4)) {
      const second = rng.pick(category.keywords);
      if (second !== first) out.push(second);
    }
    return out;
  }

  private makeImages(rng: Rng, note: WorldNote): WorldImage[] {
    const count = note.type === "video" ? 1 : rng.int(1, 9);
    const live = note.type === "normal" && rng.bool(0.15);
    const [width, height] = rng.pick([
      [1080, 1440],
      [1440, 1920],
      [1080, 1920],
      [2250, 3000],
      [1920, 1080],
    ] as const);
    const images: WorldImage[] = [];
    for (let k = 0; k < count; k++) {
      const fileId = `1040g${rng.chars("0123456789abcdefghijklmnopqrstuv", 35)}`;
      images.push({
        fileId,
        width,
        height,
        livePhoto:
          live && (k === 0 || rng.bool(0.5))
            ? {
                fileId: `1040g${rng.chars("0123456789abcdefghijklmnopqrstuv", 35)}`,
                videoId: `1${String(rng.int(37, 38))}${String(rng.int(100_000_000, 999_999_999))}${String(rng.int(100_000, 999_999))}`,
                durationSec: rng.int(2, 3),
                width,
                height,
              }
            : null,
      });
    }
    return images;
  }

  private makeVideo(rng: Rng, noteId: string): WorldVideo {
    const portrait = rng.bool(0.75);
    return {
      // 18 digits, like 137872474977208975: beyond 2^53.
      videoId: `13${String(rng.int(7_000_000, 7_999_999))}${String(rng.int(100_000_000, 999_999_999))}`,
      durationSec: rng.int(8, 300),
      width: portrait ? 1080 : 1920,
      height: portrait ? 1920 : 1080,
      streamKey: `01e${noteId.slice(0, 8)}${rng.hex(24)}`,
      md5: rng.hex(32),
      originVideoKey: `pre_post/1040g0cg31${rng.chars("0123456789abcdefghijklmnopqrstuv", 30)}`,
    };
  }

  private buildIndexes(): void {
    for (const note of this.noteList) {
      if (note.deleted) continue;
      const list = this.notesByUser.get(note.userId) ?? [];
      if (list.length === 0) this.notesByUser.set(note.userId, list);
      list.push(note);
      for (const k of note.keywords) {
        const byKey = this.notesByKeyword.get(k) ?? [];
        if (byKey.length === 0) this.notesByKeyword.set(k, byKey);
        byKey.push(note);
      }
    }
    for (const list of this.notesByUser.values()) list.sort(byTimeDesc);
    const live = this.noteList.filter((n) => !n.deleted);
    for (const user of this.userList) {
      if (!user.favoritesPublic) continue;
      const rng = Rng.from(this.seed, "favs", user.id);
      const count = user.id === GUIDE.favUserId ? Math.min(75, live.length) : rng.skewed(150);
      const chosen = new Set<string>();
      for (let k = 0; k < count * 3 && chosen.size < count; k++) {
        const note = live[rng.int(0, live.length - 1)];
        if (note && note.userId !== user.id) chosen.add(note.id);
      }
      this.favoriteIds.set(user.id, [...chosen]);
    }
  }

  private token(kind: string, id: string): string {
    // Real tokens look like "ABZ…=" (about 46 characters): opaque, bound to one note or user.
    return `AB${Rng.from(this.seed, "xsec", kind, id).chars(TOKEN_ALPHABET, 43)}=`;
  }

  private shortCode(kind: string, id: string): string {
    const rng = Rng.from(this.seed, "short", kind, id);
    return rng.chars(TOKEN_ALPHABET, rng.int(7, 11));
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
    if (this.threads.size > 2000) this.threads.clear();
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
    if (this.searchCache.size > 500) this.searchCache.clear();
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
    if (this.signs.size > 50_000) this.signs.clear();
    this.signs.set(key, value);
    return value;
  }

  hex8(...parts: (string | number)[]): string {
    return hex8(this.seed, ...parts);
  }
}

function byTimeDesc(a: WorldNote, b: WorldNote): number {
  return b.time - a.time || (a.id < b.id ? 1 : -1);
}

/** Build a world (a thin wrapper for symmetry with createSimulatorCore). */
export function createWorld(seed = 1, size?: WorldSizeName | Partial<WorldSize>): World {
  return new World(seed, size);
}
