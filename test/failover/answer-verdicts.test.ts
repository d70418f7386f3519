/**
 * The failover verdicts of src/failover/answer-verdicts.ts, through its exported functions: which upstream answers
 * are not-found votes (explicit or to be confirmed), which are inconclusive, what an empty answer says about
 * its subject (its evidence), what an empty-payload message may show, and when one vote is not contradicted.
 * Issue #17 (mutation survivors 2, 3, 10, 14 of the December list).
 */
import { describe, expect, it } from "vitest";
import { endpoint } from "../../src/catalog/endpoints.js";
import { NotFoundError, TimeoutError, UpstreamError, WrongItemError, type XhsError } from "../../src/core/errors.js";
import type { Series } from "../../src/core/vocabulary.js";
import {
  EmptyPageAnswer,
  emptyPayloadError,
  InnerFailureAnswer,
  interpretPage,
  isEmptyPayload,
  isInconclusiveAnswer,
  mayBeHiddenNotGone,
  NotFoundAnswer,
  readEmptyEvidence,
  uncontradictedNotFound,
  wrongItemError,
} from "../../src/failover/answer-verdicts.js";
import type { NormalizerLookup } from "../../src/failover/port.js";
import { normalizerFor } from "../../src/series/normalize.js";
import type { AnswerStatus, NormalizedItem } from "../../src/series/types.js";
import { comment } from "./fakes.js";

const aComment = (id: string) => comment(id, "n1");

const META = { fetchedAt: "2026-01-01T00:00:00.000Z", params: {} as Record<string, string> };
const real: NormalizerLookup = (name) => normalizerFor(name);

/** Runs `fn` and returns what it threw (fails the test when it returns). */
function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error("expected a throw");
}

/** A TikHub envelope around an inner failure with this message, as the series answer it. */
const innerFailure = (msg: string) => ({ code: 200, data: { code: -1, success: false, msg, data: null } });

const interpretRaw = (name: string, raw: unknown, params: Record<string, string> = {}) =>
  interpretPage(endpoint(name), { normalizers: real })(raw, { ...META, params });

/** A normalizer lookup answering one fixed page, whatever the raw answer. */
function fixedPage(
  items: NormalizedItem[],
  status: AnswerStatus = { ok: true },
  seen: { drift?: (path: string) => void; hasDrift?: boolean } = {},
): NormalizerLookup {
  return () => (_raw, context) => {
    seen.hasDrift = context.onDrift !== undefined;
    context.onDrift?.("data.data.comments[0].user");
    return { items, hasMore: true, next: { cursor: "c2" }, status };
  };
}

describe("interpretPage: messages that say the thing does not exist", () => {
  it.each([
    ["笔记不存在", "app/get_note_info"],
    ["该笔记已删除", "app_v2/get_image_note_detail"],
    ["笔记已被删除", "web_v3/fetch_note_detail"],
    ["内容被删除了", "app/get_note_info"],
    ["用户已注销", "app_v2/get_user_info"],
    ["Note does not exist", "web_v3/fetch_note_detail"],
    ["item not exist", "app/get_note_info"],
    ["this note was DELETED", "app_v2/get_image_note_detail"],
    ["Not Found", "app/get_note_info"],
  ])("%s (%s): an explicit vote carrying the upstream message", (message, name) => {
    const error = thrown(() => interpretRaw(name, innerFailure(message)));
    expect(error).toBeInstanceOf(NotFoundAnswer);
    const vote = error as NotFoundAnswer;
    expect(vote.explicit).toBe(true);
    expect(vote.upstreamMessage).toBe(message);
    expect(vote.message).toBe(`${name} says it is not found: ${message}`);
    expect(vote.endpoint).toBe(name);
    expect(vote.series).toBe(endpoint(name).series);
  });

  it.each([
    "笔记不存在",
    "该笔记已删除",
    "笔记已被删除",
    "内容被删除了",
    "用户已注销",
    "账号注销",
    "Note does not exist",
    "item not exist",
    "this note was DELETED",
    "Not Found",
  ])("%s is explicit by its words alone, when the normalizer did not flag it", (message) => {
    const normalizers = fixedPage([], { ok: false, reason: "inner_failure", message, notFound: false });
    const error = thrown(() => interpretPage(endpoint("app/get_note_info"), { normalizers })({}, META));
    expect(error).toBeInstanceOf(NotFoundAnswer);
    expect((error as NotFoundAnswer).explicit).toBe(true);
    expect((error as NotFoundAnswer).upstreamMessage).toBe(message);
  });

  it("a not-found flag from the normalizer without any message is explicit too (no dangling colon)", () => {
    const normalizers = fixedPage([], { ok: false, reason: "inner_failure", message: null, notFound: true });
    const error = thrown(() => interpretPage(endpoint("app/get_note_info"), { normalizers })({}, META));
    expect(error).toBeInstanceOf(NotFoundAnswer);
    expect((error as NotFoundAnswer).explicit).toBe(true);
    expect((error as NotFoundAnswer).upstreamMessage).toBeNull();
    expect((error as Error).message).toBe("app/get_note_info says it is not found");
  });

  it("a not-found flag from the normalizer on a message that does not say so is still explicit", () => {
    const normalizers = fixedPage([], { ok: false, reason: "inner_failure", message: "code -510000", notFound: true });
    const error = thrown(() => interpretPage(endpoint("app/get_note_info"), { normalizers })({}, META));
    expect((error as NotFoundAnswer).explicit).toBe(true);
  });
});

describe("interpretPage: messages that suggest it (a second series must agree)", () => {
  it.each([
    ["当前笔记暂时无法浏览", "web_v3/fetch_note_detail"],
    ["笔记状态异常，请稍后查看", "app/get_note_info"],
    ["该内容无法查看", "app_v2/get_image_note_detail"],
    ["content NOT AVAILABLE", "app_v2/get_user_info"],
  ])("%s (%s): a vote that is not explicit", (message, name) => {
    const error = thrown(() => interpretRaw(name, innerFailure(message)));
    expect(error).toBeInstanceOf(NotFoundAnswer);
    expect((error as NotFoundAnswer).explicit).toBe(false);
    expect((error as NotFoundAnswer).upstreamMessage).toBe(message);
    expect(isInconclusiveAnswer(error)).toBe(false);
  });

  it.each(["当前笔记暂时无法浏览", "笔记状态异常", "无法查看", "Not Available"])(
    "%s is a vote that is not explicit on any series",
    (message) => {
      const normalizers = fixedPage([], { ok: false, reason: "inner_failure", message, notFound: false });
      for (const name of ["app/get_note_info", "web_v3/fetch_user_info", "app_v2/get_topic_info"]) {
        const error = thrown(() => interpretPage(endpoint(name), { normalizers })({}, META));
        expect(error).toBeInstanceOf(NotFoundAnswer);
        expect((error as NotFoundAnswer).explicit).toBe(false);
      }
    },
  );
});

describe("interpretPage: inner failures that say nothing either way", () => {
  it.each([
    ["服务异常", "app_v2/get_image_note_detail"],
    ["服务异常", "app_v2/get_user_info"],
    ["服务异常", "app/get_note_info"],
    ["请求过于频繁", "web_v3/fetch_note_detail"],
    ["服务异常", "app_v2/get_topic_feed"],
  ])("%s (%s): an inner failure, not a vote, with the upstream message kept", (message, name) => {
    const error = thrown(() => interpretRaw(name, innerFailure(message)));
    expect(error).toBeInstanceOf(InnerFailureAnswer);
    expect(error).not.toBeInstanceOf(NotFoundError);
    const failure = error as InnerFailureAnswer;
    expect(failure.message).toBe(`${name} answered 200 with an inner failure: ${message}`);
    expect(failure.upstreamMessage).toBe(message);
    expect(failure.endpoint).toBe(name);
    expect(failure.series).toBe(endpoint(name).series);
    expect(isInconclusiveAnswer(error)).toBe(true);
  });

  it("App V2 topic info's 服务异常 is a vote, not explicit", () => {
    const error = thrown(() => interpretRaw("app_v2/get_topic_info", innerFailure("服务异常")));
    expect(error).toBeInstanceOf(NotFoundAnswer);
    expect((error as NotFoundAnswer).explicit).toBe(false);
  });

  it("服务异常 is a topic vote on App V2 only: a series that gained topic info would need a clearer answer", () => {
    const otherSeries = { ...endpoint("app_v2/get_topic_info"), name: "app/get_topic_info", series: "app_v1" as const };
    const normalizers = fixedPage([], { ok: false, reason: "inner_failure", message: "服务异常", notFound: false });
    const error = thrown(() => interpretPage(otherSeries, { normalizers })({}, META));
    expect(error).toBeInstanceOf(InnerFailureAnswer);
  });

  it("an inner failure without a message: no vote, no dangling colon, no upstream message", () => {
    const normalizers = fixedPage([], { ok: false, reason: "inner_failure", message: null, notFound: false });
    for (const name of ["app_v2/get_topic_info", "app/get_note_info"]) {
      const error = thrown(() => interpretPage(endpoint(name), { normalizers })({}, META));
      expect(error).toBeInstanceOf(InnerFailureAnswer);
      expect((error as Error).message).toBe(`${name} answered 200 with an inner failure`);
      expect((error as InnerFailureAnswer).upstreamMessage).toBeUndefined();
    }
  });

  it("inner failures on two series are no not-found vote between them (survivor 2)", () => {
    const errors = ["app_v2/get_image_note_detail", "app/get_note_info"].map((name) =>
      thrown(() => interpretRaw(name, innerFailure("服务异常"))),
    );
    const last = new Map<Series, XhsError>(errors.map((e) => [(e as XhsError).series as Series, e as XhsError]));
    expect(uncontradictedNotFound("note n1", new Set(), last)).toBeNull();
    expect(errors.every((e) => !(e instanceof NotFoundError))).toBe(true);
  });
});

describe("interpretPage: empty answers", () => {
  it("an empty page is thrown with the capability and the parameters, never a token (survivor 14)", () => {
    const token = "ABsecretTokenValue=";
    const raw = { code: 200, data: { code: 0, success: true, data: { comments: [], has_more: false } } };
    const error = thrown(() =>
      interpretRaw("app_v2/get_note_comments", raw, { note_id: "a".repeat(24), xsec_token: token, cursor: "" }),
    );
    expect(error).toBeInstanceOf(EmptyPageAnswer);
    expect(isEmptyPayload(error)).toBe(true);
    expect(isInconclusiveAnswer(error)).toBe(true);
    const message = (error as Error).message;
    expect(message).toBe(
      `app_v2/get_note_comments answered 200 with an empty payload for comments (note_id=${"a".repeat(24)})`,
    );
    expect(message).not.toContain(token);
    expect((error as EmptyPageAnswer).endpoint).toBe("app_v2/get_note_comments");
    expect((error as EmptyPageAnswer).series).toBe("app_v2");
  });

  it("every token-named parameter is left out, whatever its case; other parameters are kept in order", () => {
    const normalizers = fixedPage([], { ok: false, reason: "empty" });
    const params = { keyword: "猫", XSEC_TOKEN: "t1", page: "2", xsecToken: "t2", sort: "general" };
    const error = thrown(() =>
      interpretPage(endpoint("app_v2/search_notes"), { normalizers })({}, { ...META, params }),
    );
    expect((error as Error).message).toMatch(/\(keyword=猫, page=2, sort=general\)$/);
  });

  it("a value over 40 characters is cut to 37 and an ellipsis; 40 characters are kept whole", () => {
    const normalizers = fixedPage([], { ok: false, reason: "empty" });
    const forty = "k".repeat(40);
    const long = `${"x".repeat(37)}yyyy`;
    const error = thrown(() =>
      interpretPage(endpoint("app_v2/search_notes"), { normalizers })({}, { ...META, params: { a: forty, b: long } }),
    );
    expect((error as Error).message).toContain(`(a=${forty}, b=${"x".repeat(37)}…)`);
  });

  it("a page without items counts as empty even when its status says ok, and the check is not asked", () => {
    let checked = 0;
    const error = thrown(() =>
      interpretPage(endpoint("app_v2/get_note_comments"), {
        normalizers: fixedPage([]),
        check: () => {
          checked++;
        },
      })({}, META),
    );
    expect(error).toBeInstanceOf(EmptyPageAnswer);
    expect(checked).toBe(0);
  });

  it("a page with items whose status says empty is empty too", () => {
    const error = thrown(() =>
      interpretPage(endpoint("app_v2/get_note_comments"), {
        normalizers: fixedPage([aComment("c1")], { ok: false, reason: "empty" }),
      })({}, META),
    );
    expect(error).toBeInstanceOf(EmptyPageAnswer);
  });

  it("the evidence is read from the raw answer: the note's count and its author", () => {
    const raw = {
      code: 200,
      data: { code: 0, data: { comments: [], has_more: false, comment_count: 12, user_id: "5f00aa" } },
    };
    const error = thrown(() =>
      interpretPage(endpoint("app_v2/get_note_comments"), { normalizers: fixedPage([]) })(raw, META),
    );
    expect((error as EmptyPageAnswer).evidence).toEqual({ reportedCount: 12, namesSubject: true });
  });
});

describe("interpretPage: answers", () => {
  it("returns the page with the endpoint, series and parameters, and the raw answer only when asked", () => {
    const items = [aComment("c1"), aComment("c2")];
    const raw = { any: "thing" };
    const params = { note_id: "n1" };
    const page = interpretPage(endpoint("app/get_note_comments"), { normalizers: fixedPage(items) })(raw, {
      ...META,
      params,
    });
    expect(page).toEqual({
      endpoint: "app/get_note_comments",
      series: "app_v1",
      items,
      hasMore: true,
      next: { cursor: "c2" },
      empty: false,
      params,
    });
    expect("raw" in page).toBe(false);
    const kept = interpretPage(endpoint("app/get_note_comments"), { normalizers: fixedPage(items), keepRaw: true })(
      raw,
      META,
    );
    expect(kept.raw).toBe(raw);
  });

  it("the check sees the items and the meta, and its error goes up", () => {
    const items = [aComment("c1")];
    const seen: unknown[] = [];
    const check = (got: NormalizedItem[], meta: unknown) => {
      seen.push(got, meta);
      throw new WrongItemError("not the note asked");
    };
    const error = thrown(() =>
      interpretPage(endpoint("app/get_note_comments"), { normalizers: fixedPage(items), check })({}, META),
    );
    expect(error).toBeInstanceOf(WrongItemError);
    expect(seen).toEqual([items, META]);
  });

  it("shape drift is reported with the endpoint's name; without a sink the normalizer gets none", () => {
    const drift: string[] = [];
    const seen: { hasDrift?: boolean } = {};
    interpretPage(endpoint("app/get_note_comments"), {
      normalizers: fixedPage([aComment("c1")], { ok: true }, seen),
      onDrift: (name, path) => drift.push(`${name} ${path}`),
    })({}, META);
    expect(drift).toEqual(["app/get_note_comments data.data.comments[0].user"]);
    expect(seen.hasDrift).toBe(true);
    interpretPage(endpoint("app/get_note_comments"), { normalizers: fixedPage([aComment("c1")], { ok: true }, seen) })(
      {},
      META,
    );
    expect(seen.hasDrift).toBe(false);
  });
});

describe("readEmptyEvidence (survivor 3: an empty page that says the note has comments)", () => {
  const wrap = (payload: unknown) => ({ code: 200, data: { code: 0, data: payload } });

  it.each([
    [{ comment_count: 12 }, 12],
    [{ commentCount: 3 }, 3],
    [{ comments_count: 5 }, 5],
    [{ comment_count_l1: 7 }, 7],
    [{ comment_count: "42" }, 42],
    [{ comment_count: " 8 " }, 8],
    [{ comment_count: 0 }, 0],
    [{ comment_count: "0" }, 0],
  ])("%j: reports %s comments", (payload, count) => {
    expect(readEmptyEvidence(wrap(payload)).reportedCount).toBe(count);
  });

  it.each([
    [{}],
    [{ comment_count: 1.5 }],
    [{ comment_count: "12 条" }],
    [{ comment_count: "约12" }],
    [{ comment_count: "" }],
    [{ comment_count: "-3" }],
    [{ comment_count: null }],
    [{ comment_count: true }],
  ])("%j: no count", (payload) => {
    expect(readEmptyEvidence(wrap(payload)).reportedCount).toBeNull();
  });

  it("the first readable key wins, in the order comment_count, commentCount, comments_count, comment_count_l1", () => {
    expect(readEmptyEvidence(wrap({ comment_count: 1, commentCount: 2 })).reportedCount).toBe(1);
    expect(readEmptyEvidence(wrap({ comment_count: "x", commentCount: 2 })).reportedCount).toBe(2);
    expect(readEmptyEvidence(wrap({ comment_count: 2.5, comments_count: 4 })).reportedCount).toBe(4);
    expect(readEmptyEvidence(wrap({ comments_count: 4, comment_count_l1: 9 })).reportedCount).toBe(4);
  });

  it.each([
    [{ user_id: "5f00aa" }, true],
    [{ userId: "5f00aa" }, true],
    [{ user_id: "" }, false],
    [{ user_id: "   " }, false],
    [{ user_id: 12345 }, false],
    [{}, false],
  ])("%j: names its subject: %s", (payload, names) => {
    expect(readEmptyEvidence(wrap(payload)).namesSubject).toBe(names);
  });

  it("user_id is read before userId", () => {
    expect(readEmptyEvidence(wrap({ user_id: "", userId: "5f00aa" })).namesSubject).toBe(false);
  });

  it.each([
    ["no envelope", undefined],
    ["a string", "oops"],
    ["an array envelope", [wrap({ comment_count: 3, user_id: "u" })]],
    ["no wrapper", { code: 200 }],
    ["a wrapper that is an array", { code: 200, data: [{ data: { comment_count: 3 } }] }],
    ["a null wrapper", { code: 200, data: null }],
    ["a payload that is an array", wrap([{ comment_count: 3, user_id: "u" }])],
    ["a null payload", wrap(null)],
    ["a string payload", wrap("{}")],
  ])("%s: nothing concluded (both null)", (_name, raw) => {
    expect(readEmptyEvidence(raw)).toEqual({ reportedCount: null, namesSubject: null });
  });
});

describe("uncontradictedNotFound", () => {
  const vote = (series: Series) =>
    new NotFoundAnswer("gone?", false, "笔记状态异常", {
      series,
      endpoint: `${series}/detail`,
      httpStatus: 200,
      requestId: `req-${series}`,
    });
  const inner = (series?: Series) =>
    new InnerFailureAnswer("服务异常", { ...(series ? { series } : {}), upstreamMessage: "服务异常" });
  const DETAIL: Record<Series, string> = {
    app_v2: "app_v2/get_image_note_detail",
    app_v1: "app/get_note_info",
    web_v3: "web_v3/fetch_note_detail",
  };
  const empty = (series: Series) => emptyPayloadError(endpoint(DETAIL[series]), "note n1");

  it("one vote, the other series inconclusive: not found, with the vote's context and cause", () => {
    const v = vote("app_v1");
    const last = new Map<Series, XhsError>([
      ["app_v2", inner("app_v2")],
      ["app_v1", v],
      ["web_v3", empty("web_v3")],
    ]);
    const error = uncontradictedNotFound("note n1", new Set<Series>(["app_v1"]), last);
    expect(error).toBeInstanceOf(NotFoundError);
    expect(error?.message).toBe("note n1: not found (said by app_v1; app_v2 and web_v3 answered nothing either way)");
    expect(error?.endpoint).toBe("app_v1/detail");
    expect(error?.series).toBe("app_v1");
    expect(error?.httpStatus).toBe(200);
    expect(error?.requestId).toBe("req-app_v1");
    expect(error?.cause).toBe(v);
  });

  it("two votes name both; the context is the first vote's that is a not-found error", () => {
    const last = new Map<Series, XhsError>([
      ["app_v2", new TimeoutError("slow", { series: "app_v2" })],
      ["app_v1", vote("app_v1")],
      ["web_v3", inner("web_v3")],
    ]);
    const error = uncontradictedNotFound("note n1", new Set<Series>(["app_v2", "app_v1"]), last);
    expect(error?.message).toBe("note n1: not found (said by app_v2 and app_v1; web_v3 answered nothing either way)");
    expect(error?.series).toBe("app_v1");
  });

  it("voters whose last error is no longer a vote: still not found, with no vote's context", () => {
    const last = new Map<Series, XhsError>([
      ["app_v1", new UpstreamError("502", { series: "app_v1", httpStatus: 502 })],
      ["app_v2", inner("app_v2")],
    ]);
    const error = uncontradictedNotFound("note n1", new Set<Series>(["app_v1"]), last);
    expect(error).toBeInstanceOf(NotFoundError);
    expect([error?.endpoint, error?.series, error?.httpStatus, error?.requestId, error?.cause]).toEqual([
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
  });

  it("a series whose error names none is shown as ?", () => {
    const last = new Map<Series, XhsError>([
      ["app_v2", inner()],
      ["app_v1", vote("app_v1")],
    ]);
    expect(uncontradictedNotFound("user u1", new Set<Series>(["app_v1"]), last)?.message).toBe(
      "user u1: not found (said by app_v1; ? answered nothing either way)",
    );
  });

  it("no vote, no other series asked, or another series failing otherwise: null", () => {
    const both = new Map<Series, XhsError>([
      ["app_v2", inner("app_v2")],
      ["app_v1", vote("app_v1")],
    ]);
    expect(uncontradictedNotFound("note n1", new Set(), both)).toBeNull();
    expect(
      uncontradictedNotFound("note n1", new Set<Series>(["app_v1"]), new Map([["app_v1", vote("app_v1")]])),
    ).toBeNull();
    for (const other of [
      new TimeoutError("slow", { series: "app_v2" }),
      new UpstreamError("502", { series: "app_v2", httpStatus: 502 }),
      new WrongItemError("other note", { series: "app_v2" }),
    ]) {
      const last = new Map<Series, XhsError>([
        ["app_v2", other],
        ["app_v1", vote("app_v1")],
        ["web_v3", inner("web_v3")],
      ]);
      expect(uncontradictedNotFound("note n1", new Set<Series>(["app_v1"]), last)).toBeNull();
    }
  });
});

describe("mayBeHiddenNotGone: a vote a live note hidden from the web also gets", () => {
  it("Web V3's 暂时无法浏览, as interpretPage makes it, is one", () => {
    const error = thrown(() => interpretRaw("web_v3/fetch_note_detail", innerFailure("当前笔记暂时无法浏览")));
    expect(mayBeHiddenNotGone(error as XhsError)).toBe(true);
  });

  it("an explicit vote, another suggested message, a vote without a message or any other error is not", () => {
    const hidden = "当前笔记暂时无法浏览";
    expect(mayBeHiddenNotGone(new NotFoundAnswer("gone", true, hidden))).toBe(false);
    expect(mayBeHiddenNotGone(new NotFoundAnswer("gone?", false, "笔记状态异常"))).toBe(false);
    expect(mayBeHiddenNotGone(new NotFoundAnswer("gone?", false, null))).toBe(false);
    expect(mayBeHiddenNotGone(new NotFoundError(hidden))).toBe(false);
    expect(mayBeHiddenNotGone(new InnerFailureAnswer(hidden, { upstreamMessage: hidden }))).toBe(false);
    expect(mayBeHiddenNotGone(undefined)).toBe(false);
  });
});

describe("small verdict helpers", () => {
  it("isEmptyPayload: only an upstream error flagged as an empty payload", () => {
    expect(isEmptyPayload(emptyPayloadError(endpoint("app/get_note_info"), "note n1"))).toBe(true);
    expect(isEmptyPayload(new UpstreamError("502", { httpStatus: 502 }))).toBe(false);
    expect(isEmptyPayload({ emptyPayload: true })).toBe(false);
    expect(isEmptyPayload(null)).toBe(false);
    expect(isInconclusiveAnswer(new Error("x"))).toBe(false);
  });

  it("emptyPayloadError and wrongItemError name the endpoint and series", () => {
    const empty = emptyPayloadError(endpoint("app/get_note_info"), "note n1");
    expect(empty.message).toBe("app/get_note_info answered 200 with an empty payload for note n1");
    expect([empty.endpoint, empty.series, empty.emptyPayload]).toEqual(["app/get_note_info", "app_v1", true]);
    const wrong = wrongItemError(endpoint("web_v3/fetch_note_detail"), "asked n1, got n2");
    expect(wrong).toBeInstanceOf(WrongItemError);
    expect(wrong.message).toBe("web_v3/fetch_note_detail: asked n1, got n2");
    expect([wrong.endpoint, wrong.series]).toEqual(["web_v3/fetch_note_detail", "web_v3"]);
  });
});
