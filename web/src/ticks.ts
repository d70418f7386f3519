/** The chart's time axis in Chinese: which steps its ticks may take and how each tick reads (pure: tested in Node). */
// ".js": this module is also loaded by a Node test (test/dashboard/format.test.ts); Vite resolves it to format.ts.
import { localParts, monthDay } from "./format.js";

const DAY = 86_400;
/** Tick steps in seconds: whole seconds at the finest (fetches a moment apart must not get sub-second ticks). */
export const X_STEPS = [
  ...[1, 2, 5, 10, 15, 30], // seconds
  ...[1, 2, 5, 10, 15, 30].map((m) => m * 60),
  ...[1, 2, 3, 6, 12].map((h) => h * 3600),
  ...[1, 2, 7, 14, 30, 90, 180, 365].map((d) => d * DAY), // 30 and 365: uPlot's calendar months and years
];

/**
 * The x axis' ticks (uPlot's seconds): days as 9月1日 when ticks are a day or more apart, else 14:30 (14:30:05
 * under a minute); the larger unit is added below the first tick and wherever it changes.
 */
export function xTicks(splits: readonly number[], incr: number): string[] {
  let lastDay = "";
  let lastYear = "";
  return splits.map((s, i) => {
    const ms = s * 1000;
    const p = localParts(ms);
    const day = `${p.year}-${p.month}-${p.day}`;
    const newDay = day !== lastDay;
    const newYear = i > 0 && p.year !== lastYear;
    lastDay = day;
    lastYear = p.year;
    if (incr >= DAY) return i === 0 || newYear ? `${monthDay(ms)}\n${p.year}年` : monthDay(ms);
    const clock = incr < 60 ? `${p.hour}:${p.minute}:${p.second}` : `${p.hour}:${p.minute}`;
    return newDay ? `${clock}\n${monthDay(ms, newYear)}` : clock;
  });
}
