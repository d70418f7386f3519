/**
 * Builders of normalized records from one raw object of any series. Every builder is tolerant: a field the
 * object lacks becomes null, a record without an id is skipped (and reported as drift), nothing throws.
 * Field names are tried in App style, web/doc style and their camelCase twins (see pick.ts).
 */
import type { Comment, Note, Topic, User, UserRef } from "../../model/types.js";
import { noteUrl, userUrl, xsecTokenFromUrl } from "../../model/urls.js";
import type { NormalizeContext } from "../types.js";
import { buildImages, buildVideo } from "./media.js";
import { count, get, id, isObj, list, nonEmpty, type Obj, obj, objects, text, time } from "./pick.js";

/** What every builder needs: the call's context, a drift reporter, and the record's JSON path for reports. */
export interface BuildScope {
  context: NormalizeContext;
  drift: (path: string) => void;
}

type CountResult = { value: number | null; approx: boolean };

function collect<K extends string>(entries: Record<K, CountResult>): { values: Record<K, number | null>; approx: K[] } {
  const values = {} as Record<K, number | null>;
  const approx: K[] = [];
  for (const key of Object.keys(entries) as K[]) {
    values[key] = entries[key].value;
    if (entries[key].value !== null && entries[key].approx) approx.push(key);
  }
  return { values, approx };
}

// ------------------------------------------------------------------------------------------- users

/** The author or commenter: `userid` (App), `user_id` (web), `id` (search users). */
export function buildUserRef(user: unknown): UserRef | null {
  if (!isObj(user)) return null;
  const userId = id(user, "userid", "user_id", "id");
  if (!userId) return null;
  return {
    id: userId,
    nickname: text(user, "nickname", "nick_name", "name"),
    avatarUrl: nonEmpty(user, "images", "image", "avatar", "imageb"),
    redId: id(user, "red_id"),
  };
}

function interaction(source: Obj, type: string): unknown {
  for (const entry of objects(get(source, "interactions"))) {
    if (get(entry, "type") === type) return get(entry, "count");
  }
  return undefined;
}

/** A follower count written in display text: "粉丝·24.2万 | 笔记·35", "Fans 51.7k". */
function fromDisplay(source: Obj, label: RegExp): CountResult {
  for (const key of ["desc", "sub_title"]) {
    const value = get(source, key);
    if (typeof value !== "string") continue;
    const match = label.exec(value);
    if (match?.[1]) {
      const parsed = count({ v: match[1] }, "v");
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
  const basic = obj(raw, "basic_info") ?? raw;
  const userId = id(raw, "userid", "user_id", "id") ?? id(basic, "userid", "user_id", "id") ?? fallbackId;
  if (!userId) {
    scope.drift(`${path}.userid`);
    return null;
  }
  const liked = count(raw, "liked");
  const collected = count(raw, "collected");
  let likesAndCollects = count({ v: interaction(raw, "interaction") }, "v");
  if (likesAndCollects.value === null && liked.value !== null && collected.value !== null) {
    likesAndCollects = { value: liked.value + collected.value, approx: liked.approx || collected.approx };
  }
  const followers = count(raw, "fans", "fans_count", "follower_count");
  const { values, approx } = collect({
    followers:
      followers.value !== null
        ? followers
        : count({ v: interaction(raw, "fans") }, "v").value !== null
          ? count({ v: interaction(raw, "fans") }, "v")
          : fromDisplay(raw, FANS_LABEL),
    following: (() => {
      const direct = count(raw, "follows", "follow_count", "following");
      return direct.value !== null ? direct : count({ v: interaction(raw, "follows") }, "v");
    })(),
    likesAndCollects,
    noteCount: (() => {
      const direct = count(raw, "ndiscovery", "note_num_stat.posted", "note_count", "notes");
      return direct.value !== null ? direct : fromDisplay(raw, NOTES_LABEL);
    })(),
  });
  const gender = get(basic, "gender") ?? get(raw, "gender");
  return {
    id: userId,
    nickname: text(basic, "nickname", "nick_name", "name"),
    redId: id(basic, "red_id"),
    avatarUrl: nonEmpty(basic, "imageb", "images", "image", "avatar"),
    // In search results `desc` is a display line ("粉丝·24.2万 | 5天前更新"), not the user's bio.
    bio: searchResult ? null : text(basic, "desc"),
    // XHS: 0 male, 1 female; 2 and anything else is unknown (some docs claim otherwise: ignored).
    gender: gender === 0 || gender === "0" ? "male" : gender === 1 || gender === "1" ? "female" : null,
    ipLocation: nonEmpty(basic, "ip_location") ?? nonEmpty(raw, "ip_location"),
    ...values,
    approx,
    xsecToken: id(raw, "xsec_token") ?? xsecTokenFromUrl(get(raw, "share_link")),
    url: userUrl(userId),
    source: scope.context.endpoint.series,
    fetchedAt: scope.context.fetchedAt,
  };
}

// ------------------------------------------------------------------------------------------- notes

const TOPIC_MARKER = /#([^#\n[\]]+?)\[话题\]#/g;

/** Hashtag names: App `hash_tag`, web `tag_list` (type topic or untyped), else the `#x[话题]#` markers of the text. */
function tagsOf(note: Obj, body: string | null): string[] {
  const tags: string[] = [];
  const add = (name: string | null) => {
    const trimmed = name?.trim();
    if (trimmed && !tags.includes(trimmed)) tags.push(trimmed);
  };
  for (const tag of objects(list(note, "hash_tag", "tag_list"))) {
    const type = get(tag, "type");
    if (type === undefined || type === "topic") add(text(tag, "name"));
  }
  if (body) for (const match of body.matchAll(TOPIC_MARKER)) add(match[1] ?? null);
  return tags;
}

function videoObject(note: Obj): Obj | undefined {
  const value = get(note, "video_info_v2", "video", "video_info");
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
  const noteId = id(raw, "id", "note_id") ?? extras.fallbackId ?? null;
  if (!noteId) {
    scope.drift(`${path}.id`);
    return null;
  }
  const video = videoObject(raw);
  const declared = get(raw, "type");
  const type: Note["type"] =
    declared === "video" ? "video" : declared === "normal" ? "image" : video ? "video" : "image";
  const body = text(raw, "desc", "content");
  const { values, approx } = collect({
    likes: count(raw, "liked_count", "likes", "interact_info.liked_count", "like_count"),
    collects: count(raw, "collected_count", "collects", "interact_info.collected_count"),
    comments: count(
      raw,
      "comments_count",
      "comment_count",
      "interact_info.comment_count",
      "interact_info.comments_count",
    ),
    shares: count(
      raw,
      "shared_count",
      "share_count",
      "interact_info.share_count",
      "interact_info.shared_count",
      "interaction_info.share_count",
    ),
  });
  const xsecToken =
    id(raw, "xsec_token") ?? extras.fallbackToken ?? xsecTokenFromUrl(get(raw, "share_info.link")) ?? null;
  return {
    id: noteId,
    type,
    title: text(raw, "title", "display_title"),
    text: body,
    textTruncated: scope.context.endpoint.truncatesText === true,
    tags: tagsOf(raw, body),
    author: buildUserRef(get(raw, "user", "user_info")),
    stats: values,
    approx,
    images: buildImages(list(raw, "images_list", "image_list")),
    video: type === "video" ? buildVideo(video) : null,
    publishedAt: time(raw, "time", "timestamp", "create_time", "publish_time"),
    // `last_update_time` is often 0 (a placeholder): then the ms `update_time` of search answers.
    updatedAt: time(raw, "last_update_time", "update_time"),
    ipLocation: nonEmpty(raw, "ip_location"),
    xsecToken,
    url: noteUrl(noteId, xsecToken),
    source: scope.context.endpoint.series,
    fetchedAt: scope.context.fetchedAt,
  };
}

// ------------------------------------------------------------------------------------------- comments

function pictureUrls(comment: Obj): string[] {
  const urls: string[] = [];
  for (const picture of objects(get(comment, "pictures"))) {
    const url =
      nonEmpty(picture, "origin_url", "url_default", "url") ??
      objects(get(picture, "info_list"))
        .map((entry) => nonEmpty(entry, "url"))
        .find((u): u is string => u !== null) ??
      null;
    if (url && !urls.includes(url)) urls.push(url);
  }
  return urls;
}

/**
 * A comment or a reply. `rootId` is the top-level comment's id for replies (from the request), null for
 * top-level comments; `replyToUser` is the target's author when a reply answers another reply.
 */
export function buildComment(
  raw: Obj,
  scope: BuildScope,
  path: string,
  rootId: string | null,
  fallbackNoteId: string | null,
): Comment | null {
  const commentId = id(raw, "id", "comment_id");
  const noteId = id(raw, "note_id") ?? fallbackNoteId;
  if (!commentId || !noteId) {
    scope.drift(`${path}.${commentId ? "note_id" : "id"}`);
    return null;
  }
  const target = obj(raw, "target_comment");
  const targetId = id(target, "id");
  const { values, approx } = collect({
    likes: count(raw, "like_count", "interact_info.liked_count", "liked_count"),
    replyCount: count(raw, "sub_comment_count"),
  });
  return {
    id: commentId,
    noteId,
    rootId,
    replyToUser:
      rootId !== null && target && targetId !== rootId ? buildUserRef(get(target, "user", "user_info")) : null,
    author: buildUserRef(get(raw, "user", "user_info")),
    text: text(raw, "content"),
    likes: values.likes,
    replyCount: values.replyCount,
    createdAt: time(raw, "time", "create_time"),
    ipLocation: nonEmpty(raw, "ip_location"),
    pictures: pictureUrls(raw),
    approx,
    source: scope.context.endpoint.series,
    fetchedAt: scope.context.fetchedAt,
  };
}

// ------------------------------------------------------------------------------------------- topics

/**
 * A topic page (App V2 `get_topic_info`: `page_info` with name, views, discussions; field names inferred).
 * The id is the requested page id first: `page_info.id` may be the hashtag id, which is a different thing.
 */
export function buildTopic(payload: Obj, scope: BuildScope, path: string): Topic | null {
  const info = obj(payload, "page_info") ?? payload;
  const topicId = scope.context.params.page_id || id(info, "page_id", "id");
  if (!topicId) {
    scope.drift(`${path}.page_info.page_id`);
    return null;
  }
  const { values, approx } = collect({
    views: count(info, "view_num", "view_count", "views", "browse_num", "read_num"),
    discussions: count(info, "discuss_num", "discussion_num", "discuss_count", "note_num", "discussions"),
  });
  return {
    id: topicId,
    name: text(info, "name", "title"),
    ...values,
    approx,
    source: scope.context.endpoint.series,
    fetchedAt: scope.context.fetchedAt,
  };
}
