/**
 * The simulator's billing ledger: what TikHub would charge, per key and per endpoint.
 *
 * TikHub bills HTTP 200 answers, inner failures and empty payloads included; 4xx, 5xx and 429 are
 * not billed (the 429 rule is [U] in the reference, docs/reference-notes.md#billing: see
 * docs/decisions.md). Keys are never stored: a key is identified by the first 8 hex digits of its SHA-256
 * (`keyId`).
 */
import { createHash } from "node:crypto";
import { ENDPOINTS } from "../catalog/endpoints.js";
import { BoundedMap } from "../core/bounded-map.js";

// Bounded: a scan of random keys must not grow memory.
const keyIds = new BoundedMap<string, string>({ maxEntries: 10_000 });

/** The short, non-reversible id of an API key used in the ledger and admin answers. */
export function keyId(key: string): string {
  let id = keyIds.get(key);
  if (id === undefined) {
    id = createHash("sha256").update(key).digest("hex").slice(0, 8);
    keyIds.set(key, id);
  }
  return id;
}

/** TikHub bills what it answered with HTTP 200. */
export function isBillable(status: number): boolean {
  return status === 200;
}

export interface EndpointUsage {
  calls: number;
  billableCalls: number;
  costUsd: number;
  /** Answers by HTTP status ("200", "429", …; "dropped" and "hang" for answers that never came). */
  byStatus: Record<string, number>;
}

export interface KeyUsage extends EndpointUsage {
  key: string;
  endpoints: Record<string, EndpointUsage>;
}

export interface LedgerSnapshot {
  keys: KeyUsage[];
  totals: EndpointUsage;
}

interface Counter {
  calls: number;
  billableCalls: number;
  /** Integer micro-dollars so sums do not drift. */
  costMicros: number;
  byStatus: Map<string, number>;
}

const newCounter = (): Counter => ({ calls: 0, billableCalls: 0, costMicros: 0, byStatus: new Map() });

export type PriceTable = Record<string, number>;

/** Default prices: the catalogue's `priceUsd` per endpoint name. */
export function defaultPrices(): PriceTable {
  return Object.fromEntries(ENDPOINTS.map((e) => [e.name, e.priceUsd]));
}

export class BillingLedger {
  #priceMicros = new Map<string, number>();
  #byKey = new Map<string, Map<string, Counter>>();

  /** `prices` overrides the catalogue per endpoint name (USD per billable call). */
  constructor(prices: PriceTable = {}) {
    for (const [name, usd] of Object.entries({ ...defaultPrices(), ...prices })) {
      this.#priceMicros.set(name, Math.round(usd * 1e6));
    }
  }

  priceUsd(endpoint: string): number {
    return (this.#priceMicros.get(endpoint) ?? 0) / 1e6;
  }

  /** Records one answer; `status` is the HTTP status or "dropped"/"hang". Returns whether it was billed. */
  record(key: string, endpoint: string, status: number | "dropped" | "hang"): boolean {
    let endpoints = this.#byKey.get(key);
    if (!endpoints) {
      endpoints = new Map();
      this.#byKey.set(key, endpoints);
    }
    let counter = endpoints.get(endpoint);
    if (!counter) {
      counter = newCounter();
      endpoints.set(endpoint, counter);
    }
    counter.calls += 1;
    const statusKey = String(status);
    counter.byStatus.set(statusKey, (counter.byStatus.get(statusKey) ?? 0) + 1);
    const billed = typeof status === "number" && isBillable(status);
    if (billed) {
      counter.billableCalls += 1;
      counter.costMicros += this.#priceMicros.get(endpoint) ?? 0;
    }
    return billed;
  }

  /** What a key has been billed so far (all endpoints). */
  spent(key: string): { usd: number; billableCalls: number } {
    let micros = 0;
    let billableCalls = 0;
    for (const c of this.#byKey.get(key)?.values() ?? []) {
      micros += c.costMicros;
      billableCalls += c.billableCalls;
    }
    return { usd: micros / 1e6, billableCalls };
  }

  /** Would one more billable call to `endpoint` go over the budget? (Checked before answering.) */
  exhausted(key: string, endpoint: string, budget: { usd?: number; calls?: number } | undefined): boolean {
    if (!budget) return false;
    const spent = this.spent(key);
    if (budget.calls !== undefined && spent.billableCalls + 1 > budget.calls) return true;
    if (budget.usd !== undefined) {
      const nextMicros = Math.round(spent.usd * 1e6) + (this.#priceMicros.get(endpoint) ?? 0);
      if (nextMicros > Math.round(budget.usd * 1e6)) return true;
    }
    return false;
  }

  reset(): void {
    this.#byKey.clear();
  }

  snapshot(): LedgerSnapshot {
    const totals = newCounter();
    const keys: KeyUsage[] = [];
    for (const [key, endpoints] of [...this.#byKey].sort(([a], [b]) => a.localeCompare(b))) {
      const keyTotal = newCounter();
      const perEndpoint: Record<string, EndpointUsage> = {};
      for (const [name, c] of [...endpoints].sort(([a], [b]) => a.localeCompare(b))) {
        perEndpoint[name] = toUsage(c);
        addInto(keyTotal, c);
        addInto(totals, c);
      }
      keys.push({ key, ...toUsage(keyTotal), endpoints: perEndpoint });
    }
    return { keys, totals: toUsage(totals) };
  }
}

function addInto(target: Counter, source: Counter): void {
  target.calls += source.calls;
  target.billableCalls += source.billableCalls;
  target.costMicros += source.costMicros;
  for (const [status, n] of source.byStatus) target.byStatus.set(status, (target.byStatus.get(status) ?? 0) + n);
}

function toUsage(c: Counter): EndpointUsage {
  return {
    calls: c.calls,
    billableCalls: c.billableCalls,
    costUsd: c.costMicros / 1e6,
    byStatus: Object.fromEntries([...c.byStatus].sort(([a], [b]) => a.localeCompare(b))),
  };
}
