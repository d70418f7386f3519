/**
 * `createClient()`: the public facade. Thin resource methods over the router, the paginator and the
 * transport; everything series-specific lives below it.
 */

import { systemClock, systemSleep } from "../core/clock.js";
import type { ClientStats } from "../core/types.js";
import { HealthBoard } from "../failover/health.js";
import type { NormalizerLookup, SeriesPort } from "../failover/port.js";
import { normalizeOrder } from "../failover/router.js";
import { TokensAndHints } from "../failover/tokens-and-hints.js";
import { normalizerFor } from "../series/normalize.js";
import { createTransport, type Transport, type TransportOptions } from "../transport/transport.js";
import { comments, replies } from "./comment-lists.js";
import type { ClientContext } from "./context.js";
import { resolveLink } from "./links.js";
import { searchNotes, searchUsers, topicNotes, userFavorites, userNotes } from "./lists.js";
import { getNote, getTopic, getUser } from "./records.js";
import type { ClientOptions, XhsClient } from "./types.js";

/** The port the failover layer speaks, over the transport's one-series executor. */
export function transportPort(transport: Transport): SeriesPort {
  return {
    call: (endpoint, params, interpret, ctx) =>
      transport.executeOnSeries(endpoint, params, (body, meta) => interpret(body, meta), {
        capability: ctx.capability,
        failover: ctx.failover,
        failoverReason: ctx.reason,
        signal: ctx.signal,
        hedge: ctx.hedge,
      }),
  };
}

/** The transport behind each client built here: the server adds its daily cap to that ledger. */
const transports = new WeakMap<XhsClient, Transport>();

/** The transport a client from `createClient`/`createClientWith` calls through (undefined for other clients). */
export function transportOf(client: XhsClient): Transport | undefined {
  return transports.get(client);
}

/** The parts a client is made of; `createClient` builds them from options, tests pass fakes. */
export interface ClientParts {
  port: SeriesPort;
  normalizers: NormalizerLookup;
  options?: Pick<ClientOptions, "clock" | "sleep" | "series" | "hedgeAfterMs" | "hedge" | "breaker">;
  /** Where stats, subscriptions, raw calls and drift go (the transport); optional for tests. */
  transport?: Transport;
}

/** Builds a client from its parts (for tests and for embedding a custom transport). */
export function createClientWith(parts: ClientParts): XhsClient & { readonly context: ClientContext } {
  const options = parts.options ?? {};
  const clock = options.clock ?? parts.transport?.clock ?? systemClock;
  const sleep = options.sleep ?? parts.transport?.sleep ?? systemSleep;
  const hedge = options.hedge ?? true;
  const health = new HealthBoard(clock, options.breaker ?? {}, typeof hedge === "boolean" ? { hedging: hedge } : hedge);
  const transport = parts.transport;
  transport?.setBreakerReport(() => health.snapshot());
  const ctx: ClientContext = {
    port: parts.port,
    normalizers: parts.normalizers,
    onDrift: transport ? (endpoint, path) => transport.recordDrift(endpoint, path) : undefined,
    health,
    knowledge: new TokensAndHints(),
    clock,
    sleep,
    order: normalizeOrder(options.series),
    hedgeAfterMs: options.hedgeAfterMs,
    resolvedLinks: new Map(),
  };
  const noTransport = (): never => {
    throw new Error("This client was built without a transport: raw(), stats() and subscribe() need one");
  };
  const client: XhsClient & { readonly context: ClientContext } = {
    context: ctx,
    notes: {
      get: (ref, callOptions) => getNote(ctx, ref, callOptions),
    },
    users: {
      get: (ref, callOptions) => getUser(ctx, ref, callOptions),
      notes: (ref, listOptions) => userNotes(ctx, ref, listOptions),
      favorites: (ref, listOptions) => userFavorites(ctx, ref, listOptions),
    },
    comments: {
      list: (noteRef, listOptions) => comments(ctx, noteRef, listOptions),
      replies: (noteRef, commentId, listOptions) => replies(ctx, noteRef, commentId, listOptions),
    },
    search: {
      notes: (keyword, searchOptions) => searchNotes(ctx, keyword, searchOptions),
      users: (keyword, listOptions) => searchUsers(ctx, keyword, listOptions),
    },
    topics: {
      get: (pageId, callOptions) => getTopic(ctx, pageId, callOptions),
      notes: (pageId, topicOptions) => topicNotes(ctx, pageId, topicOptions),
    },
    links: {
      resolve: (text, callOptions) => resolveLink(ctx, text, callOptions),
    },
    raw: (endpoint, params, callOptions) =>
      transport
        ? transport.raw(endpoint, params, { ...(callOptions?.signal ? { signal: callOptions.signal } : {}) })
        : noTransport(),
    stats: (): ClientStats => (transport ? transport.stats() : noTransport()),
    subscribe: (listener) => (transport ? transport.subscribe(listener) : noTransport()),
    close: async () => {
      await transport?.close();
    },
  };
  if (transport) transports.set(client, transport);
  return client;
}

/**
 * Creates a client.
 *
 * The key comes from `options.apiKeys` or `options.apiKey`, else `TIKHUB_API_KEYS` (a comma-separated pool),
 * else `TIKHUB_API_KEY`; without one every paid call fails with a clear `AuthError` before anything is
 * sent. With several keys, calls spread over them and a key TikHub refuses (401) or that runs out of
 * balance (402) is taken out while the others go on. `sharedLimits: { redisUrl } | { postgresUrl }` makes
 * each key's rate limits hold across every process using it (call `close()` when done). Against the
 * offline simulator, pass its `fetch`.
 *
 * @example
 * ```ts
 * import { createClient } from "xhs-kit";
 * const xhs = createClient();                       // TIKHUB_API_KEY from the environment
 * const note = await xhs.notes.get("https://www.xiaohongshu.com/explore/64f0…?xsec_token=AB…");
 * for await (const c of xhs.comments.list(note.id, { sort: "latest", limit: 100 })) console.log(c.text);
 * const hits = await xhs.search.notes("露营", { sort: "latest", time: "week" }).collect(50);
 * console.log(xhs.stats().costUsd);
 * ```
 */
export function createClient(options: ClientOptions = {}): XhsClient {
  const transportOptions: TransportOptions = { ...options };
  const transport = createTransport(transportOptions);
  const client = createClientWith({
    port: transportPort(transport),
    normalizers: (name) => normalizerFor(name),
    transport,
    options,
  });
  const { context: _context, ...publicClient } = client;
  transports.set(publicClient, transport);
  return publicClient;
}
