/**
 * parseRef's edges that mutation testing (docs/mutation.md) found unguarded: which characters split a ref
 * or end an id, where in a text a host or a mention may stand, the length bound and the clipped echo in
 * messages, the topic URL forms, and the canonical URLs. Every case is what a user pastes and what it parses
 * to (or the error it gets).
 */
import { describe, expect, it } from "vitest";
import { InvalidInputError } from "../../src/core/errors.js";
import {
  MAX_REF_LENGTH,
  noteUrl,
  parseNoteRef,
  parseRef,
  parseTopicRef,
  parseUserRef,
  userUrl,
} from "../../src/refs/parse-ref.js";

const NOTE = "6789abcdef0123456789abcd";
const USER = "5a8cf39111be10466d285d6b";
const PAGE = "5c1cc866febed9000184b7c1";

/** The message parseRef throws for `ref`, or a failure when it does not throw InvalidInputError. */
function refusal(ref: string, expect: "note" | "user" = "note"): string {
  try {
    parseRef(ref, expect);
  } catch (error) {
    if (error instanceof InvalidInputError) return error.message;
    throw error;
  }
  throw new Error(`parseRef(${JSON.stringify(ref)}) did not throw`);
}

describe("parseRef: which characters split share text into words", () => {
  it("a character /\\s/ does not match never splits a word (the word stays one token, not share text)", () => {
    // The neighbours of every range of spaces isSpace knows, and NEL (U+0085, a line break /\s/ does not take).
    const around = [0x08, 0x0e, 0x1f, 0x21, 0x85, 0x9f, 0xa1, 0x167f, 0x1681, 0x1fff, 0x200b, 0x2027, 0x202a];
    around.push(0x202e, 0x2030, 0x205e, 0x2060, 0x2fff, 0x3001, 0xfefe, 0xff00);
    for (const c of around) {
      const ch = String.fromCharCode(c);
      expect(/\s/.test(ch)).toBe(false);
      const ref = `小红书${ch}看看`;
      // Read as share text only if it split; a lone token with no URL in it is refused.
      expect(() => parseRef(ref), `U+${c.toString(16)}`).toThrow(/^not a note id, note URL or share link/);
    }
  });
});

describe("parseRef: what a bare id may hold", () => {
  it("takes a letter or digit as part of an id, anything else as not an id at all", () => {
    for (let c = 0x21; c < 0x7f; c++) {
      const ch = String.fromCharCode(c);
      const alnum = /[0-9A-Za-z]/.test(ch);
      const message = refusal(`${NOTE}${ch}`);
      // An alphanumeric token is judged as an id (and told why it is not one); any other is not an id.
      expect(message.includes("(as a note id:"), `${ch}: ${message}`).toBe(alnum);
      expect(refusal(ch).includes("(as a note id:"), ch).toBe(alnum);
    }
  });
});

describe("parseRef: hosts and mentions at either end of the text", () => {
  it("finds a link that starts the share text, and one that ends it", () => {
    expect(parseRef(`xiaohongshu.com/explore/${NOTE} 看看`)).toEqual({ kind: "note", id: NOTE, xsecToken: null });
    expect(parseRef(`rednote.com/explore/${NOTE} 看看`)).toEqual({ kind: "note", id: NOTE, xsecToken: null });
    expect(parseRef(`看看 www.rednote.com/explore/${NOTE}`)).toEqual({ kind: "note", id: NOTE, xsecToken: null });
    expect(parseRef("xhslink.com/a/AbC 看看")).toMatchObject({ kind: "short_link", url: "https://xhslink.com/a/AbC" });
    expect(parseRef("看看 https://xhslink.cn/AbC")).toMatchObject({
      kind: "short_link",
      url: "https://xhslink.cn/AbC",
    });
  });

  it("takes text that ends with a mention of Xiaohongshu as share text", () => {
    for (const mention of ["小红书", "xiaohongshu", "rednote", "xhslink", "复制本条信息", "打开【小红书】"]) {
      const text = `快来看 ${mention}`;
      expect(parseRef(text), text).toEqual({ kind: "share_text", text });
      expect(parseRef(`${mention} 快来看`)).toEqual({ kind: "share_text", text: `${mention} 快来看` });
    }
    for (const shouted of ["快来看 REDNOTE", "快来看 XIAOHONGSHU", "快来看 XHSLINK"]) {
      expect(parseRef(shouted)).toEqual({ kind: "share_text", text: shouted });
    }
    expect(() => parseRef("快来看 rednot")).toThrow(/not a note id, note URL or share link/);
  });

  it("reads a scheme and www. or m. only right before the host", () => {
    // "m." belongs to the long hosts only; "www." to all; a scheme before either.
    const cases: [string, string][] = [
      [`看 https://m.xiaohongshu.com/explore/${NOTE} 看`, NOTE],
      [`看 http://www.rednote.com/explore/${NOTE} 看`, NOTE],
      [`看 https://xiaohongshu.com/explore/${NOTE} 看`, NOTE],
    ];
    for (const [text, id] of cases) expect(parseRef(text), text).toEqual({ kind: "note", id, xsecToken: null });
    expect(parseRef("看 https://www.xhslink.com/a/AbC 看")).toMatchObject({ url: "https://www.xhslink.com/a/AbC" });
    expect(parseRef("看 http://www.xhslink.com/a/AbC 看")).toMatchObject({ url: "http://www.xhslink.com/a/AbC" });
    expect(parseRef("看 http://xhslink.com/a/AbC 看")).toMatchObject({ url: "http://xhslink.com/a/AbC" });
    // A host glued to other letters is read from the host on (no scheme of its own).
    expect(parseRef("看 xhttps://xhslink.com/a/AbC 看")).toMatchObject({ url: "https://xhslink.com/a/AbC" });
    expect(parseRef("看 ttp://xhslink.com/a/AbC 看")).toMatchObject({ url: "https://xhslink.com/a/AbC" });
  });

  it("reads a host with no path as no link, and a path only after a '/'", () => {
    expect(parseRef("小红书 xiaohongshu.com 看看")).toEqual({
      kind: "share_text",
      text: "小红书 xiaohongshu.com 看看",
    });
    expect(parseRef("小红书 xhslink.com?a=1 看看")).toEqual({
      kind: "share_text",
      text: "小红书 xhslink.com?a=1 看看",
    });
  });
});

describe("parseRef: the length bound and the echo in messages", () => {
  it("accepts exactly MAX_REF_LENGTH characters and refuses one more, saying how many", () => {
    const url = `https://www.xiaohongshu.com/explore/${NOTE}?p=`;
    const atBound = url + "a".repeat(MAX_REF_LENGTH - url.length);
    expect(atBound).toHaveLength(MAX_REF_LENGTH);
    expect(parseRef(atBound)).toEqual({ kind: "note", id: NOTE, xsecToken: null });
    expect(() => parseRef(`${atBound}a`)).toThrow(
      `the reference is too long: ${MAX_REF_LENGTH + 1} characters, at most ${MAX_REF_LENGTH} (a share text with its link is far shorter)`,
    );
    expect(() => parseTopicRef(`${atBound}a`)).toThrow(/^the topic reference is too long: 4097 characters/);
    // The bound is on the input as given, spaces included.
    expect(() => parseRef(` ${atBound}`)).toThrow(/too long: 4097 characters/);
  });

  it("takes a non-string (from JavaScript callers) as an empty reference", () => {
    expect(() => parseRef(undefined as unknown as string)).toThrow(
      "empty reference: give a note id, note URL or share link",
    );
    expect(() => parseRef(42 as unknown as string, "user")).toThrow(
      "empty reference: give a user id, profile URL or share link",
    );
    expect(() => parseTopicRef(null as unknown as string)).toThrow(
      "empty topic reference: give a topic page id or its page URL",
    );
  });

  it("echoes a ref of up to 80 characters whole, a longer one cut to 77 and '…'", () => {
    const words = (n: number) => `小红书${"x".repeat(n - 3)}`;
    expect(refusal(words(80))).toBe(`not a note id, note URL or share link: "${words(80)}"`);
    expect(refusal(words(81))).toBe(`not a note id, note URL or share link: "${words(81).slice(0, 77)}…"`);
  });

  it("names the id and the URL it came in, each clipped", () => {
    const bad = "0".repeat(90);
    const url = `https://www.xiaohongshu.com/explore/${bad}`;
    expect(refusal(url)).toBe(
      `not a note id in "${url.slice(0, 77)}…": "${bad.slice(0, 77)}…" (it has 90 characters, not 24)`,
    );
    expect(refusal(`https://www.xiaohongshu.com/user/profile/${USER}x`, "user")).toMatch(
      `not a user id in "https://www.xiaohongshu.com/user/profile/${USER}x": "${USER}x" (it has `,
    );
  });

  it("says what it expected in each refusal", () => {
    expect(refusal("")).toBe("empty reference: give a note id, note URL or share link");
    expect(refusal("   ", "user")).toBe("empty reference: give a user id, profile URL or share link");
    expect(refusal("abc")).toMatch(
      /^not a note id, note URL or share link: "abc" \(as a note id: it has 3 characters, not 24; a note id is 24 lowercase hex/,
    );
    expect(refusal("abc", "user")).toMatch(
      /^not a user id, profile URL or share link: "abc" \(as a user id: .*; a user id is /,
    );
    expect(refusal(`https://www.xiaohongshu.com/page/topics/${PAGE}`)).toBe(
      `a topic page link, not a note id, note URL or share link: "https://www.xiaohongshu.com/page/topics/${PAGE}"`,
    );
    expect(refusal(`https://www.xiaohongshu.com/explore/${NOTE}?xsec_token=a%20b`)).toMatch(
      /^bad xsec_token in "https:\/\/www\.xiaohongshu\.com\/explore\/6789abcdef0123456789abcd\?xsec_token=a%20b": /,
    );
  });
});

describe("parseRef: URL forms", () => {
  it("reads a note under a profile only when a note is expected, and only with a note segment", () => {
    const base = `https://www.xiaohongshu.com/user/profile/${USER}`;
    expect(parseRef(`${base}/${NOTE}`)).toEqual({ kind: "note", id: NOTE, xsecToken: null, userId: USER });
    expect(parseRef(`${base}/${NOTE}`, "user")).toEqual({ kind: "user", id: USER, xsecToken: null });
    expect(parseRef(`${base}/`)).toEqual({ kind: "user", id: USER, xsecToken: null });
    // The note segment is checked as a note id.
    expect(refusal(`${base}/${NOTE}x`)).toMatch(/^not a note id in .*: "6789abcdef0123456789abcdx"/);
    // The user segment is checked even when the note is what is wanted.
    expect(refusal(`https://www.xiaohongshu.com/user/profile/${USER}x/${NOTE}`)).toMatch(/^not a user id in/);
  });

  it("needs the whole path prefix: /explore/<id>, /discovery/item/<id>, /user/profile/<id>", () => {
    for (const path of [
      `/discovery/${NOTE}`,
      `/discovery/items/${NOTE}`,
      `/item/${NOTE}`,
      `/user/${USER}`,
      `/user/profiles/${USER}`,
      "/user/profile",
      "/discovery/item",
      "/page/topic/x",
      `/explores/${NOTE}`,
      `/x/explore/${NOTE}`,
    ]) {
      expect(refusal(`https://www.xiaohongshu.com${path}`), path).toMatch(/^not a note id, note URL or share link/);
    }
    expect(refusal("https://www.xiaohongshu.com/page/topics")).toMatch(/^a topic page link/);
  });

  it("treats an empty xsec_token as none, and reads only xsec_token", () => {
    const url = `https://www.xiaohongshu.com/explore/${NOTE}`;
    expect(parseRef(`${url}?xsec_token=`)).toEqual({ kind: "note", id: NOTE, xsecToken: null });
    expect(parseRef(`${url}?xsec_source=pc_feed&token=x`)).toEqual({ kind: "note", id: NOTE, xsecToken: null });
    expect(parseRef(`https://www.xiaohongshu.com/user/profile/${USER}?xsec_token=`, "user")).toEqual({
      kind: "user",
      id: USER,
      xsecToken: null,
    });
  });

  it("reads other hosts as no link, and a short link only with a path", () => {
    for (const host of ["xiaohongshu.cn", "xiaohongshu.co", "redbook.com", "xiaohongshu.com.cn", "xhslink.org"]) {
      expect(refusal(`https://${host}/explore/${NOTE}`), host).toMatch(/^not a note id, note URL or share link/);
    }
    expect(refusal("https://www.xhslink.com")).toMatch(/^not a note id, note URL or share link/);
    // A host that only starts like a short-link host is not one: nothing would be resolved on its behalf.
    expect(refusal("https://xhslink.com.example.net/a/AbC")).toMatch(/^not a note id, note URL or share link/);
    expect(refusal("https://xhslink.cn.example.net/AbC")).toMatch(/^not a note id, note URL or share link/);
    expect(parseRef("https://WWW.XHSLINK.COM/a/AbC?x=1")).toEqual({
      kind: "short_link",
      url: "https://www.xhslink.com/a/AbC?x=1",
    });
    // Each of the four short-link hosts, whole and in text.
    for (const host of ["xhslink.com", "www.xhslink.com", "xhslink.cn", "www.xhslink.cn"]) {
      expect(parseRef(`https://${host}/AbC`), host).toEqual({ kind: "short_link", url: `https://${host}/AbC` });
      const text = `看看 ${host}/AbC 复制`;
      expect(parseRef(text), host).toEqual({ kind: "short_link", url: `https://${host}/AbC`, text });
    }
  });

  it("a long link wins over a short one in text, whichever comes first; the first short link is kept", () => {
    const text = `看 http://xhslink.com/a/First 和 http://xhslink.com/a/Second 和 https://www.xiaohongshu.com/explore/${NOTE}`;
    expect(parseRef(text)).toEqual({ kind: "note", id: NOTE, xsecToken: null });
    const shorts = "看 http://xhslink.com/a/First 和 http://xhslink.com/a/Second";
    expect(parseRef(shorts)).toEqual({ kind: "short_link", url: "http://xhslink.com/a/First", text: shorts });
    // A short link wins over a bad long URL (it may resolve), and a bad long URL's error wins over no link.
    const badLong = `看 https://www.xiaohongshu.com/explore/${NOTE.slice(1)} 和 http://xhslink.com/a/X`;
    expect(parseRef(badLong)).toMatchObject({ kind: "short_link", url: "http://xhslink.com/a/X" });
    expect(refusal(`小红书 https://www.xiaohongshu.com/explore/${NOTE.slice(1)}`)).toMatch(/^not a note id in/);
    expect(
      refusal(
        `小红书 https://www.xiaohongshu.com/explore/${NOTE.slice(1)} 和 https://www.xiaohongshu.com/explore/${NOTE}x`,
      ),
    ).toMatch(/"789abcdef0123456789abcd"/);
  });

  it("a lone short link drops the sentence punctuation at its end (short codes are letters and digits)", () => {
    for (const end of [".", ")", "!", "',"]) {
      expect(parseRef(`https://xhslink.com/a/AbC${end}`)).toEqual({
        kind: "short_link",
        url: "https://xhslink.com/a/AbC",
      });
    }
  });

  it("a lone token that is a URL with a bad id gets that URL's error, not a generic one", () => {
    expect(refusal(`xiaohongshu.com/explore/${NOTE.slice(1)}`)).toMatch(/^not a note id in/);
  });
});

describe("parseNoteRef and parseUserRef", () => {
  it("refuse the other kind, echoing the trimmed ref", () => {
    const profile = `https://www.xiaohongshu.com/user/profile/${USER}`;
    expect(() => parseNoteRef(`  ${profile} `)).toThrow(`expected a note, got a user profile reference: "${profile}"`);
    const note = `https://www.xiaohongshu.com/explore/${NOTE}`;
    expect(() => parseUserRef(` ${note}\n`)).toThrow(`expected a user, got a note reference: "${note}"`);
  });

  it("pass short links and share text through, and take a bare id as their kind", () => {
    expect(parseNoteRef("http://xhslink.com/a/X")).toEqual({ kind: "short_link", url: "http://xhslink.com/a/X" });
    expect(parseUserRef("http://xhslink.com/a/X")).toEqual({ kind: "short_link", url: "http://xhslink.com/a/X" });
    expect(parseUserRef("小红书 看看")).toEqual({ kind: "share_text", text: "小红书 看看" });
    expect(parseUserRef(USER)).toEqual({ kind: "user", id: USER, xsecToken: null });
  });
});

describe("parseTopicRef: URL forms", () => {
  it("takes http and https topic pages, and the deep link, each with exactly the page id after the prefix", () => {
    expect(parseTopicRef(`http://www.xiaohongshu.com/page/topics/${PAGE}`)).toBe(PAGE);
    expect(parseTopicRef(`HTTPS://www.xiaohongshu.com/page/topics/${PAGE}`)).toBe(PAGE);
    expect(parseTopicRef(`m.rednote.com/page/topics/${PAGE}/`)).toBe(PAGE);
    // A scheme is looked for only at the start: one inside the query does not make the ref a URL of its own.
    expect(parseTopicRef(`www.xiaohongshu.com/page/topics/${PAGE}?from=https://example.com`)).toBe(PAGE);
    for (const ref of [
      `https://www.xiaohongshu.com/page/topics/${PAGE}/more`,
      `https://www.xiaohongshu.com/page/topic/${PAGE}`,
      `https://www.xiaohongshu.com/pages/topics/${PAGE}`,
      `https://www.xiaohongshu.com/topics/${PAGE}`,
      "https://www.xiaohongshu.com/page/topics",
      `ftp://www.xiaohongshu.com/page/topics/${PAGE}`,
      `xhsdiscover://topic/v2/${PAGE}/more`,
      `xhsdiscover://topic/v1/${PAGE}`,
      `xhsdiscover://topic/${PAGE}`,
      `xhsdiscover://note/v2/${PAGE}`,
      `xhsdiscover:topic/v2/${PAGE}`,
      "https://[bad/page/topics/x",
      `https://notxiaohongshu.com/page/topics/${PAGE}`,
      `https://topic/v2/${PAGE}`,
      `http://topic/v2/${PAGE}`,
    ]) {
      expect(() => parseTopicRef(ref), ref).toThrow(/^not a topic page id or topic page URL: .*\(expected like https:/);
    }
  });

  it("takes a ref with '/', ':' or '.' as a URL, anything else as a bare page id", () => {
    for (const ref of [`${PAGE}.`, `${PAGE}:`, `/${PAGE}`]) {
      expect(() => parseTopicRef(ref), ref).toThrow(/^not a topic page id or topic page URL/);
    }
    expect(() => parseTopicRef(`${PAGE}-`)).toThrow(/^not a topic page id: /);
  });
});

describe("noteUrl and userUrl", () => {
  it("build the canonical URLs, with the token encoded and its source when there is one", () => {
    expect(noteUrl(NOTE)).toBe(`https://www.xiaohongshu.com/explore/${NOTE}`);
    expect(noteUrl(NOTE, null)).toBe(`https://www.xiaohongshu.com/explore/${NOTE}`);
    expect(noteUrl(NOTE, "")).toBe(`https://www.xiaohongshu.com/explore/${NOTE}`);
    expect(noteUrl(NOTE, "a+b=/")).toBe(
      `https://www.xiaohongshu.com/explore/${NOTE}?xsec_token=a%2Bb%3D%2F&xsec_source=pc_feed`,
    );
    expect(userUrl(USER)).toBe(`https://www.xiaohongshu.com/user/profile/${USER}`);
    expect(userUrl(USER, null)).toBe(`https://www.xiaohongshu.com/user/profile/${USER}`);
    expect(userUrl(USER, "")).toBe(`https://www.xiaohongshu.com/user/profile/${USER}`);
    expect(userUrl(USER, "a+b=/")).toBe(
      `https://www.xiaohongshu.com/user/profile/${USER}?xsec_token=a%2Bb%3D%2F&xsec_source=pc_feed`,
    );
    // What they build, parseRef reads back.
    expect(parseRef(userUrl(USER, "T=1"), "user")).toEqual({ kind: "user", id: USER, xsecToken: "T=1" });
  });
});
