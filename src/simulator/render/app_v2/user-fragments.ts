/** How a user looks in App V2 profile and user search answers (shape choices: see handlers.ts). */
import type { WorldUser } from "../../world/types.js";
import type { World } from "../../world/world.js";
import { avatarUrl } from "../media.js";

export function profile(world: World, user: WorldUser) {
  const { liked, collected } = world.likesAndCollects(user.id);
  const posted = world.userNotes(user.id).length;
  const favs = world.favorites(user.id);
  return {
    userid: user.id,
    nickname: user.nickname,
    red_id: user.redId,
    desc: user.desc,
    gender: user.gender,
    ip_location: user.ipLocation,
    images: avatarUrl(user, 360),
    imageb: avatarUrl(user, 540),
    fans: user.fans,
    follows: user.follows,
    liked,
    collected,
    ndiscovery: posted,
    nboards: 0,
    interactions: [
      { type: "follows", name: "关注", count: user.follows, is_private: false, toast: "" },
      { type: "fans", name: "粉丝", count: user.fans, is_private: false, toast: "" },
      { type: "interaction", name: "获赞与收藏", count: liked + collected, is_private: false, toast: "" },
    ],
    note_num_stat: { posted, liked: 0, collected: favs?.length ?? 0 },
    tab_public: {
      collection: user.favoritesPublic,
      collection_note: user.favoritesPublic,
      collection_board: false,
      seed: false,
    },
    tags: [
      {
        icon: `https://picasso-static.xiaohongshu.com/fe-platform/gender-${user.gender === 1 ? "female" : "male"}-v1.png`,
        tag_type: "info",
        name: "",
      },
      { icon: "", tag_type: "location", name: user.ipLocation },
    ],
    share_link: world.userUrl(user),
    share_info_v2: { title: `@${user.nickname}的个人主页`, content: user.desc },
    banner_info: { image: "" },
    level: { image: "", image_link: "", level_name: "", number: 0 },
    fstatus: "none",
    red_official_verified: user.verified,
    red_official_verify_type: user.verified ? 1 : 0,
    result: { success: true, code: 0, message: "success" },
  };
}

/** A user as app user search gives it (also App V1's shape; see xhs/app/search-users.json). */
export function appSearchUser(world: World, u: WorldUser) {
  const notes = world.userNotes(u.id);
  return {
    id: u.id,
    name: u.nickname,
    desc: `粉丝·${fansText(u.fans)} | 笔记·${notes.length}`,
    image: avatarUrl(u, 120),
    followed: false,
    red_id: u.redId,
    red_official_verify_type: u.verified ? 1 : 0,
    show_red_official_verify_icon: u.verified,
    red_official_verified: u.verified,
    track_duration: 0,
    self: false,
    link: `xhsdiscover://1/user/user.${u.id}`,
    sub_title: `小红书号：${u.redId}`,
    reason: "",
  };
}

function fansText(n: number): string {
  return n >= 10_000 ? `${(n / 10_000).toFixed(1)}万` : String(n);
}
