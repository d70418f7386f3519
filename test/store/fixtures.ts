/** Builders of model records for the store tests (our own data, not copied from the samples). */
import type { Comment, Note, Topic, User, UserRef } from "../../src/model/types.js";

export const T0 = "2026-01-30T01:00:00.000Z";
export const T1 = "2026-01-30T02:00:00.000Z";
export const T2 = "2026-01-30T03:00:00.000Z";

export function userRef(id: string, over: Partial<UserRef> = {}): UserRef {
  return { id, nickname: `昵称${id}`, avatarUrl: `https://sns-avatar.example/${id}.jpg`, redId: `red${id}`, ...over };
}

export function note(id: string, over: Partial<Note> = {}): Note {
  return {
    id,
    type: "image",
    title: `露营装备清单 ${id}`,
    text: "第一次去露营，带了帐篷、睡袋和炉具。#露营[话题]#",
    textTruncated: false,
    tags: ["露营", "户外"],
    author: userRef("u1"),
    stats: { likes: 120, collects: 30, comments: 12, shares: 4 },
    approx: [],
    images: [{ url: `https://sns-img.example/${id}/1.jpg`, width: 1080, height: 1440, livePhotoUrl: null }],
    video: null,
    publishedAt: "2026-01-20T08:00:00.000Z",
    updatedAt: "2026-01-21T08:00:00.000Z",
    ipLocation: "浙江",
    xsecToken: "ABtokenFull",
    url: `https://www.xiaohongshu.com/explore/${id}?xsec_token=ABtokenFull`,
    source: "app_v2",
    fetchedAt: T0,
    ...over,
  };
}

/** A note as a search hit shows it: truncated body, fewer fields. */
export function searchHit(id: string, over: Partial<Note> = {}): Note {
  return note(id, {
    title: `露营装备清单 ${id}`,
    text: "第一次去露营…",
    textTruncated: true,
    tags: [],
    images: [{ url: `https://sns-img.example/${id}/cover.jpg`, width: null, height: null, livePhotoUrl: null }],
    stats: { likes: 12000, collects: null, comments: null, shares: null },
    approx: ["likes"],
    publishedAt: null,
    updatedAt: null,
    ipLocation: null,
    xsecToken: null,
    url: `https://www.xiaohongshu.com/explore/${id}`,
    source: "web_v3",
    fetchedAt: T1,
    ...over,
  });
}

export function user(id: string, over: Partial<User> = {}): User {
  return {
    id,
    nickname: `用户${id}`,
    redId: `red${id}`,
    avatarUrl: `https://sns-avatar.example/${id}.jpg`,
    bio: "喜欢户外",
    gender: "female",
    ipLocation: "上海",
    followers: 1000,
    following: 50,
    likesAndCollects: 20000,
    noteCount: 42,
    approx: [],
    xsecToken: null,
    url: `https://www.xiaohongshu.com/user/profile/${id}`,
    source: "app_v2",
    fetchedAt: T0,
    ...over,
  };
}

export function comment(id: string, noteId: string, over: Partial<Comment> = {}): Comment {
  return {
    id,
    noteId,
    rootId: null,
    replyToUser: null,
    author: userRef(`a-${id}`),
    text: `评论 ${id}：好看！`,
    likes: 3,
    replyCount: 0,
    createdAt: "2026-01-22T10:00:00.000Z",
    ipLocation: "北京",
    pictures: [],
    pinned: false,
    byNoteAuthor: false,
    approx: [],
    source: "app_v2",
    fetchedAt: T0,
    ...over,
  };
}

export function topic(id: string, over: Partial<Topic> = {}): Topic {
  return {
    id,
    name: "露营",
    views: 5_000_000,
    discussions: 80_000,
    approx: ["views"],
    source: "app_v2",
    fetchedAt: T0,
    ...over,
  };
}
