/**
 * One page of a list from one series: the call through the port (with the ledger's failover flag), and the
 * hedged first page on a half-open series (its breaker's probe).
 */

import { TimeoutError } from "../core/errors.js";
import type { NormalizedItem } from "../series/types.js";
import { interpretPage, type PageAnswer } from "./answer-verdicts.js";
import type { ScopedBreaker } from "./health.js";
import type { ListDefinition, ListEnvironment, ListRoute } from "./list-definition.js";
import { settleAttempt, toXhsError } from "./rounds.js";

/** A half-open series' probe that was too slow: the list went on elsewhere (a timeout, for the error report). */
export class SlowProbe extends TimeoutError {
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

export class ListPageFetcher<T extends NormalizedItem> {
  /** Whether the list has left a series, and why it last did ("app_v2: upstream"), for the ledger. */
  private switched = false;
  private lastReason: string | undefined;

  constructor(
    private readonly def: ListDefinition<T>,
    private readonly env: ListEnvironment,
  ) {}

  /** The list left a series for `reason`: every later call is marked as a failover. */
  leftSeries(reason: string): void {
    this.switched = true;
    this.lastReason = reason;
  }

  fetch(route: ListRoute, params: Record<string, string>, signal?: AbortSignal): Promise<PageAnswer<T>> {
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

  /**
   * A first page on a half-open series (its breaker's probe): when it has not answered after the health
   * board's `probeHedgeMs`, it is left running (its outcome goes to the breaker only) and SlowProbe sends
   * the list to the next series. Only first pages: moving a list that is midway costs pages read again.
   */
  async fetchProbe(
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
      () => settleAttempt(breaker, null),
      (error: unknown) => settleAttempt(breaker, toXhsError(error, route)),
    );
    throw new SlowProbe(route, this.env.health.probeHedgeMs);
  }
}
