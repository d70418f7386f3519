/**
 * Web V3 answers (/api/v1/xiaohongshu/web_v3/…): XHS **web** payloads (as in the reference's XHS
 * web samples; docs/reference-notes.md#series-shapes) inside the envelope. No real Web V3 capture exists.
 *
 * ---- Inferred or unknown shapes: every choice in one place (also in docs/decisions.md) ----
 * - Key case: snake_case, the web API's own (`note_card`, `interact_info`, `image_list`, `has_more`). The whole
 *   series follows WEB_CASE below; a camelCase variant would be one switch here.
 * - Inner wrapper: the web response `{code:0, success:true, msg:"成功", data}`; user search uses code 1000 with
 *   `data.result` (as the web sample). Failures: `{code:-510001, success:false, msg, data:{}}`.
 * - Counts are strings, abbreviated from 10,000 on ("1.2万"); times in milliseconds. "10+" is not emitted:
 *   no observed web field uses it for a count the world holds.
 * - fetch_note_detail: `data.data.items[0].note_card` (web feed). Token: missing → 422, empty → 400,
 *   wrong/unknown/deleted/restricted → 200 + success:false "当前笔记暂时无法浏览" (quirks.ts).
 * - fetch_user_notes: `data.data = {cursor, has_more, notes[]}`; `num` ≤ 30 (catalogue max, 422 above).
 * - fetch_note_comments: web comment page; `cursor` = last root id; 10 per page; most liked first; one
 *   reply preview per comment with `sub_comment_cursor` / `sub_comment_has_more`.
 * - fetch_sub_comments: web sub-comment page; `cursor` = last reply id; `num` per page (default 10, at most 30).
 * - fetch_search_notes: web search page, 20 per page, `has_more`; capped like the app series.
 * - fetch_search_users: web user search, 20 per page, `has_more`.
 */

import { DELETED_NOTE_ANSWERS } from "../../quirks.js";
import type { SearchFilters, WorldNote } from "../../world/types.js";
import { docsUrl, echoParams, tikhubTime } from "../envelope.js";
import { avatarUrl, publishText, webCount, webCover, webImage } from "../media.js";
import { nowField } from "../per-request.js";
import { servedSearch, WEB_NOTE_TYPES, WEB_SORTS } from "../search-vocabulary.js";
import {
  pageNumber,
  positionAfter,
  type RenderContext,
  type RenderOutcome,
  type SeriesRenderer,
  slice,
} from "../types.js";
import { comment, noteCard, profile, reply, WEB_V3_PAGE, webUser } from "./fragments.js";

function ok(data: unknown): RenderOutcome {
  return { kind: "data", data: { code: 0, success: true, msg: "成功", data } };
}

function innerFailure(message: string, code: number = DELETED_NOTE_ANSWERS.web_v3.code): unknown {
  return { code, success: false, msg: message, data: {} };
}

function unavailable(): RenderOutcome {
  return { kind: "data", data: innerFailure(DELETED_NOTE_ANSWERS.web_v3.msg) };
}
/** Token rules (quirk webV3NeedsToken): the 422 for a missing token is raised in core validation. */
function checkToken(ctx: RenderContext, note: WorldNote | undefined): RenderOutcome | null {
  if (!ctx.quirks.webV3NeedsToken) {
    if (!note) return unavailable();
    return null;
  }
  const token = ctx.params.xsec_token ?? "";
  if (token.trim() === "") return badRequest(ctx);
  if (!note || token !== note.xsecToken) return unavailable();
  return null;
}

function badRequest(ctx: RenderContext): RenderOutcome {
  return {
    kind: "http",
    status: 400,
    body: {
      detail: {
        code: 400,
        message: "HTTP 400 error, no need to provide request headers to protect user privacy.",
        message_zh: "HTTP 400 错误，无需提供请求头信息，保护用户隐私。",
        support: "Discord: https://discord.gg/aMEAS8Xsvz",
        time: tikhubTime(ctx.nowMs),
        time_stamp: Math.floor(ctx.nowMs / 1000),
        time_zone: "America/Los_Angeles",
        docs: docsUrl(ctx.spec.name),
        router: ctx.spec.path,
        params: echoParams(ctx.params),
      },
    },
  };
}

function hidden(ctx: RenderContext, note: WorldNote): boolean {
  return (note.deleted && ctx.quirks.deletedNotes) || (note.webRestricted && ctx.quirks.webRestrictedNotes);
}
// ------------------------------------------------------------------ endpoints

function noteDetail(ctx: RenderContext): RenderOutcome {
  const note = ctx.world.note(ctx.args.note_id ?? "");
  const rejected = checkToken(ctx, note);
  if (rejected) return rejected;
  if (!note || hidden(ctx, note)) return unavailable();
  return ok({
    cursor_score: "",
    current_time: nowField("ms"),
    items: [{ id: note.id, model_type: "note", note_card: noteCard(ctx.world, note) }],
  });
}
function fetchUserInfo(ctx: RenderContext): RenderOutcome {
  const user = ctx.world.user(ctx.args.user_id ?? "");
  if (!user) return { kind: "data", data: innerFailure("用户不存在", -1) };
  return ok(profile(ctx.world, user));
}

function userNotes(ctx: RenderContext): RenderOutcome {
  const user = ctx.world.user(ctx.args.user_id ?? "");
  if (!user) return { kind: "data", data: innerFailure("用户不存在", -1) };
  const notes = ctx.world.userNotes(user.id);
  const num = Math.max(1, Math.min(30, Number.parseInt(ctx.args.num ?? "30", 10) || 30));
  const start = positionAfter(notes, ctx.args.cursor ?? "", (n) => n.id);
  if (start < 0) return ok({ cursor: "", has_more: false, notes: [] });
  const { page, hasMore } = slice(notes, start, num);
  return ok({
    cursor: page.at(-1)?.id ?? "",
    has_more: hasMore,
    notes: page.map((n) => ({
      note_id: n.id,
      xsec_token: n.xsecToken,
      type: n.type,
      display_title: n.title,
      user: webUser(ctx.world, n.userId, true),
      interact_info: { liked: false, liked_count: webCount(n.likes), sticky: false },
      cover: webCover(ctx.world, n.images[0], true),
    })),
  });
}

function noteComments(ctx: RenderContext): RenderOutcome {
  const note = ctx.world.note(ctx.args.note_id ?? "");
  const rejected = checkToken(ctx, note);
  if (rejected) return rejected;
  if (!note || hidden(ctx, note)) return unavailable();
  const threads = ctx.world.threadsOf(note.id);
  const base = { time: nowField("ms"), xsec_token: note.xsecToken, user_id: note.userId };
  const cursor = ctx.args.cursor ?? "";
  let start = 0;
  if (cursor !== "" && threads) {
    const parsed = threads.parseId(cursor);
    start = parsed && parsed.reply === 0 ? threads.positionOf("most_liked", parsed.index) + 1 : -1;
  }
  if (!threads || start < 0) return ok({ ...base, comments: [], cursor: "", has_more: false });
  const end = Math.min(note.commentsL1, start + WEB_V3_PAGE.comments);
  const comments = [];
  for (let p = start; p < end; p++) {
    const c = threads.top(threads.orderIndex("most_liked", p));
    const previews = c.replyCount > 0 ? [threads.reply(c.index, 0)] : [];
    comments.push({
      ...comment(ctx.world, note, c),
      sub_comment_count: webCount(c.replyCount),
      sub_comments: previews.map((r) => reply(ctx.world, note, r)),
      sub_comment_cursor: previews.at(-1)?.id ?? "",
      sub_comment_has_more: c.replyCount > previews.length,
      ...(c.picture
        ? {
            pictures: [
              {
                height: c.picture.height,
                width: c.picture.width,
                url_default: `http://sns-webpic-qc.xhscdn.com/202609010000/${ctx.world.sign("cpic", c.id).slice(0, 32)}/${c.picture.fileId}!nc_n_webp_mw_1`,
                url_pre: `http://sns-webpic-qc.xhscdn.com/202609010000/${ctx.world.sign("cpic", c.id).slice(0, 32)}/${c.picture.fileId}!nc_n_webp_prv_1`,
              },
            ],
          }
        : {}),
    });
  }
  return ok({ ...base, comments, cursor: comments.at(-1)?.id ?? "", has_more: end < note.commentsL1 });
}

function subComments(ctx: RenderContext): RenderOutcome {
  const note = ctx.world.note(ctx.args.note_id ?? "");
  const rejected = checkToken(ctx, note);
  if (rejected) return rejected;
  if (!note || hidden(ctx, note)) return unavailable();
  const threads = ctx.world.threadsOf(note.id);
  const root = threads?.parseId(ctx.args.root_comment_id ?? "");
  const base = { time: nowField("ms"), xsec_token: note.xsecToken, user_id: note.userId };
  if (!threads || !root || root.reply !== 0) return ok({ ...base, comments: [], cursor: "", has_more: false });
  const total = threads.replyCount(root.index);
  const num = Math.max(
    1,
    Math.min(WEB_V3_PAGE.repliesMax, Number.parseInt(ctx.args.num ?? "10", 10) || WEB_V3_PAGE.repliesDefault),
  );
  const cursor = ctx.args.cursor ?? "";
  let start = 0;
  if (cursor !== "") {
    const parsed = threads.parseId(cursor);
    start = parsed && parsed.index === root.index && parsed.reply > 0 ? parsed.reply : -1;
  }
  if (start < 0) return ok({ ...base, comments: [], cursor: "", has_more: false });
  const end = Math.min(total, start + num);
  const comments = [];
  for (let j = start; j < end; j++) comments.push(reply(ctx.world, note, threads.reply(root.index, j)));
  return ok({ ...base, comments, cursor: comments.at(-1)?.id ?? "", has_more: end < total });
}
function searchNotes(ctx: RenderContext): RenderOutcome {
  const a = ctx.args;
  const filters: SearchFilters = {
    sort: WEB_SORTS[a.sort ?? ""] ?? "general",
    noteType: WEB_NOTE_TYPES[a.note_type ?? ""] ?? "all",
  };
  const page = pageNumber(a.page);
  const { page: notes, hasMore } = slice(
    servedSearch(ctx, a.keyword ?? "", filters),
    (page - 1) * WEB_V3_PAGE.search,
    WEB_V3_PAGE.search,
  );
  return ok({
    has_more: hasMore,
    items: notes.map((n) => ({
      id: n.id,
      model_type: "note",
      xsec_token: n.xsecToken,
      note_card: {
        type: n.type,
        display_title: n.title,
        user: webUser(ctx.world, n.userId, true),
        interact_info: {
          liked: false,
          liked_count: webCount(n.likes),
          collected: false,
          collected_count: webCount(n.collects),
          comment_count: webCount(n.commentsTotal),
          shared_count: webCount(n.shares),
        },
        cover: webCover(ctx.world, n.images[0], false),
        image_list: n.images.map((img) => webImage(ctx.world, img, false)),
        corner_tag_info: [{ type: "publish_time", text: publishText(ctx.world, n.time) }],
      },
    })),
  });
}

function searchUsers(ctx: RenderContext): RenderOutcome {
  const page = pageNumber(ctx.args.page);
  const all = ctx.world.searchUsers(ctx.args.keyword ?? "");
  const { page: users, hasMore } = slice(all, (page - 1) * WEB_V3_PAGE.searchUsers, WEB_V3_PAGE.searchUsers);
  return {
    kind: "data",
    data: {
      code: 1000,
      success: true,
      msg: "成功",
      data: {
        users: users.map((u) => ({
          xsec_token: u.xsecToken,
          name: u.nickname,
          followed: false,
          red_official_verify_type: u.verified ? 1 : 0,
          vshow: 0,
          update_time: publishText(ctx.world, ctx.world.userNotes(u.id)[0]?.time ?? u.createdAt),
          note_count: ctx.world.userNotes(u.id).length,
          id: u.id,
          image: avatarUrl(u, 360),
          sub_title: `小红书号：${u.redId}`,
          is_self: false,
          fans: webCount(u.fans),
          link: `xhsdiscover://1/user/user.${u.id}`,
          red_id: u.redId,
          show_red_official_verify_icon: u.verified,
          red_official_verified: u.verified,
        })),
        has_more: hasMore,
        result: { code: 1000, message: "成功", success: true },
      },
    },
  };
}

function emptyPayload(tail: string): unknown {
  const wrap = (data: unknown) => ({ code: 0, success: true, msg: "成功", data });
  switch (tail) {
    case "fetch_note_detail":
      return wrap({ cursor_score: "", current_time: 0, items: [] });
    case "fetch_user_notes":
      return wrap({ cursor: "", has_more: false, notes: [] });
    case "fetch_note_comments":
    case "fetch_sub_comments":
      return wrap({ comments: [], cursor: "", has_more: false });
    case "fetch_search_notes":
      return wrap({ has_more: false, items: [] });
    case "fetch_search_users":
      return {
        code: 1000,
        success: true,
        msg: "成功",
        data: { users: [], has_more: false, result: { code: 1000, message: "成功", success: true } },
      };
    default:
      return wrap({});
  }
}

export const webV3: SeriesRenderer = {
  endpoints: {
    fetch_note_detail: noteDetail,
    fetch_user_info: fetchUserInfo,
    fetch_user_notes: userNotes,
    fetch_note_comments: noteComments,
    fetch_sub_comments: subComments,
    fetch_search_notes: searchNotes,
    fetch_search_users: searchUsers,
  },
  innerFailure: (message, code) => innerFailure(message, code),
  emptyPayload,
};
