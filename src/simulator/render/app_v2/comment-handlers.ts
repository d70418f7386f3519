/** App V2 comment routes: get_note_comments (three sort orders, the relevance drift) and get_note_sub_comments. */
import type { CommentOrder } from "../../world/types.js";
import { cursorId } from "../comment-cursor.js";
import type { RenderContext, RenderOutcome } from "../types.js";
import { APP_V2_PAGE, isDeleted, noteFromArgs, ok } from "./answer.js";
import { replyComment, topComment } from "./comment-fragments.js";

function commentOrder(sort: string): CommentOrder {
  return sort === "latest_v2" ? "latest" : sort === "default" ? "relevance" : "most_liked";
}

const SORT_STRATEGIES = [
  { optional_name: "默认", suffix_name: "", type: "default" },
  { optional_name: "最新", suffix_name: "", type: "latest_v2" },
  { optional_name: "最热", suffix_name: "", type: "like_count" },
];

export function emptyComments(noteUserId: string, sort: string) {
  return {
    all_sort_strategies: SORT_STRATEGIES,
    comment_count: 0,
    comment_count_l1: 0,
    comments: [],
    current_sort_strategy: sort,
    cursor: "",
    has_more: false,
    page_context: "",
    user_id: noteUserId,
  };
}

export function noteComments(ctx: RenderContext): RenderOutcome {
  const sort = ["default", "latest_v2", "like_count"].includes(ctx.args.sort_strategy ?? "")
    ? (ctx.args.sort_strategy as string)
    : "latest_v2";
  const { note } = noteFromArgs(ctx);
  const threads = note ? ctx.world.threadsOf(note.id) : undefined;
  if (!note || !threads || isDeleted(ctx, note) || ctx.args.pageArea === "FOLDED") {
    return ok(ctx, emptyComments(note?.userId ?? "", sort));
  }
  const order = commentOrder(sort);
  const cursor = cursorId(ctx.args.cursor ?? "");
  let start = 0;
  if (cursor !== "") {
    const parsed = threads.parseId(cursor);
    start = parsed && parsed.reply === 0 ? threads.positionOf(order, parsed.index) + 1 : -1;
  }
  if (start < 0)
    return ok(ctx, {
      ...emptyComments(note.userId, sort),
      comment_count: note.commentsTotal,
      comment_count_l1: note.commentsL1,
    });
  // Relevance order past the first page loses and repeats comments (TikHub's docs; the quirk, see quirks.ts).
  const drift = sort === "default" && start > 0 && ctx.quirks.defaultSortPagingDrift;
  const { positions, end } = drift
    ? threads.driftedPage(start, APP_V2_PAGE.comments)
    : straightPage(start, Math.min(note.commentsL1, start + APP_V2_PAGE.comments));
  const comments = positions.map((p) => topComment(ctx.world, note, threads.top(threads.orderIndex(order, p))));
  const last = comments.at(-1);
  return ok(ctx, {
    all_sort_strategies: SORT_STRATEGIES,
    comment_count: note.commentsTotal,
    comment_count_l1: note.commentsL1,
    comments,
    current_sort_strategy: sort,
    cursor: last?.id ?? "",
    has_more: end < note.commentsL1,
    page_context: JSON.stringify({ page: Math.floor(start / APP_V2_PAGE.comments) + 1 }),
    user_id: note.userId,
  });
}

function straightPage(start: number, end: number): { positions: number[]; end: number } {
  const positions: number[] = [];
  for (let p = start; p < end; p++) positions.push(p);
  return { positions, end };
}

export function subComments(ctx: RenderContext): RenderOutcome {
  const { note } = noteFromArgs(ctx);
  const threads = note ? ctx.world.threadsOf(note.id) : undefined;
  const root = threads?.parseId(ctx.args.comment_id ?? "");
  const empty = { comments: [], cursor: "", has_more: false, page_context: "" };
  if (!note || !threads || !root || root.reply !== 0 || isDeleted(ctx, note)) return ok(ctx, empty);
  const total = threads.replyCount(root.index);
  const cursor = cursorId(ctx.args.cursor ?? "");
  let start = 0;
  if (cursor !== "") {
    const parsed = threads.parseId(cursor);
    start = parsed && parsed.index === root.index && parsed.reply > 0 ? parsed.reply : -1;
  }
  if (start < 0) return ok(ctx, empty);
  const end = Math.min(total, start + APP_V2_PAGE.replies);
  const comments = [];
  for (let j = start; j < end; j++) comments.push(replyComment(ctx.world, note, threads.reply(root.index, j)));
  return ok(ctx, {
    comments,
    cursor: comments.at(-1)?.id ?? "",
    has_more: end < total,
    page_context: JSON.stringify({ root: ctx.args.comment_id }),
  });
}
