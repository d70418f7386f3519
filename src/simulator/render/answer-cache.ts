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
import type { DataTemplate } from "./per-request.js";

export interface AnswerCacheLimits {
  /** Most payloads kept; 0 turns the cache off. Default 4,096. */
  maxEntries: number;
  /** Most memory held over all payloads, in bytes (text and UTF-8 bytes; see DataTemplate.size). Default 96 MiB. */
  maxBytes: number;
}

/** About 3 × 30 KB per payload: 96 MiB holds ~1,000 typical payloads, more than a benchmark's mix. */
export const DEFAULT_ANSWER_CACHE: AnswerCacheLimits = { maxEntries: 4_096, maxBytes: 96 * 1024 * 1024 };

export class AnswerCache {
  readonly limits: AnswerCacheLimits;
  // A Map iterates in insertion order: re-inserting on a hit keeps the least recently used first.
  #entries = new Map<string, DataTemplate>();
  #bytes = 0;

  constructor(limits: Partial<AnswerCacheLimits> = {}) {
    this.limits = { ...DEFAULT_ANSWER_CACHE, ...limits };
  }

  get enabled(): boolean {
    return this.limits.maxEntries > 0 && this.limits.maxBytes > 0;
  }

  get size(): number {
    return this.#entries.size;
  }

  /** Approximate memory held, in bytes. */
  get bytes(): number {
    return this.#bytes;
  }

  get(key: string): DataTemplate | undefined {
    const hit = this.#entries.get(key);
    if (hit !== undefined) {
      this.#entries.delete(key);
      this.#entries.set(key, hit);
    }
    return hit;
  }

  set(key: string, template: DataTemplate): void {
    if (!this.enabled || template.size > this.limits.maxBytes) return;
    const old = this.#entries.get(key);
    if (old !== undefined) {
      this.#entries.delete(key);
      this.#bytes -= old.size;
    }
    this.#entries.set(key, template);
    this.#bytes += template.size;
    for (const [oldest, value] of this.#entries) {
      if (this.#entries.size <= this.limits.maxEntries && this.#bytes <= this.limits.maxBytes) break;
      this.#entries.delete(oldest);
      this.#bytes -= value.size;
    }
  }

  clear(): void {
    this.#entries.clear();
    this.#bytes = 0;
  }
}
