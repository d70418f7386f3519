/**
 * The dashboard's words for numbers and times (web/src/format.ts, web/src/ticks.ts), in Node: times in the
 * browser's zone (here the process's TZ, set per test), the zone's offset named, the chart's ticks in Chinese.
 */
import { afterEach, describe, expect, it, vi } from "vitest";

const savedTz = process.env["TZ"];
/** The modules as a browser in that zone loads them (their formatters take the zone when they are made). */
async function inZone(tz: string) {
  process.env["TZ"] = tz; // Node re-reads the zone for Date and Intl when TZ changes
  vi.resetModules();
  return { ...(await import("../../web/src/format.js")), ...(await import("../../web/src/ticks.js")) };
}
afterEach(() => {
  if (savedTz === undefined) delete process.env["TZ"];
  else process.env["TZ"] = savedTz;
});

const s = (iso: string) => Date.parse(iso) / 1000;

describe("times", () => {
  it("shows a UTC time in the local zone as 2026-09-01 14:30, and its zone's offset", async () => {
    const shanghai = await inZone("Asia/Shanghai");
    expect(shanghai.time("2026-09-01T06:30:59.000Z")).toBe("2026-09-01 14:30");
    expect(shanghai.utcOffset(Date.parse("2026-09-01T00:00:00Z"))).toBe("UTC+8");
    const newYork = await inZone("America/New_York");
    expect(newYork.time("2026-09-01T06:30:00.000Z")).toBe("2026-09-01 02:30");
    // The offset is the one at that time: daylight saving moves it.
    expect(newYork.utcOffset(Date.parse("2026-07-01T00:00:00Z"))).toBe("UTC-4");
    expect(newYork.utcOffset(Date.parse("2026-12-01T00:00:00Z"))).toBe("UTC-5");
    const kolkata = await inZone("Asia/Kolkata");
    expect(kolkata.utcOffset(Date.parse("2026-12-01T00:00:00Z"))).toBe("UTC+5:30");
  });

  it("keeps the stored value as ISO 8601 UTC, and passes through what is not a time", async () => {
    const { isoUtc, time } = await inZone("Asia/Shanghai");
    expect(isoUtc("2026-09-01T14:30:00+08:00")).toBe("2026-09-01T06:30:00.000Z");
    expect(time(null)).toBe("—");
    expect(time("soon")).toBe("soon");
    expect(isoUtc("soon")).toBe("soon");
  });

  it("writes dates as 9月1日, with the year when asked", async () => {
    const { monthDay } = await inZone("Asia/Shanghai");
    expect(monthDay(Date.parse("2026-08-31T16:00:00Z"))).toBe("9月1日");
    expect(monthDay(Date.parse("2026-08-31T16:00:00Z"), true)).toBe("2026年9月1日");
  });
});

describe("numbers", () => {
  it("keeps counts exact with grouping, and rounds only axis ticks to 万 and 亿", async () => {
    const { axisCount, count } = await inZone("Asia/Shanghai");
    expect(count(1234567)).toBe("1,234,567");
    expect(count(1200, true)).toBe("约 1,200");
    expect(count(null)).toBe("—");
    expect(axisCount(9500)).toBe("9,500");
    expect(axisCount(12_500)).toBe("1.25万");
    expect(axisCount(200_000)).toBe("20万");
    expect(axisCount(300_000_000)).toBe("3亿");
  });
});

describe("the chart's time axis", () => {
  it("labels day steps 9月1日 with the year under the first tick and where the year changes", async () => {
    const { xTicks } = await inZone("Asia/Shanghai");
    const days = ["2026-12-30T16:00:00Z", "2026-12-31T16:00:00Z", "2027-01-01T16:00:00Z"].map(s);
    expect(xTicks(days, 86_400)).toEqual(["12月31日\n2026年", "1月1日\n2027年", "1月2日"]);
  });

  it("labels hour steps 14:00 with the day under the first tick and where the day changes", async () => {
    const { xTicks } = await inZone("Asia/Shanghai");
    const hours = ["2026-09-01T14:00:00Z", "2026-09-01T15:00:00Z", "2026-09-01T16:00:00Z"].map(s);
    expect(xTicks(hours, 3600)).toEqual(["22:00\n9月1日", "23:00", "00:00\n9月2日"]);
  });

  it("shows seconds only when ticks are under a minute apart", async () => {
    const { xTicks } = await inZone("Asia/Shanghai");
    const seconds = ["2026-09-01T06:30:05Z", "2026-09-01T06:30:10Z"].map(s);
    expect(xTicks(seconds, 5)).toEqual(["14:30:05\n9月1日", "14:30:10"]);
  });
});

describe("a run's budget", () => {
  it("shows what every process spent against the stored budget, exactly, beside its limits", async () => {
    const { budgetCalls, budgetCost } = await inZone("Asia/Shanghai");
    const stored = { maxCalls: 12_000, maxCostUsd: 0.5, callsUsed: 1234, costUsdUsed: 0.03 };
    expect(budgetCalls(stored)).toBe("预算内 1,234 / 上限 12,000");
    expect(budgetCost(stored)).toBe("预算内 $0.0300 / 上限 $0.5000");
    // One money format: four decimals whatever the amount (QA saw $0.6800 beside $5.95), grouped above 999.
    const { usd } = await inZone("Asia/Shanghai");
    expect([0, 0.68, 5.95, 1234.5, 0.00012].map(usd)).toEqual([
      "$0.0000",
      "$0.6800",
      "$5.9500",
      "$1,234.5000",
      "$0.0001",
    ]);
    // Nothing spent yet is still a number, not a missing one.
    expect(budgetCalls({ maxCalls: 5, callsUsed: 0, costUsdUsed: 0 })).toBe("预算内 0 / 上限 5");
  });

  it("shows only the limits of a budget this server gave, says which limit there is none of, or no budget", async () => {
    const { budgetCalls, budgetCost } = await inZone("Asia/Shanghai");
    expect(budgetCalls({ maxCalls: 400 })).toBe("上限 400");
    expect(budgetCost({ maxCalls: 400 })).toBe("花费不限");
    expect(budgetCalls({ maxCostUsd: 2, callsUsed: 3, costUsdUsed: 1.5 })).toBe("调用不限");
    expect(budgetCost({ maxCostUsd: 2, callsUsed: 3, costUsdUsed: 1.5 })).toBe("预算内 $1.5000 / 上限 $2.0000");
    expect(budgetCalls(null)).toBe("没有预算");
    expect(budgetCost(null)).toBe("没有预算");
  });
});
