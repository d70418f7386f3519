/**
 * Small deterministic randomness for the simulated world: a string hash and a seeded PRNG.
 * Nothing here uses Math.random, so a world is a pure function of its seed.
 */

/** 32-bit FNV-1a over the parts joined by "|": a stable key → number map. */
export function hash32(...parts: readonly (string | number)[]): number {
  let h = 0x811c9dc5;
  for (let p = 0; p < parts.length; p++) h = fnv1a(h, p === 0 ? String(parts[p]) : `|${parts[p]}`);
  return avalanche(h);
}

/** FNV-1a state `h` continued over the characters of `s`. */
export function fnv1a(h: number, s: string): number {
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h;
}

/** A final avalanche so close keys give far-apart values. */
export function avalanche(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** A fast integer mix of a base hash and a number (for per-index values without building strings). */
export function mix32(base: number, n: number): number {
  let h = (base ^ Math.imul(n + 0x9e3779b9, 0x85ebca6b)) >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x7feb352d);
  h ^= h >>> 15;
  h = Math.imul(h, 0x846ca68b);
  h ^= h >>> 16;
  return h >>> 0;
}

/** A uniform float in [0, 1) from a key. */
export function unit(...parts: readonly (string | number)[]): number {
  return hash32(...parts) / 0x1_0000_0000;
}

/** mulberry32: a tiny, fast, good-enough PRNG for world generation. */
export class Rng {
  private state: number;
  constructor(seed: number) {
    this.state = seed >>> 0;
  }
  static from(...parts: readonly (string | number)[]): Rng {
    return new Rng(hash32(...parts));
  }
  /** Uniform float in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 0x1_0000_0000;
  }
  /** Integer in [min, max] (inclusive). */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }
  bool(p = 0.5): boolean {
    return this.next() < p;
  }
  pick<T>(items: readonly T[]): T {
    const item = items[Math.floor(this.next() * items.length)];
    if (item === undefined) throw new Error("pick from an empty list");
    return item;
  }
  /** A heavy-tailed positive integer: most values small, a few very large (log-uniform up to max). */
  skewed(max: number): number {
    return Math.floor(Math.exp(this.next() * Math.log(max + 1))) - 1;
  }
  hex(length: number): string {
    const parts: string[] = [];
    for (let n = 0; n < length; n += 8)
      parts.push((Math.floor(this.next() * 0x1_0000_0000) >>> 0).toString(16).padStart(8, "0"));
    return parts.join("").slice(0, length);
  }
  /** Characters from an alphabet (for tokens and short codes). */
  chars(alphabet: string, length: number): string {
    // Built as char codes, not by concatenation: concatenated strings are ropes that retain memory.
    const codes = new Array<number>(length);
    for (let i = 0; i < length; i++) codes[i] = alphabet.charCodeAt(Math.floor(this.next() * alphabet.length));
    return String.fromCharCode(...codes);
  }
}

/** 8 hex digits of a key (for signatures, file ids and check digits). */
export function hex8(...parts: readonly (string | number)[]): string {
  return hash32(...parts)
    .toString(16)
    .padStart(8, "0");
}

/** n hex digits derived from a key: hex8(...parts, 0) + hex8(...parts, 1) + …, cut to n. */
export function hexN(n: number, ...parts: readonly (string | number)[]): string {
  // The FNV-1a state after `parts` is shared by every block, so it is computed once (same digits as
  // calling hex8 per block; this runs for every answer's cache_url).
  let prefix = 0x811c9dc5;
  for (let p = 0; p < parts.length; p++) prefix = fnv1a(prefix, p === 0 ? String(parts[p]) : `|${parts[p]}`);
  let out = "";
  for (let i = 0; i * 8 < n; i++) {
    const h = avalanche(fnv1a(prefix, parts.length === 0 ? String(i) : `|${i}`));
    out += h.toString(16).padStart(8, "0");
  }
  return out.slice(0, n);
}
