/**
 * Edges of src/failover/rounds.ts that test/failover/rounds.test.ts leaves open: what a foreign throw becomes,
 * the summary of a failure without a series, a vote that is not the round's only answer, and the context a
 * twice-said sole vote keeps.
 */
import { describe, expect, it } from "vitest";
import type { EndpointSpec } from "../../src/catalog/types.js";
import { createFakeClock } from "../../src/core/clock.js";
import { AllSeriesFailedError, NotFoundError, UpstreamError, type XhsError } from "../../src/core/errors.js";
import { NotFoundAnswer } from "../../src/failover/answer-verdicts.js";
import { FailureVerdict, inRounds, toXhsError } from "../../src/failover/rounds.js";

const at = { endpoint: { name: "app_v2/get_note_info" } as EndpointSpec, series: "app_v2" as const };
const allFailed = (...attempts: XhsError[]) => new AllSeriesFailedError("all failed", attempts);

describe("toXhsError", () => {
  it("wraps a foreign throw as an upstream error of the endpoint, keeping its message and cause", () => {
    const cause = new TypeError("Cannot read properties of undefined");
    const wrapped = toXhsError(cause, at);
    expect(wrapped).toBeInstanceOf(UpstreamError);
    expect(wrapped.message).toBe("app_v2/get_note_info failed: Cannot read properties of undefined");
    expect(wrapped.endpoint).toBe("app_v2/get_note_info");
    expect(wrapped.series).toBe("app_v2");
    expect(wrapped.cause).toBe(cause);
    expect(toXhsError("a string", at).message).toBe("app_v2/get_note_info failed: a string");
  });

  it("leaves an XhsError as it is", () => {
    const own = new NotFoundError("gone", { series: "web_v3" });
    expect(toXhsError(own, at)).toBe(own);
  });
});

describe("FailureVerdict.allFailed", () => {
  it("names a failure without a series with a question mark", () => {
    const verdict = new FailureVerdict("note n1");
    verdict.fail("app_v2", new UpstreamError("502 from somewhere"));
    expect(verdict.allFailed().message).toBe("Every eligible series failed for note n1: ?: 502 from somewhere");
  });
});

describe("inRounds with a not-found vote", () => {
  const vote = new NotFoundAnswer("app_v2 says so", false, "当前笔记暂时无法浏览", {
    endpoint: "app_v2/get_note_info",
    series: "app_v2",
    httpStatus: 200,
    requestId: "rid-7",
  });

  it("a vote beside another series' fault is no sole vote: every round is asked, and the rounds' error stands", async () => {
    const fake = createFakeClock();
    let rounds = 0;
    const settled = inRounds(
      async () => {
        rounds++;
        throw allFailed(vote, new UpstreamError("app_v1 502", { series: "app_v1", httpStatus: 502 }));
      },
      { subject: "note n1", rounds: 3, pauseMs: 1_000, sleep: fake.sleep, confirmSoleVote: true },
    ).catch((e: unknown) => e);
    await fake.runAll();
    const error = await settled;
    expect(error).toBeInstanceOf(AllSeriesFailedError);
    expect(error).not.toBeInstanceOf(NotFoundError);
    expect(rounds).toBe(3);
  });

  it("a sole vote said twice ends as not found with the vote's endpoint, series, status, request id and cause", async () => {
    const fake = createFakeClock();
    const settled = inRounds(
      async () => {
        throw allFailed(vote);
      },
      { subject: "note n1", rounds: 3, pauseMs: 1_000, sleep: fake.sleep, confirmSoleVote: true },
    ).catch((e: unknown) => e);
    await fake.runAll();
    const error = (await settled) as NotFoundError;
    expect(error).toBeInstanceOf(NotFoundError);
    expect(error).toMatchObject({
      endpoint: "app_v2/get_note_info",
      series: "app_v2",
      httpStatus: 200,
      requestId: "rid-7",
    });
    expect(error.cause).toBe(vote);
  });
});
