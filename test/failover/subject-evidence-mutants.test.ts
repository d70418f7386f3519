/**
 * SubjectEvidence on its own (src/failover/subject-evidence.ts): what an empty or "not found" first page is
 * worth for each kind of list, and that the subject's own record is asked once, its failures read as
 * "cannot tell" unless fatal. The walks in list-walker tests reach only some of these branches.
 */
import { describe, expect, it } from "vitest";
import type { EndpointSpec } from "../../src/catalog/types.js";
import { AuthError, UpstreamError } from "../../src/core/errors.js";
import type { Series } from "../../src/core/vocabulary.js";
import { type EmptyEvidence, EmptyPageAnswer, NotFoundAnswer } from "../../src/failover/answer-verdicts.js";
import type { ListDefinition } from "../../src/failover/list-definition.js";
import { SubjectEvidence } from "../../src/failover/subject-evidence.js";
import type { NormalizedItem } from "../../src/series/types.js";

const endpoint = { name: "some/list" } as EndpointSpec;

function def(series: Series[], extra: Partial<ListDefinition<NormalizedItem>> = {}): ListDefinition<NormalizedItem> {
  return {
    capability: "note_comments",
    key: "k",
    subject: "the comments of note 64f",
    routes: series.map((s) => ({ series: s, endpoint, params: {}, degradedReasons: [] })),
    ordering: "stable",
    idOf: (item) => String(item),
    ...extra,
  } as ListDefinition<NormalizedItem>;
}

const THREE: Series[] = ["app_v1", "app_v2", "web_v3"];
const empty = (evidence: EmptyEvidence) => new EmptyPageAnswer("empty page", evidence);
const bare = empty({ reportedCount: null, namesSubject: null });
const hiddenVote = () => new NotFoundAnswer("not found", false, "当前笔记暂时无法浏览");
const explicitVote = () => new NotFoundAnswer("not found", true, "笔记不存在");

/** An ask that counts its calls and answers (or throws) what it is given. */
function asker(answer: boolean | null | Error) {
  const ask = async () => {
    ask.calls += 1;
    if (answer instanceof Error) throw answer;
    return answer;
  };
  ask.calls = 0;
  return ask;
}

describe("SubjectEvidence.emptiesNeeded", () => {
  it("two when a genuine empty answer names its subject, else every series (at least two)", () => {
    expect(new SubjectEvidence(def(THREE, { emptyNamesSubject: true })).emptiesNeeded()).toBe(2);
    expect(new SubjectEvidence(def(THREE, { emptyNamesSubject: false })).emptiesNeeded()).toBe(3);
    expect(new SubjectEvidence(def(THREE)).emptiesNeeded()).toBe(3);
    expect(new SubjectEvidence(def(["app_v2"])).emptiesNeeded()).toBe(2);
  });

  it("two while the subject's record may tell, every series once it could not", async () => {
    const evidence = new SubjectEvidence(def(THREE, { askHasItems: asker(new UpstreamError("record timed out")) }));
    expect(evidence.emptiesNeeded()).toBe(2);
    expect(await evidence.saysItems()).toBe(false);
    expect(evidence.emptiesNeeded()).toBe(3);
  });
});

describe("SubjectEvidence.confirmsKnownEmptiness", () => {
  const knownEmpty = def(THREE, { expectsNone: () => true });

  it("one empty answer is enough when the subject was known empty and the answer looks genuine", () => {
    const evidence = new SubjectEvidence(knownEmpty);
    expect(evidence.confirmsKnownEmptiness(empty({ reportedCount: null, namesSubject: true }))).toBe(true);
    expect(evidence.confirmsKnownEmptiness(empty({ reportedCount: 0, namesSubject: null }))).toBe(true);
    expect(evidence.confirmsKnownEmptiness(empty({ reportedCount: 0, namesSubject: false }))).toBe(true);
  });

  it("is not, for a bare empty payload, a count above 0, or another error", () => {
    const evidence = new SubjectEvidence(knownEmpty);
    expect(evidence.confirmsKnownEmptiness(bare)).toBe(false);
    expect(evidence.confirmsKnownEmptiness(empty({ reportedCount: 3, namesSubject: false }))).toBe(false);
    expect(evidence.confirmsKnownEmptiness(new UpstreamError("empty payload", { emptyPayload: true }))).toBe(false);
  });

  it("is not, when the subject was not known empty", () => {
    const genuine = empty({ reportedCount: 0, namesSubject: true });
    expect(new SubjectEvidence(def(THREE)).confirmsKnownEmptiness(genuine)).toBe(false);
    expect(new SubjectEvidence(def(THREE, { expectsNone: () => false })).confirmsKnownEmptiness(genuine)).toBe(false);
  });
});

describe("SubjectEvidence.countsTowardEmpty", () => {
  it("counts empty answers that say nothing against emptiness", () => {
    const evidence = new SubjectEvidence(def(THREE));
    expect(evidence.countsTowardEmpty(bare)).toBe(true);
    expect(evidence.countsTowardEmpty(empty({ reportedCount: 0, namesSubject: false }))).toBe(true);
    expect(evidence.countsTowardEmpty(new UpstreamError("empty payload", { emptyPayload: true }))).toBe(true);
  });

  it("does not count an answer that reports items, nor any answer for a subject known to have items", () => {
    expect(new SubjectEvidence(def(THREE)).countsTowardEmpty(empty({ reportedCount: 1, namesSubject: true }))).toBe(
      false,
    );
    expect(new SubjectEvidence(def(THREE, { expectsItems: () => true })).countsTowardEmpty(bare)).toBe(false);
    expect(new SubjectEvidence(def(THREE, { expectsItems: () => false })).countsTowardEmpty(bare)).toBe(true);
  });

  it("does not count empty answers once the subject's record said it has items", async () => {
    const evidence = new SubjectEvidence(def(THREE, { askHasItems: asker(true) }));
    expect(evidence.countsTowardEmpty(bare)).toBe(true);
    expect(await evidence.saysItems()).toBe(true);
    expect(evidence.countsTowardEmpty(bare)).toBe(false);
  });

  it("counts it again when the record said none", async () => {
    const evidence = new SubjectEvidence(def(THREE, { askHasItems: asker(false) }));
    expect(await evidence.saysItems()).toBe(false);
    expect(evidence.countsTowardEmpty(bare)).toBe(true);
  });

  it("where a genuine empty answer names its subject, one that does not is no evidence", () => {
    const namesIt = new SubjectEvidence(def(THREE, { emptyNamesSubject: true }));
    expect(namesIt.countsTowardEmpty(empty({ reportedCount: null, namesSubject: false }))).toBe(false);
    expect(namesIt.countsTowardEmpty(empty({ reportedCount: null, namesSubject: true }))).toBe(true);
    expect(namesIt.countsTowardEmpty(empty({ reportedCount: null, namesSubject: null }))).toBe(true);
    const doesNot = new SubjectEvidence(def(THREE));
    expect(doesNot.countsTowardEmpty(empty({ reportedCount: null, namesSubject: false }))).toBe(true);
  });
});

describe("SubjectEvidence.saysItems", () => {
  it("is false without a record to ask", async () => {
    expect(await new SubjectEvidence(def(THREE)).saysItems()).toBe(false);
  });

  it("asks the record once, whatever it said", async () => {
    for (const answer of [true, false, null, new UpstreamError("record failed")]) {
      const ask = asker(answer);
      const evidence = new SubjectEvidence(def(THREE, { askHasItems: ask }));
      const first = await evidence.saysItems();
      expect(await evidence.saysItems()).toBe(first);
      expect(first).toBe(answer === true);
      expect(ask.calls).toBe(1);
    }
  });

  it("reads any non-fatal failure as cannot tell, and lets a fatal one through", async () => {
    const plain = new SubjectEvidence(def(THREE, { askHasItems: asker(new Error("socket hang up")) }));
    expect(await plain.saysItems()).toBe(false);
    const fatal = new SubjectEvidence(def(THREE, { askHasItems: asker(new AuthError("bad key")) }));
    await expect(fatal.saysItems()).rejects.toBeInstanceOf(AuthError);
  });
});

describe("SubjectEvidence.stillExists", () => {
  it("asks the subject's record only when every vote may be a hidden thing, and only once", async () => {
    const ask = asker(true);
    const evidence = new SubjectEvidence(def(THREE, { askExists: ask }));
    expect(await evidence.stillExists([])).toBe(false);
    expect(await evidence.stillExists([hiddenVote(), explicitVote()])).toBe(false);
    expect(await evidence.stillExists([explicitVote(), hiddenVote()])).toBe(false);
    expect(await evidence.stillExists([hiddenVote(), undefined])).toBe(false);
    expect(ask.calls).toBe(0);
    expect(await evidence.stillExists([hiddenVote(), hiddenVote()])).toBe(true);
    expect(await evidence.stillExists([hiddenVote()])).toBe(true);
    expect(ask.calls).toBe(1);
  });

  it("is false without a record to ask, or when it says gone or cannot tell", async () => {
    expect(await new SubjectEvidence(def(THREE)).stillExists([hiddenVote()])).toBe(false);
    for (const answer of [false, null, new UpstreamError("record failed"), new Error("socket hang up")]) {
      const ask = asker(answer);
      const evidence = new SubjectEvidence(def(THREE, { askExists: ask }));
      expect(await evidence.stillExists([hiddenVote()])).toBe(false);
      expect(await evidence.stillExists([hiddenVote()])).toBe(false);
      expect(ask.calls).toBe(1);
    }
  });

  it("lets a fatal failure of the record through", async () => {
    const evidence = new SubjectEvidence(def(THREE, { askExists: asker(new AuthError("bad key")) }));
    await expect(evidence.stillExists([hiddenVote()])).rejects.toBeInstanceOf(AuthError);
  });
});
