/** How a note, a user and a comment look in Web V3 answers (snake_case; shape choices: see handlers.ts). */
import type { WorldComment, WorldNote, WorldUser } from "../../world/types.js";
import type { World } from "../../world/world.js";
import { avatarUrl, webCount, webImage, webVideo } from "../media.js";
import { memo } from "../types.js";

/** The series' key case, decided once (see the header). */
export const WEB_CASE = "snake_case" as const;

export const WEB_V3_PAGE = { comments: 10, repliesDefault: 10, repliesMax: 30, search: 20, searchUsers: 20 } as const;
export function webUser(world: World, userId: string, withNickName: boolean) {
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

export function noteCard(world: World, note: WorldNote) {
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

export function comment(world: World, note: WorldNote, c: WorldComment) {
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

export function reply(world: World, note: WorldNote, r: WorldComment) {
  const target = r.targetId ? world.comment(note.id, r.targetId) : undefined;
  return {
    ...comment(world, note, r),
    target_comment: { id: r.targetId ?? "", user_info: userInfo(world, target?.userId ?? r.targetUserId ?? "") },
  };
}

export function profile(world: World, user: WorldUser) {
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
