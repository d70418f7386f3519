/**
 * The plan's `expand.media`: a note's images and video downloaded (src/media) right after its detail, in
 * the note's own job. A re-run job skips what the folder's index already lists; a 403 refetches the detail
 * through the crawl's client, so the paid call is in the run's ledger and budget.
 */
import { downloadMedia, type MediaReport } from "../../media/index.js";
import type { Note } from "../../model/types.js";
import type { CrawlMedia } from "../plan/types.js";
import type { HandlerContext } from "./context.js";

export async function downloadNoteMedia(ctx: HandlerContext, media: CrawlMedia, note: Note): Promise<MediaReport> {
  return downloadMedia([note], {
    dir: media.dir,
    selection: { images: media.images, videos: media.videos, covers: media.covers, videoCodec: media.videoCodec },
    signal: ctx.signal,
    refetch: (id) => ctx.client.notes.get(id, { signal: ctx.signal }),
  });
}
