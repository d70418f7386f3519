/**
 * How App V1 requests are built, and its share-link tools (`extract_share_info` for notes,
 * `get_user_id_and_xsec_token` for profiles), which answer the id and token the link names.
 */
import { endpoint } from "../../catalog/endpoints.js";
import type { ResolvedLink } from "../../model/types.js";
import { byKeyword, byNoteId, byUserId, repliesByCommentId } from "../shared/requests.js";
import { canonicalUrl } from "../shared/share-links.js";
import type { RequestBuilders, ShareLinkResolver } from "../types.js";

export const APP_V1_REQUESTS: RequestBuilders = {
  note: byNoteId,
  user: byUserId,
  userNotes: byUserId,
  comments: byNoteId,
  replies: repliesByCommentId,
  searchNotes: byKeyword,
  // The first load time (ms) is required; it stays the same on every page (it stays in the params).
  topicNotes: ({ pageId, now }) => ({ page_id: pageId, first_load_time: String(now) }),
};

export const APP_V1_SHARE_LINKS: ShareLinkResolver = {
  series: "app_v1",
  request: (kind, link) => ({
    endpoint: endpoint(kind === "note" ? "app/extract_share_info" : "app/get_user_id_and_xsec_token"),
    params: { share_link: link },
  }),
  read: (kind, items) => {
    const first = items[0] as ResolvedLink | undefined;
    return first && first.kind === kind ? { ...first, url: first.url ?? canonicalUrl(first) } : null;
  },
};
