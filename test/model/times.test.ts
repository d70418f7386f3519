import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { isoFromEpochMs, timeFromObjectId, toIsoTime } from "../../src/model/times.js";

describe("toIsoTime", () => {
  it("tells seconds from milliseconds by magnitude", () => {
    expect(toIsoTime(1705104003)).toBe("2024-01-13T00:00:03.000Z");
    expect(toIsoTime(1705104003000)).toBe("2024-01-13T00:00:03.000Z");
    expect(toIsoTime("1760881087000")).toBe("2025-10-19T13:38:07.000Z");
    expect(toIsoTime("1670031642")).toBe("2022-12-03T01:40:42.000Z");
  });

  it.each([[0], [-1], [""], ["0"], [null], [undefined], ["2:46"], ["6分钟前"], [Number.NaN], [{}], [1e16]])(
    "%j → null",
    (value) => {
      expect(toIsoTime(value)).toBeNull();
    },
  );

  it("the same instant in seconds, milliseconds and digit strings gives the same ISO time", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1_000_000_000, max: 4_000_000_000 }), (seconds) => {
        const expected = new Date(seconds * 1000).toISOString();
        expect(toIsoTime(seconds)).toBe(expected);
        expect(toIsoTime(seconds * 1000)).toBe(expected);
        expect(toIsoTime(String(seconds))).toBe(expected);
      }),
    );
  });
});

describe("isoFromEpochMs", () => {
  it("formats like Date.prototype.toISOString over the whole range toIsoTime accepts", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1e15 }), (ms) => {
        expect(isoFromEpochMs(ms)).toBe(new Date(ms).toISOString());
      }),
      { numRuns: 20_000 },
    );
  });

  it("month, year and leap-day edges", () => {
    for (const iso of [
      "1970-01-01T00:00:00.000Z",
      "1999-12-31T23:59:59.999Z",
      "2000-02-29T12:00:00.000Z",
      "2024-02-29T23:59:59.999Z",
      "2024-03-01T00:00:00.000Z",
      "2100-02-28T00:00:00.001Z",
      "2100-03-01T00:00:00.010Z",
      "9999-12-31T23:59:59.999Z",
    ]) {
      expect(isoFromEpochMs(Date.parse(iso))).toBe(iso);
    }
    expect(isoFromEpochMs(Date.parse("+010000-01-01T00:00:00.000Z"))).toBe("+010000-01-01T00:00:00.000Z");
  });
});

describe("timeFromObjectId", () => {
  it("reads the creation second from the first 8 hex digits", () => {
    expect(timeFromObjectId("638aa91a000000001b027e24")).toBe("2022-12-03T01:40:42.000Z");
  });
  it("refuses ids that are not 24 hex characters or give an implausible time", () => {
    expect(timeFromObjectId("id-0004")).toBeNull();
    expect(timeFromObjectId("a82b75219c7c5c5c9ece76b3490f2")).toBeNull();
    expect(timeFromObjectId("000000010000000000000000")).toBeNull();
    expect(timeFromObjectId("ffffffff0000000000000000", Date.parse("2026-01-01"))).toBeNull();
  });
});
