/**
 * Parse cost: the time to JSON.parse an answer and normalize it, over the time to JSON.parse it alone,
 * on the simulator's answers in each series' shape (note detail, comment page, search page, user notes).
 * Rounds alternate the two measurements and the fastest round of each is kept (less noise from a busy
 * machine); `--expose-gc` lets a collection run before each round.
 */
import { performance } from "node:perf_hooks";
import { normalize } from "../series/normalize.js";
import { createSimulatorCore } from "../simulator/core.js";
import { round } from "./stats.js";

export interface ParseCostRow {
  series: string;
  endpoint: string;
  bodyBytes: number;
  parseUs: number;
  parseAndNormalizeUs: number;
  /** (parse + normalize) / parse. */
  ratio: number;
}

export interface ParseCostResult {
  rows: ParseCostRow[];
  /** Per series: summed times over its endpoints. */
  bySeries: Record<string, { parseUs: number; parseAndNormalizeUs: number; ratio: number }>;
  worstRatio: number;
}

export interface ParseCostOptions {
  seed: number;
  /** Timed iterations per round (default 200). */
  iterations?: number;
  /** Rounds (default 7); the fastest is kept. */
  rounds?: number;
}

const gc = (globalThis as { gc?: () => void }).gc;

function timeIt(iterations: number, fn: () => void): number {
  const t0 = performance.now();
  for (let i = 0; i < iterations; i++) fn();
  return ((performance.now() - t0) * 1000) / iterations;
}

export function measureParseCost(options: ParseCostOptions): ParseCostResult {
  const core = createSimulatorCore({ seed: options.seed });
  const world = core.world;
  const live = world.notes().filter((n) => !n.deleted && !n.webRestricted);
  const image = live.find((n) => n.type === "normal" && n.commentsL1 >= 20)!;
  const video = live.find((n) => n.type === "video")!;
  const author = world.users().find((u) => world.userNotes(u.id).length >= 20)!;
  const keyword = "美食推荐";
  const cases: { endpoint: string; query: Record<string, string>; id?: string }[] = [
    { endpoint: "app_v2/get_image_note_detail", query: { note_id: image.id }, id: image.id },
    { endpoint: "app_v2/get_video_note_detail", query: { note_id: video.id }, id: video.id },
    { endpoint: "app_v2/get_note_comments", query: { note_id: image.id } },
    { endpoint: "app_v2/search_notes", query: { keyword, page: "1" } },
    { endpoint: "app_v2/get_user_posted_notes", query: { user_id: author.id } },
    { endpoint: "app/get_note_info", query: { note_id: image.id }, id: image.id },
    { endpoint: "app/get_note_comments", query: { note_id: image.id } },
    { endpoint: "app/search_notes", query: { keyword, page: "1" } },
    { endpoint: "app/get_user_notes", query: { user_id: author.id } },
    { endpoint: "web_v3/fetch_note_detail", query: { note_id: video.id, xsec_token: video.xsecToken }, id: video.id },
    { endpoint: "web_v3/fetch_note_comments", query: { note_id: image.id, xsec_token: image.xsecToken } },
    { endpoint: "web_v3/fetch_search_notes", query: { keyword, page: "1" } },
    { endpoint: "web_v3/fetch_user_notes", query: { user_id: author.id } },
  ];
  const iterations = options.iterations ?? 200;
  const rounds = options.rounds ?? 7;
  const rows: ParseCostRow[] = [];
  for (const c of cases) {
    const answer = core.handle({ path: `/api/v1/xiaohongshu/${c.endpoint}`, query: c.query });
    if (answer.status !== 200) throw new Error(`${c.endpoint} answered ${answer.status}`);
    const text = typeof answer.body === "string" ? answer.body : JSON.stringify(answer.body);
    const normalizeOptions = { params: c.query, ...(c.id ? { id: c.id } : {}), fetchedAt: "2026-01-15T00:00:00.000Z" };
    const items = normalize(c.endpoint, JSON.parse(text), normalizeOptions).items.length;
    if (items === 0) throw new Error(`${c.endpoint}: the sample answer normalized to nothing`);
    let parse = Number.POSITIVE_INFINITY;
    let both = Number.POSITIVE_INFINITY;
    let sink = 0;
    // Warm-up, then alternate rounds.
    timeIt(Math.max(20, iterations >> 2), () => {
      sink += normalize(c.endpoint, JSON.parse(text), normalizeOptions).items.length;
    });
    for (let r = 0; r < rounds; r++) {
      gc?.();
      parse = Math.min(
        parse,
        timeIt(iterations, () => {
          sink += (JSON.parse(text) as { code: number }).code;
        }),
      );
      gc?.();
      both = Math.min(
        both,
        timeIt(iterations, () => {
          sink += normalize(c.endpoint, JSON.parse(text), normalizeOptions).items.length;
        }),
      );
    }
    if (sink === -1) console.error(sink); // keeps the work observable
    rows.push({
      series: c.endpoint.startsWith("app/") ? "app_v1" : c.endpoint.split("/")[0]!,
      endpoint: c.endpoint,
      bodyBytes: Buffer.byteLength(text),
      parseUs: round(parse, 1),
      parseAndNormalizeUs: round(both, 1),
      ratio: round(both / parse, 2),
    });
  }
  const bySeries: ParseCostResult["bySeries"] = {};
  for (const row of rows) {
    const s = bySeries[row.series] ?? { parseUs: 0, parseAndNormalizeUs: 0, ratio: 0 };
    bySeries[row.series] = s;
    s.parseUs = round(s.parseUs + row.parseUs, 1);
    s.parseAndNormalizeUs = round(s.parseAndNormalizeUs + row.parseAndNormalizeUs, 1);
    s.ratio = round(s.parseAndNormalizeUs / s.parseUs, 2);
  }
  return { rows, bySeries, worstRatio: Math.max(...rows.map((r) => r.ratio)) };
}
