/** How a comment and a reply look in App V2 comment answers (shape choices: see handlers.ts). */
import type { WorldComment, WorldNote } from "../../world/types.js";
import type { World } from "../../world/world.js";
import { avatarUrl } from "../media.js";
import { memo } from "../types.js";
import { level } from "./note-fragments.js";

function commentUser(world: World, userId: string) {
  const u = world.user(userId);
  return {
    additional_tags: {},
    ai_agent: false,
    current_user: "false",
    images: avatarUrl(u),
    level: level(),
    nickname: u?.nickname ?? "",
    red_id: u?.redId ?? "",
    userid: userId,
  };
}

function commentCommon(world: World, note: WorldNote, c: WorldComment) {
  const byAuthor = c.userId === note.userId;
  return {
    at_users: c.atUserIds.map((id) => ({ nickname: world.user(id)?.nickname ?? "", userid: id, level: level() })),
    biz_label: { group_invite: "", product_review: false, rich_text: "" },
    collected: false,
    comment_type: c.picture ? 2 : 0,
    content: c.content,
    downvoted: false,
    friend_liked_msg: "",
    hidden: false,
    id: c.id,
    ip_location: c.ipLocation,
    like_count: c.likes,
    liked: false,
    note_id: c.noteId,
    relatable_to_note: false,
    score: c.likes,
    share_strategy: 0,
    // App V2 marks pinned and author comments only in show_tags_v2; show_tags stays empty (observed [O],
    // docs/reference-notes.md#comment-sort-and-paging).
    show_tags: [],
    show_tags_v2: [
      ...(c.pinned ? [{ pos: "before_content", style_id: "1", text: "置顶", type: "user_top" }] : []),
      ...(byAuthor ? [{ pos: "after_name", style_id: "1", text: "作者", type: "is_author" }] : []),
    ],
    show_type: "common",
    status: 0,
    time: c.time,
    translation_strategy: 9,
    user: commentUser(world, c.userId),
  };
}

export function topComment(world: World, note: WorldNote, c: WorldComment) {
  return memo(world, `v2c:${c.id}`, () => buildTopComment(world, note, c));
}

function buildTopComment(world: World, note: WorldNote, c: WorldComment) {
  const threads = world.threadsOf(note.id);
  const previews = threads && c.replyCount > 0 ? [threads.reply(c.index, 0)] : [];
  return {
    ...commentCommon(world, note, c),
    invalid: false,
    media_source_type: 0,
    pictures: c.picture
      ? [
          {
            box_h: 120,
            box_w: 160,
            file_id: c.picture.fileId,
            height: c.picture.height,
            origin_url: `https://ci.xiaohongshu.com/${c.picture.fileId}?imageView2/2/w/1080/format/jpg`,
            url: `https://ci.xiaohongshu.com/${c.picture.fileId}?imageView2/2/w/540/format/jpg`,
            width: c.picture.width,
          },
        ]
      : [],
    sub_comment_count: c.replyCount,
    sub_comment_cursor: previews.at(-1)?.id ?? "",
    sub_comments: previews.map((r) => replyComment(world, note, r)),
    track_id: world.hex8("ctrack", c.id),
  };
}

export function replyComment(world: World, note: WorldNote, r: WorldComment) {
  return memo(world, `v2r:${r.id}`, () => buildReply(world, note, r));
}

function buildReply(world: World, note: WorldNote, r: WorldComment) {
  const target = r.targetId ? world.comment(note.id, r.targetId) : undefined;
  return {
    ...commentCommon(world, note, r),
    target_comment: {
      id: r.targetId ?? "",
      status: 0,
      user: commentUser(world, target?.userId ?? r.targetUserId ?? ""),
    },
  };
}
