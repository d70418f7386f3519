/**
 * What App V1's answers mean where the series differ (see SeriesTraits in ../types.ts). Its note detail
 * answers video notes without their video URL: the catalogue says so (the endpoint's note types).
 */
import type { SeriesTraits } from "../types.js";

export const APP_V1_TRAITS: SeriesTraits = {
  emptyImageDetailMeansVideo: false,
  notFoundVotes: {},
  lossyCommentPaging: null,
};
