/**
 * The one bounded cache: a Map that drops its least recently used entries once it holds more than
 * `maxEntries` entries or more than `maxSize` in total (each entry's size from `sizeOf`). Time-free:
 * callers that need a TTL keep an expiry in the value and check it against their injected clock.
 */

export interface BoundedMapOptions<K, V> {
  /** Most entries kept (default: no bound). */
  maxEntries?: number;
  /** Most total size kept, in the unit of `sizeOf` (default: no bound). */
  maxSize?: number;
  /** An entry's size (default 0: only `maxEntries` bounds the map). */
  sizeOf?: (value: V, key: K) => number;
  /** A larger entry is not kept at all, so it cannot push everything else out (default `maxSize`). */
  maxEntrySize?: number;
  /** False: reading does not refresh an entry, the least recently *set* goes first (default true). */
  refreshOnGet?: boolean;
  /** Called for each entry dropped to make room (not for `delete`, `clear` or a replaced value). */
  onEvict?: (key: K, value: V) => void;
}

export class BoundedMap<K, V> {
  // A Map iterates in insertion order: re-inserting an entry makes it the most recent.
  readonly #entries = new Map<K, { value: V; size: number }>();
  readonly #options: BoundedMapOptions<K, V>;
  #totalSize = 0;

  constructor(options: BoundedMapOptions<K, V> = {}) {
    this.#options = options;
  }

  get size(): number {
    return this.#entries.size;
  }

  /** Sum of the entries' sizes. */
  get totalSize(): number {
    return this.#totalSize;
  }

  get(key: K): V | undefined {
    const entry = this.#entries.get(key);
    if (entry === undefined) return undefined;
    if (this.#options.refreshOnGet !== false) {
      this.#entries.delete(key);
      this.#entries.set(key, entry);
    }
    return entry.value;
  }

  has(key: K): boolean {
    return this.#entries.has(key);
  }

  /** Keeps `value` as the most recent entry, then drops the oldest until within bounds; false when too large to keep. */
  set(key: K, value: V): boolean {
    const size = this.#options.sizeOf?.(value, key) ?? 0;
    if (size > (this.#options.maxEntrySize ?? this.#options.maxSize ?? Number.POSITIVE_INFINITY)) return false;
    this.delete(key);
    this.#entries.set(key, { value, size });
    this.#totalSize += size;
    const maxEntries = this.#options.maxEntries ?? Number.POSITIVE_INFINITY;
    const maxSize = this.#options.maxSize ?? Number.POSITIVE_INFINITY;
    for (const [oldest, entry] of this.#entries) {
      if (this.#entries.size <= maxEntries && this.#totalSize <= maxSize) break;
      this.#entries.delete(oldest);
      this.#totalSize -= entry.size;
      this.#options.onEvict?.(oldest, entry.value);
    }
    return true;
  }

  delete(key: K): boolean {
    const entry = this.#entries.get(key);
    if (entry === undefined) return false;
    this.#entries.delete(key);
    this.#totalSize -= entry.size;
    return true;
  }

  clear(): void {
    this.#entries.clear();
    this.#totalSize = 0;
  }
}
