/** The edges of time and URL parsing: unit and range boundaries, the forms a digit string may take. */
import { describe, expect, it, vi } from "vitest";
import { isoFromEpochMs, isoToUnixSeconds, timeFromObjectId, toIsoTime } from "../../src/model/times.js";
import { noteUrl, userUrl, xsecTokenFromUrl } from "../../src/model/urls.js";

describe("toIsoTime edges", () => {
  it("reads 1e12 as milliseconds (2001), just below it as seconds, and nothing from 1e15 ms on", () => {
    expect(toIsoTime(1e12)).toBe("2001-09-09T01:46:40.000Z");
    expect(toIsoTime(1e12 - 1)).toBe("+033658-09-27T01:46:39.000Z"); // seconds, in ms just under the 1e15 cap
    expect(toIsoTime(999_999_999_999_999)).toBe(new Date(999_999_999_999_999).toISOString());
    expect(toIsoTime(1e15)).toBeNull();
  });

  it("keeps milliseconds of fractional seconds, rounded", () => {
    expect(toIsoTime(1705104003.4567)).toBe("2024-01-13T00:00:03.457Z");
    expect(toIsoTime("1705104003.5")).toBe("2024-01-13T00:00:03.500Z");
    expect(toIsoTime("1705104003.25")).toBe("2024-01-13T00:00:03.250Z");
    expect(toIsoTime(" 1705104003 ")).toBe("2024-01-13T00:00:03.000Z");
    expect(toIsoTime(1)).toBe("1970-01-01T00:00:01.000Z");
  });

  it.each([["1705104003x"], ["x1705104003"], ["1705104003."], [".5"], ["1,705,104,003"], ["-1705104003"], ["1e9"]])(
    "%j is not a time",
    (input) => {
      expect(toIsoTime(input)).toBeNull();
    },
  );
});

describe("isoFromEpochMs's arithmetic path", () => {
  // Its reason to exist is cost (Date's formatter is ~10× slower), so the contract is that it answers
  // every integer from 0 to year 10000 without Date: a spy on toISOString shows when Date was asked.
  it("formats integers from 0 to the last millisecond of year 9999 without Date", () => {
    const viaDate = vi.spyOn(Date.prototype, "toISOString");
    try {
      for (const ms of [0, 1, 86_399_999, 86_400_000, 1_705_104_003_457, 253_402_300_799_999]) {
        const iso = isoFromEpochMs(ms);
        expect(viaDate).not.toHaveBeenCalled();
        expect(iso).toBe(new Date(ms).toISOString());
        viaDate.mockClear();
      }
      isoFromEpochMs(253_402_300_800_000);
      expect(viaDate).toHaveBeenCalledTimes(1);
    } finally {
      viaDate.mockRestore();
    }
  });

  it("pads each field to its width at the width's edges (9 and 10; 99 and 100 milliseconds)", () => {
    // Each field one below and at the value that adds a digit: 1970-01-10T10:09:10.100Z and the like.
    const at = (day: number, hour: number, minute: number, second: number, ms: number): number =>
      (((day - 1) * 24 + hour) * 60 + minute) * 60_000 + second * 1000 + ms;
    for (const ms of [9, 10, 99, 100, 999]) {
      for (const [day, hour, minute, second] of [
        [9, 9, 9, 9],
        [10, 10, 10, 10],
      ] as const) {
        const epochMs = at(day, hour, minute, second, ms);
        expect(isoFromEpochMs(epochMs), String(epochMs)).toBe(new Date(epochMs).toISOString());
      }
    }
    expect(isoFromEpochMs(at(10, 10, 10, 10, 100))).toBe("1970-01-10T10:10:10.100Z");
  });
});

describe("isoToUnixSeconds", () => {
  it("gives whole Unix seconds of an ISO time, rounded down", () => {
    expect(isoToUnixSeconds("2024-01-13T00:00:03.999Z")).toBe(1_705_104_003);
    expect(isoToUnixSeconds("1970-01-01T00:00:00.000Z")).toBe(0);
  });
});

describe("isoFromEpochMs outside its fast range", () => {
  it("formats negative and fractional instants as Date does", () => {
    expect(isoFromEpochMs(-1)).toBe("1969-12-31T23:59:59.999Z");
    // Before year 0 the ISO form has a signed six-digit year, which only Date writes.
    expect(isoFromEpochMs(Date.parse("-000001-06-01T00:00:00.000Z"))).toBe("-000001-06-01T00:00:00.000Z");
    expect(isoFromEpochMs(1.5)).toBe(new Date(1.5).toISOString());
    expect(isoFromEpochMs(86_400_000 * 365 + 0.25)).toBe(new Date(86_400_000 * 365 + 0.25).toISOString());
  });
});

describe("timeFromObjectId edges", () => {
  const NOW = Date.parse("2026-01-01T00:00:00.000Z");
  const idAt = (seconds: number) => `${seconds.toString(16).padStart(8, "0")}0000000000000000`;

  it("accepts 2013-01-01 and a day into the future, nothing earlier or later", () => {
    expect(timeFromObjectId(idAt(1_356_998_400), NOW)).toBe("2013-01-01T00:00:00.000Z");
    expect(timeFromObjectId(idAt(1_356_998_399), NOW)).toBeNull();
    const dayAhead = NOW / 1000 + 86_400;
    expect(timeFromObjectId(idAt(dayAhead), NOW)).toBe("2026-01-02T00:00:00.000Z");
    expect(timeFromObjectId(idAt(dayAhead + 1), NOW)).toBeNull();
  });

  it("wants exactly 24 lower-case hex characters", () => {
    const id = idAt(1_700_000_000);
    expect(timeFromObjectId(id, NOW)).toBe(new Date(1_700_000_000_000).toISOString());
    expect(timeFromObjectId(`${id}0`, NOW)).toBeNull();
    expect(timeFromObjectId(`x${id}`, NOW)).toBeNull();
    expect(timeFromObjectId(id.slice(1), NOW)).toBeNull();
    expect(
      timeFromObjectId(
        id
          .toUpperCase()
          .replace(/^(.{8})/, "$1")
          .replace("65", "6A"),
        NOW,
      ),
    ).toBeNull();
  });

  it("uses the current time as the default horizon", () => {
    expect(timeFromObjectId(idAt(Math.floor(Date.now() / 1000)))).not.toBeNull();
    expect(timeFromObjectId(idAt(Math.floor(Date.now() / 1000) + 3 * 86_400))).toBeNull();
  });
});

describe("URL edges", () => {
  it("escapes ids and leaves an empty token out", () => {
    expect(noteUrl("a/b c")).toBe("https://www.xiaohongshu.com/explore/a%2Fb%20c");
    expect(noteUrl("n1", "")).toBe("https://www.xiaohongshu.com/explore/n1");
    expect(userUrl("u/1")).toBe("https://www.xiaohongshu.com/user/profile/u%2F1");
  });

  it("reads an empty xsec_token as none", () => {
    expect(xsecTokenFromUrl("https://www.xiaohongshu.com/explore/n1?xsec_token=")).toBeNull();
    expect(xsecTokenFromUrl("https://www.xiaohongshu.com/explore/n1?xsec_token=T&xsec_token=U")).toBe("T");
    expect(xsecTokenFromUrl("")).toBeNull();
  });
});
