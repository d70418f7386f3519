/**
 * Note detail across series, with the note's type found out as cheaply as possible.
 *
 * Type known (from the ref, the options, or an earlier list answer): one call on App V2's endpoint for
 * that type. Type unknown: App V2's image endpoint first (most notes are image notes); it answers an
 * empty note_list for a video note, and then the video endpoint is asked (two calls). The video endpoint
 * answers *other* notes for an image note: that wrong answer is never returned, it only teaches the
 * client that the note is an image note. An App V1 answer about a video note (no video URL) is not
 * returned either: it teaches the type, and the call moves on to a series that can serve videos.
 * A type given by the caller is a hint: an answer that contradicts it is learned from, and the call goes on
 * (the routes cover both types, so the endpoint for the learned type is still there).
 * A series is never asked again on an endpoint already tried for this note.
 */
import type { EndpointSpec } from "../catalog/types.js";
import type { XhsError } from "../core/errors.js";
import type { Series } from "../core/vocabulary.js";
import type { Note, NoteType } from "../model/types.js";
import { seriesTraits } from "../series/registry.js";
import {
  CannotServeHere,
  emptyPayloadError,
  isEmptyPayload,
  isInconclusiveAnswer,
  NotFoundAnswer,
  type PageAnswer,
} from "./answer-verdicts.js";
import type { HealthBoard } from "./health.js";
import { healthOf } from "./rounds.js";
import type { Route } from "./router.js";
import type { Attempt, AttemptPlanner, Outcome, Verdict } from "./run-failover.js";

export interface NoteDetailPlannerInput {
  noteId: string;
  /** Known type, or null (image endpoint first). */
  type: NoteType | null;
  /**
   * True when `type` is only the caller's word (an option), not something an answer said: an answer that
   * contradicts it wins (an empty image answer then probes the video endpoint, as for an unknown type).
   */
  hinted?: boolean;
  /** Routes planned for the note capability (with the type when known, and the token). */
  routes: Route[];
  health: HealthBoard;
  /** Runs one endpoint call for this note (params built by the caller). */
  call: (endpoint: EndpointSpec, ctx: Parameters<Attempt<PageAnswer<Note>>["run"]>[0]) => Promise<PageAnswer<Note>>;
  /** Told whenever the note's type is learned. */
  onType?: (type: NoteType) => void;
}

function servesType(endpoint: EndpointSpec, type: NoteType): boolean {
  return !endpoint.noteTypes || endpoint.noteTypes.includes(type);
}

/** A note is complete for its type: an image note, or a video note with its video URL. */
function isComplete(note: Note): boolean {
  return note.type === "image" || note.video !== null;
}

export class NoteDetailPlanner implements AttemptPlanner<PageAnswer<Note>, Note> {
  private type: NoteType | null;
  /** Whether `type` is still only the caller's hint (see NoteDetailPlannerInput.hinted). */
  private hinted: boolean;
  private readonly tried = new Set<string>();
  /** Series given up on, with the type knowledge at that time (a new type can make them worth asking again). */
  private readonly blocked = new Map<Series, NoteType | null>();
  /**
   * Whether every failed answer so far said nothing either way (empty, inner failure) or was a not-found vote
   * that needs confirming: see `next`.
   */
  private onlyInconclusive = true;
  /** Whether App V1 was already asked whether a video note still exists (see `next`). */
  private existenceChecked = false;
  /** Paid calls made, for the "count how many calls each path costs" check. */
  calls = 0;

  constructor(private readonly input: NoteDetailPlannerInput) {
    this.type = input.type;
    this.hinted = input.type !== null && input.hinted === true;
  }

  get knownType(): NoteType | null {
    return this.type;
  }

  private learn(type: NoteType): void {
    this.hinted = false;
    if (this.type !== type) {
      this.type = type;
      this.input.onType?.(type);
    }
  }

  private endpointFor(route: Route): EndpointSpec | null {
    const candidates = route.endpoints.filter((e) => !this.tried.has(e.name));
    if (this.type) return candidates.find((e) => servesType(e, this.type!)) ?? null;
    // Unknown type: an endpoint for both first, else the image one (App V2: image, then video on empty).
    return (
      candidates.find((e) => !e.noteTypes || e.noteTypes.length > 1) ??
      candidates.find((e) => servesType(e, "image")) ??
      candidates[0] ??
      null
    );
  }

  next(busy: ReadonlySet<Series>): Attempt<PageAnswer<Note>> | null {
    const bySeries = new Map(this.input.routes.map((r) => [r.series, r]));
    const order = this.input.health.order(
      "note",
      this.input.routes.map((r) => r.series),
    );
    for (const series of order) {
      if (busy.has(series)) continue;
      if (this.blocked.has(series) && this.blocked.get(series) === this.type) continue;
      const endpoint = this.endpointFor(bySeries.get(series)!);
      if (!endpoint) continue;
      this.blocked.delete(series);
      return this.attempt(series, endpoint);
    }
    // A video note every series that serves videos answered with nothing either way (empty, "服务异常") or
    // with a vote that needs confirming ("当前笔记暂时无法浏览"): App V1 cannot serve it, but it can say whether
    // the note still exists ("笔记状态异常" for a deleted note: not found now instead of a second round that
    // pays for the same answers; a live note: no "not found" from one unconfirmed vote). Its answer about a
    // live video note is never returned (no video URL); asked at most once per call.
    if (this.type === "video" && this.onlyInconclusive && !this.existenceChecked && busy.size === 0) {
      for (const series of order) {
        // A series with no video endpoint at all (App V1): it answers a video note, without its video URL.
        const { endpoints } = bySeries.get(series)!;
        if (endpoints.some((e) => servesType(e, "video"))) continue;
        const endpoint = endpoints.find((e) => !this.tried.has(e.name));
        if (!endpoint) continue;
        this.existenceChecked = true;
        return this.attempt(series, endpoint);
      }
    }
    return null;
  }

  private attempt(series: Series, endpoint: EndpointSpec): Attempt<PageAnswer<Note>> {
    this.tried.add(endpoint.name);
    return {
      series,
      endpoint,
      run: (ctx) => {
        this.calls++;
        return this.input.call(endpoint, ctx);
      },
    };
  }

  judge(attempt: Attempt<PageAnswer<Note>>, outcome: Outcome<PageAnswer<Note>>): Verdict<Note> {
    const { endpoint, series } = attempt;
    // A vote that needs confirming leaves the existence check open: "当前笔记暂时无法浏览" is also Web V3's
    // answer for a live note hidden from the web, and App V1 is the only series left that can tell.
    const vote = !outcome.ok && outcome.error instanceof NotFoundAnswer && !outcome.error.explicit;
    if (!outcome.ok && !isInconclusiveAnswer(outcome.error) && !vote) this.onlyInconclusive = false;
    const empty = !outcome.ok && isEmptyPayload(outcome.error);
    if (outcome.ok || empty) {
      const note = outcome.ok ? outcome.value.items.find((n) => n.id === this.input.noteId) : undefined;
      if (!note) {
        const error = outcome.ok ? emptyPayloadError(endpoint, `note ${this.input.noteId}`) : outcome.error;
        // A series whose image endpoint answers empty for a video note (App V2): with the type unknown (or only
        // hinted "image" by the caller) that is a hint, not a fault; the video endpoint is asked next.
        const typeProbe =
          (this.type === null || this.hinted) && endpoint.noteTypes?.length === 1 && endpoint.noteTypes[0] === "image";
        if (typeProbe && seriesTraits(attempt.endpoint.series).emptyImageDetailMeansVideo) {
          this.type = null;
          this.hinted = false;
          return { reject: error, health: "neutral" };
        }
        this.blocked.set(series, this.type);
        return { reject: error, health: "failure" };
      }
      if (!isComplete(note)) {
        const existenceCheck = this.type === "video";
        // e.g. App V1 on a video note: right note, no video URL. Learn the type, never return it.
        this.learn(note.type);
        if (existenceCheck) {
          // App V1 asked whether a video note exists (see `next`): it does, and this series cannot serve it.
          // A passing failure, so the series that can get their second round.
          const message = `${endpoint.name}: note ${note.id} exists, but this series gives no video URL`;
          return { reject: new CannotServeHere(message, { endpoint: endpoint.name, series }), health: "success" };
        }
        return {
          reject: new CannotServeHere(
            `${endpoint.name}: answered ${note.id} as a ${note.type} note without its video URL`,
            { endpoint: endpoint.name, series },
          ),
          health: "success",
        };
      }
      this.learn(note.type);
      return { accept: note };
    }
    const error: XhsError = outcome.error;
    if (error.kind === "wrong_item" && endpoint.noteTypes?.length === 1 && endpoint.noteTypes[0] === "video") {
      // The video endpoint answers other notes for an image note: the note is an image note, whatever the
      // type was thought to be (a wrong `type` option is a hint the answer corrects, not a reason to fail).
      this.learn("image");
      return {
        reject: new CannotServeHere(error.message, { endpoint: endpoint.name, series, cause: error }),
        health: "neutral",
      };
    }
    this.blocked.set(series, this.type);
    return { reject: error, health: healthOf(error) };
  }
}
