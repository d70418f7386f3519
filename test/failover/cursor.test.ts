import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { InvalidInputError } from "../../src/core/errors.js";
import { BloomFilter } from "../../src/failover/bloom.js";
import { CURSOR_VERSION, decodeCursor, encodeCursor, type ListCursorState } from "../../src/failover/cursor.js";

function state(over: Partial<ListCursorState> = {}): ListCursorState {
  const bloom = new BloomFilter(2048);
  return {
    v: CURSOR_VERSION,
    k: "userNotes:u1",
    s: "app_v1",
    a: { user_id: "u1", cursor: "abc" },
    p: 2,
    h: true,
    l: "abc",
    y: 20,
    sk: false,
    f: ["app_v2"],
    e: 0,
    d: [],
    b: bloom.toBase64(),
    bn: 2048,
    bc: 0,
    ...over,
  };
}

describe("bloom filter", () => {
  it("has no false negatives and round-trips through base64url", () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.string({ minLength: 1, maxLength: 30 }), { maxLength: 300 }), (ids) => {
        const bloom = new BloomFilter();
        for (const id of ids) bloom.add(id);
        const copy = BloomFilter.fromBase64(bloom.toBase64(), bloom.bytes, bloom.size);
        return ids.every((id) => bloom.has(id) && copy.has(id));
      }),
    );
  });

  it("keeps false positives rare at 1 000 ids (under 0.5 %)", () => {
    const bloom = new BloomFilter();
    for (let i = 0; i < 1000; i++) bloom.add(`seen-${i}`);
    let positives = 0;
    for (let i = 0; i < 20_000; i++) if (bloom.has(`unseen-${i}`)) positives++;
    expect(positives / 20_000).toBeLessThan(0.005);
  });
});

describe("bloom filter's own false-positive estimate", () => {
  it("grows with the ids it holds and matches what it does", () => {
    const bloom = new BloomFilter();
    for (let i = 0; i < 100; i++) bloom.add(`seen-${i}`);
    expect(bloom.falsePositiveRate).toBeLessThan(1e-6);
    for (let i = 100; i < 3000; i++) bloom.add(`seen-${i}`);
    let positives = 0;
    for (let i = 0; i < 20_000; i++) if (bloom.has(`unseen-${i}`)) positives++;
    expect(bloom.falsePositiveRate).toBeGreaterThan(0.03);
    expect(Math.abs(positives / 20_000 - bloom.falsePositiveRate)).toBeLessThan(0.02);
  });
});

describe("list cursor", () => {
  it("round-trips", () => {
    const s = state();
    expect(decodeCursor(encodeCursor(s), "userNotes:u1")).toEqual(s);
  });

  it("is base64url JSON", () => {
    const text = encodeCursor(state());
    expect(text).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(JSON.parse(Buffer.from(text, "base64url").toString("utf8")).k).toBe("userNotes:u1");
  });

  it("stays under 4 KB with a full Bloom filter", () => {
    const bloom = new BloomFilter();
    for (let i = 0; i < 5000; i++) bloom.add(`id-${i}`);
    const text = encodeCursor(state({ b: bloom.toBase64(), bc: bloom.size }));
    expect(text.length).toBeLessThan(4096);
  });

  it("rejects another list's cursor, garbage and other versions with InvalidInputError", () => {
    expect(() => decodeCursor(encodeCursor(state()), "comments:n1:-")).toThrow(/another list/);
    expect(() => decodeCursor("%%%", "x")).toThrow(InvalidInputError);
    const v2 = Buffer.from(JSON.stringify({ ...state(), v: 2 })).toString("base64url");
    expect(() => decodeCursor(v2, "userNotes:u1")).toThrow(/version/);
  });
});
