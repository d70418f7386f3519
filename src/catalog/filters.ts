/**
 * One filter vocabulary for every series, mapped onto each series' own parameter values.
 * `null` in a mapping means the series cannot honour that value: the router skips the series for the
 * call unless the caller accepts degraded results (and then the result says so).
 */
import type { Series } from "../core/vocabulary.js";

export const SEARCH_SORTS = ["general", "latest", "most_liked", "most_commented", "most_collected"] as const;
export type SearchSort = (typeof SEARCH_SORTS)[number];

export const NOTE_TYPE_FILTERS = ["all", "image", "video", "live"] as const;
export type NoteTypeFilter = (typeof NOTE_TYPE_FILTERS)[number];

export const TIME_FILTERS = ["all", "day", "week", "half_year"] as const;
export type TimeFilter = (typeof TIME_FILTERS)[number];

export const COMMENT_SORTS = ["default", "latest", "most_liked"] as const;
export type CommentSort = (typeof COMMENT_SORTS)[number];

export const TOPIC_SORTS = ["general", "latest", "hottest"] as const;
export type TopicSort = (typeof TOPIC_SORTS)[number];

/** A series' parameter name and the value for each unified value (null: cannot honour). */
export interface FilterMapping<U extends string> {
  param: string;
  values: Record<U, string | number | null>;
}

type PerSeries<U extends string> = Record<Series, FilterMapping<U> | null>;

export const SEARCH_SORT_MAP: PerSeries<SearchSort> = {
  app_v2: {
    param: "sort_type",
    values: {
      general: "general",
      latest: "time_descending",
      most_liked: "popularity_descending",
      most_commented: "comment_descending",
      most_collected: "collect_descending",
    },
  },
  app_v1: {
    param: "sort_type",
    values: {
      general: "general",
      latest: "time_descending",
      most_liked: "popularity_descending",
      most_commented: "comment_descending",
      most_collected: "collect_descending",
    },
  },
  web_v3: {
    param: "sort",
    values: {
      general: "general",
      latest: "time_descending",
      most_liked: "popularity_descending",
      most_commented: null,
      most_collected: null,
    },
  },
};

export const NOTE_TYPE_MAP: PerSeries<NoteTypeFilter> = {
  app_v2: { param: "note_type", values: { all: "不限", image: "普通笔记", video: "视频笔记", live: "直播笔记" } },
  app_v1: { param: "filter_note_type", values: { all: "不限", image: "普通笔记", video: "视频笔记", live: null } },
  web_v3: { param: "note_type", values: { all: 0, image: 1, video: 2, live: null } },
};

export const TIME_FILTER_MAP: PerSeries<TimeFilter> = {
  app_v2: { param: "time_filter", values: { all: "不限", day: "一天内", week: "一周内", half_year: "半年内" } },
  app_v1: { param: "filter_note_time", values: { all: "不限", day: "一天内", week: "一周内", half_year: "半年内" } },
  // Web V3 has no time filter: only `all` is honoured (by sending nothing).
  web_v3: null,
};

export const COMMENT_SORT_MAP: PerSeries<CommentSort> = {
  app_v2: { param: "sort_strategy", values: { default: "default", latest: "latest_v2", most_liked: "like_count" } },
  app_v1: { param: "sort_strategy", values: { default: 1, latest: 2, most_liked: null } },
  // Web V3 comments take no sort: only `default` is honoured.
  web_v3: null,
};

export const TOPIC_SORT_MAP: PerSeries<TopicSort> = {
  app_v2: { param: "sort", values: { general: null, latest: "time", hottest: "trend" } },
  app_v1: { param: "sort", values: { general: "hot", latest: "time", hottest: "trend" } },
  web_v3: null,
};

/**
 * The parameter to send for a unified filter value on a series: `{}` when the value is the series'
 * "no filter" (or the series has no such filter and the value is the neutral one), a one-entry object
 * when it maps, and `null` when the series cannot honour it.
 */
export function mapFilter<U extends string>(
  table: PerSeries<U>,
  series: Series,
  value: U,
  neutral: U,
): Record<string, string | number> | null {
  const mapping = table[series];
  if (!mapping) return value === neutral ? {} : null;
  const mapped = mapping.values[value];
  if (mapped === null) return null;
  return { [mapping.param]: mapped };
}
