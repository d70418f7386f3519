/**
 * The simulated world's own records: the truth every renderer draws from and every test checks against.
 * Times are Unix seconds unless a name says otherwise; counts are plain integers (renderers format them).
 */

/** How big a world is. Comments and replies are generated lazily, so large counts cost little at start. */
export interface WorldSize {
  users: number;
  notes: number;
  topics: number;
  /** Top-level comments of the busiest ordinary note (most notes have far fewer). */
  maxCommentsPerNote: number;
  /** Top-level comments of the guide's reply-example note 699916e6000000001d0253da (the "huge" note). */
  hugeNoteComments: number;
  /** Replies under the longest thread of the huge note. */
  longestThread: number;
  /** Share of notes that are deleted (0..1). */
  deletedShare: number;
}

export const WORLD_SIZES = {
  tiny: {
    users: 40,
    notes: 400,
    topics: 20,
    maxCommentsPerNote: 60,
    hugeNoteComments: 300,
    longestThread: 45,
    deletedShare: 0.02,
  },
  default: {
    users: 300,
    notes: 3000,
    topics: 40,
    maxCommentsPerNote: 400,
    hugeNoteComments: 3000,
    longestThread: 600,
    deletedShare: 0.015,
  },
  large: {
    users: 2000,
    notes: 20000,
    topics: 60,
    maxCommentsPerNote: 1000,
    hugeNoteComments: 120_000,
    longestThread: 5000,
    deletedShare: 0.01,
  },
} as const satisfies Record<string, WorldSize>;

export type WorldSizeName = keyof typeof WORLD_SIZES;

export type NoteKind = "normal" | "video";

export interface WorldImage {
  /** XHS file id, e.g. "1040g2sg31…" (also the CDN path). */
  fileId: string;
  width: number;
  height: number;
  /** Present when the image is a live photo: its short motion clip. */
  livePhoto: { fileId: string; videoId: string; durationSec: number; width: number; height: number } | null;
}

export interface WorldVideo {
  /** 18-digit decimal string: exceeds 2^53, so JSON numbers of it lose precision. */
  videoId: string;
  durationSec: number;
  width: number;
  height: number;
  /** Stream key used in the CDN path, e.g. "01e705f4c1a4d60e0103…". */
  streamKey: string;
  md5: string;
  originVideoKey: string;
}

export interface WorldUser {
  id: string;
  nickname: string;
  redId: string;
  desc: string;
  /** 0 male, 1 female (XHS's convention). */
  gender: 0 | 1;
  ipLocation: string;
  avatarKey: string;
  fans: number;
  follows: number;
  /** Category of content ("美食", "美妆", …) used to pick keywords and descriptions. */
  category: string;
  xsecToken: string;
  /** Short-link code: http://xhslink.com/m/<code> (also /a/, /o/ and xhslink.cn). */
  shortCode: string;
  verified: boolean;
  /** Whether the user's favourites are public (only those can be listed). */
  favoritesPublic: boolean;
  createdAt: number;
}

export interface WorldNote {
  id: string;
  type: NoteKind;
  title: string;
  /** Full body, with `#话题[话题]#` markers, emoji codes like `[笑哭R]` and @mentions. */
  desc: string;
  /** Creation time, Unix seconds; equals the id's first 8 hex digits. */
  time: number;
  lastUpdateTime: number;
  userId: string;
  /** Topic page ids of the note's hashtags. */
  topicIds: string[];
  /** Search keywords the note is filed under (its text contains each of them). */
  keywords: string[];
  /** User ids @-mentioned in the body. */
  atUserIds: string[];
  likes: number;
  collects: number;
  shares: number;
  views: number;
  /** Top-level comment count. */
  commentsL1: number;
  /**
   * Set once a moving world's comments arrive (timeline.ts): the top-level count the note was generated with.
   * The comments past it arrived later, at `lateCommentTimes` (Unix seconds, oldest first); undefined in a
   * static world.
   */
  commentsL1Base?: number;
  lateCommentTimes?: number[];
  /** All comments, top-level plus replies (what XHS shows as comments_count). */
  commentsTotal: number;
  images: WorldImage[];
  video: WorldVideo | null;
  ipLocation: string;
  xsecToken: string;
  /** Short-link code: http://xhslink.com/a/<code> (also /o/, /m/ and xhslink.cn). */
  shortCode: string;
  deleted: boolean;
  /** Hidden from the web (Web V3 answers "当前笔记暂时无法浏览") but readable in the app series. */
  webRestricted: boolean;
  /** Trend score used by "general"/"hot" orders (higher first). */
  hotScore: number;
}

export interface WorldComment {
  id: string;
  noteId: string;
  /** Null for a top-level comment; the top-level comment's id for a reply. */
  rootId: string | null;
  /** Index among the note's top-level comments (0 = newest). */
  index: number;
  /** For replies: index in the thread (0 = oldest); -1 for top-level comments. */
  replyIndex: number;
  userId: string;
  content: string;
  time: number;
  likes: number;
  ipLocation: string;
  /** Replies under this comment (0 for replies). */
  replyCount: number;
  /** For replies: the comment or reply this one answers. */
  targetId: string | null;
  targetUserId: string | null;
  /** Picture attached (some comments carry one). */
  picture: { fileId: string; width: number; height: number } | null;
  atUserIds: string[];
  /** Pinned by the note's author (top-level comments only, at most one per note). */
  pinned: boolean;
}

export interface WorldTopic {
  /** Topic page id (/page/topics/<pageId>): what get_topic_info / get_topic_feed take. */
  pageId: string;
  /** Hashtag id (differs from the page id, as on XHS). */
  tagId: string;
  name: string;
  views: number;
  discussions: number;
  createdAt: number;
}

/** Unified search filters, in the catalogue's vocabulary (src/catalog/filters.ts). */
export interface SearchFilters {
  sort?: "general" | "latest" | "most_liked" | "most_commented" | "most_collected";
  noteType?: "all" | "image" | "video" | "live";
  time?: "all" | "day" | "week" | "half_year";
}

/** `relevance`: App V2's `default` order, the pinned comment first, then most liked. */
export type CommentOrder = "latest" | "most_liked" | "relevance";

export type TopicOrder = "hot" | "time" | "trend";

export interface ResolvedShareLink {
  kind: "note" | "user";
  id: string;
  xsecToken: string;
  /** The long URL the link stands for. */
  url: string;
}
