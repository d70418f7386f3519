/**
 * Comments and replies of one note, generated on demand from (seed, note id, index).
 *
 * Nothing is stored per comment: a comment's id encodes its position, so any id a client got on an
 * earlier page (or from an earlier run with the same seed) can be resolved without a lookup table.
 * Id layout (24 hex): creation time in seconds (8) + top-level index (6) + reply number (4, 0 for a
 * top-level comment, j+1 for reply j) + check digits (6). The first 8 hex digits are the creation time,
 * as on XHS.
 */
import { hash32, hexN, mix32, Rng } from "./random.js";
import { commentText, IP_LOCATIONS, replyText } from "./text.js";
import type { CommentOrder, WorldComment, WorldNote } from "./types.js";

export interface ThreadContext {
  seed: number;
  now: number;
  /** Pick a commenting user from a hash (the world's user list). */
  userAt(h: number): { id: string; nickname: string };
  /** Size of the huge note's longest reply thread (long threads live on the huge note). */
  longestThread: number;
  hugeNoteId: string;
}

/** Replies under top-level comment `index` of a note: most none, some a few, a few long threads. */
export function replyCountOf(
  ctx: ThreadContext,
  note: Pick<WorldNote, "id">,
  index: number,
  base = noteBase(ctx, note.id),
): number {
  if (note.id === ctx.hugeNoteId && index < 4) {
    // The guide's reply-example note carries the long threads: the longest, then shorter ones.
    return Math.max(1, Math.floor(ctx.longestThread / (index * 3 + 1)));
  }
  const h = mix32(base, index);
  const bucket = h % 100;
  if (bucket < 68) return 0;
  if (bucket < 90) return 1 + ((h >>> 8) % 3);
  if (bucket < 98) return 4 + ((h >>> 8) % 12);
  return 16 + ((h >>> 8) % 45);
}

/** One string hash per (seed, note); per-index values then cost an integer mix only. */
function noteBase(ctx: ThreadContext, noteId: string): number {
  return hash32(ctx.seed, noteId, "replies");
}

/** Sum of replies under a note's first `count` comments (cheap: one hash per comment). */
export function totalReplies(ctx: ThreadContext, note: Pick<WorldNote, "id">, count: number): number {
  let total = 0;
  const base = noteBase(ctx, note.id);
  for (let i = 0; i < count; i++) total += replyCountOf(ctx, note, i, base);
  return total;
}

export interface ParsedCommentId {
  time: number;
  index: number;
  /** 0 for a top-level comment, j+1 for reply j. */
  reply: number;
}

/**
 * The comments of one note: lazily built views (by time, by likes) and on-demand comment records.
 *
 * Indexes: 0 … base-1 are the comments the note was generated with (0 the newest of them); in a moving world
 * the comments that arrived later follow as base, base+1, … (oldest arrival first), so every comment keeps its
 * index, and so its id, as more arrive. Newest first, the late ones come before the generated ones.
 */
export class NoteThreads {
  private likeOrder: Int32Array | null = null;
  private likeRank: Int32Array | null = null;
  /** The comment count the like order was built for (more may have arrived since). */
  private likeCount = -1;
  private pinned: number | undefined;

  private readonly base: number;

  constructor(
    private readonly ctx: ThreadContext,
    readonly note: WorldNote,
  ) {
    this.base = noteBase(ctx, note.id);
  }

  get count(): number {
    return this.note.commentsL1;
  }

  /** The comments the note was generated with (the rest arrived later). */
  private get generated(): number {
    return this.note.commentsL1Base ?? this.note.commentsL1;
  }

  /** Comments that arrived after the world started moving. */
  private get late(): number {
    return this.note.commentsL1 - this.generated;
  }

  /** Creation time (s) of top-level comment `index`: index 0 is the newest generated one. */
  topTime(index: number): number {
    const n = this.generated;
    if (index >= n) return this.note.lateCommentTimes?.[index - n] ?? this.ctx.now;
    const span = Math.max(1, this.ctx.now - this.note.time);
    return this.note.time + Math.floor((span * (n - index)) / (n + 1));
  }

  replyTime(index: number, j: number, replies: number): number {
    const t0 = this.topTime(index);
    const span = Math.max(1, this.ctx.now - t0);
    return t0 + Math.floor((span * (j + 1)) / (replies + 1));
  }

  likesOf(index: number): number {
    const h = mix32(this.base ^ 0x5bd1e995, index);
    // Heavy tail: most comments have a few likes, a handful have thousands.
    const cap = Math.max(10, Math.floor(this.note.likes / 20));
    return Math.floor(Math.exp((h / 0x1_0000_0000) * Math.log(cap + 1))) - 1;
  }

  replyCount(index: number): number {
    // A comment that arrived while the world moved has no replies (yet): its thread would be in its future.
    if (index >= this.generated) return 0;
    return replyCountOf(this.ctx, this.note, index, this.base);
  }

  /** The top-level comment the note's author pinned, or -1: about a third of the notes with comments have one. */
  get pinnedIndex(): number {
    if (this.pinned === undefined) {
      const n = this.generated;
      const h = mix32(this.base ^ 0x1b873593, n);
      this.pinned = n > 0 && h % 3 === 0 ? (h >>> 8) % n : -1;
    }
    return this.pinned;
  }

  commentId(index: number, reply: number, time: number): string {
    return (
      time.toString(16).padStart(8, "0") +
      index.toString(16).padStart(6, "0") +
      reply.toString(16).padStart(4, "0") +
      this.check(index, reply)
    );
  }

  /** 6 hex check digits of (note, index, reply): an integer mix, no string hashing (ids are made often). */
  private check(index: number, reply: number): string {
    return (mix32(this.base ^ Math.imul(reply + 1, 0x27d4eb2d), index) & 0xffffff).toString(16).padStart(6, "0");
  }

  /** Decode and verify a comment id of this note; null when it is not one. */
  parseId(id: string): ParsedCommentId | null {
    if (!/^[0-9a-f]{24}$/.test(id)) return null;
    const index = Number.parseInt(id.slice(8, 14), 16);
    const reply = Number.parseInt(id.slice(14, 18), 16);
    if (index >= this.note.commentsL1) return null;
    if (reply > 0 && reply > this.replyCount(index)) return null;
    if (id.slice(18) !== this.check(index, reply)) return null;
    return { time: Number.parseInt(id.slice(0, 8), 16), index, reply };
  }

  /** Top-level comment `index` (0 = newest). */
  top(index: number): WorldComment {
    const time = this.topTime(index);
    const rng = Rng.from(this.ctx.seed, this.note.id, index, "c");
    const byAuthor = rng.bool(0.08);
    const user = byAuthor ? { id: this.note.userId, nickname: "" } : this.ctx.userAt(rng.int(0, 0x7fffffff));
    const mention = rng.bool(0.1) ? [this.ctx.userAt(rng.int(0, 0x7fffffff))] : [];
    return {
      id: this.commentId(index, 0, time),
      noteId: this.note.id,
      rootId: null,
      index,
      replyIndex: -1,
      userId: user.id,
      content: commentText(
        rng,
        mention.map((m) => m.nickname),
      ),
      time,
      likes: this.likesOf(index),
      ipLocation: rng.pick(IP_LOCATIONS),
      replyCount: this.replyCount(index),
      targetId: null,
      targetUserId: null,
      picture: rng.bool(0.06)
        ? { fileId: `comment/1040g${hexN(30, this.ctx.seed, this.note.id, index, "pic")}`, width: 1080, height: 1440 }
        : null,
      atUserIds: mention.map((m) => m.id),
      pinned: index === this.pinnedIndex,
    };
  }

  /** Reply `j` (0 = oldest) under top-level comment `index`. */
  reply(index: number, j: number): WorldComment {
    const replies = this.replyCount(index);
    const rootTime = this.topTime(index);
    const rootId = this.commentId(index, 0, rootTime);
    const time = this.replyTime(index, j, replies);
    const rng = Rng.from(this.ctx.seed, this.note.id, index, j, "r");
    const user = rng.bool(0.1) ? { id: this.note.userId, nickname: "" } : this.ctx.userAt(rng.int(0, 0x7fffffff));
    let targetId = rootId;
    let targetUserId = this.top(index).userId;
    if (j > 0 && rng.bool(0.4)) {
      // Answers an earlier reply in the thread.
      const k = rng.int(0, j - 1);
      targetId = this.commentId(index, k + 1, this.replyTime(index, k, replies));
      targetUserId = this.replyUser(index, k);
    }
    return {
      id: this.commentId(index, j + 1, time),
      noteId: this.note.id,
      rootId,
      index,
      replyIndex: j,
      userId: user.id,
      content: replyText(rng),
      time,
      likes: Math.floor(this.likesOf(index) / (j + 3)),
      ipLocation: rng.pick(IP_LOCATIONS),
      replyCount: 0,
      targetId,
      targetUserId,
      picture: null,
      atUserIds: [],
      pinned: false,
    };
  }

  private replyUser(index: number, j: number): string {
    const rng = Rng.from(this.ctx.seed, this.note.id, index, j, "r");
    return rng.bool(0.1) ? this.note.userId : this.ctx.userAt(rng.int(0, 0x7fffffff)).id;
  }

  /**
   * Top-level comment indexes in an order: latest (index order), most liked (cached permutation), or relevance
   * (the pinned comment first, then the most liked others).
   */
  orderIndex(order: CommentOrder, position: number): number {
    if (order === "latest") {
      const late = this.late;
      return position < late ? this.generated + (late - 1 - position) : position - late;
    }
    const { order: liked, rank } = this.likeSorted();
    const pinned = this.pinnedIndex;
    if (order === "most_liked" || pinned < 0) return liked[position] ?? -1;
    if (position === 0) return pinned;
    const q = position - 1;
    return liked[q < (rank[pinned] ?? 0) ? q : q + 1] ?? -1;
  }

  /** Position of top-level comment `index` in an order. */
  positionOf(order: CommentOrder, index: number): number {
    if (order === "latest") {
      const late = this.late;
      return index >= this.generated ? late - 1 - (index - this.generated) : index + late;
    }
    const { rank } = this.likeSorted();
    const position = rank[index] ?? -1;
    const pinned = this.pinnedIndex;
    if (order === "most_liked" || pinned < 0 || position < 0) return position;
    if (index === pinned) return 0;
    return position < (rank[pinned] ?? 0) ? position + 1 : position;
  }

  private likeSorted(): { order: Int32Array; rank: Int32Array } {
    if (!this.likeOrder || !this.likeRank || this.likeCount !== this.note.commentsL1) {
      const n = this.note.commentsL1;
      this.likeCount = n;
      const likes = new Float64Array(n);
      for (let i = 0; i < n; i++) likes[i] = this.likesOf(i);
      const order = new Int32Array(n);
      for (let i = 0; i < n; i++) order[i] = i;
      order.sort((a, b) => (likes[b] ?? 0) - (likes[a] ?? 0) || a - b);
      const rank = new Int32Array(n);
      for (let p = 0; p < n; p++) rank[order[p] ?? 0] = p;
      this.likeOrder = order;
      this.likeRank = rank;
    }
    return { order: this.likeOrder, rank: this.likeRank };
  }

  /**
   * The order positions of one page after position `start` as App V2 pages `sort_strategy=default`
   * past its first page (the defaultSortPagingDrift quirk): the ranking shifts between requests, so the window
   * after the cursor loses 1–2 comments for good (they slid above the cursor) and repeats 1–2 of the page
   * before (they slid below it). Deterministic per (seed, note, start). The page ends with the window's last
   * comment, so its cursor (that comment's id) always advances to `end`.
   */
  driftedPage(start: number, size: number): { positions: number[]; end: number } {
    const n = this.note.commentsL1;
    const rng = Rng.from(this.ctx.seed, this.note.id, start, "drift");
    const lose = rng.int(1, 2);
    const end = Math.min(n, start + size + lose);
    const window: number[] = [];
    for (let p = start; p < end; p++) window.push(p);
    // Never the window's last comment: it carries the cursor.
    for (let k = 0; k < lose && window.length > 1; k++) window.splice(rng.int(0, window.length - 2), 1);
    const earlier: number[] = [];
    for (let p = Math.max(0, start - size); p < start; p++) earlier.push(p);
    const repeat = rng.int(1, 2);
    for (let k = 0; k < repeat && earlier.length > 0; k++) {
      const [again] = earlier.splice(rng.int(0, earlier.length - 1), 1);
      window.splice(rng.int(0, window.length - 1), 0, again!);
    }
    return { positions: window, end };
  }

  /** Every top-level comment in an order (for tests; the huge note makes this large). */
  all(order: CommentOrder): WorldComment[] {
    const out: WorldComment[] = [];
    for (let p = 0; p < this.note.commentsL1; p++) out.push(this.top(this.orderIndex(order, p)));
    return out;
  }

  /** Every reply under top-level comment `index`, oldest first. */
  allReplies(index: number): WorldComment[] {
    const out: WorldComment[] = [];
    const n = this.replyCount(index);
    for (let j = 0; j < n; j++) out.push(this.reply(index, j));
    return out;
  }
}
