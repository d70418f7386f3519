/**
 * The real API's quirks the simulator reproduces. Each one is switchable; all are on by default, so a
 * client tested against the simulator meets what it would meet against TikHub.
 */
export interface Quirks {
  /**
   * App V2 get_video_note_detail on an image note: HTTP 200, `success: true`, and *other* notes
   * (recommendations) instead of the one asked for. Off: the image note is answered at [0].
   */
  videoDetailOnImageNote: boolean;
  /** App V2 get_image_note_detail on a video note: `data.data[0].note_list` is empty. Off: the video note is answered. */
  imageDetailOnVideoNote: boolean;
  /**
   * Web V3 note detail, comments and replies need the note's xsec_token: missing → 422, empty → 400,
   * wrong → 200 with inner `success:false` "当前笔记暂时无法浏览". Off: any token (or none) is accepted.
   */
  webV3NeedsToken: boolean;
  /** Some notes are deleted: each series answers them its own way (see DELETED_NOTE_ANSWERS). Off: they answer normally. */
  deletedNotes: boolean;
  /** About 1% of notes are hidden from the web: Web V3 answers "当前笔记暂时无法浏览", the app series answer. */
  webRestrictedNotes: boolean;
  /** Note search stops after about 11 pages (220 notes): later pages are empty. Off: every match is reachable. */
  searchCap: boolean;
  /**
   * App V2 comments paged in `sort_strategy=default` (relevance) order lose and repeat comments past the first
   * page, as TikHub documents (docs/reference-notes.md#comment-sort-and-paging): each later page skips 1–2
   * comments for good and repeats 1–2 of the page before, chosen from the seed. Off: `default` pages through
   * every comment once (like like_count).
   */
  defaultSortPagingDrift: boolean;
}

export const DEFAULT_QUIRKS: Quirks = {
  videoDetailOnImageNote: true,
  imageDetailOnVideoNote: true,
  webV3NeedsToken: true,
  deletedNotes: true,
  webRestrictedNotes: true,
  searchCap: true,
  defaultSortPagingDrift: true,
};

/** Search answers stop after this many notes when `searchCap` is on (11 pages of 20). */
export const SEARCH_CAP_NOTES = 220;

/**
 * How each series answers a deleted note (all HTTP 200, billed). Chosen from the known messages
 * (docs/reference-notes.md#not-found-signals); recorded in docs/decisions.md.
 */
export const DELETED_NOTE_ANSWERS = {
  /** App V2 detail: inner failure "服务异常" (code -1). Comments/replies: an empty page. */
  app_v2: { code: -1, msg: "服务异常" },
  /** App V1 (XHS app payloads): XHS's own "note unavailable" code. */
  app_v1: { code: -510001, msg: "笔记状态异常，请稍后查看" },
  /** Web V3: the web's "当前笔记暂时无法浏览" (also for wrong tokens and web-restricted notes). */
  web_v3: { code: -510001, msg: "当前笔记暂时无法浏览" },
} as const;

export function resolveQuirks(overrides: Partial<Quirks> | undefined): Quirks {
  return { ...DEFAULT_QUIRKS, ...(overrides ?? {}) };
}
