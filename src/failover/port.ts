/**
 * What the failover layer needs from the transport: one endpoint on one series (with the transport's
 * own same-series retries, rate limit, budget and attempt events), and a normalizer per endpoint.
 * The client wires the real transport and normalizer registry in; tests pass small fakes.
 */

import type { EndpointSpec } from "../catalog/types.js";
import type { HedgeMark } from "../core/types.js";
import type { Capability } from "../core/vocabulary.js";
import type { Normalizer } from "../series/types.js";

export interface AttemptContext {
  capability: Capability;
  /** True when this call is on a series after another one failed (for the ledger). */
  failover: boolean;
  /** Why the previous series was left, for the ledger (e.g. "app_v2: upstream"). */
  reason?: string;
  signal?: AbortSignal;
  /** Hedging's marks on this attempt, for its ledger event. */
  hedge?: HedgeMark;
}

export interface AnswerMeta {
  /** ISO 8601 UTC time the answer arrived. */
  fetchedAt: string;
  /** The parameters sent, as strings. */
  params: Record<string, string>;
}

/** Turns one raw answer (the whole envelope, JSON-parsed) into a value, or throws a typed XhsError. */
export type Interpret<T> = (raw: unknown, meta: AnswerMeta) => T;

export interface SeriesPort {
  call<T>(
    endpoint: EndpointSpec,
    params: Record<string, string>,
    interpret: Interpret<T>,
    ctx: AttemptContext,
  ): Promise<T>;
}

/** The normalizer for an endpoint name such as "app_v2/get_image_note_detail". */
export type NormalizerLookup = (endpointName: string) => Normalizer;

/** Told about every field a normalizer expected and did not find (shape drift), per endpoint. */
export type DriftSink = (endpointName: string, path: string) => void;
