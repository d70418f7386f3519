/**
 * How App V2 requests are built, and how it resolves share text: its detail endpoints take `share_text` in
 * place of an id, and answer the record (or nothing), never another one.
 */
import { endpoint } from "../../catalog/endpoints.js";
import type { Note, User } from "../../model/types.js";
import { byKeyword, byNoteId, byPageId, byUserId, repliesByCommentId } from "../shared/requests.js";
import { canonicalUrl } from "../shared/share-links.js";
import type { RequestBuilders, ShareLinkResolver } from "../types.js";

export const APP_V2_REQUESTS: RequestBuilders = {
  note: byNoteId,
  user: byUserId,
  topic: byPageId,
  userNotes: byUserId,
  userFavorites: byUserId,
  comments: byNoteId,
  replies: repliesByCommentId,
  searchNotes: byKeyword,
  searchUsers: byKeyword,
  topicNotes: byPageId,
};

export const APP_V2_SHARE_LINKS: ShareLinkResolver = {
  series: "app_v2",
  request: (kind, link) => ({
    endpoint: endpoint(kind === "note" ? "app_v2/get_image_note_detail" : "app_v2/get_user_info"),
    params: { share_text: link },
  }),
  read: (kind, items) => {
    const first = items[0] as Note | User | undefined;
    if (!first) return null;
    return {
      kind,
      id: first.id,
      xsecToken: first.xsecToken,
      url: canonicalUrl({ kind, id: first.id, xsecToken: first.xsecToken }),
    };
  },
};
