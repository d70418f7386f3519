/** Records as terminal tables (a few columns that fit on a line) or, for one record, as field lines. */
import { csvHeaders, flattenRecord } from "./record-csv.js";
import type { Cell, RecordKind, RecordOfKind } from "./record-kinds.js";
import { terminalText } from "./terminal-text.js";

/** Columns shown in a terminal table: the few that fit on a line. */
const TABLE_COLUMNS: { [K in RecordKind]: readonly (readonly [string, (r: RecordOfKind[K]) => Cell, number])[] } = {
  note: [
    ["id", (n) => n.id, 24],
    ["type", (n) => n.type, 5],
    ["title", (n) => n.title ?? n.text, 30],
    ["author", (n) => n.author?.nickname ?? n.author?.id ?? null, 16],
    ["likes", (n) => approxCount(n.stats.likes, n.approx.includes("likes")), 9],
    ["collects", (n) => approxCount(n.stats.collects, n.approx.includes("collects")), 9],
    ["comments", (n) => approxCount(n.stats.comments, n.approx.includes("comments")), 9],
    ["published", (n) => n.publishedAt?.slice(0, 10) ?? null, 10],
  ],
  user: [
    ["id", (u) => u.id, 24],
    ["nickname", (u) => u.nickname, 20],
    ["redId", (u) => u.redId, 14],
    ["followers", (u) => approxCount(u.followers, u.approx.includes("followers")), 10],
    ["notes", (u) => u.noteCount, 7],
    ["ip", (u) => u.ipLocation, 8],
  ],
  comment: [
    ["id", (c) => c.id, 24],
    ["author", (c) => `${c.rootId ? "↳ " : ""}${c.author?.nickname ?? c.author?.id ?? ""}`, 18],
    ["text", (c) => c.text, 40],
    ["likes", (c) => approxCount(c.likes, c.approx.includes("likes")), 8],
    ["replies", (c) => c.replyCount, 7],
    ["created", (c) => c.createdAt?.slice(0, 16).replace("T", " ") ?? null, 16],
  ],
  topic: [
    ["id", (t) => t.id, 24],
    ["name", (t) => t.name, 24],
    ["views", (t) => approxCount(t.views, t.approx.includes("views")), 12],
    ["discussions", (t) => approxCount(t.discussions, t.approx.includes("discussions")), 12],
  ],
  link: [
    ["kind", (l) => l.kind, 5],
    ["id", (l) => l.id, 24],
    ["xsecToken", (l) => l.xsecToken, 40],
    ["url", (l) => l.url, 60],
  ],
};

function approxCount(n: number | null, approx: boolean): Cell {
  if (n === null) return null;
  return approx ? `~${n}` : n;
}

const WIDE =
  /[\u1100-\u115F\u2E80-\u303E\u3041-\u33FF\u3400-\u4DBF\u4E00-\u9FFF\uA000-\uA4CF\uAC00-\uD7A3\uF900-\uFAFF\uFE30-\uFE4F\uFF00-\uFF60\uFFE0-\uFFE6\u{1F300}-\u{1FAFF}\u{20000}-\u{3FFFD}]/u;

/** Terminal columns a string takes: CJK and emoji count 2. */
export function displayWidth(text: string): number {
  let width = 0;
  for (const ch of text) width += WIDE.test(ch) ? 2 : 1;
  return width;
}

function fitWidth(text: string, max: number): string {
  if (displayWidth(text) <= max) return text;
  let out = "";
  let width = 0;
  for (const ch of text) {
    const w = WIDE.test(ch) ? 2 : 1;
    if (width + w > max - 1) break;
    out += ch;
    width += w;
  }
  return `${out}…`;
}

function cellText(cell: Cell): string {
  if (cell === null) return "";
  return terminalText(String(cell)).replace(/\s+/g, " ").trim();
}

export function renderTable(headers: readonly string[], rows: readonly string[][]): string {
  const widths = headers.map((h, i) => Math.max(displayWidth(h), ...rows.map((r) => displayWidth(r[i] ?? ""))));
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => c + " ".repeat(Math.max(0, (widths[i] ?? 0) - displayWidth(c))))
      .join("  ")
      .trimEnd();
  return [line(headers), line(widths.map((w) => "─".repeat(w))), ...rows.map(line)].join("\n") + "\n";
}

export function tableRow<K extends RecordKind>(kind: K, record: RecordOfKind[K]): string[] {
  return (TABLE_COLUMNS[kind] as readonly (readonly [string, (r: RecordOfKind[K]) => Cell, number])[]).map(
    ([, get, max]) => fitWidth(cellText(get(record)), max),
  );
}

/** One record as `field  value` lines (every CSV column, values in full). */
export function renderRecord<K extends RecordKind>(kind: K, record: RecordOfKind[K]): string {
  const headers = csvHeaders(kind);
  const cells = flattenRecord(kind, record);
  const width = Math.max(...headers.map((h) => h.length));
  return (
    headers
      .map((h, i) => `${h.padEnd(width)}  ${cells[i] === null || cells[i] === undefined ? "-" : cellText(cells[i])}`)
      .join("\n") + "\n"
  );
}

/** The headers of a kind's table. */
export function tableHeaders(kind: RecordKind): string[] {
  return TABLE_COLUMNS[kind].map(([header]) => header);
}
