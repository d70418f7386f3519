/**
 * A run's running statistics: what the report needs that the ledger and the store cannot tell later.
 * Saved in the run's `stats` JSON in the same transaction as each job's writes, so after a crash the
 * counts agree exactly with the rows that were committed.
 */
import type { RecordKind, UpsertResult } from "../store/port.js";

/** "paused": the run was paused (from the dashboard) and every process working it stops taking its jobs. */
export type StopReason = "budget" | "auth" | "permission" | "payment" | "aborted" | "paused" | "error";

export interface ItemCounts {
  new: number;
  updated: number;
  unchanged: number;
}

export interface SearchCapHit {
  keyword: string;
  sort: string;
  type: string;
  time: string;
  /** Pages read before the list ran dry. */
  pages: number;
  /** Notes the slice listed in all. */
  items: number;
}

export interface RunStats {
  /** Times the run was started or resumed. */
  sessions: number;
  /** Notes followed (note jobs added) over the whole run: checked against `maxNotes`. */
  notesFollowed: number;
  /** Notes followed per seed key: checked against the seed's limit (split slices share one count). */
  seedTaken: Record<string, number>;
  items: Record<RecordKind, ItemCounts>;
  /** Keyword slices that ran dry at about the upstream page cap before reaching their limit. */
  searchCaps: SearchCapHit[];
  /** Notes whose top-level comments stopped at the per-note cap. */
  commentsCapped: string[];
  /** Reply threads cut by the per-thread cap: note id → root comment ids. */
  threadsCut: Record<string, string[]>;
  /** Lists that stopped early: incremental (met a known item) or --since (met older items). */
  stoppedEarly: { key: string; reason: "incremental" | "since"; pages: number }[];
  /** Why the last session stopped before the queue was empty (null: it ran to the end). */
  stopReason: StopReason | null;
  stopMessage: string | null;
}

export function emptyStats(): RunStats {
  const zero = (): ItemCounts => ({ new: 0, updated: 0, unchanged: 0 });
  return {
    sessions: 0,
    notesFollowed: 0,
    seedTaken: {},
    items: { notes: zero(), users: zero(), comments: zero(), topics: zero() },
    searchCaps: [],
    commentsCapped: [],
    threadsCut: {},
    stoppedEarly: [],
    stopReason: null,
    stopMessage: null,
  };
}

/** Reads saved stats, filling what an older or empty record lacks. */
export function loadStats(saved: unknown): RunStats {
  const base = emptyStats();
  if (saved === null || typeof saved !== "object") return base;
  const s = saved as Partial<RunStats>;
  return {
    ...base,
    ...s,
    items: { ...base.items, ...(s.items ?? {}) },
    seedTaken: { ...(s.seedTaken ?? {}) },
    threadsCut: { ...(s.threadsCut ?? {}) },
    searchCaps: [...(s.searchCaps ?? [])],
    commentsCapped: [...(s.commentsCapped ?? [])],
    stoppedEarly: [...(s.stoppedEarly ?? [])],
  };
}

export function countUpserts(stats: RunStats, kind: RecordKind, results: readonly UpsertResult[]): void {
  const counts = stats.items[kind];
  for (const result of results) counts[result.outcome] += 1;
}

export function cloneStats(stats: RunStats): RunStats {
  return structuredClone(stats);
}
