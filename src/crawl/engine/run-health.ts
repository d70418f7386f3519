/**
 * Series health that outlives the process: each crawling session (engine or worker) writes its breakers per
 * series and its keys by fingerprint into the store (`run_health`, one row per run and writer), at most once a
 * tick and only on change, plus a heartbeat every few ticks so a live writer never looks silent. Readers (the
 * dashboard, `xhs runs show`) merge the rows: the freshest writer per series and per key, marked stale when
 * that writer has been silent longer than STALE_AFTER_MS. Keys appear only as fingerprints.
 */
import type { AttemptEvent, Clock } from "../../core/types.js";
import type { RunHealthSnapshot, Store } from "../../store/port.js";

export type BreakerState = "closed" | "open" | "half_open";

export interface SeriesBreakers {
  /** The worst state over the series' capabilities. */
  state: BreakerState;
  capabilities: Record<string, BreakerState>;
  /** When this writer last saw the series leave "closed" (ISO), null if it never did. */
  openedAt: string | null;
  /** When it last saw it come back to "closed" (ISO), null if it never did. */
  closedAt: string | null;
}

export interface KeyHealth {
  /** "out": TikHub refused the key (401) or its balance is spent (402); the pool goes on without it. */
  state: "in" | "out";
  /** The error kind that took it out. */
  reason: string | null;
  outSince: string | null;
  calls: number;
  failed: number;
}

/** What one writer stores (the JSON of a `RunHealthSnapshot`). */
export interface RunHealthView {
  series: Record<string, SeriesBreakers>;
  keys: Record<string, KeyHealth>;
}

/** Tick of the writer (ms): a change is written within it. */
export const HEALTH_TICK_MS = 1_000;
/** A writer with no change still writes this often (ms), so readers can tell it is alive. */
export const HEALTH_HEARTBEAT_MS = 5_000;
/** A snapshot older than this (ms) is marked stale: its writer stopped or lost the database. */
export const STALE_AFTER_MS = 60_000;

const RANK: Record<BreakerState, number> = { closed: 0, half_open: 1, open: 2 };

function worst(states: readonly BreakerState[]): BreakerState {
  return states.reduce<BreakerState>((a, b) => (RANK[b] > RANK[a] ? b : a), "closed");
}

/** The breakers a client reports per series and capability (`stats().bySeries[s].breakers`). */
export type BreakerSource = () => Record<string, Record<string, BreakerState>>;

export interface RunHealthWriterDeps {
  store: Store;
  clock: Clock;
  breakers: BreakerSource;
  onError?: (error: unknown) => void;
}

/** One session's health writer: `observe` every attempt, `tick` every HEALTH_TICK_MS, `flush` at the end. */
export class RunHealthWriter {
  private readonly series = new Map<string, SeriesBreakers>();
  private readonly keys = new Map<string, KeyHealth>();
  private lastWrittenShape: string | null = null;
  private lastWrittenMs = Number.NEGATIVE_INFINITY;
  private writing: Promise<void> = Promise.resolve();

  constructor(
    private readonly deps: RunHealthWriterDeps,
    readonly runId: string,
    readonly writer: string,
  ) {}

  private nowIso(): string {
    return new Date(this.deps.clock.now()).toISOString();
  }

  /** Counts an attempt toward its key; a 401/402 takes the key out (as the key pool does). */
  observe(event: AttemptEvent): void {
    const fingerprint = event.keyFingerprint;
    if (fingerprint === undefined) return;
    let key = this.keys.get(fingerprint);
    if (!key) {
      key = { state: "in", reason: null, outSince: null, calls: 0, failed: 0 };
      this.keys.set(fingerprint, key);
    }
    key.calls += 1;
    if (event.outcome !== "ok") key.failed += 1;
    if ((event.outcome === "auth" || event.outcome === "payment") && key.state === "in") {
      key.state = "out";
      key.reason = event.outcome;
      key.outSince = event.at;
    }
  }

  /** Reads the breakers, noting when each series opened or closed. */
  private sample(): void {
    let reported: Record<string, Record<string, BreakerState>>;
    try {
      reported = this.deps.breakers();
    } catch {
      return; // a client without stats (a test double): keys only
    }
    const now = this.nowIso();
    for (const [name, capabilities] of Object.entries(reported)) {
      const states = Object.values(capabilities);
      if (states.length === 0 && !this.series.has(name)) continue; // a series this process never called
      const state = worst(states);
      const known = this.series.get(name);
      if (!known) {
        this.series.set(name, {
          state,
          capabilities: { ...capabilities },
          openedAt: state === "closed" ? null : now,
          closedAt: null,
        });
        continue;
      }
      if (known.state === "closed" && state !== "closed") known.openedAt = now;
      if (known.state !== "closed" && state === "closed") known.closedAt = now;
      known.state = state;
      known.capabilities = { ...capabilities };
    }
  }

  view(): RunHealthView {
    return {
      series: Object.fromEntries([...this.series.entries()].sort(([a], [b]) => a.localeCompare(b))),
      keys: Object.fromEntries([...this.keys.entries()].sort(([a], [b]) => a.localeCompare(b))),
    };
  }

  /** What counts as a change: states, not counters (those ride along with the next write). */
  private shape(view: RunHealthView): string {
    return JSON.stringify({
      series: Object.entries(view.series).map(([s, b]) => [s, b.capabilities]),
      keys: Object.entries(view.keys).map(([k, h]) => [k, h.state]),
    });
  }

  /** Writes when something changed or the heartbeat is due. Never throws: health must not stop a crawl. */
  tick(): Promise<void> {
    this.sample();
    const view = this.view();
    const shape = this.shape(view);
    const due = this.deps.clock.now() - this.lastWrittenMs >= HEALTH_HEARTBEAT_MS;
    if (shape === this.lastWrittenShape && !due) return this.writing;
    return this.write(view, shape);
  }

  /** Writes the current state now (the session's first and last word). */
  flush(): Promise<void> {
    this.sample();
    const view = this.view();
    return this.write(view, this.shape(view));
  }

  private write(view: RunHealthView, shape: string): Promise<void> {
    this.lastWrittenShape = shape;
    this.lastWrittenMs = this.deps.clock.now();
    const snapshot: RunHealthSnapshot = {
      runId: this.runId,
      writer: this.writer,
      writtenAt: this.nowIso(),
      health: view,
    };
    // One write at a time, in order: a slow write is never overtaken by an older state.
    this.writing = this.writing.then(() =>
      this.deps.store.saveRunHealth(snapshot).catch((error: unknown) => this.deps.onError?.(error)),
    );
    return this.writing;
  }
}

/** A series as the readers show it: the freshest writer's breakers. */
export interface SeriesBreakerReading extends SeriesBreakers {
  writer: string;
  writtenAt: string;
  /** The writer has been silent for more than STALE_AFTER_MS. */
  stale: boolean;
}

export interface KeyReading extends KeyHealth {
  writer: string;
  writtenAt: string;
  stale: boolean;
}

export interface RunHealthReading {
  series: Record<string, SeriesBreakerReading>;
  keys: Record<string, KeyReading>;
  writers: { writer: string; writtenAt: string; stale: boolean }[];
}

function isView(value: unknown): value is RunHealthView {
  const v = value as Partial<RunHealthView> | null;
  return typeof v === "object" && v !== null && typeof v.series === "object" && typeof v.keys === "object";
}

/**
 * Every writer's snapshot merged: per series and per key, the freshest writer's (a key out in any live writer
 * is out: the pool of that process stopped using it, and the key is the same everywhere).
 */
export function mergeRunHealth(snapshots: readonly RunHealthSnapshot[], nowMs: number): RunHealthReading {
  const freshestFirst = [...snapshots].sort((a, b) => Date.parse(b.writtenAt) - Date.parse(a.writtenAt));
  const reading: RunHealthReading = { series: {}, keys: {}, writers: [] };
  for (const snapshot of freshestFirst) {
    const stale = nowMs - Date.parse(snapshot.writtenAt) > STALE_AFTER_MS;
    const from = { writer: snapshot.writer, writtenAt: snapshot.writtenAt, stale };
    reading.writers.push(from);
    if (!isView(snapshot.health)) continue;
    for (const [name, breakers] of Object.entries(snapshot.health.series)) {
      reading.series[name] ??= { ...breakers, ...from };
    }
    for (const [fingerprint, key] of Object.entries(snapshot.health.keys)) {
      const seen = reading.keys[fingerprint];
      if (!seen) reading.keys[fingerprint] = { ...key, ...from };
      else if (seen.state === "in" && key.state === "out" && !stale) reading.keys[fingerprint] = { ...key, ...from };
    }
  }
  return reading;
}

/** Reads and merges a run's health. */
export async function readRunHealth(store: Store, runId: string, nowMs: number): Promise<RunHealthReading> {
  return mergeRunHealth(await store.runHealth(runId), nowMs);
}
