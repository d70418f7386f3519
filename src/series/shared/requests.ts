/**
 * Request builders several series use as they are: most capabilities take the same parameter names on every
 * series that serves them (`note_id`, `user_id`, `page_id`, `keyword`).
 */
import type { RequestParams } from "../types.js";

export const byNoteId = ({ noteId }: { noteId: string }): RequestParams => ({ note_id: noteId });

/** The note id, and its xsec_token when known (a series that needs the token cannot serve the note without it). */
export const byNoteIdAndToken = ({ noteId, xsecToken }: { noteId: string; xsecToken: string | null }): RequestParams =>
  xsecToken ? { note_id: noteId, xsec_token: xsecToken } : { note_id: noteId };

export const byUserId = ({ userId }: { userId: string }): RequestParams => ({ user_id: userId });

export const byPageId = ({ pageId }: { pageId: string }): RequestParams => ({ page_id: pageId });

/** A search starts at page 1; the next pages' numbers and search ids come from the answers. */
export const byKeyword = ({ keyword }: { keyword: string }): RequestParams => ({ keyword, page: "1" });

/** App-style replies: the note and the id of the comment whose replies are asked for. */
export const repliesByCommentId = ({ noteId, commentId }: { noteId: string; commentId: string }): RequestParams => ({
  note_id: noteId,
  comment_id: commentId,
});
