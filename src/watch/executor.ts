/**
 * Runs one due task against TikHub through the client and writes what it found to the store: the part of
 * a tick that pays. Lists are paged while the budget lasts; time-ordered lists (newest first) stop at the
 * first note the watch already tracks. What it returns is what `completeTick` turns into the tick's commit.
 * The calls come first; the writes after them, through the scheduler's `finish` (one transaction with the
 * tick's commit on the SQL state), so no transaction is held open while TikHub answers.
 *
 * A discovery's first run is the watch's baseline: the notes it finds are tracked, but raise no `new_note`
 * alert (they are not new, only new to the watch). The same for a note's first comments fetch.
 */
import { DEFAULT_PRICE_USD } from "../catalog/endpoints.js";
import type { XhsClient } from "../client/types.js";
import { NotFoundError } from "../core/errors.js";
import type { Clock, Page, Paginator } from "../core/types.js";
import type { Comment, Note } from "../model/types.js";
import type { Store } from "../store/port.js";
import { followerAlerts, newCommentAlerts, newNoteAlerts, noteCountAlerts } from "./alerts.js";
import type { BudgetLeft } from "./budget.js";
import type { TaskExecutor } from "./scheduler.js";
import type { AlertRecord, WatchStateStore } from "./state.js";

export interface ExecutorDeps {
  client: XhsClient;
  store: Store;
  state: WatchStateStore;
  clock: Clock;
  signal?: AbortSignal;
  /** What one more page is assumed to cost when checking the dollar budget (default: the catalogue's price). */
  pricePerCall?: number;
}

export function createExecutor(deps: ExecutorDeps): TaskExecutor {
  const { client, store, state, clock } = deps;
  const pricePerCall = deps.pricePerCall ?? DEFAULT_PRICE_USD;
  const call = deps.signal ? { signal: deps.signal } : {};

  /**
   * Pages a list while the budget allows, keeping the notes the watch does not track yet; a time-ordered
   * list stops at the first tracked one. "Tracked by the watch", not "in the store": a tick killed after
   * writing its notes but before its commit runs again, and must find the same notes new again.
   */
  async function newNotes(
    list: Paginator<Note>,
    known: ReadonlySet<string>,
    limit: number,
    stopAtKnown: boolean,
    left: BudgetLeft,
    spent: () => { calls: number; usd: number },
  ) {
    const found: Note[] = [];
    pages: for await (const page of list.pages() as AsyncIterable<Page<Note>>) {
      for (const note of page.items) {
        if (known.has(note.id)) {
          if (stopAtKnown) break pages;
          continue;
        }
        found.push(note);
        if (found.length >= limit) break pages;
      }
      const { calls, usd } = spent();
      if ((left.calls !== null && calls + 1 > left.calls) || (left.usd !== null && usd + pricePerCall > left.usd))
        break;
    }
    return found;
  }

  return async (due, left, finish) => {
    const { task, watch } = due;
    const ranAt = clock.now();
    // Paid calls and dollars of this task's attempts (tasks run one at a time).
    let calls = 0;
    let usd = 0;
    const spent = () => ({ calls, usd });
    const stopMetering = client.subscribe((event) => {
      if (event.billable) calls++;
      usd += event.costUsd;
    });
    /** What the tick writes and concludes, run after its calls (in the tick's transaction when given `finish`). */
    let write: () => Promise<{ alerts: AlertRecord[]; newNoteIds?: string[]; gone?: boolean }>;
    try {
      switch (task.kind) {
        case "discover": {
          const [source, a, b, c, d] = task.target.split("|");
          const limit = watch.actions.newNotes?.limit ?? 20;
          let list: Paginator<Note>;
          let timeOrdered: boolean;
          if (source === "keyword") {
            const options = { ...call, sort: b as never, type: c as never, time: d as never };
            list = client.search.notes(a ?? "", options);
            timeOrdered = b === "latest";
          } else if (source === "user") {
            list = client.users.notes(a ?? "", call);
            timeOrdered = true;
          } else {
            list = client.topics.notes(a ?? "", { ...call, sort: b as never });
            timeOrdered = b === "latest";
          }
          const tracked = new Set((await state.trackedNotes(watch.name)).map((t) => t.noteId));
          const fresh = await newNotes(list, tracked, limit, timeOrdered, left, spent);
          write = async () => {
            await store.upsertNotes(fresh);
            const alerts = task.runs > 0 ? newNoteAlerts(watch, fresh, ranAt) : [];
            return { alerts, newNoteIds: fresh.map((n) => n.id) };
          };
          break;
        }
        case "refresh_note": {
          const note = await client.notes.get(task.target, call);
          write = async () => {
            await store.upsertNotes([note]);
            return { alerts: noteCountAlerts(watch, note.id, await store.noteObservations(note.id), ranAt) };
          };
          break;
        }
        case "new_comments": {
          const known = await store.knownCommentIds(task.target);
          const fresh: Comment[] = [];
          const limit = watch.actions.newComments?.limit ?? 50;
          for await (const comment of client.comments.list(task.target, { ...call, limit })) {
            if (known.has(comment.id)) break;
            fresh.push(comment);
          }
          write = async () => {
            await store.upsertComments(fresh);
            // The first fetch is the baseline (the comments were there before the watch), as for discovery.
            return { alerts: task.runs > 0 ? newCommentAlerts(watch, fresh, ranAt) : [] };
          };
          break;
        }
        case "refresh_user": {
          const user = await client.users.get(task.target, call);
          write = async () => {
            await store.upsertUsers([user]);
            return { alerts: followerAlerts(watch, user.id, await store.userObservations(user.id), ranAt) };
          };
          break;
        }
      }
    } catch (error) {
      // A deleted note or user: the tick is done and the task ends (else it would be paid for on every pass).
      if (!(error instanceof NotFoundError && task.kind !== "discover")) throw error;
      write = async () => ({ alerts: [], gone: true });
    } finally {
      stopMetering();
    }
    const conclude = async () => ({ ranAt, calls, usd, ...(await write()) });
    return finish ? finish(conclude) : conclude();
  };
}
