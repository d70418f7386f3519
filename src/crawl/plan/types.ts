/** The normalized plan: every default filled in (normalize.ts makes it from a plan file or flags). */
import type { CommentSort, NoteTypeFilter, SearchSort, TimeFilter, TopicSort } from "../../catalog/filters.js";

export interface SearchSlice {
  sort: SearchSort;
  type: NoteTypeFilter;
  time: TimeFilter;
}

export interface KeywordSeed {
  keyword: string;
  /** One slice without split; the cross product of the split's sorts × types × times with it. */
  slices: SearchSlice[];
  limit: number;
  split: boolean;
}
export interface UserSeed {
  ref: string;
  limit: number;
}
export interface TopicSeed {
  pageId: string;
  sort: TopicSort;
  limit: number;
}

export interface CrawlMedia {
  images: boolean;
  videos: "best" | "none";
  covers: boolean;
  videoCodec: "any" | "h264" | "h265";
  dir: string;
}

/** The plan with every default filled in: what the engine runs and what the hash is taken over. */
export interface CrawlPlan {
  name: string | null;
  keywords: KeywordSeed[];
  notes: string[];
  users: UserSeed[];
  topics: TopicSeed[];
  expand: {
    details: boolean;
    /** `sort: null`: none asked, so the complete order (newest first where the series can; see comments.list). */
    comments: { maxPerNote: number; replies: boolean; maxRepliesPerThread: number; sort: CommentSort | null } | null;
    authors: boolean;
    authorNotes: { limit: number } | null;
    /** Absent when off, so the hash of a plan without media is what it was before the option existed. */
    media?: CrawlMedia;
  };
  maxNotes: number;
  since: string | null;
  incremental: boolean;
  concurrency: number;
}
