/**
 * What a strategy is to the benchmark: something that takes one user-level request and returns what it
 * would hand its caller. The checker (../checker.ts) then compares that with the simulator's world.
 */
import type { AttemptEvent, Clock, Sleep } from "../../core/types.js";
import type { Note } from "../../model/types.js";
import type { NormalizedItem } from "../../series/types.js";
import type { BenchRequest } from "../workload.js";

export const STRATEGY_NAMES = ["guide", "retry-only", "xhs-kit", "xhs-kit-web-first"] as const;
export type StrategyName = (typeof STRATEGY_NAMES)[number];

/** Everything a strategy may use: the same fetch, base URL, key and (scaled) time for all. */
export interface StrategyEnv {
  fetch: typeof globalThis.fetch;
  baseUrl: string;
  apiKey: string;
  clock: Clock;
  sleep: Sleep;
  /** Seed for any jitter, so a run repeats. */
  seed: number;
  /** Told about every attempt (strategies built on the library: its hedge marks, see ../hedge-tally.ts). */
  onEvent?: (event: AttemptEvent) => void;
}

export type StrategyAnswer =
  /** A normalized note (xhs-kit). */
  | { kind: "note"; note: Note }
  /** A normalized first page of a list (xhs-kit). */
  | { kind: "page"; items: NormalizedItem[]; hasMore: boolean | null }
  /** A raw TikHub answer the strategy took as success (guide, retry-only): `endpoint` is the catalogue name. */
  | { kind: "raw"; endpoint: string; body: unknown; params: Record<string, string> }
  /** The strategy gave up (error, timeout, nothing accepted). */
  | { kind: "failed"; reason: string };

export interface Strategy {
  name: StrategyName;
  run(request: BenchRequest): Promise<StrategyAnswer>;
}

export type StrategyFactory = (env: StrategyEnv) => Strategy;
