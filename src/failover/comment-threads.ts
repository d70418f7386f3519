/**
 * Comments with their replies: each top-level comment, then its replies (every page, up to
 * `maxRepliesPerThread`), then the next top-level comment. Replies are fetched only for comments that
 * have some (a `replyCount` of 0 costs nothing). The cursor nests the top-level list's cursor and, when
 * stopped inside a thread, the thread's own cursor.
 */

import { InvalidInputError } from "../core/errors.js";
import type { Page, Paginator } from "../core/types.js";
import type { Comment } from "../model/types.js";

export interface CommentThreadOptions {
  limit?: number | undefined;
  cursor?: string | undefined;
  key: string;
  maxRepliesPerThread?: number | undefined;
  topLevel(cursor: string | undefined): Paginator<Comment>;
  replies(commentId: string, cursor: string | undefined, limit: number | undefined): Paginator<Comment>;
}

interface CommentThreadCursor {
  v: 1;
  k: string;
  /** The top-level list's cursor (after the last top-level comment yielded); null when not started. */
  o: string | null;
  /** The top-level list is exhausted. */
  x: boolean;
  /** Inside a thread: the top-level comment's id, the thread's cursor, replies yielded in it. */
  t: { id: string; c: string | null; n: number } | null;
}

function decode(cursor: string, key: string): CommentThreadCursor {
  let state: CommentThreadCursor;
  try {
    state = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")) as CommentThreadCursor;
  } catch {
    throw new InvalidInputError("The cursor is not a cursor xhs-kit made (not base64url JSON)");
  }
  if (state?.v !== 1 || state.k !== key) {
    throw new InvalidInputError(`The cursor belongs to another list, not to "${key}"`);
  }
  return state;
}

export class CommentThreadPaginator implements Paginator<Comment> {
  private outer: Paginator<Comment>;
  private outerIterator: AsyncIterator<Comment> | null = null;
  private outerDone = false;
  private thread: { id: string; list: Paginator<Comment>; iterator: AsyncIterator<Comment>; n: number } | null = null;
  private yielded = 0;
  private readonly reasons = new Set<string>();
  private started = false;

  constructor(private readonly options: CommentThreadOptions) {
    this.outer = this.resetTo(options.cursor);
  }

  /** Positions the list at a cursor of its own (undefined: the start); returns the top-level list. */
  private resetTo(cursor: string | undefined): Paginator<Comment> {
    const state = cursor ? decode(cursor, this.options.key) : null;
    this.outer = this.options.topLevel(state?.o ?? undefined);
    this.outerIterator = null;
    this.outerDone = state?.x ?? false;
    this.thread = null;
    if (state?.t) this.openThread(state.t.id, state.t.c ?? undefined, state.t.n);
    return this.outer;
  }

  private openThread(id: string, cursor: string | undefined, already: number): void {
    const max = this.options.maxRepliesPerThread;
    const limit = max === undefined ? undefined : Math.max(0, max - already);
    const list = this.options.replies(id, cursor, limit);
    this.thread = { id, list, iterator: list[Symbol.asyncIterator](), n: already };
  }

  get cursor(): string | null {
    if (!this.started) return this.options.cursor ?? null;
    const outerCursor = this.outer.cursor;
    const exhausted = this.outerDone && this.thread === null;
    if (exhausted) return null;
    const state: CommentThreadCursor = {
      v: 1,
      k: this.options.key,
      o: outerCursor,
      x: this.outerDone,
      t: this.thread ? { id: this.thread.id, c: this.thread.list.cursor, n: this.thread.n } : null,
    };
    return Buffer.from(JSON.stringify(state), "utf8").toString("base64url");
  }

  get degradedReasons(): readonly string[] {
    for (const r of this.outer.degradedReasons) this.reasons.add(r);
    for (const r of this.thread?.list.degradedReasons ?? []) this.reasons.add(r);
    return [...this.reasons];
  }
  get degraded(): boolean {
    return this.degradedReasons.length > 0;
  }

  private get remaining(): number {
    return (this.options.limit ?? Number.POSITIVE_INFINITY) - this.yielded;
  }

  /** The next comment (top-level or reply), or null at the end. */
  private async next(): Promise<Comment | null> {
    this.started = true;
    while (true) {
      if (this.thread) {
        const step = await this.thread.iterator.next();
        if (!step.done) {
          this.thread.n++;
          return step.value;
        }
        for (const r of this.thread.list.degradedReasons) this.reasons.add(r);
        this.thread = null;
      }
      if (this.outerDone) return null;
      this.outerIterator ??= this.outer[Symbol.asyncIterator]();
      const step = await this.outerIterator.next();
      if (step.done) {
        this.outerDone = true;
        return null;
      }
      const top = step.value;
      const max = this.options.maxRepliesPerThread;
      if (top.replyCount !== 0 && max !== 0) this.openThread(top.id, undefined, 0);
      return top;
    }
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<Comment> {
    while (this.remaining > 0) {
      const item = await this.next();
      if (item === null) return;
      this.yielded++;
      yield item;
    }
  }

  /** One page per thread: a top-level comment and its replies. */
  async *pages(): AsyncGenerator<Page<Comment>> {
    while (this.remaining > 0) {
      const items: Comment[] = [];
      const first = await this.next();
      if (first === null) return;
      items.push(first);
      this.yielded++;
      while (this.thread && this.remaining > 0) {
        const step = await this.thread.iterator.next();
        if (step.done) {
          for (const r of this.thread.list.degradedReasons) this.reasons.add(r);
          this.thread = null;
          break;
        }
        this.thread.n++;
        items.push(step.value);
        this.yielded++;
      }
      const reasons = [...this.degradedReasons];
      yield {
        items,
        cursor: this.cursor,
        hasMore: this.cursor !== null,
        source: first.source,
        degraded: reasons.length > 0,
        degradedReasons: reasons,
      };
    }
  }

  async collect(limit: number): Promise<Comment[]> {
    if (!Number.isInteger(limit) || limit < 0) {
      throw new InvalidInputError(`collect(limit) needs a non-negative integer limit, got ${limit}`);
    }
    const out: Comment[] = [];
    const mark = { cursor: this.started ? this.cursor : (this.options.cursor ?? null), yielded: this.yielded };
    try {
      while (out.length < limit && this.remaining > 0) {
        const item = await this.next();
        if (item === null) break;
        this.yielded++;
        out.push(item);
      }
    } catch (error) {
      // The caller gets none of this collect's items: rewind so the cursor resumes before them (no gap).
      if (out.length > 0) {
        this.resetTo(mark.cursor ?? undefined);
        this.yielded = mark.yielded;
      }
      throw error;
    }
    return out;
  }
}
