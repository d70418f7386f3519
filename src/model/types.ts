/**
 * The normalized model: the public contract of xhs-kit.
 *
 * Every record the library, the CLI, the store, the HTTP API and the MCP server hand out has one of
 * these shapes, whichever TikHub series answered. Field names are a contract: add fields, never rename.
 * A value a series does not give is `null` (never invented); counts are integers, with the names of
 * counts that came as abbreviated displays ("1.2万") listed in `approx`; times are ISO 8601 UTC strings.
 */
import { z } from "zod";
import { SERIES } from "../core/vocabulary.js";

export const SeriesSchema = z.enum(SERIES);

/** An integer count, or null when the answer did not say. */
const Count = z.number().int().nonnegative().nullable();
/** ISO 8601 UTC, e.g. "2026-01-30T01:23:45.000Z", or null when unknown. */
const IsoTime = z.string().nullable();

export const UserRefSchema = z.object({
  id: z.string(),
  nickname: z.string().nullable(),
  avatarUrl: z.string().nullable(),
  redId: z.string().nullable(),
});
export type UserRef = z.infer<typeof UserRefSchema>;

export const NoteImageSchema = z.object({
  /** The largest rendition the answer offers. Signed CDN URLs expire: download promptly. */
  url: z.string(),
  width: z.number().int().nullable(),
  height: z.number().int().nullable(),
  /** The motion part of a live photo, when the image is one. */
  livePhotoUrl: z.string().nullable(),
  /**
   * The live photo's clip length in seconds, when the answer says (App `live_photo.media.video.duration`, or the
   * clip rendition's `duration` in ms); absent when it does not (web answers) and in records made before it.
   */
  livePhotoDurationSec: z.number().nonnegative().nullable().optional(),
});
export type NoteImage = z.infer<typeof NoteImageSchema>;

/** One rendition of a video as the answer listed it (absent in records made before this field existed). */
export const VideoStreamSchema = z.object({
  /** The stream list it came from: "h264", "h265", "av1" or "h266". */
  codec: z.string(),
  url: z.string(),
  backupUrls: z.array(z.string()),
  width: z.number().int().nullable(),
  height: z.number().int().nullable(),
  /** bits/s (`avg_bitrate`, else `video_bitrate`). */
  bitrate: z.number().nullable(),
  /** Bytes, as the answer promised. */
  size: z.number().int().nullable(),
});
export type VideoStream = z.infer<typeof VideoStreamSchema>;

export const NoteVideoSchema = z.object({
  /** Chosen for compatibility: h264 first, then h265. */
  url: z.string(),
  backupUrls: z.array(z.string()),
  durationSec: z.number().nullable(),
  width: z.number().int().nullable(),
  height: z.number().int().nullable(),
  /** The uploaded original's CDN key (web `consumer.origin_video_key`, App `widgets_context`); null when absent. */
  originVideoKey: z.string().nullable().optional(),
  /** Every rendition the answer listed, for choosing the best (media downloads). */
  streams: z.array(VideoStreamSchema).optional(),
});
export type NoteVideo = z.infer<typeof NoteVideoSchema>;

export const NoteStatsSchema = z.object({
  likes: Count,
  collects: Count,
  comments: Count,
  shares: Count,
});
export type NoteStats = z.infer<typeof NoteStatsSchema>;

export const NoteSchema = z.object({
  id: z.string(),
  type: z.enum(["image", "video"]),
  title: z.string().nullable(),
  text: z.string().nullable(),
  /** True when the endpoint cuts the body (search, user lists): never let it overwrite a full body. */
  textTruncated: z.boolean(),
  /** Hashtag names, without the `#…[话题]#` markers. */
  tags: z.array(z.string()),
  author: UserRefSchema.nullable(),
  stats: NoteStatsSchema,
  /** Names of the counts (in `stats`) that came abbreviated, e.g. ["likes"] for "1.2万". */
  approx: z.array(z.string()),
  images: z.array(NoteImageSchema),
  video: NoteVideoSchema.nullable(),
  publishedAt: IsoTime,
  updatedAt: IsoTime,
  ipLocation: z.string().nullable(),
  xsecToken: z.string().nullable(),
  /** Canonical note URL, with its xsec_token when known. */
  url: z.string(),
  source: SeriesSchema,
  fetchedAt: z.string(),
});
export type Note = z.infer<typeof NoteSchema>;

export const UserSchema = z.object({
  id: z.string(),
  nickname: z.string().nullable(),
  redId: z.string().nullable(),
  avatarUrl: z.string().nullable(),
  bio: z.string().nullable(),
  gender: z.enum(["male", "female"]).nullable(),
  ipLocation: z.string().nullable(),
  followers: Count,
  following: Count,
  likesAndCollects: Count,
  noteCount: Count,
  approx: z.array(z.string()),
  xsecToken: z.string().nullable(),
  url: z.string(),
  source: SeriesSchema,
  fetchedAt: z.string(),
});
export type User = z.infer<typeof UserSchema>;

export const CommentSchema = z.object({
  id: z.string(),
  noteId: z.string(),
  /** Null for a top-level comment; the top-level comment's id for a reply. */
  rootId: z.string().nullable(),
  /** The user a reply answers, when the answer says. */
  replyToUser: UserRefSchema.nullable(),
  author: UserRefSchema.nullable(),
  text: z.string().nullable(),
  likes: Count,
  replyCount: Count,
  createdAt: IsoTime,
  ipLocation: z.string().nullable(),
  /** Picture URLs attached to the comment. */
  pictures: z.array(z.string()),
  /**
   * Pinned by the note's author (App V2 `show_tags_v2` type "user_top"). Null when the answer carries no tags
   * that could say (App V1, Web V3).
   */
  pinned: z.boolean().nullable(),
  /**
   * Written by the note's author (App V2 `show_tags_v2` type "is_author", web `show_tags` "is_author"). Null
   * when the answer carries no tags that could say (App V1).
   */
  byNoteAuthor: z.boolean().nullable(),
  approx: z.array(z.string()),
  source: SeriesSchema,
  fetchedAt: z.string(),
});
export type Comment = z.infer<typeof CommentSchema>;

export const TopicSchema = z.object({
  /** The topic page id (as in /page/topics/<id>), not a hashtag id. */
  id: z.string(),
  name: z.string().nullable(),
  views: Count,
  discussions: Count,
  approx: z.array(z.string()),
  source: SeriesSchema,
  fetchedAt: z.string(),
});
export type Topic = z.infer<typeof TopicSchema>;

/** What a share link or share text resolves to. */
export const ResolvedLinkSchema = z.object({
  kind: z.enum(["note", "user"]),
  id: z.string(),
  xsecToken: z.string().nullable(),
  /**
   * A long URL of the note or profile: the one the answer gave, else the one given, else the canonical URL
   * built from the id and xsec_token (the resolver always fills it; the schema keeps it nullable).
   */
  url: z.string().nullable(),
});
export type ResolvedLink = z.infer<typeof ResolvedLinkSchema>;

export type NoteType = Note["type"];
export type Item = Note | User | Comment | Topic;
