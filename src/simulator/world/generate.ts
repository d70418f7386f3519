/**
 * Generation of the world: topics, users, notes and the indexes over them, deterministically from a seed
 * (the order of the draws is the world: reordering them changes every id). World (world.ts) answers the
 * queries over what this builds; comments are generated later, on demand (comments.ts).
 */
import { type ThreadContext, totalReplies } from "./comments.js";
import { DAY, GUIDE, WORLD_NOW } from "./guide.js";
import { Rng } from "./random.js";
import { CATEGORIES, type Category, IP_LOCATIONS, nickname, noteText, userDesc } from "./text.js";
import {
  WORLD_SIZES,
  type WorldImage,
  type WorldNote,
  type WorldSize,
  type WorldSizeName,
  type WorldTopic,
  type WorldUser,
  type WorldVideo,
} from "./types.js";

const TOKEN_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
const EXTRA_TOPICS = ["日常", "生活记录", "好物分享", "OOTD", "vlog", "治愈系", "周末", "打卡", "种草", "新手教程"];

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

/** Everything generated: the lists in generation order and the indexes the queries read. */
export interface WorldData {
  readonly userList: WorldUser[];
  readonly usersById: Map<string, WorldUser>;
  readonly noteList: WorldNote[];
  readonly notesById: Map<string, WorldNote>;
  readonly topicList: WorldTopic[];
  readonly topicsById: Map<string, WorldTopic>;
  readonly topicByName: Map<string, WorldTopic>;
  /** A user's live notes, newest first. */
  readonly notesByUser: Map<string, WorldNote[]>;
  /** Public favourites by user id. */
  readonly favoriteIds: Map<string, string[]>;
  readonly notesByKeyword: Map<string, WorldNote[]>;
  readonly shortCodes: Map<string, { kind: "note" | "user"; id: string }>;
  /** What the lazily generated comments need (comments.ts). */
  readonly threadCtx: ThreadContext;
}

/** Generates a world's entities and indexes from a seed and a resolved size. */
export function generateWorld(seed: number, size: WorldSize): WorldData {
  return new WorldGenerator(seed, size).data();
}

class WorldGenerator {
  private readonly now = WORLD_NOW;
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
  private readonly threadCtx: ThreadContext;

  constructor(
    private readonly seed: number,
    private readonly size: WorldSize,
  ) {
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

  data(): WorldData {
    return {
      userList: this.userList,
      usersById: this.usersById,
      noteList: this.noteList,
      notesById: this.notesById,
      topicList: this.topicList,
      topicsById: this.topicsById,
      topicByName: this.topicByName,
      notesByUser: this.notesByUser,
      favoriteIds: this.favoriteIds,
      notesByKeyword: this.notesByKeyword,
      shortCodes: this.shortCodes,
      threadCtx: this.threadCtx,
    };
  }

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
    return xsecTokenOf(this.seed, kind, id);
  }

  private shortCode(kind: string, id: string): string {
    return shortCodeOf(this.seed, kind, id);
  }
}

/** A note's or user's xsec_token: a function of the seed and the id (the timeline's new notes use it too). */
export function xsecTokenOf(seed: number, kind: string, id: string): string {
  // Real tokens look like "ABZ…=" (about 46 characters): opaque, bound to one note or user.
  return `AB${Rng.from(seed, "xsec", kind, id).chars(TOKEN_ALPHABET, 43)}=`;
}

/** A note's or user's short-link code: a function of the seed and the id. */
export function shortCodeOf(seed: number, kind: string, id: string): string {
  const rng = Rng.from(seed, "short", kind, id);
  return rng.chars(TOKEN_ALPHABET, rng.int(7, 11));
}

/** Newest first; ties by id. */
export function byTimeDesc(a: WorldNote, b: WorldNote): number {
  return b.time - a.time || (a.id < b.id ? 1 : -1);
}
