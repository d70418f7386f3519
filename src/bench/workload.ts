/**
 * The benchmark's workload: a fixed, seeded list of user-level requests over the simulator's world.
 * The same list is given to every strategy in every profile.
 */
import type { World } from "../simulator/world/world.js";
import { seededRandom } from "./stats.js";

export const REQUEST_KINDS = [
  "note-image-known",
  "note-video-known",
  "note-image-unknown",
  "note-video-unknown",
  "comments",
  "user-notes",
  "search",
] as const;
export type RequestKind = (typeof REQUEST_KINDS)[number];

/** Share of each kind in the mix (sums to 1). "known": the caller knows whether the note is a video. */
export const MIX: Readonly<Record<RequestKind, number>> = {
  "note-image-known": 0.15,
  "note-video-known": 0.15,
  "note-image-unknown": 0.1,
  "note-video-unknown": 0.1,
  comments: 0.2,
  "user-notes": 0.15,
  search: 0.15,
};

export interface NoteRequest {
  index: number;
  kind: "note-image-known" | "note-video-known" | "note-image-unknown" | "note-video-unknown";
  noteId: string;
  /** The note's xsec_token, as a user has it from a share link (the guide passes it to Web V3). */
  xsecToken: string;
  /** What the caller tells the strategy: the type when known, else null. */
  knownType: "image" | "video" | null;
}
export interface CommentsRequest {
  index: number;
  kind: "comments";
  noteId: string;
  xsecToken: string;
}
export interface UserNotesRequest {
  index: number;
  kind: "user-notes";
  userId: string;
}
export interface SearchRequest {
  index: number;
  kind: "search";
  keyword: string;
}
export type BenchRequest = NoteRequest | CommentsRequest | UserNotesRequest | SearchRequest;

/** `count` requests in the MIX proportions, shuffled, picked from the world with `seed`. */
export function buildWorkload(world: World, count: number, seed: number): BenchRequest[] {
  const random = seededRandom(seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
  const live = world.notes().filter((n) => !n.deleted);
  const images = live.filter((n) => n.type === "normal");
  const videos = live.filter((n) => n.type === "video");
  const authors = world.users().filter((u) => world.userNotes(u.id).length > 0);
  const keywords = [...new Set(live.flatMap((n) => n.keywords))].sort();

  const kinds: RequestKind[] = [];
  for (const kind of REQUEST_KINDS) for (let i = 0; i < Math.round(MIX[kind] * count); i++) kinds.push(kind);
  while (kinds.length < count) kinds.push("note-image-known");
  kinds.length = count;
  for (let i = kinds.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [kinds[i], kinds[j]] = [kinds[j]!, kinds[i]!];
  }

  return kinds.map((kind, index): BenchRequest => {
    switch (kind) {
      case "note-image-known":
      case "note-image-unknown": {
        const note = pick(images);
        const knownType = kind === "note-image-known" ? "image" : null;
        return { index, kind, noteId: note.id, xsecToken: note.xsecToken, knownType };
      }
      case "note-video-known":
      case "note-video-unknown": {
        const note = pick(videos);
        const knownType = kind === "note-video-known" ? "video" : null;
        return { index, kind, noteId: note.id, xsecToken: note.xsecToken, knownType };
      }
      case "comments": {
        const note = pick(live);
        return { index, kind, noteId: note.id, xsecToken: note.xsecToken };
      }
      case "user-notes":
        return { index, kind, userId: pick(authors).id };
      default:
        return { index, kind: "search", keyword: pick(keywords) };
    }
  });
}

/**
 * The note URL with its token: the form users paste (and the form that gives Web V3 its token).
 * Not model/urls.ts noteUrl: that one adds `&xsec_source=pc_feed` (and encodes the id); the bench keeps
 * the token-only form its recorded figures were measured with.
 */
export function pastedNoteUrl(noteId: string, xsecToken: string): string {
  return `https://www.xiaohongshu.com/explore/${noteId}?xsec_token=${encodeURIComponent(xsecToken)}`;
}
