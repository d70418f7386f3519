/**
 * "Correct or nothing": turning a normalized answer into a value the router may accept, or a typed error.
 * An answer counts only if it is a success with a non-empty payload about what was asked; the transport
 * has already checked HTTP and envelope codes.
 */
import type { EndpointSpec } from "../catalog/types.js";
import { type ErrorContext, NotFoundError, UpstreamError, WrongItemError, type XhsError } from "../core/errors.js";
import type { Series } from "../core/vocabulary.js";
import { seriesTraits } from "../series/registry.js";
import type { NextPageParams, NormalizedItem, NormalizedPage } from "../series/types.js";
import type { AnswerMeta, DriftSink, Interpret, NormalizerLookup } from "./port.js";

/** Upstream messages that say plainly the thing does not exist (one such answer is enough). */
const EXPLICIT_NOT_FOUND = /不存在|已删除|已被删除|被删除|注销|does not exist|not exist|deleted|not found/i;
/**
 * Messages that mean "deleted" or "hidden" but also other things (a wrong xsec_token, a restricted note):
 * a not-found vote that a second series must confirm. Not retried on the same series (same answer again).
 */
const SUGGESTED_NOT_FOUND = /暂时无法浏览|笔记状态异常|无法查看|not available/i;
/** Whether an inner-failure message is a not-found vote on this endpoint (besides SUGGESTED_NOT_FOUND). */
function suggestsNotFound(endpoint: EndpointSpec, message: string): boolean {
  if (SUGGESTED_NOT_FOUND.test(message)) return true;
  // A series' own not-found wording on a capability (App V2's "服务异常" on topic info): src/series/*/traits.ts.
  return seriesTraits(endpoint.series).notFoundVotes[endpoint.capability]?.test(message) === true;
}

/**
 * A not-found answer from one series. `explicit` when the answer says so in so many words; otherwise
 * (e.g. "当前笔记暂时无法浏览", which also means a bad token) a second series must agree.
 */
export class NotFoundAnswer extends NotFoundError {
  readonly explicit: boolean;
  readonly upstreamMessage: string | null;
  constructor(message: string, explicit: boolean, upstreamMessage: string | null, context?: ErrorContext) {
    super(message, context);
    this.explicit = explicit;
    this.upstreamMessage = upstreamMessage;
  }
}

/** One page as the router sees it. `empty` pages are returned, not thrown: the caller decides (no same-series retry). */
export interface PageAnswer<T extends NormalizedItem = NormalizedItem> {
  endpoint: string;
  series: Series;
  items: T[];
  hasMore: boolean | null;
  next: NextPageParams;
  empty: boolean;
  params: Record<string, string>;
  raw?: unknown;
}

export interface InterpretOptions<T extends NormalizedItem> {
  normalizers: NormalizerLookup;
  onDrift?: DriftSink | undefined;
  /** Throws WrongItemError when the records are not about what was asked. */
  check?: (items: T[], meta: AnswerMeta) => void;
  keepRaw?: boolean;
}

export function interpretPage<T extends NormalizedItem>(
  endpoint: EndpointSpec,
  options: InterpretOptions<T>,
): Interpret<PageAnswer<T>> {
  return (raw, meta) => {
    const normalize = options.normalizers(endpoint.name);
    const onDrift = options.onDrift;
    const page = normalize(raw, {
      endpoint,
      params: meta.params,
      fetchedAt: meta.fetchedAt,
      ...(onDrift ? { onDrift: (path: string) => onDrift(endpoint.name, path) } : {}),
    }) as NormalizedPage<T>;
    const where = { endpoint: endpoint.name, series: endpoint.series };
    const status = page.status;
    if (!status.ok && status.reason === "inner_failure") {
      const message = status.message;
      // The normalizers flag notFound only when the answer says so explicitly.
      const explicit = status.notFound || (message !== null && EXPLICIT_NOT_FOUND.test(message));
      const suggested = message !== null && suggestsNotFound(endpoint, message);
      if (explicit || suggested) {
        throw new NotFoundAnswer(
          `${endpoint.name} says it is not found${message ? `: ${message}` : ""}`,
          explicit,
          message,
          where,
        );
      }
      throw new InnerFailureAnswer(
        `${endpoint.name} answered 200 with an inner failure${message ? `: ${message}` : ""}`,
        { ...where, upstreamMessage: message ?? undefined },
      );
    }
    // An inner failure was thrown above: a status that is not ok here says "empty".
    const empty = !status.ok || page.items.length === 0;
    // Thrown so the ledger records it as a failure; the router and the paginator decide what it means
    // (the transport does not retry it: an empty answer is more often "not here" than jitter).
    if (empty) {
      const base = emptyPayloadError(endpoint, `${endpoint.capability} (${describeParams(meta.params)})`);
      throw new EmptyPageAnswer(base.message, readEmptyEvidence(raw), {
        endpoint: endpoint.name,
        series: endpoint.series,
      });
    }
    options.check?.(page.items, meta);
    return {
      endpoint: endpoint.name,
      series: endpoint.series,
      items: page.items,
      hasMore: page.hasMore,
      next: page.next,
      empty: false,
      params: meta.params,
      ...(options.keepRaw ? { raw } : {}),
    };
  };
}

function describeParams(params: Record<string, string>): string {
  return Object.entries(params)
    .filter(([k, v]) => v !== "" && !/token/i.test(k))
    .map(([k, v]) => `${k}=${v.length > 40 ? `${v.slice(0, 37)}…` : v}`)
    .join(", ");
}

/**
 * What an empty answer says about its subject. A genuine empty comment list still describes its note
 * (each series names the note's author, `user_id`, and App V1/V2 give `comment_count`); an empty-payload
 * fault is a bare `{comments: [], has_more: false, …}` (or App V2's with `user_id: ""`).
 * `namesSubject` is null when the payload could not be read at all (then nothing is concluded from it).
 */
export interface EmptyEvidence {
  /** The count of items the answer itself reports (`comment_count`…), or null when it gives none. */
  reportedCount: number | null;
  /** Whether the payload names its subject (a non-empty `user_id`), as a genuine answer does. */
  namesSubject: boolean | null;
}

function countField(payload: Record<string, unknown>): number | null {
  for (const key of ["comment_count", "commentCount", "comments_count", "comment_count_l1"]) {
    const value = payload[key];
    if (typeof value === "number" && Number.isInteger(value)) return value;
    if (typeof value === "string" && /^\d+$/.test(value.trim())) return Number(value);
  }
  return null;
}

/** Reads the evidence from the envelope's inner payload (`data.data`), tolerant of anything. */
export function readEmptyEvidence(raw: unknown): EmptyEvidence {
  const obj = (v: unknown): Record<string, unknown> | null =>
    // null is an "object" and returned as itself.
    typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown> | null) : null;
  const wrapper = obj(obj(raw)?.["data"]);
  const payload = wrapper ? obj(wrapper["data"]) : null;
  if (!payload) return { reportedCount: null, namesSubject: null };
  const userId = payload["user_id"] ?? payload["userId"];
  return {
    reportedCount: countField(payload),
    namesSubject: typeof userId === "string" ? userId.trim() !== "" : false,
  };
}

/** Web V3's answer for a deleted note, and also for a live note hidden from the web or a wrong token. */
const HIDDEN_OR_GONE = /暂时无法浏览/;

/** Whether an error is a not-found vote that a live note hidden from the web also gets (Web V3's "暂时无法浏览"). */
export function mayBeHiddenNotGone(error: XhsError | undefined): boolean {
  return (
    error instanceof NotFoundAnswer &&
    !error.explicit &&
    error.upstreamMessage !== null &&
    HIDDEN_OR_GONE.test(error.upstreamMessage)
  );
}

/** A 200 with an empty page, with what the answer says about its subject (see EmptyEvidence). */
export class EmptyPageAnswer extends UpstreamError {
  readonly evidence: EmptyEvidence;
  constructor(message: string, evidence: EmptyEvidence, context?: ErrorContext) {
    super(message, { ...context, emptyPayload: true });
    this.evidence = evidence;
  }
}

/**
 * An answer about the right thing from a series (or endpoint) that cannot serve it: App V1 on a video note (no
 * video URL), App V2's video endpoint on an image note (other notes). It teaches the type, says the thing
 * exists, and is no reason to stop another round for the series that failed in passing (worthAnotherRound).
 */
export class CannotServeHere extends WrongItemError {}

/** A 200 with an inner failure that does not say "not found" ("服务异常"…): a fault, or a thing that is gone. */
export class InnerFailureAnswer extends UpstreamError {}

/**
 * Whether an error is an answer that says nothing either way about the thing asked: an empty payload, or an
 * inner failure without a not-found message. Next to another series' not-found vote it does not contradict
 * it (see runFailover); a timeout, a 5xx or a wrong item is not an answer of that kind.
 */
export function isInconclusiveAnswer(error: unknown): boolean {
  return isEmptyPayload(error) || error instanceof InnerFailureAnswer;
}

/**
 * "Not found" from one not-found vote that nothing contradicts: when every series asked has failed, some
 * voted not found and every other one answered nothing either way (`isInconclusiveAnswer`: empty, "服务异常").
 * Another round would only pay for the same answers again. `lastErrors`: each series' last error. Null when
 * there is no vote, no other series was asked (see runFailoverRounds), or another series failed otherwise.
 */
export function uncontradictedNotFound(
  subject: string,
  votes: ReadonlySet<Series>,
  lastErrors: ReadonlyMap<Series, XhsError>,
): NotFoundError | null {
  const others = [...lastErrors].filter(([series]) => !votes.has(series)).map(([, error]) => error);
  if (votes.size === 0 || others.length === 0 || !others.every(isInconclusiveAnswer)) return null;
  const vote = [...votes].map((series) => lastErrors.get(series)).find((e) => e instanceof NotFoundError);
  const quiet = others.map((e) => e.series ?? "?").join(" and ");
  return new NotFoundError(
    `${subject}: not found (said by ${[...votes].join(" and ")}; ${quiet} answered nothing either way)`,
    {
      endpoint: vote?.endpoint,
      series: vote?.series,
      httpStatus: vote?.httpStatus,
      requestId: vote?.requestId,
      cause: vote,
    },
  );
}

/** Whether an error is a 200 with an empty payload. */
export function isEmptyPayload(error: unknown): error is UpstreamError {
  return error instanceof UpstreamError && error.emptyPayload;
}

/** The error for an empty answer where a record was needed (never taken for "not found" alone). */
export function emptyPayloadError(endpoint: EndpointSpec, what: string): UpstreamError {
  return new UpstreamError(`${endpoint.name} answered 200 with an empty payload for ${what}`, {
    endpoint: endpoint.name,
    series: endpoint.series,
    emptyPayload: true,
  });
}

export function wrongItemError(endpoint: EndpointSpec, message: string): WrongItemError {
  return new WrongItemError(`${endpoint.name}: ${message}`, { endpoint: endpoint.name, series: endpoint.series });
}
