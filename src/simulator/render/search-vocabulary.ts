/**
 * The search vocabulary every renderer reads: each series' sort and note-type values mapped onto the world's
 * filters, and the result list as the API serves it (capped). The simulator keeps its own tables rather than
 * the catalogue's (src/catalog/filters.ts), so a wrong mapping on the client side cannot hide here.
 */
import { SEARCH_CAP_NOTES } from "../quirks.js";
import type { SearchFilters, WorldNote } from "../world/types.js";
import type { RenderContext } from "./types.js";

/** Sort values of both app series (App V2 `sort_type`, App V1 `sort_type`). */
export const APP_SEARCH_SORTS: Record<string, NonNullable<SearchFilters["sort"]>> = {
  general: "general",
  time_descending: "latest",
  popularity_descending: "most_liked",
  comment_descending: "most_commented",
  collect_descending: "most_collected",
};
export const APP_NOTE_TYPES: Record<string, NonNullable<SearchFilters["noteType"]>> = {
  不限: "all",
  视频笔记: "video",
  普通笔记: "image",
  直播笔记: "live",
};
export const APP_TIME_FILTERS: Record<string, NonNullable<SearchFilters["time"]>> = {
  不限: "all",
  一天内: "day",
  一周内: "week",
  半年内: "half_year",
};

/** Web V3 `sort` values. */
export const WEB_SORTS: Record<string, NonNullable<SearchFilters["sort"]>> = {
  general: "general",
  time_descending: "latest",
  popularity_descending: "most_liked",
};
/** Web V3 `note_type` values. */
export const WEB_NOTE_TYPES: Record<string, NonNullable<SearchFilters["noteType"]>> = {
  "0": "all",
  "1": "image",
  "2": "video",
};

/** Search results as the API serves them: capped at about 11 pages when the quirk is on. */
export function servedSearch(ctx: RenderContext, keyword: string, filters: SearchFilters): readonly WorldNote[] {
  const all = ctx.world.search(keyword, filters);
  return ctx.quirks.searchCap ? all.slice(0, SEARCH_CAP_NOTES) : all;
}
