/**
 * parseRef cases from the second mutation run on src/refs/parse-ref.ts (docs/mutation.md): each names what a
 * pasted ref parses to where a changed condition would read it differently.
 */
import { describe, expect, it } from "vitest";
import { countParseSteps, parseRef } from "../../src/refs/parse-ref.js";

const NOTE = "6789abcdef0123456789abcd";
const USER = "5a8cf39111be10466d285d6b";

const generic = /^not a note id, note URL or share link/;

describe("parseRef: each path segment of a long URL is checked, not only the id's", () => {
  it("refuses a path whose first segment is not explore, discovery, user or page", () => {
    for (const path of [`/foo/item/${NOTE}`, `/foo/profile/${USER}`, `/foo/topics/${NOTE}`]) {
      expect(() => parseRef(`https://www.xiaohongshu.com${path}`), path).toThrow(generic);
    }
  });
});

describe("parseRef: where a URL in share text ends", () => {
  it("a host with no path ends there: a link right after it is still read", () => {
    const text = `看 xiaohongshu.com,https://www.xiaohongshu.com/explore/${NOTE} 看`;
    expect(parseRef(text)).toEqual({ kind: "note", id: NOTE, xsecToken: null });
  });

  it("a URL without a scheme keeps its path when its query holds another URL", () => {
    const text = `看 xiaohongshu.com/explore/${NOTE}?xsec_token=T1&from=https://example.com 看`;
    expect(parseRef(text)).toEqual({ kind: "note", id: NOTE, xsecToken: "T1" });
  });

  it("a URL ends at a space: what follows is not its query", () => {
    const text = `https://www.xiaohongshu.com/explore/${NOTE}?a=1 &xsec_token=T1`;
    expect(parseRef(text)).toEqual({ kind: "note", id: NOTE, xsecToken: null });
  });
});

describe("countParseSteps", () => {
  it("measures the parse parseRef makes: spaces around the ref, which parseRef trims, cost nothing", () => {
    for (const ref of [NOTE, `小红书 https://www.xiaohongshu.com/explore/${NOTE} 看看`, "hello world"]) {
      expect(countParseSteps(`  ${ref}\n`), ref).toBe(countParseSteps(ref));
    }
  });
});
