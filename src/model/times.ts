/**
 * Time parsing. Series mix Unix seconds (App V2 `time`, `timestamp`, comment `time`) and milliseconds
 * (App V2 search `update_time`, web `time`, `create_time`), sometimes in the same payload, so the unit is
 * told apart by magnitude. Placeholders (0, -1, "", "0") mean unknown. Out: ISO 8601 UTC or null.
 */

/** Values at or above this are milliseconds (1e12 s is the year 33658; 1e12 ms is 2001-09-09). */
const MS_THRESHOLD = 1e12;
/** Above this even milliseconds make no sense (year 33658): garbage, not a time. */
const MAX_MS = 1e15;

/** Unix seconds or milliseconds (number or digit string) → ISO 8601 UTC, or null for placeholders and garbage. */
export function toIsoTime(input: unknown): string | null {
  let value: number;
  if (typeof input === "number") value = input;
  else if (typeof input === "string" && /^\s*\d+(\.\d+)?\s*$/.test(input)) value = Number(input);
  else return null;
  if (!Number.isFinite(value) || value <= 0) return null;
  const ms = value >= MS_THRESHOLD ? value : value * 1000;
  if (ms >= MAX_MS) return null;
  return new Date(Math.round(ms)).toISOString();
}

/** Unix seconds of an ISO time, for cursors that want the series' own units. */
export function isoToUnixSeconds(iso: string): number {
  return Math.floor(Date.parse(iso) / 1000);
}

const OBJECT_ID = /^[0-9a-f]{24}$/;
/** 2013-01-01, before Xiaohongshu existed: an id "older" than this is not a time-based id. */
const EARLIEST_ID_SECONDS = 1356998400;

/**
 * The creation time embedded in a note or comment id (24 hex characters, MongoDB-ObjectId-like: the first
 * 8 hex digits are Unix seconds). Normalizers do NOT use it to fill `publishedAt` (it can differ from the
 * published time, and it would be a value the answer did not give: see docs/decisions.md); it is exported
 * for callers who knowingly want an estimate. Null when the id is not of that form or the time is implausible.
 */
export function timeFromObjectId(id: string, now: number = Date.now()): string | null {
  if (!OBJECT_ID.test(id)) return null;
  const seconds = Number.parseInt(id.slice(0, 8), 16);
  if (seconds < EARLIEST_ID_SECONDS || seconds * 1000 > now + 86_400_000) return null;
  return new Date(seconds * 1000).toISOString();
}
