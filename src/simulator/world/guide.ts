/** The world's fixed clock and the usage guide's own examples, which every world holds. */

/** The world's fixed "now": 2026-09-01T00:00:00Z, in Unix seconds. Time filters are relative to it. */
export const WORLD_NOW = 1_788_220_800;

/** The usage guide's example ids and keywords; the world always holds them. */
export const GUIDE = {
  /** An image note (the usage guide's first example). */
  imageNoteId: "697c0eee000000000a03c308",
  /** The guide's reply example note: the world's "huge" note, with long reply threads. */
  replyNoteId: "699916e6000000001d0253da",
  /** A food blogger (the guide's user examples): author of the image note. */
  userId: "61b46d790000000010008153",
  /** A user with public favourites (the guide's favourites example). */
  favUserId: "5a8cf39111be10466d285d6b",
  /** A topic page (the guide's topic example), the topic 美食推荐. */
  topicPageId: "5c1cc866febed9000184b7c1",
  keywords: ["美食推荐", "美食博主", "口红"],
} as const;

/** One day, in seconds. */
export const DAY = 86_400;
