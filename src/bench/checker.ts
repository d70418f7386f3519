/**
 * The correctness checker: what a strategy handed its caller, against the simulator's world.
 *
 *   correct  the right record(s), complete (or honestly flagged as more to come)
 *   wrong    presented as a good answer but not: another note, an empty page or a missing record while
 *            the world has data, a body or page cut short presented as complete, a video note without
 *            its video, an upstream failure handed over as data
 *   failed   the strategy said it could not answer
 *
 * Raw answers of the baselines are read with xhs-kit's own normalizers (the most charitable reader there
 * is); whatever the baseline presented as success and holds no right data counts as wrong.
 */

import { isXhsError } from "../core/errors.js";
import type { Series } from "../core/vocabulary.js";
import type { Comment, Note } from "../model/types.js";
import { normalize } from "../series/normalize.js";
import type { NormalizedItem } from "../series/types.js";
import type { World } from "../simulator/world/world.js";
import type { BenchProfile } from "./profiles.js";
import type { StrategyAnswer } from "./strategies/types.js";
import type { BenchRequest } from "./workload.js";

export type Outcome = "correct" | "wrong" | "failed";

export interface Verdict {
  outcome: Outcome;
  /** Why it is wrong or failed (a short tag, for the tallies). */
  reason?: string;
}

/** The smallest first page any series serves, per list (so a shorter page is a cut one). */
export const MIN_FIRST_PAGE = { comments: 10, "user-notes": 20, search: 20 } as const;

const wrong = (reason: string): Verdict => ({ outcome: "wrong", reason });

export function judge(world: World, request: BenchRequest, answer: StrategyAnswer): Verdict {
  switch (answer.kind) {
    case "failed":
      return { outcome: "failed", reason: failureTag(answer.reason) };
    case "note":
      return request.kind.startsWith("note-") ? judgeNote(world, request, answer.note) : wrong("wrong_kind");
    case "page":
      return judgePage(world, request, answer.items, answer.hasMore);
    case "raw":
      return judgeRaw(world, request, answer);
  }
}

function judgeRaw(world: World, request: BenchRequest, answer: StrategyAnswer & { kind: "raw" }): Verdict {
  const isNote = request.kind.startsWith("note-");
  let items: NormalizedItem[];
  let hasMore: boolean | null;
  try {
    const result = normalize(answer.endpoint, answer.body, {
      params: answer.params,
      ...(isNote && "noteId" in request ? { id: request.noteId } : {}),
    });
    items = result.items;
    hasMore = result.hasMore;
  } catch (error) {
    if (!isXhsError(error)) return wrong("unreadable");
    switch (error.kind) {
      case "wrong_item":
        return wrong("wrong_note");
      case "not_found":
        return wrong("failure_as_data");
      case "upstream":
        return wrong((error as { emptyPayload?: boolean }).emptyPayload ? "empty" : "failure_as_data");
      default:
        return wrong(error.kind);
    }
  }
  if (isNote) {
    const note = items[0];
    return note ? judgeNote(world, request, note as Note) : wrong("empty");
  }
  return judgePage(world, request, items, hasMore);
}

function judgeNote(world: World, request: BenchRequest, note: Note): Verdict {
  if (!("noteId" in request)) return wrong("wrong_kind");
  const truth = world.note(request.noteId);
  if (!truth) return wrong("unknown_note");
  if (note.id !== truth.id) return wrong("wrong_note");
  if (note.type !== (truth.type === "video" ? "video" : "image")) return wrong("wrong_type");
  if (note.title !== truth.title) return wrong("wrong_title");
  if (note.text !== truth.desc) {
    // A body cut short is fine only when it says so (then it is not a complete answer either).
    return note.textTruncated ? { outcome: "failed", reason: "truncated_flagged" } : wrong("truncated");
  }
  if (truth.type === "video" && !note.video?.url) return wrong("no_video");
  if (truth.type === "normal" && note.images.length !== truth.images.length) return wrong("images");
  return { outcome: "correct" };
}

function expectedIds(world: World, request: BenchRequest): string[] | null {
  switch (request.kind) {
    case "comments":
      return world.comments(request.noteId).map((c) => c.id);
    case "user-notes":
      return world.userNotes(request.userId).map((n) => n.id);
    case "search":
      return world.search(request.keyword).map((n) => n.id);
    default:
      return null;
  }
}

function judgePage(world: World, request: BenchRequest, items: NormalizedItem[], hasMore: boolean | null): Verdict {
  const expected = expectedIds(world, request);
  if (expected === null) return wrong("wrong_kind");
  const truth = new Set(expected);
  const ids = items.map((i) => i.id);
  if (new Set(ids).size !== ids.length) return wrong("duplicates");
  if (ids.some((id) => !truth.has(id))) return wrong("wrong_items");
  if (request.kind === "comments" && items.some((c) => (c as Comment).noteId !== request.noteId)) {
    return wrong("wrong_items");
  }
  if (expected.length > 0 && ids.length === 0) return wrong("empty");
  const minimum = Math.min(MIN_FIRST_PAGE[request.kind as keyof typeof MIN_FIRST_PAGE], expected.length);
  if (ids.length < minimum) return wrong("truncated");
  if (hasMore === false && ids.length < expected.length) return wrong("truncated");
  return { outcome: "correct" };
}

/** A short tag from a failure message, for the tallies. */
function failureTag(reason: string): string {
  if (/overall timeout/.test(reason)) return "overall_timeout";
  if (reason.startsWith("every series failed")) return "all_series_failed";
  if (/timed out|timeout/i.test(reason)) return "timeout";
  const kind = /^([a-z_]+):/.exec(reason)?.[1];
  if (kind && !kind.includes("/")) return kind;
  if (/HTTP (\d+)/.test(reason)) return `http_${/HTTP (\d+)/.exec(reason)?.[1]}`;
  return "error";
}

/** A profile's series that never answer (an outage from the first call on, with no end). */
export function downSeries(profile: BenchProfile): Set<Series> {
  const down = new Set<Series>();
  for (const o of profile.faults.outages ?? []) {
    const always = o.fromCall === 0 && o.toCall === undefined && o.afterMs === undefined && o.from === undefined;
    if (always && o.series !== undefined) down.add(o.series);
  }
  return down;
}

/**
 * The series that can serve a request correctly, from the world's truth and the profile's lasting outages:
 * every series serves lists and image notes; a video note needs its video URL, which App V1 never gives
 * (the usage guide; docs/reference-notes.md#series-shapes); Web V3 does not show a note hidden from the web
 * (its detail and comments).
 * A failure is "unservable" when this is empty: no strategy could have answered it.
 */
export function servingSeries(world: World, request: BenchRequest, profile: BenchProfile): Series[] {
  const down = downSeries(profile);
  const all: Series[] = ["app_v2", "app_v1", "web_v3"];
  let can: Series[] = all;
  if ("noteId" in request) {
    const note = world.note(request.noteId);
    if (!note || note.deleted) return [];
    if (note.webRestricted) can = can.filter((s) => s !== "web_v3");
    if (request.kind.startsWith("note-") && note.type === "video") can = can.filter((s) => s !== "app_v1");
  }
  return can.filter((s) => !down.has(s));
}
