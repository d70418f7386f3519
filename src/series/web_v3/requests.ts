/**
 * How Web V3 requests are built: note detail, comments and replies carry the note's xsec_token (the router
 * asks this series only when it is known), and replies name their thread by `root_comment_id`.
 */
import { byKeyword, byNoteIdAndToken, byUserId } from "../shared/requests.js";
import type { RequestBuilders } from "../types.js";

export const WEB_V3_REQUESTS: RequestBuilders = {
  note: byNoteIdAndToken,
  user: byUserId,
  userNotes: byUserId,
  comments: byNoteIdAndToken,
  replies: (input) => ({ ...byNoteIdAndToken(input), root_comment_id: input.commentId }),
  searchNotes: byKeyword,
  searchUsers: byKeyword,
};
