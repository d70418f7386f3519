/**
 * A list as the client hands it out: a Paginator (pages, items, collect) over a ListWalker, with the
 * caller's limit, cursor and abort signal.
 */

import { InvalidInputError } from "../core/errors.js";
import type { Page, Paginator } from "../core/types.js";
import type { NormalizedItem } from "../series/types.js";
import type { ListDefinition, ListEnvironment, ListRunOptions } from "./list-definition.js";
import { ListWalker } from "./list-walker.js";

/** A Paginator over a ListWalker. Stateful: a second iteration continues where the first one stopped. */
export class ListPaginator<T extends NormalizedItem> implements Paginator<T> {
  private walker: ListWalker<T>;
  private yielded = 0;
  private started = false;
  private readonly initialCursor: string | null;

  constructor(
    private readonly def: ListDefinition<T>,
    private readonly env: ListEnvironment,
    private readonly options: ListRunOptions = {},
  ) {
    if (options.limit !== undefined && (!Number.isInteger(options.limit) || options.limit < 0)) {
      throw new InvalidInputError(`limit must be a non-negative integer, got ${options.limit}`);
    }
    this.walker = new ListWalker(def, env, options.cursor);
    this.initialCursor = options.cursor ?? null;
  }

  get cursor(): string | null {
    if (!this.started) return this.initialCursor;
    return this.walker.cursor();
  }
  get degraded(): boolean {
    return this.walker.degradedReasons.length > 0;
  }
  get degradedReasons(): readonly string[] {
    return this.walker.degradedReasons;
  }

  private remaining(cap?: number): number {
    const limit = this.options.limit ?? Number.POSITIVE_INFINITY;
    return Math.min(limit - this.yielded, cap ?? Number.POSITIVE_INFINITY);
  }

  async *pages(): AsyncGenerator<Page<T>> {
    this.started = true;
    while (this.remaining() > 0) {
      const more = await this.walker.fill(this.options.signal);
      if (!more) return;
      const items = this.walker.take(this.remaining());
      this.yielded += items.length;
      const reasons = [...this.walker.degradedReasons];
      yield {
        items,
        cursor: this.walker.cursor(),
        hasMore: !this.walker.exhausted,
        source: this.walker.source!,
        degraded: reasons.length > 0,
        degradedReasons: reasons,
      };
    }
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<T> {
    this.started = true;
    while (this.remaining() > 0) {
      const more = await this.walker.fill(this.options.signal);
      if (!more) return;
      const [item] = this.walker.take(1);
      this.yielded++;
      yield item!;
    }
  }

  async collect(limit: number): Promise<T[]> {
    if (!Number.isInteger(limit) || limit < 0) {
      throw new InvalidInputError(`collect(limit) needs a non-negative integer limit, got ${limit}`);
    }
    const out: T[] = [];
    const mark = { cursor: this.started ? this.walker.cursor() : this.initialCursor, yielded: this.yielded };
    this.started = true;
    try {
      while (out.length < limit && this.remaining() > 0) {
        const more = await this.walker.fill(this.options.signal);
        if (!more) break;
        const items = this.walker.take(Math.min(limit - out.length, this.remaining()));
        this.yielded += items.length;
        out.push(...items);
      }
    } catch (error) {
      // The caller gets none of this collect's items: rewind so the cursor resumes before them (no gap).
      if (out.length > 0) {
        this.walker = new ListWalker(this.def, this.env, mark.cursor ?? undefined);
        this.yielded = mark.yielded;
      }
      throw error;
    }
    return out;
  }
}
