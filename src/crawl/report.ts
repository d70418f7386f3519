/**
 * The run report: what a run fetched (new and updated items by kind), what it paid (calls, billable
 * calls, cost, retries and failovers by series), what went wrong (errors by kind, failed jobs), how
 * complete the comments are per note (fetched versus the count the note reports, threads cut by the
 * cap) and where keyword search hit the upstream page cap, and what hedging did (from the ledger's hedge
 * marks). Built from the store, so `xhs runs show` gives the same report later.
 */
import type { CommentSort } from "../catalog/filters.js";
import type { Job, JobQueue, JobState, RunStatus, Store } from "../store/port.js";
import type { CrawlPlan } from "./plan/types.js";
import { type ItemCounts, loadStats, type SearchCapHit, type StopReason } from "./statistics.js";

export interface SeriesLine {
  calls: number;
  billableCalls: number;
  costUsd: number;
  retries: number;
  failovers: number;
  errors: number;
}

/**
 * Hedging, from the ledger's marks (AttemptEvent.hedge / hedgeLost): a hedge is a second series asked while
 * the first had not answered; whichever answer is taken, the other attempt lost the race and was cancelled
 * (or, a half-open breaker's probe, left to finish).
 */
export interface HedgeLine {
  /** Hedges sent (first try of each). */
  started: number;
  /** Hedges whose answer was taken. */
  won: number;
  /** Attempts that lost a race, the first series' or the hedge's. */
  lost: number;
  /**
   * Losers the client saw billed (an answer arrived before the cancel, or a probe left to finish). A loser
   * cancelled while its answer was on the way has no status here, though TikHub may have billed it.
   */
  lostBilled: number;
}

export interface CommentCompleteness {
  noteId: string;
  /** The count the note reports (all comments, replies included), null when unknown. */
  reported: number | null;
  /** Comments stored for the note (top-level and replies). */
  fetched: number;
  /** Top-level comments stopped at the per-note cap. */
  capped: boolean;
  /** Root comment ids whose reply threads were cut by the per-thread cap. */
  threadsCut: string[];
  /**
   * Comments the note reports that the run did not store, when no cap or plan setting explains it (the order's
   * paging lost them, or they were deleted since); null when none, unknown or explained.
   */
  missing: number | null;
  /** The run still has comment or reply jobs for the note (pending or leased): its count is not final yet. */
  pending: boolean;
}

export interface RunReport {
  runId: string;
  name: string | null;
  status: RunStatus;
  /** "budget", "auth", "payment", "aborted"… when the last session stopped early. */
  stopReason: StopReason | null;
  stopMessage: string | null;
  sessions: number;
  createdAt: string;
  finishedAt: string | null;
  items: Record<string, ItemCounts>;
  calls: { calls: number; billableCalls: number; costUsd: number; retries: number; failovers: number };
  bySeries: Record<string, SeriesLine>;
  hedges: HedgeLine;
  /** Attempts that did not end "ok", by error kind (retried or failed over, or not). */
  attemptErrors: Record<string, number>;
  jobs: Record<JobState, number>;
  failedJobs: { key: string; errorKind: string | null; message: string | null }[];
  comments: CommentCompleteness[];
  /** The order comments were paged in: null is the complete order (newest first), "default" the relevance one. */
  commentSort: CommentSort | null;
  searchCaps: SearchCapHit[];
  stoppedEarly: { key: string; reason: string; pages: number }[];
}

/** Reads everything the report needs from the store. */
export async function buildReport(store: Store, queue: JobQueue, runId: string): Promise<RunReport> {
  const run = await store.getRun(runId);
  if (!run) throw new Error(`no run "${runId}"`);
  const stats = loadStats(run.stats);
  const totals = await store.ledgerTotals({ runId });
  const entries = await store.ledgerEntries({ runId, limit: Number.MAX_SAFE_INTEGER });
  const bySeries: Record<string, SeriesLine> = {};
  const attemptErrors: Record<string, number> = {};
  let retries = 0;
  let failovers = 0;
  const hedges: HedgeLine = { started: 0, won: 0, lost: 0, lostBilled: 0 };
  for (const entry of entries) {
    if (entry.hedge && entry.retry === 0) hedges.started += 1;
    if (entry.hedge && !entry.hedgeLost && entry.outcome === "ok") hedges.won += 1;
    if (entry.hedgeLost) {
      hedges.lost += 1;
      if (entry.billable) hedges.lostBilled += 1;
    }
    const line = bySeries[entry.series] ?? {
      calls: 0,
      billableCalls: 0,
      costUsd: 0,
      retries: 0,
      failovers: 0,
      errors: 0,
    };
    bySeries[entry.series] = line;
    line.calls += 1;
    if (entry.billable) line.billableCalls += 1;
    line.costUsd += entry.costUsd;
    if (entry.retry > 0) {
      line.retries += 1;
      retries += 1;
    }
    // A failover is counted once, on the first attempt on the series taking over.
    if (entry.failover && entry.retry === 0) {
      line.failovers += 1;
      failovers += 1;
    }
    if (entry.outcome !== "ok") {
      line.errors += 1;
      attemptErrors[entry.outcome] = (attemptErrors[entry.outcome] ?? 0) + 1;
    }
  }
  for (const line of Object.values(bySeries)) line.costUsd = roundUsd(line.costUsd);

  const failed = await queue.listJobs(runId, { state: "failed", limit: 1000 });
  const done = await queue.listJobs(runId, { state: "done", limit: 100_000 });
  const commentNotes = new Set<string>();
  for (const job of [...done, ...failed]) {
    if (job.kind === "comments") commentNotes.add((job.payload as { noteId: string }).noteId);
  }
  // Notes whose comments are still being fetched (a run in progress): what they lack is not missing yet.
  const unfinished = new Set<string>();
  for (const state of ["pending", "leased"] as const) {
    for (const job of await queue.listJobs(runId, { state, limit: 100_000 })) {
      if (job.kind === "comments" || job.kind === "replies") unfinished.add((job.payload as { noteId: string }).noteId);
    }
  }
  const plan = (run.plan ?? null) as CrawlPlan | null;
  const commentPlan = plan?.expand?.comments ?? null;
  const comments: CommentCompleteness[] = [];
  for (const noteId of commentNotes) {
    const note = await store.getNote(noteId);
    const entry: CommentCompleteness = {
      noteId,
      reported: note?.stats.comments ?? null,
      fetched: await store.countComments(noteId),
      capped: stats.commentsCapped.includes(noteId),
      threadsCut: stats.threadsCut[noteId] ?? [],
      missing: null,
      pending: unfinished.has(noteId),
    };
    // The note's count includes replies: only a run that fetched reply threads can be held to it.
    const explained = entry.capped || entry.threadsCut.length > 0 || commentPlan?.replies !== true;
    if (!explained && !entry.pending && entry.reported !== null && entry.fetched < entry.reported) {
      entry.missing = entry.reported - entry.fetched;
    }
    comments.push(entry);
  }
  return {
    runId,
    name: plan?.name ?? null,
    status: run.status,
    stopReason: stats.stopReason,
    stopMessage: stats.stopMessage,
    sessions: stats.sessions,
    createdAt: run.createdAt,
    finishedAt: run.finishedAt,
    items: stats.items,
    calls: {
      calls: totals.calls,
      billableCalls: totals.billableCalls,
      costUsd: roundUsd(totals.costUsd),
      retries,
      failovers,
    },
    bySeries,
    hedges,
    attemptErrors,
    jobs: await queue.jobCounts(runId),
    failedJobs: failed.map((job: Job) => ({
      key: job.key,
      errorKind: job.lastErrorKind,
      message: job.lastErrorMessage,
    })),
    comments,
    commentSort: commentPlan?.sort ?? null,
    searchCaps: stats.searchCaps,
    stoppedEarly: stats.stoppedEarly,
  };
}

function roundUsd(usd: number): number {
  return Math.round(usd * 1e6) / 1e6;
}

function table(rows: string[][]): string {
  const widths: number[] = [];
  for (const row of rows) {
    for (const [i, cell] of row.entries()) widths[i] = Math.max(widths[i] ?? 0, displayWidth(cell));
  }
  return rows
    .map((row) =>
      row
        .map((cell, i) => pad(cell, widths[i] ?? 0))
        .join("  ")
        .trimEnd(),
    )
    .join("\n");
}

/** CJK characters take two columns on a terminal. */
function displayWidth(text: string): number {
  let width = 0;
  for (const ch of text)
    width += /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/u.test(ch)
      ? 2
      : 1;
  return width;
}

function pad(text: string, width: number): string {
  return text + " ".repeat(Math.max(0, width - displayWidth(text)));
}

function statusLine(report: RunReport): string {
  const reason = report.stopReason
    ? ` (stopped: ${report.stopReason}${report.stopMessage ? ` — ${report.stopMessage}` : ""})`
    : "";
  return `${report.status}${reason}`;
}

/** The report as readable text (a few small tables). */
export function renderReport(report: RunReport, options: { maxNotes?: number } = {}): string {
  const out: string[] = [];
  out.push(`Run ${report.runId}${report.name ? ` "${report.name}"` : ""}: ${statusLine(report)}`);
  out.push(
    `Sessions: ${report.sessions}   jobs: ${Object.entries(report.jobs)
      .map(([k, v]) => `${k} ${v}`)
      .join(", ")}`,
  );
  out.push("");
  out.push(
    table([
      ["items", "new", "updated", "unchanged"],
      ...Object.entries(report.items).map(([kind, c]) => [kind, String(c.new), String(c.updated), String(c.unchanged)]),
    ]),
  );
  out.push("");
  const c = report.calls;
  out.push(
    `Calls: ${c.calls}   billable: ${c.billableCalls}   cost: $${c.costUsd.toFixed(4)} (estimated)   retries: ${c.retries}   failovers: ${c.failovers}`,
  );
  const series = Object.entries(report.bySeries);
  if (series.length > 0) {
    out.push(
      table([
        ["series", "calls", "billable", "cost", "retries", "failovers", "errors"],
        ...series.map(([name, s]) => [
          name,
          String(s.calls),
          String(s.billableCalls),
          `$${s.costUsd.toFixed(4)}`,
          String(s.retries),
          String(s.failovers),
          String(s.errors),
        ]),
      ]),
    );
  }
  const h = report.hedges;
  if (h.started > 0 || h.lost > 0) {
    out.push(
      `Hedges: ${h.started} started, ${h.won} won; ${h.lost} attempt(s) lost a race, ${h.lostBilled} of them billed anyway`,
    );
  }
  const errors = Object.entries(report.attemptErrors);
  if (errors.length > 0) out.push(`Attempt errors by kind: ${errors.map(([k, v]) => `${k} ${v}`).join(", ")}`);
  if (report.failedJobs.length > 0) {
    out.push("");
    out.push(`Failed jobs (${report.failedJobs.length}):`);
    for (const job of report.failedJobs.slice(0, 20))
      out.push(`  ${job.key}: ${job.errorKind ?? "?"}: ${job.message ?? ""}`);
    if (report.failedJobs.length > 20) out.push(`  … and ${report.failedJobs.length - 20} more`);
  }
  if (report.comments.length > 0) {
    out.push("");
    out.push(
      `Comment completeness (fetched / reported by the note), paged ${report.commentSort ? `in sort ${report.commentSort}` : "newest first (the complete order)"}:`,
    );
    const limit = options.maxNotes ?? 15;
    out.push(
      table([
        ["note", "fetched", "reported", "complete", "notes"],
        ...report.comments.slice(0, limit).map((n) => {
          const remarks = [
            n.capped ? "top-level capped" : "",
            n.threadsCut.length > 0 ? `${n.threadsCut.length} thread(s) cut by the reply cap` : "",
            n.missing !== null ? `${n.missing} missing` : "",
            n.pending ? "comments pending" : "",
          ].filter(Boolean);
          const complete =
            n.reported === null
              ? "?"
              : n.fetched >= n.reported
                ? "yes"
                : `${Math.floor((100 * n.fetched) / Math.max(1, n.reported))}%`;
          return [
            n.noteId,
            String(n.fetched),
            n.reported === null ? "?" : String(n.reported),
            complete,
            remarks.join("; "),
          ];
        }),
      ]),
    );
    if (report.comments.length > limit)
      out.push(`  … and ${report.comments.length - limit} more notes (--json for all)`);
    const short = report.comments.filter((n) => n.missing !== null);
    if (short.length > 0) {
      const total = short.reduce((sum, n) => sum + (n.missing ?? 0), 0);
      out.push(
        report.commentSort === "default"
          ? `${short.length} note(s) short by ${total} comment(s) with no cap to blame: TikHub's paging of the relevance order (sort: default) loses comments; leave the sort unset for complete lists.`
          : `${short.length} note(s) short by ${total} comment(s) with no cap to blame (deleted or hidden since the note's count, or lost by the order's paging).`,
      );
    }
  }
  if (report.searchCaps.length > 0) {
    out.push("");
    out.push(
      "Search cap hits (upstream stops at about 11–12 pages; split the seed across sorts/types/times to reach further):",
    );
    for (const cap of report.searchCaps)
      out.push(
        `  "${cap.keyword}" sort=${cap.sort} type=${cap.type} time=${cap.time}: ran dry after ${cap.pages} pages, ${cap.items} notes`,
      );
  }
  if (report.stoppedEarly.length > 0) {
    out.push("");
    out.push("Lists stopped early:");
    for (const s of report.stoppedEarly)
      out.push(
        `  ${s.key}: ${s.reason === "incremental" ? "met an item already stored (incremental)" : "reached items older than --since"} after ${s.pages} page(s)`,
      );
  }
  return `${out.join("\n")}\n`;
}
