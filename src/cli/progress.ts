/**
 * Progress on stderr, only on a terminal: items, calls (billable), estimated cost and the series
 * currently serving each capability, fed by the client's `subscribe()` events. Never on a pipe, so
 * scripts see clean stderr; never with --verbose, whose log lines would tear the bar.
 */
import cliProgress from "cli-progress";
import type { XhsClient } from "../client/types.js";
import type { AttemptEvent } from "../core/types.js";
import type { CliContext } from "./context.js";
import type { OutputFormat } from "./output.js";

/** What the bar shows, kept apart from the drawing so it can be tested without a terminal. */
export class ProgressState {
  items = 0;
  calls = 0;
  billableCalls = 0;
  costUsd = 0;
  retries = 0;
  failovers = 0;
  /** The series of the latest attempt per capability, e.g. { note: "app_v1" } after a failover. */
  readonly seriesByCapability = new Map<string, string>();

  onEvent(event: AttemptEvent): void {
    this.calls += 1;
    if (event.billable) this.billableCalls += 1;
    this.costUsd += event.costUsd;
    if (event.retry > 0) this.retries += 1;
    if (event.failover) this.failovers += 1;
    this.seriesByCapability.set(event.capability, event.series);
  }

  /** e.g. "12 calls (11 billed) $0.11 | note: app_v2, comments: app_v1 | 1 failover" */
  describe(): string {
    const parts = [`${this.calls} calls (${this.billableCalls} billed) $${this.costUsd.toFixed(2)}`];
    if (this.seriesByCapability.size > 0) {
      parts.push([...this.seriesByCapability].map(([cap, series]) => `${cap}: ${series}`).join(", "));
    }
    const trouble: string[] = [];
    if (this.retries > 0) trouble.push(`${this.retries} ${this.retries === 1 ? "retry" : "retries"}`);
    if (this.failovers > 0) trouble.push(`${this.failovers} ${this.failovers === 1 ? "failover" : "failovers"}`);
    if (trouble.length > 0) parts.push(trouble.join(", "));
    return parts.join(" | ");
  }
}

export interface Progress {
  readonly state: ProgressState;
  /** Count items written. */
  addItems(n?: number): void;
  /**
   * Sets the count and the total outright, for work whose total grows as it goes (a crawl's jobs: the
   * total is the jobs known so far, which the count reaches when the work is done).
   */
  setProgress(value: number, total: number): void;
  /** Remove the bar (always call it, also on errors). */
  stop(): void;
}

/**
 * Whether a bar belongs on this run: stderr is a terminal, no --verbose, and stdout is not the same
 * terminal receiving streamed records (a table is printed at the end, so that case is fine).
 */
export function progressWanted(ctx: CliContext, format: OutputFormat, toFile: boolean): boolean {
  if (ctx.stderr.isTTY !== true || ctx.verbose) return false;
  return toFile || format === "table" || ctx.stdout.isTTY !== true;
}

export interface StartProgressOptions {
  label: string;
  /** Items expected at most (the --limit); the bar fills towards it. `setProgress` can move it later. */
  total: number;
  enabled: boolean;
}

/** Starts a bar fed by the client's events. Disabled: counts only, draws nothing. */
export function startProgress(ctx: CliContext, client: XhsClient, options: StartProgressOptions): Progress {
  const state = new ProgressState();
  let bar: cliProgress.SingleBar | null = null;
  const payload = () => ({ label: options.label, detail: state.describe() });
  if (options.enabled) {
    bar = new cliProgress.SingleBar(
      {
        stream: ctx.stderr as unknown as NodeJS.WritableStream,
        format: "{label} [{bar}] {value}/{total} | {detail}",
        barsize: 20,
        hideCursor: true,
        clearOnComplete: true,
        stopOnComplete: false,
        etaBuffer: 1,
      },
      cliProgress.Presets.shades_classic,
    );
    bar.start(options.total, 0, payload());
  }
  let currentTotal = options.total;
  const unsubscribe = client.subscribe((event) => {
    state.onEvent(event);
    bar?.update(state.items, payload());
  });
  return {
    state,
    addItems(n = 1) {
      state.items += n;
      bar?.update(state.items, payload());
    },
    setProgress(value, total) {
      state.items = value;
      if (total !== currentTotal) {
        currentTotal = total;
        bar?.setTotal(total);
      }
      bar?.update(value, payload());
    },
    stop() {
      unsubscribe();
      bar?.stop();
      bar = null;
    },
  };
}
