import { describe, expect, it } from "vitest";
import { BoundedMap } from "../../src/core/bounded-map.js";

describe("BoundedMap", () => {
  it("drops the least recently used entry past maxEntries; a read refreshes an entry", () => {
    const evicted: string[] = [];
    const map = new BoundedMap<string, number>({ maxEntries: 2, onEvict: (key) => evicted.push(key) });
    map.set("a", 1);
    map.set("b", 2);
    expect(map.get("a")).toBe(1);
    map.set("c", 3);
    expect(map.has("b")).toBe(false);
    expect([map.get("a"), map.get("c"), map.size]).toEqual([1, 3, 2]);
    expect(evicted).toEqual(["b"]);
  });

  it("with refreshOnGet false the least recently set goes first", () => {
    const map = new BoundedMap<string, number>({ maxEntries: 2, refreshOnGet: false });
    map.set("a", 1);
    map.set("b", 2);
    map.get("a");
    map.set("c", 3);
    expect(map.has("a")).toBe(false);
    expect(map.has("b")).toBe(true);
  });

  it("bounds the total size, refuses an entry over maxEntrySize and keeps the old value then", () => {
    const map = new BoundedMap<string, string>({ maxSize: 10, maxEntrySize: 6, sizeOf: (v) => v.length });
    expect(map.set("a", "1234")).toBe(true);
    expect(map.set("b", "12345")).toBe(true);
    expect(map.set("c", "123")).toBe(true); // 12 > 10: "a" goes
    expect([map.has("a"), map.totalSize]).toEqual([false, 8]);
    expect(map.set("b", "1234567")).toBe(false);
    expect([map.get("b"), map.totalSize]).toEqual(["12345", 8]);
    map.set("b", "1");
    expect(map.totalSize).toBe(4);
    map.delete("b");
    map.clear();
    expect([map.size, map.totalSize]).toEqual([0, 0]);
  });
});
