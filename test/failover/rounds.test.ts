/**
 * What records and lists share (src/failover/rounds.ts): the verdict over the failures met, the breaker
 * accounting of one attempt, and the round loop. Both runFailover and the list walker use these, so these
 * tests pin the rules once for both.
 */
import { describe, expect, it } from "vitest";
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
import { NotFoundAnswer } from "../../src/failover/answer-verdicts.js";
import { HealthBoard } from "../../src/failover/health.js";
import { FailureVerdict, inRounds, settleAttempt } from "../../src/failover/rounds.js";

const vote = (series: Series, explicit = false) =>
  new NotFoundAnswer(`${series} says so`, explicit, "当前笔记暂时无法浏览", { endpoint: `${series}/x`, series });
const fault = (series: Series) => new UpstreamError(`${series} 502`, { httpStatus: 502, series });

describe("FailureVerdict", () => {
  it("one vote that needs confirming settles nothing; a second series' vote does, naming both", () => {
    const verdict = new FailureVerdict("note n1");
    expect(verdict.fail("web_v3", vote("web_v3"))).toBeNull();
    expect(verdict.fail("app_v2", fault("app_v2"))).toBeNull();
    const settled = verdict.fail("app_v1", vote("app_v1"));
    expect(settled).toBeInstanceOf(NotFoundError);
    expect(settled?.message).toBe("note n1: not found (confirmed by web_v3 and app_v1)");
    expect(settled?.series).toBe("app_v1");
    expect(settled?.cause).toBeInstanceOf(NotFoundAnswer);
  });

  it("the same series voting twice is one voter, not a confirmation", () => {
    const verdict = new FailureVerdict("note n1");
    expect(verdict.fail("web_v3", vote("web_v3"))).toBeNull();
    expect(verdict.fail("web_v3", vote("web_v3"))).toBeNull();
  });

  it("an explicit vote, or a plain NotFoundError, settles it alone", () => {
    expect(new FailureVerdict("note n1").fail("app_v2", vote("app_v2", true))?.message).toBe(
      "note n1: not found (said by app_v2)",
    );
    expect(new FailureVerdict("user u1").fail("app_v1", new NotFoundError("gone"))?.message).toBe(
      "user u1: not found (said by app_v1)",
    );
  });

  it("a vote next to answers that said nothing either way is not found; next to a fault it is not", () => {
    const quiet = new FailureVerdict("note n1");
    quiet.fail("app_v1", vote("app_v1"));
    quiet.fail("app_v2", new UpstreamError("empty", { emptyPayload: true, series: "app_v2" }));
    expect(quiet.uncontradictedNotFound()?.message).toMatch(/said by app_v1; app_v2 answered nothing either way/);
    expect(quiet.votes).toEqual([expect.any(NotFoundAnswer)]);
    const contradicted = new FailureVerdict("note n1");
    contradicted.fail("app_v1", vote("app_v1"));
    contradicted.fail("app_v2", fault("app_v2"));
    expect(contradicted.uncontradictedNotFound()).toBeNull();
  });

  it("every series failed: each series' last error, in the order they first failed", () => {
    const verdict = new FailureVerdict("note n1");
    expect(verdict.allFailed().message).toBe("No series could be asked for note n1");
    verdict.fail("app_v2", new TimeoutError("slow", { series: "app_v2" }));
    verdict.fail("app_v1", fault("app_v1"));
    const later = fault("app_v2");
    verdict.fail("app_v2", later);
    const error = verdict.allFailed();
    expect(error).toBeInstanceOf(AllSeriesFailedError);
    expect(error.attempts).toEqual([later, expect.objectContaining({ series: "app_v1" })]);
    expect(error.message).toBe("Every eligible series failed for note n1: app_v2: app_v2 502; app_v1: app_v1 502");
  });
});

describe("settleAttempt", () => {
  const board = () => {
    const fake = createFakeClock();
    return { fake, health: new HealthBoard(fake.clock, { failureThreshold: 1, coolDownMs: 1_000 }) };
  };

  it("a timeout counts against the whole series; a wrong item tells nothing", () => {
    const { health } = board();
    settleAttempt(health.breaker("app_v2", "note"), new WrongItemError("other note"));
    expect(health.state("app_v2", "note")).toBe("closed");
    settleAttempt(health.breaker("app_v2", "note"), new TimeoutError("slow"));
    expect(health.state("app_v2", "comments")).toBe("open");
  });

  it("an answer (no error) closes a half-open breaker; a neutral verdict only frees its probe", async () => {
    const { fake, health } = board();
    settleAttempt(health.breaker("app_v1", "note"), fault("app_v1"));
    await fake.advance(1_000);
    const probe = health.breaker("app_v1", "note");
    probe.begin();
    expect(probe.available).toBe(false);
    settleAttempt(probe, fault("app_v1"), "neutral");
    expect(probe.available).toBe(true);
    expect(probe.state).toBe("half_open");
    settleAttempt(probe, null);
    expect(probe.state).toBe("closed");
  });

  it("a verdict of success closes the breaker even though the attempt was rejected", () => {
    const { health } = board();
    settleAttempt(health.breaker("app_v1", "note"), fault("app_v1"));
    settleAttempt(health.breaker("app_v1", "note"), new WrongItemError("a video note"), "success");
    expect(health.state("app_v1", "note")).toBe("closed");
  });
});

describe("inRounds", () => {
  const allFailed = (...attempts: XhsError[]) => new AllSeriesFailedError("all failed", attempts);

  it("a round of passing faults gets another after the pause; the answer of the second round wins", async () => {
    const fake = createFakeClock();
    let rounds = 0;
    const result = inRounds(
      async () => {
        rounds++;
        if (rounds === 1) throw allFailed(fault("app_v2"), fault("app_v1"));
        return "answer";
      },
      { subject: "note n1", rounds: 3, pauseMs: 1_000, sleep: fake.sleep, confirmSoleVote: true },
    );
    await fake.runAll();
    expect(await result).toBe("answer");
    expect(fake.sleeps).toEqual([1_000]);
  });

  it("without a sleep there is no second round", async () => {
    let rounds = 0;
    const error = await inRounds(
      async () => {
        rounds++;
        throw allFailed(fault("app_v2"));
      },
      { subject: "note n1", rounds: 3, pauseMs: 1_000, confirmSoleVote: true },
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AllSeriesFailedError);
    expect(rounds).toBe(1);
  });

  it("the only series' vote, said twice, is not found when asked for; otherwise the round's error stands", async () => {
    const run = async (confirmSoleVote: boolean) => {
      const fake = createFakeClock();
      let rounds = 0;
      const settled = inRounds(
        async () => {
          rounds++;
          throw allFailed(vote("app_v2"));
        },
        { subject: "topic t1", rounds: 3, pauseMs: 1_000, sleep: fake.sleep, confirmSoleVote },
      ).catch((e: unknown) => e);
      await fake.runAll();
      return { error: await settled, rounds };
    };
    const confirmed = await run(true);
    expect(confirmed.rounds).toBe(2);
    expect(confirmed.error).toBeInstanceOf(NotFoundError);
    expect((confirmed.error as Error).message).toBe(
      "topic t1: not found (said twice by app_v2, the only series asked)",
    );
    const left = await run(false);
    expect(left.rounds).toBe(1);
    expect(left.error).toBeInstanceOf(AllSeriesFailedError);
  });
});
