/**
 * What every facade method shares: the series port (the transport), the normalizers, the knowledge the
 * client gathered (tokens, note types, resolved links), the health board, and the per-client defaults.
 * Built by createClient; tests build one with fakes through `createClientWith`.
 */

import type { Clock, Sleep } from "../core/types.js";
import type { Series } from "../core/vocabulary.js";
import type { HealthBoard } from "../failover/health.js";
import type { ListEnvironment } from "../failover/list-definition.js";
import type { DriftSink, NormalizerLookup, SeriesPort } from "../failover/port.js";
import type { TokensAndHints } from "../failover/tokens-and-hints.js";
import type { ResolvedLink } from "../model/types.js";

export interface ClientContext extends ListEnvironment {
  port: SeriesPort;
  normalizers: NormalizerLookup;
  onDrift?: DriftSink | undefined;
  health: HealthBoard;
  knowledge: TokensAndHints;
  clock: Clock;
  sleep: Sleep;
  /** The client's series order (default app_v2, app_v1, web_v3). */
  order: readonly Series[];
  hedgeAfterMs?: number | undefined;
  /** Short links and share texts already resolved (each resolve is a paid call). */
  resolvedLinks: Map<string, ResolvedLink>;
}
