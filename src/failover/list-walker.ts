/**
 * Lists across failover: one list walked page by page over one series at a time, continuing on the next
 * eligible series when one fails midway, never yielding an item twice.
 *
 * - Lists whose order is the same on every series ("stable": a user's notes, comments by time): the new
 *   series is read from its first page, skipping what was already yielded until the last yielded id,
 *   then everything after it is yielded: no gap, no duplicate.
 * - Relevance-ranked lists (search, comments by relevance): the new series cannot promise the same order,
 *   so already-yielded items are dropped (Bloom filter) and the list says it is degraded.
 * - An empty *first* page is suspect: another series is asked (or the same one again, when it is the only
 *   one) before concluding that the list is empty; every eligible series must answer empty (two answers
 *   where an empty answer names its subject), and none may when the client knows the subject has items
 *   (see subject-evidence.ts).
 * - An empty *later* page ends the list (App V2 search has no has_more), unless the page before said
 *   has_more: true; then it is taken for a fault and the list continues on another series.
 * - The cursor (cursor.ts: base64url JSON, a few KB at most) records the series, its native next-page
 *   parameters, the last yielded id and the Bloom filter; a list resumes from it, on the same series when
 *   possible.
 */

import { AbortedError, InvalidInputError, UpstreamError, type XhsError } from "../core/errors.js";
import type { Series } from "../core/vocabulary.js";
import type { NormalizedItem } from "../series/types.js";
import { isEmptyPayload, type PageAnswer } from "./answer-verdicts.js";
import { BloomFilter, DEFAULT_BLOOM_BYTES } from "./bloom.js";
import { decodeCursor, encodeCursor, type ListPosition } from "./cursor.js";
import type { ListDefinition, ListEnvironment, ListRoute } from "./list-definition.js";
import { firstPageHedge, ListPageFetcher, SlowProbe } from "./list-page-fetch.js";
import { FAILOVER_ROUNDS, FailureVerdict, inRounds, ROUND_PAUSE_MS, settleAttempt, toXhsError } from "./rounds.js";
import { SubjectEvidence } from "./subject-evidence.js";

type NextParams = Record<string, string> | "end";

const REPEATS_POSSIBLE =
  "resumed after more items than the cursor's filter can tell apart: some items yielded before the resume may come again";

/** Above this false-positive rate a resumed relevance list stops dropping ids its Bloom filter calls seen. */
const MAX_BLOOM_FALSE_POSITIVES = 1e-3;

/** Walks one list page by page, across series, keeping a serializable position. */
export class ListWalker<T extends NormalizedItem> {
  private position: ListPosition;
  private bloom: BloomFilter;
  private pending: T[] = [];
  /** The page being consumed: its parameters and what comes after it. */
  private page: { params: Record<string, string>; next: NextParams; index: number } | null = null;
  private done = false;
  private readonly failures: FailureVerdict;
  private readonly evidence: SubjectEvidence<T>;
  private readonly fetcher: ListPageFetcher<T>;
  /** Position before a chain of failures, restored when every series failed (cheap resume on the same series). */
  private beforeFailures: { position: ListPosition; bloom: string } | null = null;
  /** Ids yielded by this walker in this process: exact, so a repeated item is dropped with no false positive. */
  private readonly seen = new Set<string>();
  /**
   * The ids yielded before this process, as the cursor's Bloom filter had them (never added to): the only
   * memory of them, while `seen` is exact for this process. Null when the list starts here (then a Bloom
   * hit on an unseen id could only be a false positive, and believing it would drop an item never given).
   */
  private readonly prior: BloomFilter | null = null;
  /** Whether `prior` is sparse enough to drop on for a relevance list (see yieldedEarlier). */
  private readonly priorSparse: boolean = false;

  constructor(
    private readonly def: ListDefinition<T>,
    private readonly env: ListEnvironment,
    cursor?: string,
  ) {
    this.failures = new FailureVerdict(def.subject);
    this.evidence = new SubjectEvidence(def);
    this.fetcher = new ListPageFetcher(def, env);
    const bytes = def.bloomBytes ?? DEFAULT_BLOOM_BYTES;
    if (cursor) {
      const resumed = decodeCursor(cursor, def.key);
      const { deflated, bytes: filterBytes, count } = resumed.yieldedFilter;
      this.bloom = BloomFilter.fromBase64(deflated, filterBytes, count);
      if (resumed.yieldedCount > 0) {
        this.prior = BloomFilter.fromBase64(deflated, filterBytes, count);
        this.priorSparse = this.prior.falsePositiveRate <= MAX_BLOOM_FALSE_POSITIVES;
      }
      // A resumed list gives every series a new chance.
      this.position = { ...resumed, failedSeries: [] };
      if (resumed.series !== null && !def.routes.some((r) => r.series === resumed.series)) {
        // The cursor's series is not eligible for this call (e.g. a different series option): restart elsewhere.
        this.position = {
          ...this.position,
          series: null,
          nextParams: null,
          pagesFetched: 0,
          lastHasMore: null,
          skippingToLast: resumed.yieldedCount > 0,
        };
      }
    } else {
      this.bloom = new BloomFilter(bytes);
      this.position = {
        listKey: def.key,
        series: null,
        nextParams: null,
        pagesFetched: 0,
        lastHasMore: null,
        lastYieldedId: null,
        yieldedCount: 0,
        skippingToLast: false,
        crossedSeries: false,
        failedSeries: [],
        emptyFirstPages: 0,
        degradedReasons: [],
        yieldedFilter: { deflated: "", bytes, count: 0 },
      };
    }
  }

  get degradedReasons(): string[] {
    return this.position.degradedReasons;
  }
  get exhausted(): boolean {
    return this.done && this.pending.length === 0;
  }
  get source(): Series | null {
    return this.position.series;
  }

  /** Where a new list resumes after the last consumed item; null once exhausted. */
  cursor(): string | null {
    if (this.exhausted) return null;
    const position: ListPosition = {
      ...this.position,
      yieldedFilter: { ...this.position.yieldedFilter, deflated: this.bloom.toBase64(), count: this.bloom.size },
    };
    if (this.page && this.pending.length > 0) {
      // Mid-page: fetch this page again and skip through the last consumed id.
      position.nextParams = this.page.index === 0 ? null : this.page.params;
      position.pagesFetched = this.page.index;
      position.skippingToLast = position.lastYieldedId !== null;
    } else if (this.page) {
      // At a page boundary: resume with the next page's parameters.
      if (this.page.next === "end") return null;
      position.nextParams = this.page.next;
    }
    return encodeCursor(position);
  }

  private route(series: Series): ListRoute {
    return this.def.routes.find((r) => r.series === series)!;
  }

  private addDegraded(reasons: readonly string[]): void {
    const known = this.position.degradedReasons;
    for (const r of reasons) if (!known.includes(r)) known.push(r);
  }

  private pickSeries(): Series | null {
    const order = this.env.health.order(
      this.def.capability,
      this.def.routes.map((r) => r.series),
    );
    return order.find((s) => !this.position.failedSeries.includes(s)) ?? null;
  }

  private otherSeriesLeft(series: Series): boolean {
    return this.def.routes.some((r) => r.series !== series && !this.position.failedSeries.includes(r.series));
  }

  private enter(series: Series): void {
    const previous = this.position.series;
    this.position.series = series;
    this.position.nextParams = null;
    this.position.pagesFetched = 0;
    this.position.lastHasMore = null;
    if (this.position.yieldedCount > 0) {
      this.position.skippingToLast = true;
      this.position.crossedSeries = true;
      if (this.def.ordering === "relevance" && previous !== null) {
        this.addDegraded([
          `switched from ${previous} to ${series} midway: relevance order differs between series, so items may be missing (duplicates were dropped)`,
        ]);
      }
    }
    this.addDegraded(this.route(series).degradedReasons);
  }

  /**
   * Leaves the current series for the next eligible one, or throws when none is left: NotFoundError when the
   * failures settle it (a confirming vote, or a vote nothing contradicts), else AllSeriesFailedError.
   */
  private async failOver(error: XhsError, signal?: AbortSignal): Promise<void> {
    const from = this.position.series;
    if (from !== null) {
      const notFound = this.failures.fail(from, error);
      if (notFound) throw notFound;
    }
    if (!this.beforeFailures) {
      this.beforeFailures = { position: structuredClone(this.position), bloom: this.bloom.toBase64() };
    }
    if (from !== null && !this.position.failedSeries.includes(from)) this.position.failedSeries.push(from);
    this.fetcher.leftSeries(`${from ?? "?"}: ${error.kind}`);
    const next = this.pickSeries();
    if (next === null) {
      // Nothing yielded yet, a not-found vote and only empty or "服务异常" answers besides: the subject is gone
      // (e.g. the comments of a deleted note: App V2's empty shell, App V1's "笔记状态异常").
      const concluded =
        this.position.pagesFetched === 0 && this.position.yieldedCount === 0
          ? this.failures.uncontradictedNotFound()
          : null;
      if (concluded && !(await this.evidence.stillExists(this.failures.votes, signal))) throw concluded;
      // Resume later from where the list stood before this chain of failures, on the same series.
      const saved = this.beforeFailures;
      this.position = { ...saved.position, failedSeries: [] };
      const filter = this.position.yieldedFilter;
      this.bloom = BloomFilter.fromBase64(saved.bloom, filter.bytes, filter.count || this.bloom.size);
      this.beforeFailures = null;
      throw this.failures.allFailed();
    }
    this.enter(next);
  }

  /**
   * The list's state as a slow first page is left running (before it moves on), and what restores it when
   * that page wins its race: the list then continues on that page's series as if it had never left.
   */
  private saveForRace(): () => void {
    const position = structuredClone(this.position);
    const beforeFailures = this.beforeFailures;
    return () => {
      this.position = position;
      this.beforeFailures = beforeFailures;
    };
  }

  /**
   * Fetches pages until at least one new item is pending, or the list ends. When every series failed for
   * passing reasons, the list (back where it stood before those failures) gets more rounds across the
   * series after a pause, like single records (see inRounds).
   */
  fill(signal?: AbortSignal): Promise<boolean> {
    return inRounds(() => this.fillOnce(signal), {
      subject: this.def.subject,
      rounds: FAILOVER_ROUNDS,
      pauseMs: ROUND_PAUSE_MS,
      sleep: this.env.sleep,
      signal,
      confirmSoleVote: false,
    });
  }

  private async fillOnce(signal?: AbortSignal): Promise<boolean> {
    while (this.pending.length === 0) {
      if (this.done) return false;
      if (signal?.aborted) throw new AbortedError(`Aborted while listing ${this.def.subject}`);
      if (this.page) {
        // The previous page is fully consumed: move past it.
        const next = this.page.next;
        this.page = null;
        if (next === "end") {
          this.done = true;
          return false;
        }
        this.position.nextParams = next;
      }
      if (this.position.series === null) {
        const first = this.pickSeries();
        if (first === null) throw new InvalidInputError(`No series can serve ${this.def.subject}`);
        this.enter(first);
      }
      let route = this.route(this.position.series!);
      let params = this.position.nextParams ?? route.params;
      if (this.position.pagesFetched > 0 && route.pagingReasons) this.addDegraded(route.pagingReasons);
      const breaker = this.env.health.breaker(route.series, this.def.capability);
      const hedge = firstPageHedge(this.env.health, this.def.capability, route.series, {
        halfOpen: breaker.state === "half_open",
        firstPage: this.position.pagesFetched === 0,
        othersLeft: this.otherSeriesLeft(route.series),
      });
      breaker.begin();
      let answer: PageAnswer<T> | null = null;
      let emptyError: UpstreamError | null = null;
      try {
        // Races any slow first page the list moved on from: when that one answers first, the list goes back to it.
        const won = await this.fetcher.race(
          (raceSignal, mark) =>
            hedge
              ? this.fetcher.fetchFirst(route, params, breaker, hedge, raceSignal, mark, () => this.saveForRace())
              : this.fetcher.fetch(route, params, raceSignal, mark),
          signal,
        );
        answer = won.answer;
        if (won.from) {
          // This call lost: it tells its breaker nothing. The winner's breaker hears from its own call (fetchFirst).
          settleAttempt(breaker, null, "neutral");
          won.from.restore();
          route = won.from.route;
          params = won.from.params;
        } else {
          settleAttempt(breaker, null);
        }
      } catch (caught) {
        const error = toXhsError(caught, route);
        if (error instanceof SlowProbe) {
          // The slow page runs on, racing the next series' page (see ListPageFetcher.race); this list moves on.
          await this.failOver(error, signal);
          continue;
        }
        if (!isEmptyPayload(error)) {
          settleAttempt(breaker, error);
          if (error.fatal) throw error;
          await this.failOver(error, signal);
          continue;
        }
        emptyError = error;
      }
      if (emptyError || !answer) {
        const empty = emptyError ?? new UpstreamError(`${route.endpoint.name} answered an empty page`);
        settleAttempt(breaker, empty, "neutral");
        if (await this.endsOnEmpty(empty, route.series, signal)) {
          this.done = true;
          return false;
        }
        continue;
      }
      this.beforeFailures = null;
      this.def.onItems?.(answer.items);
      const index = this.position.pagesFetched;
      this.position.pagesFetched++;
      this.position.lastHasMore = answer.hasMore;
      const next: NextParams =
        answer.hasMore === false || answer.next === null ? "end" : { ...route.params, ...answer.next };
      this.page = { params, next, index };
      this.pending = this.select(answer.items);
    }
    return true;
  }

  /**
   * An empty page on `series`: true when it ends the list; otherwise the list has moved on (another series,
   * or the same one asked again) and the caller fetches again.
   */
  private async endsOnEmpty(empty: UpstreamError, series: Series, signal?: AbortSignal): Promise<boolean> {
    if (this.position.pagesFetched > 0) {
      // Past the first page an empty page ends the list, unless the previous page promised more: a fault.
      if (this.position.lastHasMore !== true) return true;
      await this.failOver(empty, signal);
      return false;
    }
    if (this.position.yieldedCount > 0 || !this.evidence.countsTowardEmpty(empty)) {
      // A new series with nothing where the list had items cannot continue it; and where the subject has items
      // (or the answer is a bare fault) an empty first page is a fault, not the end: another series.
      await this.failOver(empty, signal);
      return false;
    }
    // An empty first page is suspect: answers must agree before the list is taken as empty (or one, when the
    // client already knew the subject had none: two pieces of evidence agree).
    this.position.emptyFirstPages++;
    const agreed = () =>
      this.position.emptyFirstPages >= this.evidence.emptiesNeeded() || this.evidence.confirmsKnownEmptiness(empty);
    if (agreed()) {
      if (await this.evidence.saysItems(signal)) {
        // The subject's own record counts items: the empty answers were faults.
        await this.failOver(empty, signal);
        return false;
      }
      // (A record that could not tell leaves the rule of every eligible series.)
      if (agreed()) return true;
    }
    if (this.otherSeriesLeft(series)) await this.failOver(empty, signal);
    return false;
  }

  private select(items: T[]): T[] {
    const out: T[] = [];
    const seenHere = new Set<string>();
    const position = this.position;
    for (const item of items) {
      const id = this.def.idOf(item);
      if (seenHere.has(id) || this.seen.has(id)) continue;
      seenHere.add(id);
      if (position.skippingToLast) {
        if (id === position.lastYieldedId) {
          position.skippingToLast = false;
          continue;
        }
        if (this.yieldedEarlier(id)) continue;
      } else if (this.def.ordering === "relevance" && position.crossedSeries) {
        // After a switch of series only: the Bloom filter is lossy (false positives), see ListPosition.crossedSeries.
        if (this.yieldedEarlier(id)) continue;
      } else if (id === position.lastYieldedId) {
        continue;
      }
      out.push(item);
    }
    return out;
  }

  /**
   * Whether an id this process has not yielded was yielded before the resume (as far as the cursor's filter
   * can tell). A stable list drops on any hit: the items before its last yielded id are old ones, so a false
   * positive could only hide an item inserted since. A relevance list drops only while the filter is sparse:
   * past ~1,200 ids a 2 KB filter calls more than 1 new id in 1,000 "seen", and an item that comes twice (a
   * store upserts it) is better than one that never comes; the list then says so.
   */
  private yieldedEarlier(id: string): boolean {
    if (this.prior === null) return false;
    if (this.def.ordering === "relevance" && !this.priorSparse) {
      this.addDegraded([REPEATS_POSSIBLE]);
      return false;
    }
    return this.prior.has(id);
  }

  /** Takes up to `count` pending items, recording them as yielded. */
  take(count: number): T[] {
    const taken = this.pending.splice(0, Math.max(0, count));
    for (const item of taken) {
      const id = this.def.idOf(item);
      this.bloom.add(id);
      this.seen.add(id);
      this.position.lastYieldedId = id;
      this.position.yieldedCount++;
    }
    if (this.pending.length === 0 && this.page?.next === "end") {
      this.page = null;
      this.done = true;
    }
    return taken;
  }
}
