/**
 * How every list is put together: the routes the router allows, each series' first-page parameters (built by
 * the series, src/series/registry.ts) with the filters added, and a paginator that starts on first use.
 */
import type { EndpointSpec } from "../catalog/types.js";
import { InvalidInputError } from "../core/errors.js";
import type { Paginator } from "../core/types.js";
import type { Series } from "../core/vocabulary.js";
import type { ListDefinition, ListRoute } from "../failover/list-definition.js";
import { ListPaginator } from "../failover/list-paginator.js";
import { type FilterRequest, requireRoutes } from "../failover/router.js";
import { requestParams } from "../series/registry.js";
import type { NormalizedItem, RequestFor } from "../series/types.js";
import type { ClientContext } from "./context.js";
import type { ListOptions } from "./types.js";

/** The requests a list is built from (the single-record capabilities are not lists). */
export type ListRequest = Exclude<RequestFor, { capability: "note" | "user" | "topic" }>;

export function oneOf<T extends string>(name: string, value: T | undefined, allowed: readonly T[]): void {
  if (value !== undefined && !allowed.includes(value)) {
    throw new InvalidInputError(`${name} must be one of ${allowed.join(", ")}; got ${JSON.stringify(value)}`);
  }
}

export function filter(
  name: string,
  table: FilterRequest["table"],
  value: string | undefined,
  neutral: string,
): FilterRequest[] {
  return value === undefined ? [] : [{ name, table, value, neutral }];
}

export interface ListSetup<T extends NormalizedItem> {
  /** What is listed, with the caller's inputs: each series builds its first-page parameters from it. */
  request: ListRequest;
  key: string;
  subject: string;
  ordering: "stable" | "relevance";
  /**
   * For a "stable" list: whether a series gives that same order. A list one of whose series does not (it
   * cannot be told the order) is walked as relevance-ordered: a switch of series dedupes instead of skipping.
   */
  keepsOrder?: (route: ListRoute) => boolean;
  /** Degraded reasons that hold once a series is paged past its first page (see ListRoute.pagingReasons). */
  pagingReasons?: (series: Series) => string[] | undefined;
  filters?: FilterRequest[];
  xsecToken?: string | null;
  check?: (endpoint: EndpointSpec) => ((items: T[]) => void) | undefined;
  bloomBytes?: number;
  /** The subject is known to have items (an empty first page is then a fault). */
  expectsItems?: () => boolean;
  /** Asks whether the subject exists (see ListDefinition.askExists). */
  askExists?: (signal?: AbortSignal) => Promise<boolean | null>;
  /** Asks the subject's record whether it has items (see ListDefinition.askHasItems). */
  askHasItems?: (signal?: AbortSignal) => Promise<boolean | null>;
  /** The subject is known to have no items (see ListDefinition.expectsNone). */
  expectsNone?: () => boolean;
  /** A genuine empty answer names its subject (see ListDefinition.emptyNamesSubject). */
  emptyNamesSubject?: boolean;
}

export function buildList<T extends NormalizedItem>(
  ctx: ClientContext,
  setup: ListSetup<T>,
  options: ListOptions,
): ListPaginator<T> {
  const routes = requireRoutes({
    capability: setup.request.capability,
    order: options.series ?? ctx.order,
    filters: setup.filters,
    acceptDegraded: options.acceptDegraded,
    xsecToken: setup.xsecToken,
  });
  const listRoutes: ListRoute[] = routes.map((route) => {
    const endpoint = route.endpoints[0]!;
    return {
      series: route.series,
      endpoint,
      params: { ...requestParams(route.series, setup.request), ...route.filterParams },
      degradedReasons: route.degradedReasons,
      pagingReasons: setup.pagingReasons?.(route.series),
    };
  });
  const keepsOrder = setup.keepsOrder;
  const ordering =
    setup.ordering === "stable" && keepsOrder && !listRoutes.every(keepsOrder) ? "relevance" : setup.ordering;
  const checks = new Map(listRoutes.map((r) => [r.endpoint.name, setup.check?.(r.endpoint)]));
  const def: ListDefinition<T> = {
    // Known items: what the setup knows (a note's comment count) or this list answering items before.
    expectsItems: () => setup.expectsItems?.() === true || ctx.knowledge.listHadItems(setup.key),
    expectsNone: setup.expectsNone,
    askHasItems: setup.askHasItems,
    askExists: setup.askExists,
    emptyNamesSubject: setup.emptyNamesSubject,
    capability: setup.request.capability,
    key: setup.key,
    subject: setup.subject,
    routes: listRoutes,
    ordering,
    idOf: (item) => item.id,
    check: (items, endpoint) => checks.get(endpoint.name)?.(items),
    onItems: (items) => {
      ctx.knowledge.learn(items);
      if (items.length > 0) ctx.knowledge.rememberListItems(setup.key);
    },
    bloomBytes: setup.bloomBytes,
  };
  return new ListPaginator<T>(def, ctx, options);
}

/** A lazy paginator: the ref is resolved (maybe a paid call) on first use, so the factory stays synchronous. */
class DeferredPaginator<T> implements Paginator<T> {
  private inner: Paginator<T> | null = null;
  private pending: Promise<Paginator<T>> | null = null;
  constructor(
    private readonly make: () => Promise<Paginator<T>>,
    private readonly initialCursor: string | null,
  ) {}
  private async get(): Promise<Paginator<T>> {
    if (this.inner) return this.inner;
    this.pending ??= this.make().then((p) => {
      this.inner = p;
      return p;
    });
    return this.pending;
  }
  async *pages() {
    yield* (await this.get()).pages();
  }
  async *[Symbol.asyncIterator]() {
    yield* await this.get();
  }
  async collect(limit: number): Promise<T[]> {
    return (await this.get()).collect(limit);
  }
  get cursor(): string | null {
    return this.inner ? this.inner.cursor : this.initialCursor;
  }
  get degraded(): boolean {
    return this.inner?.degraded ?? false;
  }
  get degradedReasons(): readonly string[] {
    return this.inner?.degradedReasons ?? [];
  }
}

export function deferred<T>(options: ListOptions, make: () => Promise<Paginator<T>>): Paginator<T> {
  if (options.limit !== undefined && (!Number.isInteger(options.limit) || options.limit < 0)) {
    throw new InvalidInputError(`limit must be a non-negative integer, got ${options.limit}`);
  }
  return new DeferredPaginator(make, options.cursor ?? null);
}
