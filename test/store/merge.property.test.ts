import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Note } from "../../src/model/types.js";
import { mergeNote } from "../../src/store/merge.js";

const maybe = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: null });
const count = maybe(fc.nat({ max: 100_000 }));
const countNames = fc.subarray(["likes", "collects", "comments", "shares"]);

/** Two fetches of the same note, at different instants. */
const noteArb = (fetchedAt: fc.Arbitrary<string>): fc.Arbitrary<Note> =>
  fc.record({
    id: fc.constant("n1"),
    type: fc.constantFrom("image" as const, "video" as const),
    title: maybe(fc.constantFrom("露营", "露营清单", "=1+1")),
    text: maybe(fc.constantFrom("全文很长很长", "全文…", "")),
    textTruncated: fc.boolean(),
    tags: fc.subarray(["露营", "户外", "装备"]),
    author: maybe(
      fc.record({
        id: fc.constant("u1"),
        nickname: maybe(fc.constantFrom("甲", "乙")),
        avatarUrl: fc.constant(null),
        redId: maybe(fc.constant("r1")),
      }),
    ),
    stats: fc.record({ likes: count, collects: count, comments: count, shares: count }),
    approx: countNames,
    images: fc.subarray([{ url: "https://i.example/1.jpg", width: 1, height: 2, livePhotoUrl: null }]),
    video: fc.constant(null),
    publishedAt: maybe(fc.constant("2026-01-01T00:00:00.000Z")),
    updatedAt: maybe(fc.constantFrom("2026-01-02T00:00:00.000Z", "2026-01-03T00:00:00.000Z")),
    ipLocation: maybe(fc.constantFrom("浙江", "上海")),
    xsecToken: maybe(fc.constantFrom("tokA", "tokB")),
    url: fc.constantFrom(
      "https://www.xiaohongshu.com/explore/n1",
      "https://www.xiaohongshu.com/explore/n1?xsec_token=x",
    ),
    source: fc.constantFrom("app_v2" as const, "app_v1" as const, "web_v3" as const),
    fetchedAt,
  });

const pair = fc
  .tuple(fc.integer({ min: 0, max: 1_000_000 }), fc.integer({ min: 1, max: 1_000_000 }))
  .chain(([a, d]) =>
    fc.tuple(
      noteArb(fc.constant(new Date(1_760_000_000_000 + a * 1000).toISOString())),
      noteArb(fc.constant(new Date(1_760_000_000_000 + (a + d) * 1000).toISOString())),
    ),
  );

describe("note merge rules (property)", () => {
  it("does not depend on the order the two fetches are written in", () => {
    fc.assert(
      fc.property(pair, ([older, newer]) => {
        expect(mergeNote(older, newer).merged).toEqual(mergeNote(newer, older).merged);
      }),
    );
  });

  it("never loses a known value, never degrades a full body, and keeps approx only for kept counts", () => {
    fc.assert(
      fc.property(pair, ([a, b]) => {
        const { merged } = mergeNote(a, b);
        for (const key of ["title", "text", "publishedAt", "updatedAt", "ipLocation", "xsecToken", "author"] as const) {
          if (a[key] !== null || b[key] !== null) expect(merged[key]).not.toBeNull();
        }
        for (const key of ["likes", "collects", "comments", "shares"] as const) {
          if (a.stats[key] !== null || b.stats[key] !== null) expect(merged.stats[key]).not.toBeNull();
          if (merged.approx.includes(key)) expect(merged.stats[key]).not.toBeNull();
        }
        if (a.tags.length > 0 || b.tags.length > 0) expect(merged.tags.length).toBeGreaterThan(0);
        const full = [a, b].filter((n) => !n.textTruncated);
        if (full.length === 1 && full[0]!.text !== null) {
          expect(merged.text).toBe(full[0]!.text);
          expect(merged.textTruncated).toBe(false);
        }
        expect(mergeNote(merged, merged).changed).toBe(false);
      }),
    );
  });
});
