/**
 * The plan's `expand.media`: a note's images and video downloaded (src/media) right after its detail, in
 * the note's own job. Files are recorded in the store's media table (one record of what is on disk, as with
 * `xhs media --db`), so a re-run job skips what is already there; a 403 refetches the detail through the
 * crawl's client, so the paid call is in the run's ledger and budget.
 */
import { resolve } from "node:path";
import { downloadMedia, type MediaIndex, type MediaReport } from "../../media/index.js";
import type { Note } from "../../model/types.js";
import type { Store } from "../../store/port.js";
import { type MediaStoreHandle, SqlMediaIndex } from "../../store/sql/media.js";
import type { CrawlMedia } from "../plan/types.js";
import type { HandlerContext } from "./context.js";

/** The store's media table when the store is the SQL store (it runs SQL); other stores: the folder's index. */
function storeIndex(store: Store): MediaIndex | undefined {
  const handle = store as Partial<MediaStoreHandle>;
  return typeof handle.executeSql === "function" && typeof handle.db === "function"
    ? new SqlMediaIndex(handle as MediaStoreHandle)
    : undefined;
}

export async function downloadNoteMedia(ctx: HandlerContext, media: CrawlMedia, note: Note): Promise<MediaReport> {
  const index = ctx.media?.index ?? storeIndex(ctx.store);
  return downloadMedia([note], {
    dir: ctx.media?.baseDir ? resolve(ctx.media.baseDir, media.dir) : media.dir,
    selection: { images: media.images, videos: media.videos, covers: media.covers, videoCodec: media.videoCodec },
    signal: ctx.signal,
    refetch: (id) => ctx.client.notes.get(id, { signal: ctx.signal }),
    ...(ctx.media?.rewriteUrl ? { rewriteUrl: ctx.media.rewriteUrl } : {}),
    ...(ctx.media?.fetch ? { fetch: ctx.media.fetch } : {}),
    ...(index ? { index } : {}),
  });
}
