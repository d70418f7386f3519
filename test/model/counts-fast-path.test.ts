/**
 * The contract of parseCount's one-scan path for compact counts ("9404", "2.9万", "10万+").
 *
 * Both paths give the same values (counts.test.ts checks that), so the only outward sign of which one
 * answered is its cost: the general path trims, strips separators and matches a regular expression, the
 * scan uses none. Counting RegExp executions around a call (a spy on RegExp.prototype.exec, which
 * `replace`, `test` and `exec` all go through) tells them apart without exposing the scan:
 * - it MUST answer the compact forms (no regex ran), or the fallback silently becomes the real path;
 * - it MAY decline anything else (separators, spaces, more than 15 digits), and the general path answers;
 * - it MUST decline a compact-looking string the general path rejects ("3k!"), never invent a count.
 */
import fc from "fast-check";
import { afterEach, beforeEach, describe, expect, it, type MockInstance, vi } from "vitest";
import { parseCount } from "../../src/model/counts.js";

let regexRuns: MockInstance;
beforeEach(() => {
  regexRuns = vi.spyOn(RegExp.prototype, "exec");
});
afterEach(() => {
  regexRuns.mockRestore();
});

/** parseCount's answer and whether it needed a regular expression to get there. */
function parsed(input: string): { value: number | null; approx: boolean; regex: boolean } {
  regexRuns.mockClear();
  const result = parseCount(input);
  return { ...result, regex: regexRuns.mock.calls.length > 0 };
}

describe("parseCount's one-scan path for compact counts", () => {
  it("sees the regex runs it is measured by (the general path is visible)", () => {
    expect(parsed(" 42 ")).toEqual({ value: 42, approx: false, regex: true });
    expect(parsed("1,234")).toEqual({ value: 1234, approx: false, regex: true });
  });

  it.each([
    ["0", 0, false],
    ["7", 7, false],
    ["9404", 9404, false],
    ["007", 7, false],
    ["123456789012345", 123456789012345, false],
    ["2.9万", 29000, true],
    ["0.5k", 500, true],
    ["1.25K", 1250, true],
    ["3.5w", 35000, true],
    ["3W", 30000, true],
    ["3千", 3000, true],
    ["1.5亿", 150000000, true],
    ["2m", 2000000, true],
    ["2.5M", 2500000, true],
    ["10+", 10, true],
    ["10万+", 100000, true],
    ["1.5", 2, false],
    ["12345678901234.5", 12345678901235, false],
    ["99999999999999.9万", 999999999999999000, false],
  ] as const)("must answer %j (→ %j, approx %j) without a regular expression", (input, value, approx) => {
    const result = parsed(input);
    if (value > Number.MAX_SAFE_INTEGER) {
      // Past 2^53 − 1 a count is not exact: unknown, and the scan still says so itself.
      expect(result).toEqual({ value: null, approx: false, regex: false });
      return;
    }
    expect(result).toEqual({ value, approx, regex: false });
  });

  it("must answer every compact display (digits, optional decimals, a unit, a '+'; at most 15 digits)", () => {
    const compact = fc
      .tuple(
        fc.stringMatching(/^\d{1,7}$/), // ≤ 9,999,999.999999亿: every value stays a safe integer
        fc.option(fc.stringMatching(/^\d{1,6}$/), { nil: undefined }),
        fc.constantFrom("", "万", "w", "W", "千", "k", "K", "亿", "m", "M"),
        fc.boolean(),
      )
      .map(
        ([whole, fraction, unit, plus]) =>
          `${whole}${fraction === undefined ? "" : `.${fraction}`}${unit}${plus ? "+" : ""}`,
      );
    fc.assert(
      fc.property(compact, (display) => {
        const result = parsed(display);
        expect(result.regex).toBe(false);
        expect(result.value).not.toBeNull();
      }),
      { numRuns: 2_000 },
    );
  });

  it.each([
    ["1,234", 1234, false],
    ["1，234", 1234, false],
    [" 42", 42, false],
    ["1 万", 10000, true],
    ["1.2 万+", 12000, true],
    ["1234567890123456", 1234567890123456, false],
    ["123456789012.3456", 123456789012, false],
  ] as const)("may decline %j; the general path then answers %j (approx %j)", (input, value, approx) => {
    expect(parsed(input)).toMatchObject({ value, approx });
  });

  it.each([
    ["3k!"],
    ["1.2万赞"],
    ["12a"],
    ["10++"],
    ["1万k"],
    ["1.k"],
    ["1."],
    ["1..2"],
    ["1.2.3"],
    [".5"],
    ["k"],
    ["+"],
    ["+5"],
    ["5+万"],
    ["12万-"],
    ["1e5"],
    ["0x1f"],
  ])("must decline %j: unknown, never a made-up count", (input) => {
    expect(parseCount(input)).toEqual({ value: null, approx: false });
  });

  it("declines any compact display followed by a character that is not part of a count", () => {
    const tail = fc.constantFrom("!", "赞", "a", "x", "%", "万万", ".", "-", "k+", "++", "/");
    fc.assert(
      fc.property(
        fc.stringMatching(/^\d{1,6}(\.\d{1,3})?$/),
        fc.constantFrom("", "万", "k", "+"),
        tail,
        (n, unit, t) => {
          fc.pre(!(unit === "" && t === "k+")); // "5k+" is a count
          expect(parseCount(`${n}${unit}${t}`)).toEqual({ value: null, approx: false });
        },
      ),
    );
  });
});

describe("parseCount at the edge of exact integers", () => {
  it("keeps 2^53 − 1 itself, as a number or from a compact display, and nothing above", () => {
    expect(parseCount(Number.MAX_SAFE_INTEGER)).toEqual({ value: Number.MAX_SAFE_INTEGER, approx: false });
    expect(parseCount(Number.MAX_SAFE_INTEGER + 2)).toEqual({ value: null, approx: false });
    // 900719925474099 × 10^-7 × 10^8 lands on 2^53 − 1 in floating point, by either path.
    expect(parsed("90071992.5474099亿")).toEqual({ value: Number.MAX_SAFE_INTEGER, approx: true, regex: false });
    expect(parseCount(" 90071992.5474099亿")).toEqual({ value: Number.MAX_SAFE_INTEGER, approx: true });
    expect(parsed("90071992.5474100亿")).toEqual({ value: null, approx: false, regex: false });
  });
});
