import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseCount, parseCounts } from "../../src/model/counts.js";

describe("parseCount", () => {
  it.each([
    [14845, 14845, false],
    ["8857", 8857, false],
    ["007", 7, false],
    ["123456789012345", 123456789012345, false],
    ["9007199254740991", 9007199254740991, false],
    ["1,234", 1234, false],
    ["1.2万", 12000, true],
    ["3.5w", 35000, true],
    ["3.5W", 35000, true],
    ["10万+", 100000, true],
    ["2k", 2000, true],
    ["2K", 2000, true],
    ["1.2k", 1200, true],
    ["3千", 3000, true],
    ["1.5亿", 150000000, true],
    ["10+", 10, true],
    [" 42 ", 42, false],
    ["0", 0, false],
    [0, 0, false],
    [12.6, 13, false],
  ] as const)("%j → %j (approx %j)", (input, value, approx) => {
    expect(parseCount(input)).toEqual({ value, approx });
  });

  it.each([
    [""],
    ["  "],
    ["abc"],
    ["1.2.3"],
    ["万"],
    ["-5"],
    [-5],
    [Number.NaN],
    [Number.POSITIVE_INFINITY],
    [null],
    [undefined],
    [true],
    [{}],
    [[]],
    ["1e5"],
    ["9007199254740993"],
  ])("%j is unknown (null), never 0", (input) => {
    expect(parseCount(input)).toEqual({ value: null, approx: false });
  });

  it("plain integers, as numbers, digit strings or with thousands separators, are exact", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1e13 }), (n) => {
        expect(parseCount(n)).toEqual({ value: n, approx: false });
        expect(parseCount(String(n))).toEqual({ value: n, approx: false });
        expect(parseCount(n.toLocaleString("en-US"))).toEqual({ value: n, approx: false });
      }),
    );
  });

  it("compact displays read as the spaced ones (the fast scan agrees with the general path)", () => {
    const display = fc
      .tuple(
        fc.stringMatching(/^\d{1,17}$/),
        fc.option(fc.stringMatching(/^\d{1,8}$/), { nil: undefined }),
        fc.constantFrom("", "万", "w", "W", "千", "k", "K", "亿", "m", "M"),
        fc.boolean(),
      )
      .map(
        ([whole, fraction, unit, plus]) =>
          `${whole}${fraction !== undefined ? `.${fraction}` : ""}${unit}${plus ? "+" : ""}`,
      );
    fc.assert(
      fc.property(display, (compact) => {
        // A leading space keeps the general path (trim, regex, Number) from the fast scan.
        expect(parseCount(compact)).toEqual(parseCount(` ${compact}`));
      }),
      { numRuns: 5_000 },
    );
  });

  it("abbreviated displays scale by their unit and are approximate", () => {
    const units = fc.constantFrom(
      ["万", 10_000],
      ["w", 10_000],
      ["W", 10_000],
      ["k", 1_000],
      ["K", 1_000],
      ["千", 1_000],
      ["亿", 100_000_000],
    ) as fc.Arbitrary<[string, number]>;
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 9999 }),
        fc.integer({ min: 0, max: 9 }),
        units,
        fc.boolean(),
        (whole, tenth, [unit, scale], plus) => {
          const display = `${whole}${tenth ? `.${tenth}` : ""}${unit}${plus ? "+" : ""}`;
          // whole.tenth × scale, computed in integers (scale is a multiple of 10).
          expect(parseCount(display)).toEqual({ value: whole * scale + (tenth * scale) / 10, approx: true });
        },
      ),
    );
  });

  it('"n+" is a lower bound: the value n, approximate', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1e9 }), (n) => {
        expect(parseCount(`${n}+`)).toEqual({ value: n, approx: true });
      }),
    );
  });

  it("strings without digits are unknown", () => {
    fc.assert(
      fc.property(
        fc.string().filter((s) => !/\d/.test(s)),
        (s) => {
          expect(parseCount(s).value).toBeNull();
        },
      ),
    );
  });

  it("never throws and always gives a non-negative safe integer or null", () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const { value: n } = parseCount(value);
        expect(n === null || (Number.isSafeInteger(n) && n >= 0)).toBe(true);
      }),
    );
  });
});

describe("parseCounts", () => {
  it("names the approximate counts, ignoring unknown ones", () => {
    expect(parseCounts({ likes: "1.2万", shares: 3, comments: "", collects: "10+" })).toEqual({
      values: { likes: 12000, shares: 3, comments: null, collects: 10 },
      approx: ["likes", "collects"],
    });
  });
});
