/**
 * "guide": a faithful TypeScript port of the usage guide's sample code (kept outside the repo,
 * the "use three series together" snippets for note detail, user notes, comments and search).
 *
 * Series are tried in order App V2 → App V1 → Web V3; an answer is taken as success when the HTTP
 * status is 2xx (`r.ok`) and the JSON's `code` is 200; any exception (connection, bad JSON) moves on to
 * the next series; no retries. The sample has no timeout at all (a hung call waits forever), so the
 * benchmark wraps each request in one generous overall timeout, the only addition.
 *
 * Note detail needs `is_video`; when the caller does not know the type, the sample's default
 * (`IS_VIDEO = False`) is used. App V1 is skipped for videos, as the sample does.
 */
import type { BenchRequest } from "../workload.js";
import { get, withDeadline } from "./http.js";
import type { Strategy, StrategyAnswer, StrategyEnv } from "./types.js";

/** The overall timeout per request, in virtual ms (default 60 s: TikHub's documented upper timeout). */
export const GUIDE_OVERALL_TIMEOUT_MS = 60_000;

interface Call {
  /** URL form, e.g. "app/get_note_info". */
  path: string;
  /** Catalogue name, e.g. "app_v1/get_note_info" is "app/get_note_info" in the catalogue. */
  endpoint: string;
  params: Record<string, string>;
}

/** The calls the sample makes for one request, in order. */
export function guideCalls(request: BenchRequest): Call[] {
  const call = (path: string, params: Record<string, string>): Call => ({ path, endpoint: path, params });
  switch (request.kind) {
    case "note-image-known":
    case "note-video-known":
    case "note-image-unknown":
    case "note-video-unknown": {
      const isVideo = request.knownType === "video"; // unknown → the sample's IS_VIDEO = False
      const calls = [
        call(isVideo ? "app_v2/get_video_note_detail" : "app_v2/get_image_note_detail", { note_id: request.noteId }),
      ];
      if (!isVideo) calls.push(call("app/get_note_info", { note_id: request.noteId }));
      calls.push(call("web_v3/fetch_note_detail", { note_id: request.noteId, xsec_token: request.xsecToken }));
      return calls;
    }
    case "comments":
      return [
        call("app_v2/get_note_comments", {
          note_id: request.noteId,
          cursor: "",
          index: "0",
          pageArea: "UNFOLDED",
          sort_strategy: "latest_v2",
        }),
        call("app/get_note_comments", { note_id: request.noteId, start: "", sort_strategy: "1" }),
        call("web_v3/fetch_note_comments", { note_id: request.noteId, xsec_token: request.xsecToken, cursor: "" }),
      ];
    case "user-notes":
      return [
        call("app_v2/get_user_posted_notes", { user_id: request.userId, cursor: "" }),
        call("app/get_user_notes", { user_id: request.userId, cursor: "" }),
        call("web_v3/fetch_user_notes", { user_id: request.userId, cursor: "", num: "30" }),
      ];
    case "search":
      return [
        call("app_v2/search_notes", {
          keyword: request.keyword,
          page: "1",
          sort_type: "general",
          note_type: "不限",
          time_filter: "不限",
        }),
        call("app/search_notes", {
          keyword: request.keyword,
          page: "1",
          sort_type: "general",
          filter_note_type: "不限",
          filter_note_time: "不限",
        }),
        call("web_v3/fetch_search_notes", { keyword: request.keyword, page: "1", sort: "general", note_type: "0" }),
      ];
  }
}

export function createGuideStrategy(env: StrategyEnv, overallTimeoutMs = GUIDE_OVERALL_TIMEOUT_MS): Strategy {
  const tryInOrder = async (calls: Call[], signal: AbortSignal): Promise<StrategyAnswer> => {
    const errors: string[] = [];
    for (const c of calls) {
      try {
        const r = await get(env, c.path, c.params, signal);
        if (r.ok) {
          const body = (await r.json()) as { code?: unknown } | null;
          if (body !== null && typeof body === "object" && body.code === 200) {
            return { kind: "raw", endpoint: c.endpoint, body, params: c.params };
          }
        } else {
          await r.body?.cancel();
        }
        errors.push(`${c.endpoint}: HTTP ${r.status}`);
      } catch (error) {
        if (signal.aborted) throw error;
        // print("App V2 调用失败:", e): the sample logs and moves on.
        errors.push(`${c.endpoint}: ${(error as Error).message}`);
      }
    }
    return { kind: "failed", reason: `every series failed (${errors.join("; ")})` };
  };
  return {
    name: "guide",
    async run(request) {
      const controller = new AbortController();
      try {
        return await withDeadline(env, overallTimeoutMs, controller, (signal) =>
          tryInOrder(guideCalls(request), signal),
        );
      } catch (error) {
        return { kind: "failed", reason: `overall timeout: ${(error as Error).message}` };
      }
    },
  };
}
