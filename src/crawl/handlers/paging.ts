/**
 * Paging a list from its job's checkpoint. A handler fetches (outside any transaction: network waits never
 * hold the database), then commits each page's writes, the jobs it found and its checkpoint or completion in
 * one transaction through `ctx.commit`, so a crash at any instant leaves either all of a page or none of it.
 */
import type { Page, Paginator } from "../../core/types.js";
import type { RunStats } from "../statistics.js";
import type { HandlerContext } from "./context.js";

export interface ListState {
  pages: number;
  items: number;
}

/** Pages through a list from the job's checkpoint; `onPage` commits each page and says whether to stop. */
export async function pageList<T>(
  ctx: HandlerContext,
  open: (cursor: string | undefined) => Paginator<T>,
  onPage: (page: Page<T>, state: ListState, finish: (stop: boolean) => Promise<void>) => Promise<boolean>,
  onEnd: (state: ListState, stats: RunStats) => void = () => {},
): Promise<void> {
  const saved = ctx.job.checkpoint;
  const data = (saved?.data ?? {}) as { pages?: number };
  const state: ListState = { pages: data.pages ?? 0, items: saved?.itemsSoFar ?? 0 };
  const cursor = saved?.cursor ?? undefined;
  for await (const page of open(cursor ?? undefined).pages()) {
    state.pages += 1;
    const exhausted = !page.hasMore || page.cursor === null;
    let done = false;
    const finish = async (stop: boolean) => {
      const checkpoint = { cursor: page.cursor, itemsSoFar: state.items, data: { pages: state.pages } };
      if (stop || exhausted) {
        await ctx.queue.complete(ctx.job, checkpoint);
        done = true;
      } else {
        await ctx.queue.checkpoint(ctx.job, checkpoint);
      }
    };
    const stopped = await onPage(page, state, finish);
    if (done) {
      if (exhausted && !stopped) await ctx.commit(async (stats) => onEnd(state, stats));
      return;
    }
    if (ctx.signal.aborted) return;
    ctx.checkBudget();
  }
  // The list ended without a last page that said so (e.g. an empty page ends a search).
  await ctx.commit(async (stats) => {
    onEnd(state, stats);
    await ctx.queue.complete(ctx.job, {
      cursor: null,
      itemsSoFar: state.items,
      data: { pages: state.pages },
    });
  });
}
