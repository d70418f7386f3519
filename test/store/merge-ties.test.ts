/**
 * Which of two records is "newer" in the merge rules (src/store/merge.ts): the later fetchedAt, and on a tie
 * the one whose content sorts last. Symmetry alone (either write order stores the same record) holds whichever
 * record a tie picks, so these tests pin which one it is, and that time beats content.
 */
import { describe, expect, it } from "vitest";
import { mergeComment, mergeNote, mergeUser } from "../../src/store/merge.js";
import { comment, note, T0, T1, user } from "./fixtures.js";

describe("merge: the newer of two records", () => {
  it("on equal fetchedAt takes the record whose content sorts last as newer, in either write order", () => {
    // The records differ first in the title: "同时 B" sorts after "同时 A".
    const a = note("n1", { title: "同时 A", fetchedAt: T1 });
    const b = note("n1", { title: "同时 B", fetchedAt: T1 });
    expect(mergeNote(a, b).merged.title).toBe("同时 B");
    expect(mergeNote(b, a).merged.title).toBe("同时 B");
    const ua = user("u1", { nickname: "A", fetchedAt: T1 });
    const ub = user("u1", { nickname: "B", fetchedAt: T1 });
    expect(mergeUser(ua, ub).merged.nickname).toBe("B");
    expect(mergeUser(ub, ua).merged.nickname).toBe("B");
  });

  it("a later fetch is newer even when its content sorts first", () => {
    const early = note("n1", { title: "B early", fetchedAt: T0 });
    const late = note("n1", { title: "A late", fetchedAt: T1 });
    expect(mergeNote(early, late).merged.title).toBe("A late");
    expect(mergeNote(late, early).merged.title).toBe("A late");
    const earlyComment = comment("c1", "n1", { text: "B early", fetchedAt: T0 });
    const lateComment = comment("c1", "n1", { text: "A late", fetchedAt: T1 });
    expect(mergeComment(earlyComment, lateComment).merged.text).toBe("A late");
    expect(mergeComment(lateComment, earlyComment).merged.text).toBe("A late");
  });
});
