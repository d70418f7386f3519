/**
 * The dashboard's notes table on 100,000 notes (issue #16): milliseconds per request of the JSON endpoint the table
 * calls (`GET /api/dashboard/notes`, through the dashboard's own routes, answer serialized), per query kind: first
 * and deep pages, every sort in both orders, keyword, author, type and date filters, text searches common and rare.
 * Kinds run round-robin (the machine is shared: a burst of load hits every kind alike); p50 and p95 per kind.
 * The bound: every kind's p95 within BOUND_MS, and the deep page's p50 next to the first page's.
 *
 *   node .bench-dist/bench/dashboard-notes.js [--notes N] [--rounds N] [--out FILE]
 *   (or `npm run bench -- --only dashboard`, which writes dashboard-notes.json beside results.json)
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { percentile } from "../core/stats.js";
import { createDashboard } from "../dashboard/index.js";
import { openSqliteStore } from "../store/sqlite/sqlite-store.js";
import { syntheticNote } from "./export-memory.js";
import { round } from "./stats.js";

/** Every query kind's p95 must stay within this on the 2-core machine for the table to count as responsive. */
export const BOUND_MS = 250;

/** The query kinds: a name and the query string the table sends (pages of 20, its default). */
export const NOTE_QUERY_KINDS: readonly [string, string][] = [
  ["first page (likes desc)", ""],
  ["page 2,000 (deep)", "page=2000"],
  ["page 5,000 (last)", "page=5000"],
  ...(["likes", "collects", "comments", "shares", "published", "fetched"] as const).flatMap(
    (sort): [string, string][] => [
      [`sort ${sort} desc`, `sort=${sort}&order=desc`],
      [`sort ${sort} asc`, `sort=${sort}&order=asc`],
    ],
  ),
  ["sort collects asc, page 2,000", "sort=collects&order=asc&page=2000"],
  ["type video", "type=video"],
  ["type video, page 1,000 (its last)", "type=video&page=1000"],
  ["dates (10 days)", "from=2026-01-10&to=2026-01-19"],
  ["dates, sort comments asc, page 500", "from=2026-01-10&to=2026-01-19&sort=comments&order=asc&page=500"],
  ["author by id", "author=5b0000000000000000000042"],
  ["author by nickname", "author=用户42"],
  ["keyword common (露营)", "q=露营"],
  ["keyword common, page 500", "q=露营&page=500"],
  ["keyword + type + dates", "q=咖啡&type=video&from=2026-01-05&to=2026-01-25"],
  ["keyword in every note, 4 chars ([话题])", "q=[话题]"],
  ["search rare (one title)", "q=95553"],
  ["search with no match", "q=不存在的词"],
  // 1–2 characters have no trigram: a scan of note_search (the narrow table), the slowest search there is.
  ["search 2 chars, no match (冲浪)", "q=冲浪"],
  ["search 1 char, no match (鲸)", "q=鲸"],
];

export interface NoteQueryTiming {
  kind: string;
  query: string;
  total: number;
  totalExact: boolean;
  p50Ms: number;
  p95Ms: number;
  maxMs: number;
  withinBound: boolean;
}

export interface DashboardNotesResult {
  measuredAt: string;
  notes: number;
  rounds: number;
  buildSeconds: number;
  databaseMb: number;
  loadAverage: { start: number[]; end: number[] };
  boundMs: number;
  /** Every kind's p95 within the bound. */
  met: boolean;
  /** p50 of page 2,000 over p50 of the first page. */
  deepOverFirst: number;
  kinds: NoteQueryTiming[];
}

const load = () => loadavg().map((x) => Math.round(x * 10) / 10);

export async function measureDashboardNotes(
  options: { notes?: number; rounds?: number; log?: (line: string) => void } = {},
): Promise<DashboardNotesResult> {
  const notes = options.notes ?? 100_000;
  const rounds = options.rounds ?? 20;
  const log = options.log ?? (() => {});
  const loadStart = load();
  const dir = mkdtempSync(join(tmpdir(), "xhs-bench-dashboard-"));
  const file = join(dir, "notes.db");
  const store = openSqliteStore(file);
  try {
    const built = performance.now();
    for (let i = 0; i < notes; i += 1000) {
      await store.upsertNotes(Array.from({ length: Math.min(1000, notes - i) }, (_, k) => syntheticNote(i + k)));
    }
    const buildSeconds = round((performance.now() - built) / 1000, 1);
    const databaseMb = round((await pageBytes(store)) / 1e6, 1);
    log(`  ${notes} notes stored in ${buildSeconds} s (${databaseMb} MB)`);
    const { app } = createDashboard({ store, assetsDir: join(dir, "no-assets") });
    const times = new Map<string, number[]>(NOTE_QUERY_KINDS.map(([kind]) => [kind, []]));
    const totals = new Map<string, { total: number; totalExact: boolean }>();
    const ask = async (query: string) => {
      const started = performance.now();
      const response = await app.request(`/api/dashboard/notes?${query}`);
      const body = (await response.json()) as { total: number; totalExact: boolean; notes: unknown[] };
      if (response.status !== 200) throw new Error(`notes?${query} answered ${response.status}`);
      return { ms: performance.now() - started, body };
    };
    // One warm-up pass (statement preparation, the page cache), not counted.
    for (const [, query] of NOTE_QUERY_KINDS) await ask(query);
    for (let r = 0; r < rounds; r += 1) {
      for (const [kind, query] of NOTE_QUERY_KINDS) {
        const { ms, body } = await ask(query);
        times.get(kind)?.push(ms);
        totals.set(kind, { total: body.total, totalExact: body.totalExact });
      }
    }
    const kinds = NOTE_QUERY_KINDS.map(([kind, query]): NoteQueryTiming => {
      const ms = times.get(kind) ?? [];
      const p95 = round(percentile(ms, 95) ?? 0, 1);
      return {
        kind,
        query,
        ...(totals.get(kind) ?? { total: 0, totalExact: true }),
        p50Ms: round(percentile(ms, 50) ?? 0, 1),
        p95Ms: p95,
        maxMs: round(Math.max(...ms), 1),
        withinBound: p95 <= BOUND_MS,
      };
    });
    const first = kinds.find((k) => k.query === "")?.p50Ms ?? 0;
    const deep = kinds.find((k) => k.query === "page=2000")?.p50Ms ?? 0;
    return {
      measuredAt: new Date().toISOString(),
      notes,
      rounds,
      buildSeconds,
      databaseMb,
      loadAverage: { start: loadStart, end: load() },
      boundMs: BOUND_MS,
      met: kinds.every((k) => k.withinBound),
      deepOverFirst: first > 0 ? round(deep / first, 2) : 0,
      kinds,
    };
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function pageBytes(store: ReturnType<typeof openSqliteStore>): Promise<number> {
  const { rows } = await store.executeSql(
    "SELECT page_count * page_size AS bytes FROM pragma_page_count(), pragma_page_size()",
  );
  return Number(rows[0]?.bytes ?? 0);
}

/** The results as the table of bench/results.md's section. */
export function renderDashboardNotes(result: DashboardNotesResult): string {
  const lines = [
    "| query kind | query | total | p50 ms | p95 ms | max ms | p95 within bound |",
    "| --- | --- | --- | --- | --- | --- | --- |",
    ...result.kinds.map(
      (k) =>
        `| ${k.kind} | \`${k.query || "(none)"}\` | ${k.totalExact ? k.total.toLocaleString("en-US") : `more than ${k.total.toLocaleString("en-US")}`} | ${k.p50Ms} | ${k.p95Ms} | ${k.maxMs} | ${k.withinBound ? "yes" : "**no**"} |`,
    ),
  ];
  return lines.join("\n");
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { values } = parseArgs({
    args: process.argv.slice(2),
    options: { notes: { type: "string" }, rounds: { type: "string" }, out: { type: "string" } },
  });
  const log = (line: string) => process.stderr.write(`${line}\n`);
  measureDashboardNotes({
    ...(values.notes ? { notes: Number(values.notes) } : {}),
    ...(values.rounds ? { rounds: Number(values.rounds) } : {}),
    log,
  })
    .then((result) => {
      if (values.out) writeFileSync(values.out, `${JSON.stringify(result, null, 2)}\n`);
      log(renderDashboardNotes(result));
      log(`${result.met ? "met" : "NOT MET"}: every p95 <= ${result.boundMs} ms; deep / first ${result.deepOverFirst}`);
    })
    .catch((error: unknown) => {
      process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
      process.exit(1);
    });
}
