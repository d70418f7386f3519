/**
 * "xhs-kit": the library with its defaults (timeouts, retries, rate limit, concurrency, breakers,
 * failover order). Only the fetch, the key and the (scaled) clock and sleep are given.
 * Notes are asked for by URL with their xsec_token (what the guide's user has too); the type is
 * passed only when the caller knows it.
 */
import { createClient } from "../../client/create-client.js";
import type { Page, Paginator } from "../../client/types.js";
import type { NormalizedItem } from "../../series/types.js";
import { noteUrl } from "../workload.js";
import type { Strategy, StrategyAnswer, StrategyEnv } from "./types.js";

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

export function createXhsKitStrategy(env: StrategyEnv): Strategy {
  const xhs = createClient({
    apiKey: env.apiKey,
    fetch: env.fetch,
    baseUrl: env.baseUrl,
    clock: env.clock,
    sleep: env.sleep,
  });
  const run = async (request: Parameters<Strategy["run"]>[0]): Promise<StrategyAnswer> => {
    switch (request.kind) {
      case "note-image-known":
      case "note-video-known":
      case "note-image-unknown":
      case "note-video-unknown": {
        const ref = noteUrl(request.noteId, request.xsecToken);
        const note = await xhs.notes.get(ref, request.knownType ? { type: request.knownType } : {});
        return { kind: "note", note };
      }
      case "comments":
        return firstPage(xhs.comments.list(noteUrl(request.noteId, request.xsecToken)));
      case "user-notes":
        return firstPage(xhs.users.notes(request.userId));
      case "search":
        return firstPage(xhs.search.notes(request.keyword));
    }
  };
  return {
    name: "xhs-kit",
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
