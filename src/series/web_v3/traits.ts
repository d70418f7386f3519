/**
 * What Web V3's answers mean where the series differ (see SeriesTraits in ../types.ts).
 */
import type { SeriesTraits } from "../types.js";

export const WEB_V3_TRAITS: SeriesTraits = {
  emptyImageDetailMeansVideo: false,
  notFoundVotes: {},
  lossyCommentPaging: null,
};
