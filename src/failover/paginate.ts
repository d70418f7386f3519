/**
 * Lists across failover: an async iterable of normalized items over one series at a time, continuing
 * on the next eligible series when one fails midway, never yielding an item twice.
 *
 * - Lists whose order is the same on every series ("stable": a user's notes, comments by time): the new
 *   series is read from its first page, skipping what was already yielded until the last yielded id,
 *   then everything after it is yielded: no gap, no duplicate.
 * - Relevance-ranked lists (search, comments by relevance): the new series cannot promise the same order,
 *   so already-yielded items are dropped (Bloom filter) and the list says it is degraded.
 * - An empty *first* page is suspect: another series is asked (or the same one again, when it is the only
 *   one) before concluding that the list is empty; every eligible series must answer empty (two answers
 *   where an empty answer names its subject), and none may when the client knows the subject has items.
 * - An empty *later* page ends the list (App V2 search has no has_more), unless the page before said
 *   has_more: true; then it is taken for a fault and the list continues on another series.
 * - The cursor (base64url JSON, a few KB at most) records the series, its native next-page parameters,
 *   the last yielded id and the Bloom filter; a list resumes from it, on the same series when possible.
 */

import type { EndpointSpec } from "../catalog/types.js";
import {
  AbortedError,
  AllSeriesFailedError,
  InvalidInputError,
  isXhsError,
  NotFoundError,
  TimeoutError,
  UpstreamError,
  type XhsError,
} from "../core/errors.js";
import type { Page, Paginator, Sleep } from "../core/types.js";
import type { Capability, Series } from "../core/vocabulary.js";
import type { NormalizedItem } from "../series/types.js";
import {
  EmptyPageAnswer,
  interpretPage,
  isEmptyPayload,
  mayBeHiddenNotGone,
  NotFoundAnswer,
  type PageAnswer,
  uncontradictedNotFound,
} from "./answer-verdicts.js";
import { BloomFilter, DEFAULT_BLOOM_BYTES } from "./bloom.js";
import { CURSOR_VERSION, decodeCursor, encodeCursor, type ListCursorState } from "./cursor.js";
import { failureScope, type HealthBoard, type ScopedBreaker } from "./health.js";
import type { DriftSink, NormalizerLookup, SeriesPort } from "./port.js";
import { anotherRound, FAILOVER_ROUNDS, healthOf, ROUND_PAUSE_MS } from "./run-failover.js";

export interface ListRoute {
  series: Series;
  endpoint: EndpointSpec;
  /** First-page parameters on this series. */
  params: Record<string, string>;
  /** Filters this series cannot honour (only with acceptDegraded). */
  degradedReasons: string[];
  /** Reasons that hold once this series is paged past its first page (App V2 comments in relevance order). */
  pagingReasons?: string[] | undefined;
}

export interface ListDefinition<T extends NormalizedItem> {
  capability: Capability;
  /** Identifies the list in its cursor (capability, subject, filters). */
  key: string;
  /** For messages: "the comments of note 64f…". */
  subject: string;
  routes: ListRoute[];
  ordering: "stable" | "relevance";
  idOf(item: T): string;
  /** Throws WrongItemError when a page is not about what was asked. */
  check?: ((items: T[], endpoint: EndpointSpec) => void) | undefined;
  /** Sees every page's records (the client learns tokens and note types from them). */
  onItems?: ((items: T[]) => void) | undefined;
  bloomBytes?: number | undefined;
  /**
   * True when the subject is known to have items (e.g. a note whose comment count the client has seen
   * above 0): an empty first page is then a fault, never the end of the list.
   */
  expectsItems?: (() => boolean) | undefined;
  /**
   * True when the subject is known to have no items (a note whose comment count the client saw at exactly
   * 0): one empty first answer that is evidence of emptiness then ends the list, without a second opinion.
   */
  expectsNone?: (() => boolean) | undefined;
  /**
   * Another source's word on whether the subject has items (a user's record and its note count): asked at
   * most once, when empty first answers would end the list. True makes those answers faults (the list fails
   * over, and fails rather than end empty); false lets them end it; null (cannot tell) leaves the rule of
   * every eligible series. Asked after two empty answers (the record is the independent opinion a third
   * series would give).
   */
  askHasItems?: ((signal?: AbortSignal) => Promise<boolean | null>) | undefined;
  /**
   * Whether the list's subject exists (a note, for its comments): true, false (not found) or null (cannot
   * tell). Asked at most once, only before a "not found" resting on votes a live thing hidden from the web
   * also gets (see stillExists); true keeps the list open (it fails, and gets its second round).
   */
  askExists?: ((signal?: AbortSignal) => Promise<boolean | null>) | undefined;
  /**
   * True when a genuine empty answer of this list names its subject (comments: the note's `user_id`):
   * an empty answer that does not is an empty-payload fault and is no evidence that the list is empty.
   */
  emptyNamesSubject?: boolean | undefined;
}

export interface ListEnvironment {
  port: SeriesPort;
  /** For the pause before a second round when every series failed (no second round without it). */
  sleep?: Sleep | undefined;
  normalizers: NormalizerLookup;
  health: HealthBoard;
  onDrift?: DriftSink | undefined;
}

export interface ListRunOptions {
  limit?: number | undefined;
  cursor?: string | undefined;
  signal?: AbortSignal | undefined;
}

type NextParams = Record<string, string> | "end";

const REPEATS_POSSIBLE =
  "resumed after more items than the cursor's filter can tell apart: some items yielded before the resume may come again";

/** Above this false-positive rate a resumed relevance list stops dropping ids its Bloom filter calls seen. */
const MAX_BLOOM_FALSE_POSITIVES = 1e-3;

/** A half-open series' probe that was too slow: the list went on elsewhere (a timeout, for the error report). */
class SlowProbe extends TimeoutError {
  constructor(route: ListRoute, afterMs: number) {
    super(
      `${route.endpoint.name}: probe of a recovering series still unanswered after ${afterMs} ms; asked the next series`,
      {
        endpoint: route.endpoint.name,
        series: route.series,
      },
    );
  }
}

function toXhsError(error: unknown, route: ListRoute): XhsError {
  if (isXhsError(error)) return error;
  return new UpstreamError(`${route.endpoint.name} failed: ${error instanceof Error ? error.message : String(error)}`, {
    endpoint: route.endpoint.name,
    series: route.series,
    cause: error,
  });
}

/** Walks one list page by page, across series, keeping a serializable position. */
export class ListWalker<T extends NormalizedItem> {
  private state: ListCursorState;
  private bloom: BloomFilter;
  private pending: T[] = [];
  /** The page being consumed: its parameters and what comes after it. */
  private page: { params: Record<string, string>; next: NextParams; index: number } | null = null;
  private done = false;
  private readonly lastErrors = new Map<Series, XhsError>();
  private readonly notFound = new Set<Series>();
  /** Position before a chain of failures, restored when every series failed (cheap resume on the same series). */
  private beforeFailures: { state: ListCursorState; bloom: string } | null = null;
  private lastReason: string | undefined;
  private switched = false;
  /** Ids yielded by this walker in this process: exact, so a repeated item is dropped with no false positive. */
  private readonly seen = new Set<string>();
  /**
   * The ids yielded before this process, as the cursor's Bloom filter had them (never added to): the only
   * memory of them, while `seen` is exact for this process. Null when the list starts here (then a Bloom
   * hit on an unseen id could only be a false positive, and believing it would drop an item never given).
   */
  private readonly prior: BloomFilter | null = null;
  /** What `askExists` answered (undefined: not asked). */
  private askedExists: boolean | null | undefined;
  /** What `askHasItems` answered (undefined: not asked); true makes every empty first page a fault. */
  private askedHasItems: boolean | null | undefined;
  /** Whether `prior` is sparse enough to drop on for a relevance list (see yieldedEarlier). */
  private readonly priorSparse: boolean = false;

  constructor(
    private readonly def: ListDefinition<T>,
    private readonly env: ListEnvironment,
    cursor?: string,
  ) {
    const bytes = def.bloomBytes ?? DEFAULT_BLOOM_BYTES;
    if (cursor) {
      const s = decodeCursor(cursor, def.key);
      this.bloom = BloomFilter.fromBase64(s.b, s.bn, s.bc);
      if (s.y > 0) {
        this.prior = BloomFilter.fromBase64(s.b, s.bn, s.bc);
        this.priorSparse = this.prior.falsePositiveRate <= MAX_BLOOM_FALSE_POSITIVES;
      }
      // A resumed list gives every series a new chance.
      this.state = { ...s, f: [] };
      if (s.s !== null && !def.routes.some((r) => r.series === s.s)) {
        // The cursor's series is not eligible for this call (e.g. a different series option): restart elsewhere.
        this.state = { ...this.state, s: null, a: null, p: 0, h: null, sk: s.y > 0 };
      }
    } else {
      this.bloom = new BloomFilter(bytes);
      this.state = {
        v: CURSOR_VERSION,
        k: def.key,
        s: null,
        a: null,
        p: 0,
        h: null,
        l: null,
        y: 0,
        sk: false,
        f: [],
        e: 0,
        d: [],
        b: "",
        bn: bytes,
        bc: 0,
      };
    }
  }

  get degradedReasons(): string[] {
    return this.state.d;
  }
  get exhausted(): boolean {
    return this.done && this.pending.length === 0;
  }
  get source(): Series | null {
    return this.state.s;
  }

  /** Where a new list resumes after the last consumed item; null once exhausted. */
  cursor(): string | null {
    if (this.exhausted) return null;
    const state: ListCursorState = { ...this.state, b: this.bloom.toBase64(), bc: this.bloom.size };
    if (this.page && this.pending.length > 0) {
      // Mid-page: fetch this page again and skip through the last consumed id.
      state.a = this.page.index === 0 ? null : this.page.params;
      state.p = this.page.index;
      state.sk = state.l !== null;
    } else if (this.page) {
      // At a page boundary: resume with the next page's parameters.
      if (this.page.next === "end") return null;
      state.a = this.page.next;
    }
    return encodeCursor(state);
  }

  private route(series: Series): ListRoute {
    return this.def.routes.find((r) => r.series === series)!;
  }

  private addDegraded(reasons: readonly string[]): void {
    for (const r of reasons) if (!this.state.d.includes(r)) this.state.d.push(r);
  }

  private pickSeries(): Series | null {
    const order = this.env.health.order(
      this.def.capability,
      this.def.routes.map((r) => r.series),
    );
    return order.find((s) => !this.state.f.includes(s)) ?? null;
  }

  private enter(series: Series): void {
    const previous = this.state.s;
    this.state.s = series;
    this.state.a = null;
    this.state.p = 0;
    this.state.h = null;
    if (this.state.y > 0) {
      this.state.sk = true;
      this.state.x = true;
      if (this.def.ordering === "relevance" && previous !== null) {
        this.addDegraded([
          `switched from ${previous} to ${series} midway: relevance order differs between series, so items may be missing (duplicates were dropped)`,
        ]);
      }
    }
    this.addDegraded(this.route(series).degradedReasons);
  }

  /** Leaves the current series for the next eligible one, or throws when none is left. */
  private async failOver(error: XhsError, signal?: AbortSignal): Promise<void> {
    if (!this.beforeFailures) {
      this.beforeFailures = { state: structuredClone(this.state), bloom: this.bloom.toBase64() };
    }
    const from = this.state.s;
    if (from !== null) {
      this.lastErrors.set(from, error);
      if (!this.state.f.includes(from)) this.state.f.push(from);
    }
    this.lastReason = `${from ?? "?"}: ${error.kind}`;
    this.switched = true;
    const next = this.pickSeries();
    if (next === null) {
      // Nothing yielded yet, a not-found vote and only empty or "服务异常" answers besides: the subject is gone
      // (e.g. the comments of a deleted note: App V2's empty shell, App V1's "笔记状态异常").
      const concluded =
        this.state.p === 0 && this.state.y === 0
          ? uncontradictedNotFound(this.def.subject, this.notFound, this.lastErrors)
          : null;
      if (concluded && !(await this.stillExists(signal))) throw concluded;
      const attempts = [...this.lastErrors.values()];
      // Resume later from where the list stood before this chain of failures, on the same series.
      const saved = this.beforeFailures;
      this.state = { ...saved.state, f: [] };
      this.bloom = BloomFilter.fromBase64(saved.bloom, this.state.bn, saved.state.bc || this.bloom.size);
      this.beforeFailures = null;
      throw new AllSeriesFailedError(
        `Every eligible series failed for ${this.def.subject}: ${attempts.map((e) => `${e.series ?? "?"}: ${e.message}`).join("; ")}`,
        attempts,
      );
    }
    this.enter(next);
  }

  private async fetch(route: ListRoute, params: Record<string, string>, signal?: AbortSignal): Promise<PageAnswer<T>> {
    const interpret = interpretPage<T>(route.endpoint, {
      normalizers: this.env.normalizers,
      onDrift: this.env.onDrift,
      ...(this.def.check ? { check: (items: T[]) => this.def.check!(items, route.endpoint) } : {}),
    });
    return this.env.port.call(route.endpoint, params, interpret, {
      capability: this.def.capability,
      failover: this.switched,
      ...(this.switched && this.lastReason ? { reason: this.lastReason } : {}),
      ...(signal ? { signal } : {}),
    });
  }

  private otherSeriesLeft(series: Series): boolean {
    return this.def.routes.some((r) => r.series !== series && !this.state.f.includes(r.series));
  }

  /**
   * A first page on a half-open series (its breaker's probe): when it has not answered after the health
   * board's `probeHedgeMs`, it is left running (its outcome goes to the breaker only) and SlowProbe sends
   * this list to the next series. Only first pages: moving a list that is midway costs pages read again.
   */
  private async fetchProbe(
    route: ListRoute,
    params: Record<string, string>,
    breaker: ScopedBreaker,
    signal?: AbortSignal,
  ): Promise<PageAnswer<T>> {
    const sleep = this.env.sleep;
    if (!sleep) return this.fetch(route, params, signal);
    const call = this.fetch(route, params, signal);
    const timer = new AbortController();
    const slow = sleep(this.env.health.probeHedgeMs, timer.signal).then(
      () => true,
      () => false,
    );
    const first = await Promise.race([
      call.then(
        () => false,
        () => false,
      ),
      slow,
    ]);
    timer.abort();
    if (!first) return call;
    void call.then(
      () => breaker.settleDetached(null),
      (error: unknown) => breaker.settleDetached(toXhsError(error, route)),
    );
    throw new SlowProbe(route, this.env.health.probeHedgeMs);
  }

  /**
   * Fetches pages until at least one new item is pending, or the list ends. When every series failed for
   * passing reasons, the list (back where it stood before those failures) gets one more round across the
   * series after a pause, like single records (see runFailoverRounds).
   */
  async fill(signal?: AbortSignal): Promise<boolean> {
    for (let round = 1; ; round++) {
      try {
        return await this.fillOnce(signal);
      } catch (error) {
        const sleep = this.env.sleep;
        if (!sleep || !anotherRound(error, round, FAILOVER_ROUNDS) || signal?.aborted) throw error;
        await sleep(ROUND_PAUSE_MS, signal);
      }
    }
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
        this.state.a = next;
      }
      if (this.state.s === null) {
        const first = this.pickSeries();
        if (first === null) throw new InvalidInputError(`No series can serve ${this.def.subject}`);
        this.enter(first);
      }
      const route = this.route(this.state.s!);
      const params = this.state.a ?? route.params;
      if (this.state.p > 0 && route.pagingReasons) this.addDegraded(route.pagingReasons);
      const breaker = this.env.health.breaker(route.series, this.def.capability);
      const probe = breaker.state === "half_open" && this.state.p === 0 && this.otherSeriesLeft(route.series);
      breaker.begin();
      let answer: PageAnswer<T> | null = null;
      let emptyError: UpstreamError | null = null;
      try {
        answer = probe
          ? await this.fetchProbe(route, params, breaker, signal)
          : await this.fetch(route, params, signal);
      } catch (caught) {
        const error = toXhsError(caught, route);
        if (error instanceof SlowProbe) {
          // The probe runs on and tells its breaker; this list moves on.
          await this.failOver(error, signal);
          continue;
        }
        if (isEmptyPayload(error)) {
          emptyError = error;
        } else {
          if (healthOf(error) === "failure") breaker.failure(failureScope(error));
          else breaker.release();
          if (error.fatal) throw error;
          if (error instanceof NotFoundError) {
            this.notFound.add(route.series);
            const explicit = error instanceof NotFoundAnswer ? error.explicit : true;
            if (explicit || this.notFound.size >= 2) {
              throw new NotFoundError(`${this.def.subject}: not found (${[...this.notFound].join(" and ")})`, {
                endpoint: error.endpoint,
                series: error.series,
                cause: error,
              });
            }
          }
          await this.failOver(error, signal);
          continue;
        }
      }
      if (emptyError || !answer) {
        breaker.release();
        const empty = emptyError ?? new UpstreamError(`${route.endpoint.name} answered an empty page`);
        if (this.state.p === 0) {
          if (this.state.y === 0) {
            if (!this.isEvidenceOfEmptiness(empty)) {
              // The subject has items (or the answer is a bare fault): a fault, not the end. Another series.
              await this.failOver(empty, signal);
              continue;
            }
            // An empty first page is suspect: two answers must agree before the list is taken as empty
            // (or one, when the client already knew the subject had none: two pieces of evidence agree).
            this.state.e++;
            if (this.state.e >= this.emptiesNeeded() || this.confirmsKnownEmptiness(empty)) {
              if (await this.subjectSaysItems(signal)) {
                // The subject's own record counts items: the empty answers were faults.
                await this.failOver(empty, signal);
                continue;
              }
              // (A record that could not tell leaves the rule of every eligible series.)
              if (this.state.e >= this.emptiesNeeded() || this.confirmsKnownEmptiness(empty)) {
                this.done = true;
                return false;
              }
            }
            const other = this.def.routes.some((r) => r.series !== route.series && !this.state.f.includes(r.series));
            if (other) await this.failOver(empty, signal);
            continue;
          }
          // A new series that has nothing where the list had items: it cannot continue the list.
          await this.failOver(empty, signal);
          continue;
        }
        if (this.state.h === true) {
          // The previous page promised more: an empty page here is a fault, not the end.
          await this.failOver(empty, signal);
          continue;
        }
        this.done = true;
        return false;
      }
      breaker.success();
      this.beforeFailures = null;
      this.def.onItems?.(answer.items);
      const index = this.state.p;
      this.state.p++;
      this.state.h = answer.hasMore;
      const next: NextParams =
        answer.hasMore === false || answer.next === null ? "end" : { ...route.params, ...answer.next };
      this.page = { params, next, index };
      this.pending = this.select(answer.items);
    }
    return true;
  }

  /**
   * How many empty first answers must agree before the list is empty. Where a genuine empty answer names its
   * subject (comments), a fault that passed that test is rare: two. Elsewhere (search, a user's notes) an
   * empty-payload fault looks exactly like a genuine empty list, and two series failing silently in the same
   * way happen (about 1 list in 400 at 5 % empty payloads): every eligible series must agree, at least two
   * answers (the only series is asked twice). A third series costs one call, and only for a list that is
   * really empty. A list that can ask its subject's record (askHasItems) asks it after two instead, and
   * needs every series only when the record could not tell.
   */
  private emptiesNeeded(): number {
    if (this.def.emptyNamesSubject === true) return 2;
    if (this.def.askHasItems && this.askedHasItems !== null) return 2;
    return Math.max(2, new Set(this.def.routes.map((r) => r.series)).size);
  }

  /**
   * Whether one empty answer is enough: the client already knew the subject had no items, and the answer
   * itself positively looks genuine (names its subject, or reports a count of 0). A bare empty payload
   * never is: it may be a fault, and the count the client saw may be stale.
   */
  private confirmsKnownEmptiness(empty: UpstreamError): boolean {
    if (this.def.expectsNone?.() !== true || !(empty instanceof EmptyPageAnswer)) return false;
    const { namesSubject, reportedCount } = empty.evidence;
    return namesSubject === true || reportedCount === 0;
  }

  /**
   * Whether the subject was shown to exist although every not-found vote was one that a live thing hidden from
   * the web also gets ("当前笔记暂时无法浏览"): `askExists`, asked once. False when there is no such check,
   * another kind of vote, or no answer (a failure to tell leaves the vote standing).
   */
  private async stillExists(signal?: AbortSignal): Promise<boolean> {
    if (!this.def.askExists) return false;
    const votes = [...this.notFound].map((series) => this.lastErrors.get(series));
    if (votes.length === 0 || !votes.every(mayBeHiddenNotGone)) return false;
    if (this.askedExists === undefined) {
      try {
        this.askedExists = await this.def.askExists(signal);
      } catch (error) {
        if (isXhsError(error) && error.fatal) throw error;
        this.askedExists = null;
      }
    }
    return this.askedExists === true;
  }

  /** Asks `askHasItems` once; true when the subject has items. A failure to tell (not fatal) is "cannot tell". */
  private async subjectSaysItems(signal?: AbortSignal): Promise<boolean> {
    if (!this.def.askHasItems) return false;
    if (this.askedHasItems === undefined) {
      try {
        this.askedHasItems = await this.def.askHasItems(signal);
      } catch (error) {
        if (isXhsError(error) && error.fatal) throw error;
        this.askedHasItems = null;
      }
    }
    return this.askedHasItems === true;
  }

  /** Whether an empty first page may count toward "the list is empty" (two such answers end it). */
  private isEvidenceOfEmptiness(empty: UpstreamError): boolean {
    if (this.def.expectsItems?.() === true || this.askedHasItems === true) return false;
    if (empty instanceof EmptyPageAnswer) {
      const { reportedCount, namesSubject } = empty.evidence;
      if (reportedCount !== null && reportedCount > 0) return false;
      if (this.def.emptyNamesSubject === true && namesSubject === false) return false;
    }
    return true;
  }

  private select(items: T[]): T[] {
    const out: T[] = [];
    const seenHere = new Set<string>();
    for (const item of items) {
      const id = this.def.idOf(item);
      if (seenHere.has(id) || this.seen.has(id)) continue;
      seenHere.add(id);
      if (this.state.sk) {
        if (id === this.state.l) {
          this.state.sk = false;
          continue;
        }
        if (this.yieldedEarlier(id)) continue;
      } else if (this.def.ordering === "relevance" && this.state.x === true) {
        // After a switch of series only: the Bloom filter is lossy (false positives), see ListCursorState.x.
        if (this.yieldedEarlier(id)) continue;
      } else if (id === this.state.l) {
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
      this.state.l = id;
      this.state.y++;
    }
    if (this.pending.length === 0 && this.page?.next === "end") {
      this.page = null;
      this.done = true;
    }
    return taken;
  }
}

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
