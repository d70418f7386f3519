/**
 * Durations as plan files write them: `90m`, `6h`, `1d12h`, `2w`. Strict on purpose: a typo in an interval
 * (`6`, `6hours`, `1.5h`, `h6`) must fail the plan before anything is scheduled or paid, never be read as
 * something else.
 */

const UNIT_MS = { w: 604_800_000, d: 86_400_000, h: 3_600_000, m: 60_000, s: 1_000 } as const;
type Unit = keyof typeof UNIT_MS;
const ORDER: readonly Unit[] = ["w", "d", "h", "m", "s"];

/** What a well-formed duration looks like, for error messages. */
export const DURATION_HINT = "a duration like 30m, 6h, 1d12h or 2w (units w, d, h, m, s)";

/** Milliseconds of a duration text, or a sentence saying why it is not one. */
export function parseDuration(text: string): { ms: number } | { problem: string } {
  const trimmed = text.trim();
  const parts = [...trimmed.matchAll(/(\d+)([wdhms])/g)];
  const rebuilt = parts.map((m) => m[0]).join("");
  if (trimmed === "" || rebuilt !== trimmed)
    return { problem: `expected ${DURATION_HINT} (got ${JSON.stringify(text)})` };
  let ms = 0;
  let last = -1;
  for (const [, digits, unit] of parts) {
    const rank = ORDER.indexOf(unit as Unit);
    // Each unit once, largest first: "6h30m", never "30m6h" or "1h1h" (both are more likely typos than intent).
    if (rank <= last)
      return { problem: `units must go largest first, each once, as in 1d6h (got ${JSON.stringify(text)})` };
    last = rank;
    ms += Number(digits) * UNIT_MS[unit as Unit];
  }
  if (ms === 0) return { problem: `must be longer than 0 (got ${JSON.stringify(text)})` };
  if (!Number.isSafeInteger(ms)) return { problem: `too long (got ${JSON.stringify(text)})` };
  return { ms };
}

/** Milliseconds of a duration text; throws a RangeError naming what is wrong. */
export function durationMs(text: string): number {
  const parsed = parseDuration(text);
  if ("problem" in parsed) throw new RangeError(parsed.problem);
  return parsed.ms;
}

/** A duration in the plan's own notation, largest units first (`formatDuration(90 * 60_000)` = "1h30m"). */
export function formatDuration(ms: number): string {
  if (ms <= 0) return "0s";
  let left = Math.round(ms / 1000) * 1000;
  let out = "";
  for (const unit of ORDER) {
    const n = Math.floor(left / UNIT_MS[unit]);
    if (n > 0) out += `${n}${unit}`;
    left -= n * UNIT_MS[unit];
  }
  return out || "0s";
}
