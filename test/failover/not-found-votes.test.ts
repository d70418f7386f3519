/**
 * Issue #10 item 7: a not-found vote from one series plus answers that say nothing either way from the
 * others ends as not found in one round; a vote from the only series that can be asked is confirmed by
 * that series in the second round. Inconclusive answers alone never make "not found".
 */
import { describe, expect, it } from "vitest";
import { endpoint } from "../../src/catalog/endpoints.js";
import { createFakeClock } from "../../src/core/clock.js";
import {
  AllSeriesFailedError,
  NotFoundError,
  TimeoutError,
  UpstreamError,
  WrongItemError,
  type XhsError,
} from "../../src/core/errors.js";
import type { Series } from "../../src/core/vocabulary.js";
import {
  EmptyPageAnswer,
  InnerFailureAnswer,
  interpretPage,
  isInconclusiveAnswer,
  NotFoundAnswer,
} from "../../src/failover/answer-verdicts.js";
import { HealthBoard } from "../../src/failover/health.js";
import { type Attempt, listPlanner, runFailover, runFailoverRounds } from "../../src/failover/run-failover.js";
import { normalizerFor } from "../../src/series/normalize.js";

const SPEC: Record<Series, string> = {
  app_v2: "app_v2/get_image_note_detail",
  app_v1: "app/get_note_info",
  web_v3: "web_v3/fetch_note_detail",
};

function attempts(script: Partial<Record<Series, () => Promise<string>>>, log: string[]): Attempt<string>[] {
  return (Object.keys(script) as Series[]).map((series) => ({
    series,
    endpoint: endpoint(SPEC[series]),
    run: () => {
      log.push(series);
      return script[series]!();
    },
  }));
}

const fail = (error: () => XhsError) => () => Promise.reject(error());
const vote = (series: Series) => () => new NotFoundAnswer("gone?", false, "笔记状态异常，请稍后查看", { series });
const innerFailure = (series: Series) => () =>
  new InnerFailureAnswer("服务异常", { series, httpStatus: 200, upstreamMessage: "服务异常" });
const empty = (series: Series) => () =>
  new EmptyPageAnswer("empty", { reportedCount: null, namesSubject: null }, { series });

function setup() {
  const fake = createFakeClock();
  const health = new HealthBoard(fake.clock, { failureThreshold: 5, coolDownMs: 60_000 });
  return { fake, options: { capability: "note" as const, health, sleep: fake.sleep, subject: "note n1" } };
}

describe("a not-found vote that nothing contradicts", () => {
  it.each([
    ["an inner failure (服务异常)", innerFailure],
    ["an empty payload", empty],
  ])("vote + %s from the other series: not found in one round", async (_name, other) => {
    const { options } = setup();
    const log: string[] = [];
    const script = { app_v2: fail(other("app_v2")), app_v1: fail(vote("app_v1")) };
    const error = await runFailoverRounds(() => listPlanner(attempts(script, log)), options).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotFoundError);
    expect((error as Error).message).toMatch(/said by app_v1; app_v2 answered nothing either way/);
    expect(log).toEqual(["app_v2", "app_v1"]);
  });

  it("every other series asked must be inconclusive: one more series that did not answer keeps it open", async () => {
    const { options } = setup();
    for (const third of [() => new TimeoutError("slow", { series: "web_v3" }), () => new WrongItemError("other")]) {
      const script = { app_v2: fail(innerFailure("app_v2")), app_v1: fail(vote("app_v1")), web_v3: fail(third) };
      const error = await runFailover(listPlanner(attempts(script, [])), options).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(AllSeriesFailedError);
    }
  });

  it("inconclusive answers alone (no vote) never make not found", async () => {
    const { fake, options } = setup();
    const script = { app_v2: fail(innerFailure("app_v2")), app_v1: fail(empty("app_v1")) };
    const pending = runFailoverRounds(() => listPlanner(attempts(script, [])), options).catch((e: unknown) => e);
    await fake.runAll();
    expect(await pending).toBeInstanceOf(AllSeriesFailedError);
  });

  it("an answer from another series still wins over a vote", async () => {
    const { options } = setup();
    const script = { app_v2: fail(vote("app_v2")), app_v1: () => Promise.resolve("the note") };
    await expect(runFailover(listPlanner(attempts(script, [])), options)).resolves.toMatchObject({
      value: "the note",
    });
  });

  it("isInconclusiveAnswer: empty payloads and inner failures only", () => {
    expect(isInconclusiveAnswer(innerFailure("app_v2")())).toBe(true);
    expect(isInconclusiveAnswer(new UpstreamError("e", { emptyPayload: true }))).toBe(true);
    expect(isInconclusiveAnswer(new UpstreamError("502", { httpStatus: 502 }))).toBe(false);
    expect(isInconclusiveAnswer(new TimeoutError("slow"))).toBe(false);
    expect(isInconclusiveAnswer(vote("app_v1")())).toBe(false);
  });
});

describe("a vote from the only series that can be asked", () => {
  it("is confirmed by the same series in the second round (2 calls, one pause)", async () => {
    const { fake, options } = setup();
    const log: string[] = [];
    const pending = runFailoverRounds(() => listPlanner(attempts({ app_v2: fail(vote("app_v2")) }, log)), options);
    const settled = pending.catch((e: unknown) => e);
    await fake.runAll();
    const error = await settled;
    expect(error).toBeInstanceOf(NotFoundError);
    expect((error as Error).message).toMatch(/said twice by app_v2/);
    expect(log).toEqual(["app_v2", "app_v2"]);
  });

  it("a real answer in the second round wins (the first vote was a passing fault)", async () => {
    const { fake, options } = setup();
    let calls = 0;
    const flaky = () => (++calls === 1 ? Promise.reject(vote("app_v2")()) : Promise.resolve("the topic"));
    const pending = runFailoverRounds(() => listPlanner(attempts({ app_v2: flaky }, [])), options);
    await fake.runAll();
    await expect(pending).resolves.toMatchObject({ value: "the topic" });
  });

  it("with a single round allowed the vote is not confirmed: AllSeriesFailedError", async () => {
    const { options } = setup();
    const error = await runFailoverRounds(() => listPlanner(attempts({ app_v2: fail(vote("app_v2")) }, [])), {
      ...options,
      rounds: 1,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AllSeriesFailedError);
  });
});

describe("interpretPage: which inner failures are votes", () => {
  const failure = (msg: string) => ({ code: 200, data: { code: -1, success: false, msg, data: null } });
  const interpret = (name: string) =>
    interpretPage(endpoint(name), { normalizers: (n) => normalizerFor(n) })(failure("服务异常"), {
      fetchedAt: "2026-01-01T00:00:00.000Z",
      params: {},
    });

  it("App V2 topic info's 服务异常 is a not-found vote (no other series serves topics)", () => {
    const error = (() => {
      try {
        interpret("app_v2/get_topic_info");
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(NotFoundAnswer);
    expect((error as NotFoundAnswer).explicit).toBe(false);
  });

  it.each(["app_v2/get_image_note_detail", "app_v2/get_user_info", "app/get_note_info"])(
    "%s: 服务异常 is an inconclusive inner failure, not a vote (another series can answer)",
    (name) => {
      const error = (() => {
        try {
          interpret(name);
        } catch (e) {
          return e;
        }
      })();
      expect(error).toBeInstanceOf(InnerFailureAnswer);
      expect(isInconclusiveAnswer(error)).toBe(true);
    },
  );
});
