/**
 * Web V3 answers (/api/v1/xiaohongshu/web_v3/…): XHS **web** payloads (samples/xhs/web/*, tikhub-api.md §6)
 * inside the envelope. No real Web V3 capture exists.
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

import { DELETED_NOTE_ANSWERS } from "../quirks.js";
import type { SearchFilters, WorldComment, WorldNote, WorldUser } from "../world/types.js";
import type { World } from "../world/world.js";
import { servedSearch } from "./app-v2.js";
import { docsUrl, echoParams, tikhubTime } from "./envelope.js";
import { avatarUrl, publishText, webCount, webCover, webImage, webVideo } from "./media.js";
import { nowField } from "./per-request.js";
import {
  memo,
  pageNumber,
  positionAfter,
  type RenderContext,
  type RenderOutcome,
  type SeriesRenderer,
  slice,
} from "./types.js";

/** The series' key case, decided once (see the header). */
export const WEB_CASE = "snake_case" as const;

export const WEB_V3_PAGE = { comments: 10, repliesDefault: 10, repliesMax: 30, search: 20, searchUsers: 20 } as const;

function ok(data: unknown): RenderOutcome {
  return { kind: "data", data: { code: 0, success: true, msg: "成功", data } };
}

function innerFailure(message: string, code: number = DELETED_NOTE_ANSWERS.web_v3.code): unknown {
  return { code, success: false, msg: message, data: {} };
}

function unavailable(): RenderOutcome {
  return { kind: "data", data: innerFailure(DELETED_NOTE_ANSWERS.web_v3.msg) };
}

function webUser(world: World, userId: string, withNickName: boolean) {
  const u = world.user(userId);
  const out: Record<string, unknown> = {
    user_id: userId,
    nickname: u?.nickname ?? "",
    avatar: avatarUrl(u, 120),
    xsec_token: u?.xsecToken ?? "",
  };
  if (withNickName) out.nick_name = u?.nickname ?? "";
  return out;
}

function userInfo(world: World, userId: string) {
  const u = world.user(userId);
  return { user_id: userId, nickname: u?.nickname ?? "", image: avatarUrl(u, 120), xsec_token: u?.xsecToken ?? "" };
}

function noteCard(world: World, note: WorldNote) {
  return memo(world, `w3d:${note.id}`, () => buildNoteCard(world, note));
}

function buildNoteCard(world: World, note: WorldNote) {
  const card: Record<string, unknown> = {
    note_id: note.id,
    type: note.type,
    title: note.title,
    desc: note.desc,
    time: note.time * 1000,
    last_update_time: (note.lastUpdateTime || note.time) * 1000,
    ip_location: note.ipLocation,
    user: webUser(world, note.userId, false),
    interact_info: {
      liked: false,
      liked_count: webCount(note.likes),
      collected: false,
      collected_count: webCount(note.collects),
      comment_count: webCount(note.commentsTotal),
      share_count: webCount(note.shares),
      followed: false,
      relation: "none",
    },
    image_list: note.images.map((img) => webImage(world, img, true)),
    tag_list: note.topicIds.map((pageId) => {
      const t = world.topic(pageId);
      return { id: t?.tagId ?? pageId, name: t?.name ?? "", type: "topic" };
    }),
    at_user_list: note.atUserIds.map((id) => ({ user_id: id, nickname: world.user(id)?.nickname ?? "" })),
    share_info: { un_share: false },
  };
  if (note.type === "video" && note.video) card.video = webVideo(note.video);
  return card;
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

function comment(world: World, note: WorldNote, c: WorldComment) {
  return {
    id: c.id,
    note_id: c.noteId,
    content: c.content,
    create_time: c.time * 1000,
    ip_location: c.ipLocation,
    like_count: webCount(c.likes),
    liked: false,
    status: 0,
    show_tags: c.userId === note.userId ? ["is_author"] : [],
    at_users: c.atUserIds.map((id) => ({ user_id: id, nickname: world.user(id)?.nickname ?? "" })),
    user_info: userInfo(world, c.userId),
  };
}

function reply(world: World, note: WorldNote, r: WorldComment) {
  const target = r.targetId ? world.comment(note.id, r.targetId) : undefined;
  return {
    ...comment(world, note, r),
    target_comment: { id: r.targetId ?? "", user_info: userInfo(world, target?.userId ?? r.targetUserId ?? "") },
  };
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

function profile(world: World, user: WorldUser) {
  const { liked, collected } = world.likesAndCollects(user.id);
  const favs = world.favorites(user.id);
  return {
    basic_info: {
      imageb: avatarUrl(user, 540),
      nickname: user.nickname,
      images: avatarUrl(user, 360),
      red_id: user.redId,
      gender: user.gender,
      ip_location: user.ipLocation,
      desc: user.desc,
    },
    interactions: [
      { type: "follows", name: "关注", count: webCount(user.follows) },
      { type: "fans", name: "粉丝", count: webCount(user.fans) },
      { type: "interaction", name: "获赞与收藏", count: webCount(liked + collected) },
    ],
    tags: [
      {
        tagType: "info",
        icon: `https://picasso-static.xiaohongshu.com/fe-platform/gender-${user.gender === 1 ? "female" : "male"}-v1.png`,
      },
      { tagType: "location", name: user.ipLocation },
    ],
    tab_public: {
      collection: user.favoritesPublic,
      collectionNote: { display: user.favoritesPublic, lock: !user.favoritesPublic, count: favs?.length ?? 0 },
      collectionBoard: { display: false, lock: false, count: 0 },
    },
    extra_info: { blockType: "DEFAULT" },
    result: { success: true, code: 0, message: "success" },
  };
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

const WEB_SORTS: Record<string, NonNullable<SearchFilters["sort"]>> = {
  general: "general",
  time_descending: "latest",
  popularity_descending: "most_liked",
};
const WEB_NOTE_TYPES: Record<string, NonNullable<SearchFilters["noteType"]>> = {
  "0": "all",
  "1": "image",
  "2": "video",
};

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
