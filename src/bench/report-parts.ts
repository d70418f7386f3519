/**
 * Sections of results.md drawn from the parts measured on their own, each from its JSON file beside results.json:
 * watch.json (`--only watch`), scale.json (`--only scale`, or passes added by `src/bench/scale.ts --append`),
 * store-write.json (`--only store`) and store-before.json (scripts/bench-store-before.ts, by hand: it needs the
 * old store's source tree), dashboard-notes.json (`--only dashboard`, with the hand-written dashboard-notes.md under
 * its table). A re-render (`--render`) draws them again from those files, so nothing is lost.
 */
import type { DashboardNotesResult } from "./dashboard-notes.js";
import { grouped, table } from "./markdown.js";
import type { ScaleResult } from "./scale.js";
import type { StoreWriteResult } from "./store-write.js";
import type { WatchCostResult } from "./watch.js";

/** The issue #13 goals these sections judge. */
export const SCALE_SHARE_GOAL = 0.95;
export const STORE_RATIO_GOAL = 0.8;
/** What one key at TikHub's 10 calls/s asks of Postgres at most: job steps/s and, with comment pages, upserts/s. */
const STEPS_PER_KEY = 10;
const UPSERTS_PER_KEY = 200;

const met = (ok: boolean) => (ok ? "**met**" : "**not met**");
const pct = (x: number) => `${Math.round(x * 100)} %`;
const when = (iso: string | undefined) => (iso ? `${iso.slice(0, 16).replace("T", " ")} UTC` : "time not recorded");
const load = (l: ScaleResult["loadAverage"] | undefined) =>
  l ? `1-minute load ${l.start} at start, ${l.end} at end` : "load not recorded";

export function renderWatch(w: WatchCostResult): string {
  return [
    "## Watch",
    "",
    `What \`xhs watch\` costs at the default schedule (issue #14): ${w.keywords.length} keywords (${w.keywords.join(", ")}), ` +
      `each checked every 6 h (the newest 20 notes per discovery; each new note refreshed 1 h, 6 h, 24 h, 3 d and 7 d after ` +
      `it was first seen, then weekly to 30 days), for ${w.days} simulated days on the simulator's moving world (seed ${w.seed}), ` +
      "through the real scheduler, executor and SQL state on a discrete-event clock. Paid calls at the catalogue's $0.01.",
    "",
    table(
      ["per watched keyword and day", `all ${w.days} days`, "last 7 days (30-day refresh window full)"],
      [
        [
          "paid calls",
          w.callsPerKeywordDay.all.toFixed(1),
          `${w.callsPerKeywordDay.lastWeek.toFixed(1)} (${Object.entries(w.byKind)
            .map(([kind, calls]) => `${kind} ${(calls ?? 0).toFixed(1)}`)
            .join(", ")})`,
        ],
        ["USD", w.usdPerKeywordDay.all.toFixed(2), w.usdPerKeywordDay.lastWeek.toFixed(2)],
        ["new notes found", w.newNotesPerKeywordDay.toFixed(1), null],
      ],
    ),
    "",
    `A busy real keyword brings far more new notes than the simulated ~${w.newNotesPerKeywordDay.toFixed(0)} a day, so ` +
      `the cost is better read per new note: its ${w.refreshesPerNote} refreshes plus its share of a discovery page = ` +
      `**${w.callsPerNewNote} calls (about $${(w.callsPerNewNote / 100).toFixed(2)}) per new note**.`,
    "",
    table(
      ["one key at 10 requests/s on the default schedule", ""],
      [
        ["paid calls a day", grouped(w.capacity.callsPerDay)],
        [`new notes a day it can follow (${w.callsPerNewNote} calls each)`, grouped(w.capacity.newNotesPerDay)],
        ["notes tracked at once (30 days of them)", grouped(w.capacity.trackedAtOnce)],
        ["keywords at the simulated rate", grouped(w.capacity.keywordsAtSimRate)],
      ],
    ),
    "",
    `The scheduler took ${(w.wallMsPerSimDay / 1000).toFixed(1)} s of real time per simulated day (${w.trackedAtEnd} notes ` +
      "tracked at the end): CPU of the scheduler and the in-process simulator, not API latency.",
    "",
  ].join("\n");
}

export function renderScale(input: ScaleResult | ScaleResult[]): string {
  const passes = Array.isArray(input) ? input : [input];
  const cells = passes.flatMap((p) => p.cells);
  const worst = cells.reduce((a, b) => (b.shareOfLimit < a.shareOfLimit ? b : a), cells[0]!);
  const http429 = cells.reduce((n, c) => n + c.http429, 0);
  const lostOrTwice = cells.reduce((n, c) => n + c.lost + c.duplicates, 0);
  const shapes = passes[0]!.cells.map((c) => [c.workers, c.keys] as const);
  const cellOf = (p: ScaleResult, workers: number, keys: number) =>
    p.cells.find((c) => c.workers === workers && c.keys === keys);
  const leases = Math.min(...passes.map((p) => p.postgres.leasesPerSecond));
  const upserts = Math.min(...passes.map((p) => p.postgres.upsertsPerSecond));
  return [
    "## Scale-out: workers × keys on one Postgres (issue #13)",
    "",
    "`xhs worker` processes (App V2 only) on one Postgres, pg-boss delivering the jobs, each key's limits shared " +
      "through the database, against the HTTP simulator enforcing 10 requests/s per key (and Web V3 detail 1/s). " +
      "Useful calls/s = HTTP 200s per second between 10 % and 90 % of the run's calls; limit = keys × 10/s. Plans: 4 " +
      "keywords per key with details and comment pages. Passes: " +
      passes
        .map(
          (p, i) =>
            `(${i + 1}) seed ${p.seed}, ${p.notesPerKey} notes per keyword, ${when(p.measuredAt)}` +
            `${p.commit ? ` at ${p.commit}` : ""}, ${load(p.loadAverage)}`,
        )
        .join("; ") +
      ".",
    "",
    table(
      ["workers × keys", ...passes.flatMap((_, i) => [`(${i + 1}) useful calls/s`, "of the limit", "calls"])],
      shapes.map(([workers, keys]) => [
        `${workers} × ${keys}`,
        ...passes.flatMap((p) => {
          const c = cellOf(p, workers, keys);
          return c ? [c.usefulPerSecond, pct(c.shareOfLimit), c.calls] : [null, null, null];
        }),
      ]),
    ),
    "",
    `- ${met(worst.shareOfLimit >= SCALE_SHARE_GOAL)} ≥ ${pct(SCALE_SHARE_GOAL)} of keys × 10 calls/s in every cell: ` +
      `lowest ${pct(worst.shareOfLimit)} (${worst.workers} × ${worst.keys}).`,
    `- ${met(http429 === 0)} 0 × 429: ${http429} in ${cells.length} cells.`,
    `- ${met(lostOrTwice === 0)} 0 lost or duplicate records: ${lostOrTwice} jobs lost or run twice; ` +
      `${cells.filter((c) => c.status === "completed").length} of ${cells.length} runs completed.`,
    "",
    `Postgres beside them (one process, ${passes[0]!.postgres.connections} connections; a lease-and-complete cycle is ` +
      "pg-boss's fetch and the jobs table's update): " +
      passes
        .map(
          (p, i) =>
            `(${i + 1}) ${grouped(p.postgres.upsertsPerSecond)} record upserts/s, ${p.postgres.leasesPerSecond} lease-and-complete cycles/s`,
        )
        .join("; ") +
      ".",
    "",
    `**How far one Postgres goes, on paper.** One key at 10 calls/s needs at most ${STEPS_PER_KEY} job steps/s (a step ` +
      `makes one call or more) and, with comment pages, about ${UPSERTS_PER_KEY} record upserts/s. This Postgres would ` +
      `serve about ${Math.floor(leases / STEPS_PER_KEY)} keys by leases and ${Math.floor(upserts / UPSERTS_PER_KEY)} by upserts ` +
      "(the lower pass of each): past that, Postgres, not TikHub, is the bottleneck. One worker kept 4 keys at their " +
      "limit, so more workers are for failover and CPU, not throughput. On a loaded machine the figures fall: the " +
      "workers do not get the CPU to keep their jobs fed.",
    "",
  ].join("\n");
}

export function renderStoreWrite(r: StoreWriteResult): string {
  return [
    "## Store write throughput",
    "",
    `${r.pages} pages of 20 notes, 20 users and 20 comments, twice; single-note crawl steps; lease + complete. Best of ` +
      `${r.rounds} alternating rounds each.`,
    "",
    table(
      ["backend", "record upserts/s", "crawl steps/s", "leases/s"],
      r.backends.map((b) => [
        b.name,
        grouped(b.upsertsPerSecond),
        grouped(b.stepsPerSecond),
        grouped(b.leasesPerSecond),
      ]),
    ),
    "",
  ].join("\n");
}

/** The SQLite store against the one before Kysely (issue #13: keep ≥ 0.8× of it). */
export interface StoreBeforeRun extends StoreWriteResult {
  measuredAt?: string;
  before?: string;
  loadAverage?: { start: number; end: number };
}

export function renderStoreBefore(runs: StoreBeforeRun[]): string {
  const ratios = runs.map((r) => r.backends[1]?.ratio).filter((x) => x != null);
  const lowest = Math.min(...ratios.flatMap((x) => [x.upsertsPerSecond, x.stepsPerSecond, x.leasesPerSecond]));
  const cell = (r: StoreBeforeRun, key: "upsertsPerSecond" | "stepsPerSecond" | "leasesPerSecond") => {
    const [old, now] = r.backends;
    return old && now?.ratio ? `${now.ratio[key].toFixed(2)}× (${grouped(now[key])} vs ${grouped(old[key])})` : null;
  };
  return [
    "## SQLite store before and after Kysely (issue #13)",
    "",
    "`scripts/bench-store-before.ts`: the hand-written SqliteStore " +
      `(${runs[0]?.before ?? "d8a7bde"}) against today's, one process, the workload of \`--only store\`, alternating rounds, best ` +
      "round each. Run by hand (it needs the old store's source tree), not by `npm run bench`.",
    "",
    table(
      ["workload", ...runs.map((r) => `${r.pages} pages × ${r.rounds} rounds, ${when(r.measuredAt)}`)],
      [
        ["record upserts/s", ...runs.map((r) => cell(r, "upsertsPerSecond"))],
        ["single-note crawl steps/s", ...runs.map((r) => cell(r, "stepsPerSecond"))],
        ["job lease + complete/s", ...runs.map((r) => cell(r, "leasesPerSecond"))],
      ],
    ),
    "",
    `- ${met(lowest >= STORE_RATIO_GOAL)} ≥ ${STORE_RATIO_GOAL}× of the store before Kysely: lowest ${lowest.toFixed(2)}×.`,
    "",
  ].join("\n");
}

export function renderDashboardNotes(d: DashboardNotesResult, notes: string | null): string {
  const slowest = [...d.kinds].sort((a, b) => b.p95Ms - a.p95Ms)[0];
  const missed = d.kinds.filter((k) => !k.withinBound);
  const deep = d.kinds.find((k) => k.query === "page=2000");
  const first = d.kinds[0];
  return [
    "## Dashboard notes table on 100,000 notes (issue #16)",
    "",
    "`npm run bench -- --only dashboard --out DIR` (or `node .bench-dist/bench/dashboard-notes.js --out FILE`): " +
      `${grouped(d.notes)} synthetic notes in a fresh SQLite file, then every query kind below through the dashboard's ` +
      `own JSON route (\`GET /api/dashboard/notes\`, pages of 20, answer serialized), round-robin, one warm-up pass then ` +
      `${d.rounds} rounds. Measured ${when(d.measuredAt)} at load average ${d.loadAverage.start[0]}–${d.loadAverage.end[0]} ` +
      `(1 min, start–end); the store took ${d.buildSeconds} s to fill, ${d.databaseMb} MB.`,
    "",
    `- ${met(d.met)} every kind's p95 ≤ ${d.boundMs} ms: ` +
      (missed.length === 0
        ? `all ${d.kinds.length} kinds (slowest p95: ${slowest?.kind}, ${slowest?.p95Ms} ms).`
        : `${missed.length} of ${d.kinds.length} over it (${missed.map((k) => `${k.kind} ${k.p95Ms} ms`).join(", ")}).`),
    `- Deep page / first page (p50 of page 2,000 over page 1): **${d.deepOverFirst}**` +
      (deep && first ? ` (${deep.p50Ms} vs ${first.p50Ms} ms).` : "."),
    "",
    table(
      ["query kind", "query", "total", "p50 ms", "p95 ms", "max ms", "p95 within bound"],
      d.kinds.map((k) => [
        k.kind,
        `\`${k.query || "(none)"}\``,
        k.totalExact ? grouped(k.total) : `more than ${grouped(k.total)}`,
        k.p50Ms,
        k.p95Ms,
        k.maxMs,
        k.withinBound ? "yes" : "**no**",
      ]),
    ),
    "",
    ...(notes ? [notes.replace(/^<!--[\s\S]*?-->\s*/, "").trim(), ""] : []),
  ].join("\n");
}
