/**
 * countParseSteps, exactly: the work one parse does, derived by hand from the counting rules below, on inputs
 * small enough to add up. The linear-work tests in parse-ref.test.ts hold the count within bounds; these hold
 * it to the step, so a loop that visits one character too many (or counts down) is noticed.
 *
 * The rules (src/refs/parse-ref.ts):
 * - the space check: one step per character up to and including the first space (every one when none);
 * - a one-token text: the id check, one step per character up to and including the first that is not an
 *   ASCII letter or digit, then (unless it is a bare id) a whole-URL parse, two steps per character;
 * - the URL search: one step per position visited (a found URL's characters are skipped). At each position the
 *   hosts are tried in order (xiaohongshu.com, rednote.com, xhslink.com, xhslink.cn); a try costs one step per
 *   character compared, up to and including the first that differs, and nothing when the word does not fit in
 *   the text at that position. At a found host its prefixes are tried the same way ("www.", then for the
 *   long hosts "m."; then "https://", then "http://"); a path after "/" costs a step per URL character and
 *   one for the character that ends it (none at the end of the text);
 * - each URL found: a step per trailing punctuation mark trimmed, two per character left;
 * - share text (more than one token, not just a URL): the mention search, one step per position visited and
 *   word tries as above (小红书, xiaohongshu, rednote, xhslink, 复制本条信息, 打开【小红书】) until one is found.
 */
import { describe, expect, it } from "vitest";
import { countParseSteps, parseRef } from "../../src/refs/parse-ref.js";

const NOTE = "0123456789abcdef01234567";
/** Every host try fits and its first character differs (none of the hosts starts with the text's letter). */
const ALL_HOSTS_MISS = 4;

describe("countParseSteps counts each character the parse visits, exactly", () => {
  it("a bare id: the space check and the id check, one step a character each", () => {
    expect(parseRef(NOTE)).toEqual({ kind: "note", id: NOTE, xsecToken: null });
    expect(countParseSteps(NOTE)).toBe(24 + 24);
  });

  it("two short words: no host fits, only the 3-character 小红书 does, once", () => {
    // "a b": space check 2 ("a", " "); URL search 3 positions, no host of 10+ characters fits in 3;
    // mention search 3 positions + 1 (小红书 fits at 0 only, "a" differs); the longer words never fit.
    expect(() => parseRef("a b")).toThrow(/not a note id/);
    expect(countParseSteps("a b")).toBe(2 + 3 + (3 + 1));
  });

  it("a lone short link: read whole, then found by the search at position 0, where no prefix fits", () => {
    const link = "xhslink.com/a/Ab1"; // 17 characters
    expect(parseRef(link)).toEqual({ kind: "short_link", url: "https://xhslink.com/a/Ab1" });
    const spaceCheck = 17;
    const idCheck = 8; // "xhslink" and the "." that ends it
    const wholeParse = 2 * 17; // a short link is not returned from here: the search below finds it
    // Position 0: 1, xiaohongshu.com 2 ("x" equal, "h" differs), rednote.com 1, xhslink.com 11 (found);
    // "www.", "https://", "http://" before position 0 do not fit: 0; the path "/a/Ab1" runs to the end: 6.
    const search = 1 + 2 + 1 + 11 + 6;
    const candidate = 2 * 17;
    expect(countParseSteps(link)).toBe(spaceCheck + idCheck + wholeParse + search + candidate);
  });

  it("a short link in share text: the one prefix that fits is tried, the trailing full stop trimmed", () => {
    const text = "look xhslink.com/a/Ab1."; // 23 characters, the link at 5
    expect(parseRef(text)).toEqual({ kind: "short_link", url: "https://xhslink.com/a/Ab1", text });
    const spaceCheck = 5; // "look "
    // Positions 0-4: 1 each and every host tried (all fit, none starts with l, o, k or a space).
    const before = 5 * (1 + ALL_HOSTS_MISS);
    // Position 5: 1, xiaohongshu.com 2, rednote.com 1, xhslink.com 11; "www." at 1 fits, "o" differs: 1;
    // "https://" (at -3) and "http://" (at -2) do not fit; the path "/a/Ab1." runs to the end: 7.
    const found = 1 + 2 + 1 + 11 + 1 + 7;
    const candidate = 1 + 2 * 17; // "." trimmed, then "xhslink.com/a/Ab1"
    expect(countParseSteps(text)).toBe(spaceCheck + before + found + candidate);
  });

  it("a long host with www. in share text: www. found (so m. is not tried), the path ended by a space", () => {
    const url = `www.rednote.com/explore/${NOTE}`; // 4 + 11 + 9 + 24 = 48 characters, the host at 6
    const text = `a ${url} b`; // 52 characters
    expect(parseRef(text)).toEqual({ kind: "note", id: NOTE, xsecToken: null });
    const spaceCheck = 2;
    const before = 6 * (1 + ALL_HOSTS_MISS); // positions 0-5: "a", " ", "w", "w", "w", "."
    // Position 6: 1, xiaohongshu.com 1 ("r" differs), rednote.com 11; "www." at 2 matches: 4; "https://" (at
    // -6) and "http://" (at -5) do not fit; the path "/explore/<id>" (33) and the space that ends it: 34.
    const found = 1 + 1 + 11 + 4 + 34;
    const after = 2; // positions 50 (" ") and 51 ("b"): no host fits in 2 characters
    const candidate = 2 * 48;
    expect(countParseSteps(text)).toBe(spaceCheck + before + found + after + candidate);
  });

  it("a long host with m. in share text: www. tried first, then m. found; the path runs to the end", () => {
    const url = `m.xiaohongshu.com/explore/${NOTE}`; // 2 + 15 + 33 = 50 characters, the host at 4
    const text = `a ${url}`; // 52 characters
    expect(parseRef(text)).toEqual({ kind: "note", id: NOTE, xsecToken: null });
    const spaceCheck = 2;
    const before = 4 * (1 + ALL_HOSTS_MISS); // positions 0-3: "a", " ", "m", "."
    // Position 4: 1, xiaohongshu.com 15 (found); "www." at 0: "a" differs, 1; "m." at 2: 2; "https://" (at
    // -6) and "http://" (at -5) do not fit; the path "/explore/<id>" runs to the end: 33.
    const found = 1 + 15 + 1 + 2 + 33;
    const candidate = 2 * 50;
    expect(countParseSteps(text)).toBe(spaceCheck + before + found + candidate);
  });

  it("an http:// scheme: https:// tried first (its first seven characters fit, the eighth would not)", () => {
    const text = `see http://rednote.com/explore/${NOTE}`; // 4 + 7 + 11 + 33 = 55 characters, the host at 11
    expect(parseRef(text)).toEqual({ kind: "note", id: NOTE, xsecToken: null });
    const spaceCheck = 4; // "see "
    const before = 11 * (1 + ALL_HOSTS_MISS); // positions 0-10: "see http://" (no host starts with s, e, h, t, p, :, / or a space)
    // Position 11: 1, xiaohongshu.com 1, rednote.com 11; "www." at 7: "/" differs, 1; "m." at 9: "/" differs,
    // 1; "https://" at 3: " " differs, 1; "http://" at 4: 7; the path to the end: 33.
    const found = 1 + 1 + 11 + 1 + 1 + 1 + 7 + 33;
    const candidate = 2 * (7 + 11 + 33);
    expect(countParseSteps(text)).toBe(spaceCheck + before + found + candidate);
  });
});
