/**
 * What App V2's answers mean where the series differ (see SeriesTraits in ../types.ts).
 */
import type { SeriesTraits } from "../types.js";

/**
 * Said on an App V2 comment list in relevance order once it is paged past its first page: TikHub documents
 * that `sort_strategy=default` loses or repeats comments when paged.
 */
export const RELEVANCE_PAGING_REASON =
  "app_v2 comments in relevance order (sort: default) past the first page: TikHub's paging of this order loses or repeats comments (repeats were dropped; leave sort unset for a complete list, newest first)";

export const APP_V2_TRAITS: SeriesTraits = {
  // Its image endpoint answers an empty note_list for a video note: the video endpoint is asked next.
  emptyImageDetailMeansVideo: true,
  notFoundVotes: {
    // "服务异常" is App V2's answer to an id it does not know (docs/reference-notes.md), and also to many passing
    // faults. A vote only on topic info, which no other series serves: a note or a user has a second series
    // to give a clearer answer, a topic has only App V2 asked again (see runFailoverRounds).
    topic: /服务异常/,
  },
  lossyCommentPaging: { sort: "default", reason: RELEVANCE_PAGING_REASON },
};
