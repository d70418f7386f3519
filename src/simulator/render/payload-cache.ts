/**
 * A bounded LRU of serialized payloads (the envelope's `data`), keyed by endpoint and query.
 *
 * Why this is safe: an answer's payload is a pure function of the world (built once from the seed and
 * never changed afterwards), the core's quirks (fixed when the core is made), the endpoint and the query
 * as sent (names, order and values). The only parts that follow the clock are written as placeholders
 * (per-request.ts) and filled for each request, and the envelope (request_id, time, params echo) is made
 * for each request. So a cached payload gives the same bytes as rendering it again.
 *
 * Why it exists: serializing and UTF-8-encoding 10–100 KB payloads was most of the simulator's cost per
 * request.
 */
import { BoundedMap } from "../../core/bounded-map.js";
import type { DataTemplate } from "./per-request.js";

export interface PayloadCacheLimits {
  /** Most payloads kept; 0 turns the cache off. Default 4,096. */
  maxEntries: number;
  /** Most memory held over all payloads, in bytes (text and UTF-8 bytes; see DataTemplate.size). Default 96 MiB. */
  maxBytes: number;
}

/** About 3 × 30 KB per payload: 96 MiB holds ~1,000 typical payloads, more than a benchmark's mix. */
export const DEFAULT_PAYLOAD_CACHE: PayloadCacheLimits = { maxEntries: 4_096, maxBytes: 96 * 1024 * 1024 };

export class PayloadCache {
  readonly limits: PayloadCacheLimits;
  readonly #entries: BoundedMap<string, DataTemplate>;

  constructor(limits: Partial<PayloadCacheLimits> = {}) {
    this.limits = { ...DEFAULT_PAYLOAD_CACHE, ...limits };
    this.#entries = new BoundedMap({
      maxEntries: this.limits.maxEntries,
      maxSize: this.limits.maxBytes,
      sizeOf: (template) => template.size,
    });
  }

  get enabled(): boolean {
    return this.limits.maxEntries > 0 && this.limits.maxBytes > 0;
  }

  get size(): number {
    return this.#entries.size;
  }

  /** Approximate memory held, in bytes. */
  get bytes(): number {
    return this.#entries.totalSize;
  }

  get(key: string): DataTemplate | undefined {
    return this.#entries.get(key);
  }

  set(key: string, template: DataTemplate): void {
    if (this.enabled) this.#entries.set(key, template);
  }

  clear(): void {
    this.#entries.clear();
  }
}
