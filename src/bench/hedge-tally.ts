/**
 * What hedging cost in one benchmark cell: hedges fired, and hedge losers the simulator billed too (issue #12:
 * "hedges that end up billed twice stay ≤ 2 % of calls in the healthy profile").
 *
 * The client's attempt events mark hedges (`hedge`) and their losers (`hedgeLost`), but a loser cancelled
 * while its answer was on the way has no HTTP status on the client's side, although TikHub (and the
 * simulator, which bills on arrival) charged it. So every request is seen twice: the fetch wrapper notes,
 * per request, whether the simulator billed it (its ledger moves while the request arrives, before any
 * await); the loser's event is then matched to its request by endpoint and start time (virtual ms).
 */
import { findEndpoint } from "../catalog/endpoints.js";
import type { AttemptEvent, Clock } from "../core/types.js";

export interface HedgeCounts {
  /** Calls started as a hedge (first try of each hedged attempt). */
  hedges: number;
  /** Calls that lost a hedge race. */
  hedgeLosers: number;
  /** Losers the simulator billed as well as the winner: the hedges that were paid twice. */
  hedgeLosersBilled: number;
  /** Losers whose request could not be found (should be 0: the match is then not trustworthy). */
  unmatched: number;
  /** Requests the wrapper saw billed: equal to the simulator's billable calls when its premise holds. */
  requestsBilled: number;
}

export interface HedgeTally {
  fetch: typeof globalThis.fetch;
  onEvent(event: AttemptEvent): void;
  counts(): HedgeCounts;
}

export const NO_HEDGES: HedgeCounts = {
  hedges: 0,
  hedgeLosers: 0,
  hedgeLosersBilled: 0,
  unmatched: 0,
  requestsBilled: 0,
};

/** `billedSoFar`: the simulator's billable calls for the benchmark's key, read around each request. */
export function createHedgeTally(inner: typeof globalThis.fetch, clock: Clock, billedSoFar: () => number): HedgeTally {
  /** Per endpoint path and start ms: whether each request there was billed, in the order they started. */
  const requests = new Map<string, boolean[]>();
  const counts: HedgeCounts = { ...NO_HEDGES };
  const keyOf = (path: string, atMs: number) => `${path}@${Math.trunc(atMs)}`;

  const fetch = ((input: string | URL | Request, init?: RequestInit) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    const before = billedSoFar();
    const answer = inner(input, init);
    const key = keyOf(url.pathname, clock.now());
    const list = requests.get(key) ?? [];
    const billed = billedSoFar() > before;
    if (billed) counts.requestsBilled++;
    list.push(billed);
    requests.set(key, list);
    return answer;
  }) as typeof globalThis.fetch;

  return {
    fetch,
    onEvent(event) {
      if (event.hedge && event.retry === 0) counts.hedges++;
      if (!event.hedgeLost) return;
      counts.hedgeLosers++;
      const path = findEndpoint(event.endpoint)?.path;
      const list = path === undefined ? undefined : requests.get(keyOf(path, Date.parse(event.at)));
      if (!list || list.length === 0) {
        counts.unmatched++;
        return;
      }
      // Several requests to one endpoint in the same ms: a billed one first (the rarer mismatch overcounts).
      const index = Math.max(0, list.indexOf(true));
      if (list.splice(index, 1)[0]) counts.hedgeLosersBilled++;
    },
    counts: () => ({ ...counts }),
  };
}
