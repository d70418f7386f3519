/**
 * A small fixed-size Bloom filter of item ids, so a list cursor can remember "what was already yielded"
 * in constant space whatever the list's length (the cursor must stay a few KB).
 *
 * False positives are possible (an unseen id reported as seen), false negatives are not. With the
 * default 2 048 bytes and 7 hashes the false-positive rate is about 6e-4 after 1 000 ids.
 */
import { deflateRawSync, inflateRawSync } from "node:zlib";

/** Default size in bytes (16 384 bits). */
export const DEFAULT_BLOOM_BYTES = 2048;
const HASHES = 7;

/** FNV-1a 32-bit over the UTF-16 code units, with a seed folded in. */
function fnv1a(text: string, seed: number): number {
  let hash = (0x811c9dc5 ^ seed) >>> 0;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash >>> 0;
}

export class BloomFilter {
  private readonly bits: Uint8Array;
  private count: number;

  constructor(bytes: number = DEFAULT_BLOOM_BYTES, initial?: Uint8Array, count = 0) {
    if (initial && initial.length !== bytes)
      throw new Error(`Bloom filter expects ${bytes} bytes, got ${initial.length}`);
    this.bits = initial ? new Uint8Array(initial) : new Uint8Array(bytes);
    this.count = count;
  }

  /** How many ids were added (approximately: re-adding a seen id counts again). */
  get size(): number {
    return this.count;
  }

  private positions(id: string): number[] {
    const m = this.bits.length * 8;
    // Double hashing (Kirsch–Mitzenmacher): h1 + i·h2.
    const h1 = fnv1a(id, 0);
    const h2 = fnv1a(id, 0x5bd1e995) | 1;
    const out: number[] = [];
    for (let i = 0; i < HASHES; i++) out.push(((h1 + Math.imul(i, h2)) >>> 0) % m);
    return out;
  }

  add(id: string): void {
    for (const p of this.positions(id)) this.bits[p >> 3]! |= 1 << (p & 7);
    this.count++;
  }

  has(id: string): boolean {
    return this.positions(id).every((p) => (this.bits[p >> 3]! & (1 << (p & 7))) !== 0);
  }

  get bytes(): number {
    return this.bits.length;
  }

  /** The chance that an id never added is reported as seen, from the share of bits set (exact for this filter). */
  get falsePositiveRate(): number {
    let set = 0;
    for (const byte of this.bits) {
      let b = byte;
      while (b !== 0) {
        b &= b - 1;
        set++;
      }
    }
    return (set / (this.bits.length * 8)) ** HASHES;
  }

  /** Deflated then base64url: a sparse filter (a short list) costs a few dozen characters. */
  toBase64(): string {
    return deflateRawSync(this.bits).toString("base64url");
  }

  static fromBase64(text: string, bytes: number, count: number): BloomFilter {
    const buf = inflateRawSync(Buffer.from(text, "base64url"), { maxOutputLength: bytes });
    return new BloomFilter(bytes, new Uint8Array(buf), count);
  }
}
