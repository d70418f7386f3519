/**
 * The words every layer shares: the TikHub series xhs-kit speaks and the capabilities a user can ask for.
 * Named the same everywhere (records, options, CLI flags, the ledger).
 */

/** The TikHub endpoint series, in the router's default order of preference. */
export const SERIES = ["app_v2", "app_v1", "web_v3"] as const;
export type Series = (typeof SERIES)[number];

/** What a user asks for; the router maps a capability onto the endpoints of each series that serve it. */
export const CAPABILITIES = [
  "note",
  "user",
  "userNotes",
  "userFavorites",
  "comments",
  "replies",
  "searchNotes",
  "searchUsers",
  "topic",
  "topicNotes",
  "resolveNote",
  "resolveUser",
] as const;
export type Capability = (typeof CAPABILITIES)[number];
