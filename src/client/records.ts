/**
 * Single records through the router: a note (with its type found out cheaply), a user, a topic. Each series
 * builds its own parameters (src/series/registry.ts).
 */
import type { EndpointSpec } from "../catalog/types.js";
import { InvalidInputError } from "../core/errors.js";
import { emptyPayloadError, interpretPage, type PageAnswer, wrongItemError } from "../failover/answer-verdicts.js";
import { NoteDetailPlanner } from "../failover/note-detail.js";
import { requireRoutes } from "../failover/router.js";
import { type Attempt, type AttemptRunContext, listPlanner, runFailoverRounds } from "../failover/run-failover.js";
import type { Note, NoteType, Topic, User } from "../model/types.js";
import { parseTopicRef } from "../refs/parse-ref.js";
import { requestParams } from "../series/registry.js";
import type { NormalizedItem, RequestFor } from "../series/types.js";
import type { ClientContext } from "./context.js";
import { resolveRef } from "./links.js";
import type { CallOptions } from "./types.js";

/** Records whose id is not the one asked for: the answer is about something else. */
function checkIds(endpoint: EndpointSpec, wanted: string) {
  return (items: NormalizedItem[]) => {
    if (!items.some((i) => i.id === wanted)) {
      throw wrongItemError(
        endpoint,
        `answered about ${items.map((i) => i.id).join(", ")}, not the requested ${wanted}`,
      );
    }
  };
}

function callFor<T extends NormalizedItem>(
  ctx: ClientContext,
  capability: "note" | "user" | "topic",
  endpoint: EndpointSpec,
  params: Record<string, string>,
  wanted: string,
  run: AttemptRunContext,
): Promise<PageAnswer<T>> {
  return ctx.port.call(
    endpoint,
    params,
    interpretPage<T>(endpoint, {
      normalizers: ctx.normalizers,
      onDrift: ctx.onDrift,
      check: checkIds(endpoint, wanted),
    }),
    {
      capability,
      failover: run.failover,
      signal: run.signal,
      hedge: run.hedge,
      ...(run.reason ? { reason: run.reason } : {}),
    },
  );
}

export async function getNote(
  ctx: ClientContext,
  ref: string,
  options: CallOptions & { type?: NoteType } = {},
): Promise<Note> {
  if (options.type !== undefined && options.type !== "image" && options.type !== "video") {
    throw new InvalidInputError(`type must be "image" or "video", got ${JSON.stringify(options.type)}`);
  }
  const { id, xsecToken } = await resolveRef(ctx, ref, "note", options);
  const token = xsecToken ?? ctx.knowledge.noteToken(id) ?? null;
  // A fresh planner each round: a second round (after every series failed) uses the type the first learned.
  // What an answer taught (the knowledge) wins over the caller's `type`, which is only a hint.
  const makePlanner = () => {
    const known = ctx.knowledge.noteType(id) ?? null;
    const type = known ?? options.type ?? null;
    const order = options.series ?? ctx.order;
    // Checked with the type (nothing is paid when no series can serve it, e.g. App V1 alone for a video
    // note); planned for both types, so an answer that corrects the type leaves its endpoint reachable.
    requireRoutes({ capability: "note", order, noteType: type, xsecToken: token });
    const routes = requireRoutes({ capability: "note", order, noteType: null, xsecToken: token });
    return new NoteDetailPlanner({
      noteId: id,
      type,
      hinted: known === null && options.type !== undefined,
      routes,
      health: ctx.health,
      onType: (learned) => ctx.knowledge.rememberNoteType(id, learned),
      call: (endpoint, run) => {
        const params = requestParams(endpoint.series, { capability: "note", noteId: id, xsecToken: token });
        return callFor<Note>(ctx, "note", endpoint, params, id, run);
      },
    });
  };
  const { value } = await runFailoverRounds(makePlanner, {
    capability: "note",
    health: ctx.health,
    sleep: ctx.sleep,
    subject: `note ${id}`,
    hedgeAfterMs: ctx.hedgeAfterMs,
    signal: options.signal,
  });
  ctx.knowledge.learn([value]);
  // A token learned from the ref is kept on the record when the series did not give one.
  return value.xsecToken === null && token ? { ...value, xsecToken: token } : value;
}

async function getSingle<T extends User | Topic>(
  ctx: ClientContext,
  request: Extract<RequestFor, { capability: "user" | "topic" }>,
  id: string,
  options: CallOptions,
): Promise<T> {
  const { capability } = request;
  const routes = requireRoutes({ capability, order: options.series ?? ctx.order });
  const attempts: Attempt<PageAnswer<T>>[] = routes.map((route) => {
    const endpoint = route.endpoints[0]!;
    return {
      series: route.series,
      endpoint,
      run: (run) => callFor<T>(ctx, capability, endpoint, requestParams(route.series, request), id, run),
    };
  });
  const { value } = await runFailoverRounds(
    () => {
      const planner = listPlanner(attempts);
      return {
        next: (busy, rank) => planner.next(busy, rank),
        judge: (attempt, outcome) => {
          if (outcome.ok) {
            const record = outcome.value.items.find((i) => i.id === id);
            if (!record) {
              const error = outcome.value.empty
                ? emptyPayloadError(attempt.endpoint, `${capability} ${id}`)
                : wrongItemError(attempt.endpoint, `no record ${id} in the answer`);
              return { reject: error, health: "failure" as const };
            }
            return { accept: record };
          }
          return planner.judge(attempt, outcome) as { reject: typeof outcome.error; health: "failure" | "neutral" };
        },
      };
    },
    {
      capability,
      health: ctx.health,
      sleep: ctx.sleep,
      subject: `${capability} ${id}`,
      hedgeAfterMs: ctx.hedgeAfterMs,
      signal: options.signal,
    },
  );
  ctx.knowledge.learn([value]);
  return value;
}

export async function getUser(ctx: ClientContext, ref: string, options: CallOptions = {}): Promise<User> {
  const { id, xsecToken } = await resolveRef(ctx, ref, "user", options);
  const user = await getSingle<User>(ctx, { capability: "user", userId: id }, id, options);
  return user.xsecToken === null && xsecToken ? { ...user, xsecToken } : user;
}

export async function getTopic(ctx: ClientContext, pageId: string, options: CallOptions = {}): Promise<Topic> {
  const id = parseTopicRef(pageId);
  return getSingle<Topic>(ctx, { capability: "topic", pageId: id }, id, options);
}
