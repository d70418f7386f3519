/**
 * "xhs-kit": the library with its defaults (timeouts, retries, rate limit, concurrency, breakers,
 * failover order). Only the fetch, the key and the (scaled) clock and sleep are given.
 * Notes are asked for by URL with their xsec_token (what the guide's user has too); the type is
 * passed only when the caller knows it.
 *
 * "xhs-kit-web-first": the same client, but a note of unknown type is asked from Web V3 first (one endpoint
 * for both types, so one call) through the per-call `series` option: the alternative to the default's
 * App V2 first, measured so the choice between them rests on figures (calls, latency, exact counts).
 */
import { createClient } from "../../client/create-client.js";
import type { Page, Paginator } from "../../core/types.js";
import type { Series } from "../../core/vocabulary.js";
import type { NormalizedItem } from "../../series/types.js";
import { pastedNoteUrl } from "../workload.js";
import type { Strategy, StrategyAnswer, StrategyEnv, StrategyName } from "./types.js";

async function firstPage<T extends NormalizedItem>(list: Paginator<T>): Promise<StrategyAnswer> {
  const iterator = list.pages()[Symbol.asyncIterator]();
  try {
    const first = await iterator.next();
    if (first.done) return { kind: "page", items: [], hasMore: false };
    const page: Page<T> = first.value;
    return { kind: "page", items: page.items, hasMore: page.hasMore };
  } finally {
    await iterator.return?.();
  }
}

/** Per-call series order for a note whose type the caller does not know (null: the client's default). */
type UnknownTypeOrder = Series[] | null;

export function createXhsKitStrategy(env: StrategyEnv): Strategy {
  return createKitStrategy(env, "xhs-kit", null);
}

export function createXhsKitWebFirstStrategy(env: StrategyEnv): Strategy {
  return createKitStrategy(env, "xhs-kit-web-first", ["web_v3", "app_v2", "app_v1"]);
}

function createKitStrategy(env: StrategyEnv, name: StrategyName, unknownTypeOrder: UnknownTypeOrder): Strategy {
  const xhs = createClient({
    apiKey: env.apiKey,
    fetch: env.fetch,
    baseUrl: env.baseUrl,
    clock: env.clock,
    sleep: env.sleep,
    ...(env.onEvent ? { onEvent: env.onEvent } : {}),
  });
  const run = async (request: Parameters<Strategy["run"]>[0]): Promise<StrategyAnswer> => {
    switch (request.kind) {
      case "note-image-known":
      case "note-video-known":
      case "note-image-unknown":
      case "note-video-unknown": {
        const ref = pastedNoteUrl(request.noteId, request.xsecToken);
        const options = request.knownType
          ? { type: request.knownType }
          : unknownTypeOrder
            ? { series: unknownTypeOrder }
            : {};
        const note = await xhs.notes.get(ref, options);
        return { kind: "note", note };
      }
      case "comments":
        return firstPage(xhs.comments.list(pastedNoteUrl(request.noteId, request.xsecToken)));
      case "user-notes":
        return firstPage(xhs.users.notes(request.userId));
      case "search":
        return firstPage(xhs.search.notes(request.keyword));
    }
  };
  return {
    name,
    async run(request) {
      try {
        return await run(request);
      } catch (error) {
        const e = error as Error & { kind?: string };
        return { kind: "failed", reason: `${e.kind ?? e.name}: ${e.message}` };
      }
    },
  };
}
