/**
 * A downloaded media file of a note, as the media layer records it and the store's media table keeps it
 * (one shape for both, so a field added on one side cannot be forgotten on the other).
 */

/** What a note's media item is: a picture, a live photo's clip, the video, or the cover. */
export type MediaKind = "image" | "live" | "video" | "cover";

export interface MediaFile {
  noteId: string;
  kind: MediaKind;
  /** 0-based position among the note's items of its kind. */
  index: number;
  sourceUrl: string;
  /** The rule that built the URL (media/choose.ts `CandidateRule`). */
  rule: string;
  sha256: string;
  bytes: number;
  format: string;
  /** The path a person browses, relative to the download folder (`<noteId>/<n>.<ext>`). */
  path: string;
  width: number | null;
  height: number | null;
  durationSec: number | null;
  /** True only when no clean variant answered and the file carries a watermark mark. */
  watermarked: boolean;
  fetchedAt: string;
}
