/** App V2's inner wrapper, page sizes and the note or user a request names: what every App V2 handler shares. */

import type { WorldNote, WorldUser } from "../../world/types.js";
import { nowField } from "../per-request.js";
import type { RenderContext, RenderOutcome } from "../types.js";

export const APP_V2_PAGE = {
  userNotes: 20,
  comments: 10,
  replies: 10,
  search: 20,
  searchUsers: 20,
  topicFeed: 20,
  /** Characters kept of `desc` in search answers (observed: 60). */
  searchDesc: 60,
  /** Characters kept of `desc` in user lists (about 100, reported [I]). */
  listDesc: 100,
} as const;

// ------------------------------------------------------------------ wrapper

// `_ctx`: every call site passes it; per-request fields no longer read it (see per-request.ts).
export function ok(_ctx: RenderContext, data: unknown, extra: Record<string, unknown> = {}): RenderOutcome {
  return {
    kind: "data",
    data: { code: 0, success: true, msg: "成功", data, ...extra, ...debug() },
  };
}

function debug(): Record<string, string> {
  // Per request: filled by the core from the request's clock (the same hex8 of time and endpoint).
  return { debug_id: nowField("debug-id"), debug_info: "" };
}

export function innerFailure(message: string, code = -1): unknown {
  return { code, success: false, msg: message, data: null };
}

export function fail(message: string, code = -1): RenderOutcome {
  return { kind: "data", data: innerFailure(message, code) };
}

/** The note an App request names: note_id first, then share_text. */
export function noteFromArgs(ctx: RenderContext): { id: string; note: WorldNote | undefined } {
  const id = ctx.args.note_id || ctx.world.resolveShareText(ctx.args.share_text ?? "")?.id || "";
  return { id, note: ctx.world.note(id) };
}

export function userFromArgs(ctx: RenderContext): WorldUser | undefined {
  const direct = ctx.args.user_id;
  if (direct) return ctx.world.user(direct);
  const resolved = ctx.world.resolveShareText(ctx.args.share_text ?? "");
  return resolved?.kind === "user" ? ctx.world.user(resolved.id) : undefined;
}

export function isDeleted(ctx: RenderContext, note: WorldNote): boolean {
  return note.deleted && ctx.quirks.deletedNotes;
}
