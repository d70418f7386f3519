/**
 * Builders of normalized records from one raw object of any series. Every builder is tolerant: a field the
 * object lacks becomes null, a record without an id is skipped (and reported as drift), nothing throws.
 * Field names are tried in App style, web/doc style and their camelCase twins (see pick.ts). Comments are
 * built in comment-records.ts.
 */

import { parseCount } from "../../model/counts.js";
import type { Note, Topic, User, UserRef } from "../../model/types.js";
import { noteUrl, userUrl, xsecTokenFromUrl } from "../../model/urls.js";
import type { NormalizeContext } from "../types.js";
import { buildImages, buildVideo } from "./media.js";
import {
  isObj,
  keys,
  type Obj,
  objects,
  pickCount,
  pickId,
  pickList,
  pickNonEmpty,
  pickObject,
  pickText,
  pickTime,
  pickValue,
} from "./pick.js";

/** What every builder needs: the call's context, a drift reporter, and the record's JSON path for reports. */
export interface BuildScope {
  context: NormalizeContext;
  drift: (path: string) => void;
}

export type CountResult = { value: number | null; approx: boolean };

export function collect<K extends string>(
  entries: Record<K, CountResult>,
): { values: Record<K, number | null>; approx: K[] } {
  const values = {} as Record<K, number | null>;
  const approx: K[] = [];
  for (const key of Object.keys(entries) as K[]) {
    values[key] = entries[key].value;
    if (entries[key].value !== null && entries[key].approx) approx.push(key);
  }
  return { values, approx };
}

// ------------------------------------------------------------------------------------------- users

/** The names each user field is read from, in order (compiled once: see pick.ts `keys`). */
const USER = {
  id: keys("userid", "user_id", "id"),
  nickname: keys("nickname", "nick_name", "name"),
  avatar: keys("images", "image", "avatar", "imageb"),
  profileAvatar: keys("imageb", "images", "image", "avatar"),
  redId: keys("red_id"),
  basicInfo: keys("basic_info"),
  interactions: keys("interactions"),
  type: keys("type"),
  count: keys("count"),
  liked: keys("liked"),
  collected: keys("collected"),
  followers: keys("fans", "fans_count", "follower_count"),
  following: keys("follows", "follow_count", "following"),
  noteCount: keys("ndiscovery", "note_num_stat.posted", "note_count", "notes"),
  gender: keys("gender"),
  bio: keys("desc"),
  ipLocation: keys("ip_location"),
  xsecToken: keys("xsec_token"),
  shareLink: keys("share_link"),
  /** Display lines that may carry counts ("粉丝·24.2万 | 笔记·35"). */
  display: [keys("desc"), keys("sub_title")],
};

/** The author or commenter: `userid` (App), `user_id` (web), `id` (search users). */
export function buildUserRef(user: unknown): UserRef | null {
  if (!isObj(user)) return null;
  const userId = pickId(user, USER.id);
  if (!userId) return null;
  return {
    id: userId,
    nickname: pickText(user, USER.nickname),
    avatarUrl: pickNonEmpty(user, USER.avatar),
    redId: pickId(user, USER.redId),
  };
}

function interaction(source: Obj, type: string): unknown {
  for (const entry of objects(pickValue(source, USER.interactions))) {
    if (pickValue(entry, USER.type) === type) return pickValue(entry, USER.count);
  }
  return undefined;
}

/** A follower count written in display text: "粉丝·24.2万 | 笔记·35", "Fans 51.7k". */
function fromDisplay(source: Obj, label: RegExp): CountResult {
  for (const names of USER.display) {
    const value = pickValue(source, names);
    if (typeof value !== "string") continue;
    const match = label.exec(value);
    if (match?.[1]) {
      const parsed = parseCount(match[1]);
      // A number read out of prose is a display, hence approximate unless it is a plain integer.
      if (parsed.value !== null) return parsed;
    }
  }
  return { value: null, approx: false };
}

const FANS_LABEL = /(?:粉丝|fans|followers)\s*[·:：]?\s*([\d.,]+\s*[万wWkK千亿mM]?\+?)/i;
const NOTES_LABEL = /(?:笔记|notes)\s*[·:：]?\s*([\d.,]+\s*[万wWkK千亿mM]?\+?)/i;

/**
 * A user profile (App `get_user_info`, web `basic_info` + `interactions`) or a search-result user.
 * `fallbackId` is the requested user id, for payloads that do not repeat it (web `otherinfo`).
 */
export function buildUser(
  raw: Obj,
  scope: BuildScope,
  fallbackId: string | null,
  path: string,
  searchResult = false,
): User | null {
  const basic = pickObject(raw, USER.basicInfo) ?? raw;
  const userId = pickId(raw, USER.id) ?? pickId(basic, USER.id) ?? fallbackId;
  if (!userId) {
    scope.drift(`${path}.userid`);
    return null;
  }
  const liked = pickCount(raw, USER.liked);
  const collected = pickCount(raw, USER.collected);
  let likesAndCollects = parseCount(interaction(raw, "interaction"));
  if (likesAndCollects.value === null && liked.value !== null && collected.value !== null) {
    likesAndCollects = { value: liked.value + collected.value, approx: liked.approx || collected.approx };
  }
  const followers = pickCount(raw, USER.followers);
  const { values, approx } = collect({
    followers:
      followers.value !== null
        ? followers
        : parseCount(interaction(raw, "fans")).value !== null
          ? parseCount(interaction(raw, "fans"))
          : fromDisplay(raw, FANS_LABEL),
    following: (() => {
      const direct = pickCount(raw, USER.following);
      return direct.value !== null ? direct : parseCount(interaction(raw, "follows"));
    })(),
    likesAndCollects,
    noteCount: (() => {
      const direct = pickCount(raw, USER.noteCount);
      return direct.value !== null ? direct : fromDisplay(raw, NOTES_LABEL);
    })(),
  });
  const gender = pickValue(basic, USER.gender) ?? pickValue(raw, USER.gender);
  return {
    id: userId,
    nickname: pickText(basic, USER.nickname),
    redId: pickId(basic, USER.redId),
    avatarUrl: pickNonEmpty(basic, USER.profileAvatar),
    // In search results `desc` is a display line ("粉丝·24.2万 | 5天前更新"), not the user's bio.
    bio: searchResult ? null : pickText(basic, USER.bio),
    // XHS: 0 male, 1 female; 2 and anything else is unknown (some docs claim otherwise: ignored).
    gender: gender === 0 || gender === "0" ? "male" : gender === 1 || gender === "1" ? "female" : null,
    ipLocation: pickNonEmpty(basic, USER.ipLocation) ?? pickNonEmpty(raw, USER.ipLocation),
    ...values,
    approx,
    xsecToken: pickId(raw, USER.xsecToken) ?? xsecTokenFromUrl(pickValue(raw, USER.shareLink)),
    url: userUrl(userId),
    source: scope.context.endpoint.series,
    fetchedAt: scope.context.fetchedAt,
  };
}

// ------------------------------------------------------------------------------------------- notes

/** The names each note field is read from, in order: App style, web style (camelCase twins implied). */
const NOTE = {
  id: keys("id", "note_id"),
  type: keys("type"),
  tags: keys("hash_tag", "tag_list"),
  tagName: keys("name"),
  video: keys("video_info_v2", "video", "video_info"),
  body: keys("desc", "content"),
  likes: keys("liked_count", "likes", "interact_info.liked_count", "like_count"),
  collects: keys("collected_count", "collects", "interact_info.collected_count"),
  comments: keys("comments_count", "comment_count", "interact_info.comment_count", "interact_info.comments_count"),
  shares: keys(
    "shared_count",
    "share_count",
    "interact_info.share_count",
    "interact_info.shared_count",
    "interaction_info.share_count",
  ),
  xsecToken: keys("xsec_token"),
  shareLink: keys("share_info.link"),
  title: keys("title", "display_title"),
  author: keys("user", "user_info"),
  images: keys("images_list", "image_list"),
  publishedAt: keys("time", "timestamp", "create_time", "publish_time"),
  updatedAt: keys("last_update_time", "update_time"),
  ipLocation: keys("ip_location"),
  widgets: keys("widgets_context"),
  originKey: keys("origin_video_key"),
};

const TOPIC_MARKER = /#([^#\n[\]]+?)\[话题\]#/g;

/** Hashtag names: App `hash_tag`, web `tag_list` (type topic or untyped), else the `#x[话题]#` markers of the text. */
function tagsOf(note: Obj, body: string | null): string[] {
  const tags: string[] = [];
  const add = (name: string | null) => {
    const trimmed = name?.trim();
    if (trimmed && !tags.includes(trimmed)) tags.push(trimmed);
  };
  for (const tag of objects(pickList(note, NOTE.tags))) {
    const type = pickValue(tag, NOTE.type);
    if (type === undefined || type === "topic") add(pickText(tag, NOTE.tagName));
  }
  if (body) for (const match of body.matchAll(TOPIC_MARKER)) add(match[1] ?? null);
  return tags;
}

/**
 * App answers carry `origin_video_key` only inside the `widgets_context` JSON string
 * (docs/reference-notes.md#media-files-originals-watermarks-streams).
 */
function originKeyFromWidgets(note: Obj): string | null {
  const value = pickValue(note, NOTE.widgets);
  if (typeof value !== "string" || !value.includes("origin_video_key")) return null;
  try {
    const parsed: unknown = JSON.parse(value);
    return isObj(parsed) ? pickNonEmpty(parsed, NOTE.originKey) : null;
  } catch {
    return null;
  }
}

function videoObject(note: Obj): Obj | undefined {
  const value = pickValue(note, NOTE.video);
  if (isObj(value)) return value;
  // Some app payloads carry the video as a JSON string.
  if (typeof value === "string" && value.trimStart().startsWith("{")) {
    try {
      const parsed: unknown = JSON.parse(value);
      if (isObj(parsed)) return parsed;
    } catch {
      return undefined;
    }
  }
  return undefined;
}

export interface NoteExtras {
  /** Id from the wrapping item (web search `items[].id`, detail `items[0].id`). */
  fallbackId?: string | null;
  /** Token from the wrapping item or the request (Web V3 detail echoes the token it was called with). */
  fallbackToken?: string | null;
}

/**
 * A note from App style (`images_list`, int counts, `time` in s) or web style (`note_card`: `image_list`,
 * `interact_info` string counts, `time` in ms) or their camelCase twins.
 */
export function buildNote(raw: Obj, scope: BuildScope, path: string, extras: NoteExtras = {}): Note | null {
  const noteId = pickId(raw, NOTE.id) ?? extras.fallbackId ?? null;
  if (!noteId) {
    scope.drift(`${path}.id`);
    return null;
  }
  const video = videoObject(raw);
  const declared = pickValue(raw, NOTE.type);
  const type: Note["type"] =
    declared === "video" ? "video" : declared === "normal" ? "image" : video ? "video" : "image";
  const body = pickText(raw, NOTE.body);
  const { values, approx } = collect({
    likes: pickCount(raw, NOTE.likes),
    collects: pickCount(raw, NOTE.collects),
    comments: pickCount(raw, NOTE.comments),
    shares: pickCount(raw, NOTE.shares),
  });
  const xsecToken =
    pickId(raw, NOTE.xsecToken) ?? extras.fallbackToken ?? xsecTokenFromUrl(pickValue(raw, NOTE.shareLink)) ?? null;
  return {
    id: noteId,
    type,
    title: pickText(raw, NOTE.title),
    text: body,
    textTruncated: scope.context.endpoint.truncatesText === true,
    tags: tagsOf(raw, body),
    author: buildUserRef(pickValue(raw, NOTE.author)),
    stats: values,
    approx,
    images: buildImages(pickList(raw, NOTE.images)),
    video: type === "video" ? buildVideo(video, originKeyFromWidgets(raw)) : null,
    publishedAt: pickTime(raw, NOTE.publishedAt),
    // `last_update_time` is often 0 (a placeholder): then the ms `update_time` of search answers.
    updatedAt: pickTime(raw, NOTE.updatedAt),
    ipLocation: pickNonEmpty(raw, NOTE.ipLocation),
    xsecToken,
    url: noteUrl(noteId, xsecToken),
    source: scope.context.endpoint.series,
    fetchedAt: scope.context.fetchedAt,
  };
}

// ------------------------------------------------------------------------------------------- topics

const TOPIC = {
  pageInfo: keys("page_info"),
  id: keys("page_id", "id"),
  views: keys("view_num", "view_count", "views", "browse_num", "read_num"),
  discussions: keys("discuss_num", "discussion_num", "discuss_count", "note_num", "discussions"),
  name: keys("name", "title"),
};

/**
 * A topic page (App V2 `get_topic_info`: `page_info` with name, views, discussions; field names inferred).
 * The id is the requested page id first: `page_info.id` may be the hashtag id, which is a different thing.
 */
export function buildTopic(payload: Obj, scope: BuildScope, path: string): Topic | null {
  const info = pickObject(payload, TOPIC.pageInfo) ?? payload;
  const topicId = scope.context.params.page_id || pickId(info, TOPIC.id);
  if (!topicId) {
    scope.drift(`${path}.page_info.page_id`);
    return null;
  }
  const { values, approx } = collect({
    views: pickCount(info, TOPIC.views),
    discussions: pickCount(info, TOPIC.discussions),
  });
  return {
    id: topicId,
    name: pickText(info, TOPIC.name),
    ...values,
    approx,
    source: scope.context.endpoint.series,
    fetchedAt: scope.context.fetchedAt,
  };
}
