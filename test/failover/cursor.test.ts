import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { InvalidInputError } from "../../src/core/errors.js";
import { BloomFilter } from "../../src/failover/bloom.js";
import { CURSOR_VERSION, decodeCursor, encodeCursor, type ListPosition } from "../../src/failover/cursor.js";

function state(over: Partial<ListPosition> = {}): ListPosition {
  const bloom = new BloomFilter(2048);
  return {
    listKey: "userNotes:u1",
    series: "app_v1",
    nextParams: { user_id: "u1", cursor: "abc" },
    pagesFetched: 2,
    lastHasMore: true,
    lastYieldedId: "abc",
    yieldedCount: 20,
    skippingToLast: false,
    crossedSeries: false,
    failedSeries: ["app_v2"],
    emptyFirstPages: 0,
    degradedReasons: [],
    yieldedFilter: { deflated: bloom.toBase64(), bytes: 2048, count: 0 },
    ...over,
  };
}

/** The JSON inside a cursor. */
function wire(cursor: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")) as Record<string, unknown>;
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
    expect(wire(text)["k"]).toBe("userNotes:u1");
  });

  it("stays under 4 KB with a full Bloom filter", () => {
    const bloom = new BloomFilter();
    for (let i = 0; i < 5000; i++) bloom.add(`id-${i}`);
    const text = encodeCursor(state({ yieldedFilter: { deflated: bloom.toBase64(), bytes: 2048, count: bloom.size } }));
    expect(text.length).toBeLessThan(4096);
  });

  it("rejects another list's cursor, garbage and other versions with InvalidInputError", () => {
    expect(() => decodeCursor(encodeCursor(state()), "comments:n1:-")).toThrow(/another list/);
    expect(() => decodeCursor("%%%", "x")).toThrow(InvalidInputError);
    const v2 = Buffer.from(JSON.stringify({ ...wire(encodeCursor(state())), v: 2 })).toString("base64url");
    expect(() => decodeCursor(v2, "userNotes:u1")).toThrow(/version/);
  });
});

/**
 * A cursor written before the in-memory names became readable (a user's notes, 5 items yielded: 3 on App V2,
 * then App V2 failed and App V1 served the rest, stopped mid-page). Crawls resume from such cursors.
 */
const OLD_CURSOR =
  "eyJ2IjoxLCJrIjoidXNlck5vdGVzOmEwMDAwMDAwMDAwMDAwMDAwMDAwMDM4NCIsInMiOiJhcHBfdjEiLCJhIjp7InVzZXJfaWQiOiJhMDAwMDAwMDAwMDAwMDAwMDAwMDAzODQiLCJjdXJzb3IiOiJhMDAwMDAwMDAwMDAwMDAwMDAwMDAzZWIifSwicCI6MSwiaCI6dHJ1ZSwibCI6ImEwMDAwMDAwMDAwMDAwMDAwMDAwMDNlYyIsInkiOjUsInNrIjp0cnVlLCJmIjpbImFwcF92MiJdLCJlIjowLCJkIjpbXSwiYiI6IlkyQVlkb0NSWWdWVUFKd2s2LURBSnNpRVJVRURYRVFBSWFrQW8xaVFkRGlRN0FnVUMwa0RBa1Nvb1FuQTcwc1d2TEpEQ0pBZk16Z0IxaVNIRjVBUnlaanVIalpSUWlPUWdFMFFhOGlURXBJS2hKVTBFRlpDZFFEeEFnMFNOeWtBTThRSElpaW9DSWgyUGdBIiwiYm4iOjIwNDgsImJjIjo1LCJ4Ijp0cnVlfQ";
const OLD_KEY = "userNotes:a00000000000000000000384";

describe("list cursor: the wire format stays what earlier versions wrote", () => {
  it("an old cursor reads into the readable position, field by field", () => {
    const position = decodeCursor(OLD_CURSOR, OLD_KEY);
    expect(position).toEqual({
      listKey: OLD_KEY,
      series: "app_v1",
      nextParams: { user_id: "a00000000000000000000384", cursor: "a000000000000000000003eb" },
      pagesFetched: 1,
      lastHasMore: true,
      lastYieldedId: "a000000000000000000003ec",
      yieldedCount: 5,
      skippingToLast: true,
      crossedSeries: true,
      failedSeries: ["app_v2"],
      emptyFirstPages: 0,
      degradedReasons: [],
      yieldedFilter: { deflated: wire(OLD_CURSOR)["b"], bytes: 2048, count: 5 },
    });
    const bloom = BloomFilter.fromBase64(position.yieldedFilter.deflated, 2048, 5);
    for (let n = 0x3e8; n <= 0x3ec; n++) expect(bloom.has(`a${n.toString(16).padStart(23, "0")}`)).toBe(true);
  });

  it("an old cursor written again is the same text, byte for byte", () => {
    expect(encodeCursor(decodeCursor(OLD_CURSOR, OLD_KEY))).toBe(OLD_CURSOR);
  });

  it("writes the short keys only, in their old order, and x only when the list crossed series", () => {
    expect(Object.keys(wire(encodeCursor(state())))).toEqual([
      "v",
      "k",
      "s",
      "a",
      "p",
      "h",
      "l",
      "y",
      "sk",
      "f",
      "e",
      "d",
      "b",
      "bn",
      "bc",
    ]);
    expect(wire(encodeCursor(state({ crossedSeries: true })))["x"]).toBe(true);
    expect(wire(encodeCursor(state()))["v"]).toBe(CURSOR_VERSION);
  });

  it("a cursor without x (written before it existed) has not crossed series", () => {
    const { x: _dropped, ...withoutX } = wire(OLD_CURSOR);
    const text = Buffer.from(JSON.stringify(withoutX)).toString("base64url");
    expect(decodeCursor(text, OLD_KEY).crossedSeries).toBe(false);
  });

  it("a damaged cursor (missing the filter or the failed series) is refused", () => {
    const { b: _b, ...noFilter } = wire(OLD_CURSOR);
    expect(() => decodeCursor(Buffer.from(JSON.stringify(noFilter)).toString("base64url"), OLD_KEY)).toThrow(/damaged/);
    const { f: _f, ...noFailed } = wire(OLD_CURSOR);
    expect(() => decodeCursor(Buffer.from(JSON.stringify(noFailed)).toString("base64url"), OLD_KEY)).toThrow(/damaged/);
  });
});
