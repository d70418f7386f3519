import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { InvalidInputError } from "../../src/core/errors.js";
import {
  countParseSteps,
  MAX_REF_LENGTH,
  noteUrl,
  parseNoteRef,
  parseRef,
  parseTopicRef,
  parseUserRef,
} from "../../src/refs/parse-ref.js";

const NOTE = "6789abcdef0123456789abcd";
const USER = "5a8cf39111be10466d285d6b";

describe("parseRef: bare ids", () => {
  it("takes a bare id for what was expected", () => {
    expect(parseRef(NOTE)).toEqual({ kind: "note", id: NOTE, xsecToken: null });
    expect(parseRef(` ${USER}\n`, "user")).toEqual({ kind: "user", id: USER, xsecToken: null });
  });
  it("accepts a 29-character user id (one was observed), but not as a note id", () => {
    const odd = "5c1a2b3c4d5e6f70819a2b3c4d5e6";
    expect(odd).toHaveLength(29);
    expect(parseRef(odd, "user")).toEqual({ kind: "user", id: odd, xsecToken: null });
    expect(() => parseRef(odd, "note")).toThrow(/it has 29 characters, not 24/);
  });
  it("accepts an all-letter hex id (deadbeef…)", () => {
    const id = "deadbeefdeadbeefdeadbeef";
    expect(parseRef(id)).toEqual({ kind: "note", id, xsecToken: null });
    expect(parseRef(id, "user")).toEqual({ kind: "user", id, xsecToken: null });
  });
  it("refuses, naming the value and why, ids that are 23 characters, uppercase or not hex", () => {
    const cases: [string, RegExp][] = [
      [NOTE.slice(1), /"789abcdef0123456789abcd" \(as a note id: it has 23 characters, not 24/],
      [`${NOTE}0`, /it has 25 characters, not 24/],
      [NOTE.toUpperCase(), /"6789ABCDEF0123456789ABCD" \(as a note id: it has uppercase letters/],
      [`${NOTE.slice(0, 23)}g`, /characters other than 0-9 and a-f/],
      ["nonsense", /"nonsense" \(as a note id: it has 8 characters/],
    ];
    for (const [id, message] of cases) {
      expect(() => parseRef(id)).toThrow(InvalidInputError);
      expect(() => parseRef(id)).toThrow(message);
    }
    expect(() => parseRef(NOTE.toUpperCase(), "user")).toThrow(/as a user id: it has uppercase letters/);
  });
  it("rejects words and empty input with a clear message", () => {
    expect(() => parseRef("")).toThrow(InvalidInputError);
    expect(() => parseRef("hello world")).toThrow(/not a note id, note URL or share link: "hello world"/);
    expect(() => parseRef("xiaohongshuxiaohongshu")).toThrow(InvalidInputError);
    expect(() => parseRef("abc", "user")).toThrow(/not a user id, profile URL or share link/);
  });
});

describe("parseRef: URLs", () => {
  const hosts = [
    "https://www.xiaohongshu.com",
    "http://www.xiaohongshu.com",
    "https://xiaohongshu.com",
    "https://www.rednote.com",
    "http://rednote.com",
    "www.xiaohongshu.com",
    "xiaohongshu.com",
  ];
  for (const host of hosts) {
    it(`reads notes and users on ${host}`, () => {
      expect(parseRef(`${host}/explore/${NOTE}`)).toEqual({ kind: "note", id: NOTE, xsecToken: null });
      expect(parseRef(`${host}/discovery/item/${NOTE}?xsec_token=ABC`)).toEqual({
        kind: "note",
        id: NOTE,
        xsecToken: "ABC",
      });
      expect(parseRef(`${host}/user/profile/${USER}`, "user")).toEqual({ kind: "user", id: USER, xsecToken: null });
      expect(parseRef(`${host}/user/profile/${USER}`)).toEqual({ kind: "user", id: USER, xsecToken: null });
    });
  }

  it("URL-decodes the xsec_token from the query", () => {
    const token = "ABkx2Q+/yz=";
    const url = `https://www.xiaohongshu.com/explore/${NOTE}?xsec_token=${encodeURIComponent(token)}&xsec_source=pc_feed`;
    expect(parseRef(url)).toEqual({ kind: "note", id: NOTE, xsecToken: token });
  });

  it("reads /user/profile/<uid>/<noteId> as the note (or as the user when a user is expected)", () => {
    const url = `https://www.xiaohongshu.com/user/profile/${USER}/${NOTE}?xsec_token=T1`;
    expect(parseRef(url)).toEqual({ kind: "note", id: NOTE, xsecToken: "T1", userId: USER });
    expect(parseUserRef(url)).toEqual({ kind: "user", id: USER, xsecToken: "T1" });
  });

  it("reads the app share long link with its extra query", () => {
    const url = `https://www.xiaohongshu.com/discovery/item/${NOTE}?app_platform=ios&app_version=8.77&share_from_user_hidden=true&xsec_source=app_share&type=video&xsec_token=CBabc%3D&author_share=1&xhsshare=CopyLink`;
    expect(parseRef(url)).toEqual({ kind: "note", id: NOTE, xsecToken: "CBabc=", noteType: "video" });
  });

  it("takes the note type from the share link's `type` (normal → image), and ignores any other value", () => {
    const link = (type: string) => `https://www.xiaohongshu.com/discovery/item/${NOTE}?type=${type}&xsec_token=T`;
    expect(parseRef(link("normal"))).toMatchObject({ kind: "note", noteType: "image" });
    expect(parseRef(link("video"))).toMatchObject({ kind: "note", noteType: "video" });
    for (const odd of ["", "constructor", "VIDEO", "live"]) expect(parseRef(link(odd))).not.toHaveProperty("noteType");
    expect(parseRef(`https://www.xiaohongshu.com/explore/${NOTE}?type=video`)).toMatchObject({ noteType: "video" });
  });

  it("refuses a URL whose id or xsec_token is malformed, naming it", () => {
    expect(() => parseRef(`https://www.xiaohongshu.com/explore/${NOTE.toUpperCase()}`)).toThrow(
      /not a note id in .*"6789ABCDEF0123456789ABCD" \(it has uppercase letters/,
    );
    expect(() => parseRef(`https://www.xiaohongshu.com/discovery/item/${NOTE.slice(2)}`)).toThrow(
      /not a note id in .*\(it has 22 characters, not 24\)/,
    );
    expect(() => parseRef(`https://www.xiaohongshu.com/user/profile/${USER}x`, "user")).toThrow(/not a user id in/);
    expect(() => parseRef(`https://www.xiaohongshu.com/explore/${NOTE}?xsec_token=A%20B`)).toThrow(
      /bad xsec_token in .*spaces/,
    );
    // Inside share text a good URL still wins over a bad one.
    const text = `看 https://www.xiaohongshu.com/explore/${NOTE.slice(1)} 和 https://www.xiaohongshu.com/explore/${NOTE}`;
    expect(parseRef(text)).toEqual({ kind: "note", id: NOTE, xsecToken: null });
  });

  it("says a topic page link is a topic, not a note or user", () => {
    const url = "https://www.xiaohongshu.com/page/topics/5c1cc866febed9000184b7c1?naviHidden=yes";
    expect(() => parseRef(url)).toThrow(/a topic page link, not a note id/);
    expect(() => parseRef(url, "user")).toThrow(/a topic page link, not a user id/);
  });

  it("rejects other paths and other hosts", () => {
    expect(() => parseRef("https://www.xiaohongshu.com/search_result?keyword=cat")).toThrow(InvalidInputError);
    expect(() => parseRef(`https://example.com/explore/${NOTE}`)).toThrow(InvalidInputError);
    expect(() => parseRef("https://www.xiaohongshu.com/explore/")).toThrow(InvalidInputError);
    expect(() => parseRef("https://xhslink.com/")).toThrow(InvalidInputError);
  });

  it("parseNoteRef rejects a profile; parseUserRef rejects a note", () => {
    expect(() => parseNoteRef(`https://www.xiaohongshu.com/user/profile/${USER}`)).toThrow(/expected a note/);
    expect(() => parseUserRef(`https://www.xiaohongshu.com/explore/${NOTE}`)).toThrow(/expected a user/);
    expect(parseNoteRef(NOTE)).toEqual({ kind: "note", id: NOTE, xsecToken: null });
  });
});

describe("parseRef: short links and share text", () => {
  it("detects short links as needing a resolve call", () => {
    for (const url of [
      "http://xhslink.com/a/AbC123",
      "https://xhslink.com/m/9xYz",
      "https://xhslink.com/o/5KqW2",
      "https://xhslink.cn/AbCd",
      "xhslink.com/a/AbC123",
    ]) {
      const parsed = parseRef(url);
      expect(parsed.kind).toBe("short_link");
    }
    expect(parseRef("http://xhslink.com/a/AbC123")).toEqual({ kind: "short_link", url: "http://xhslink.com/a/AbC123" });
  });

  it("finds a short link inside share text, without swallowing the Chinese around it", () => {
    const text =
      "【猫咪日常 - 小红书】 😆 AbCdEfG 😆 http://xhslink.com/a/AbC123，复制本条信息，打开【小红书】App查看精彩内容！";
    expect(parseRef(text)).toEqual({ kind: "short_link", url: "http://xhslink.com/a/AbC123", text });
    const glued = "看看这个http://xhslink.com/m/9xYz复制本条信息";
    expect(parseRef(glued)).toMatchObject({ kind: "short_link", url: "http://xhslink.com/m/9xYz" });
  });

  it("reads a long URL inside share text for free (it wins over a short link)", () => {
    const text = `52 猫咪 发布了一篇小红书笔记，快来看吧！ 😆 https://www.xiaohongshu.com/discovery/item/${NOTE}?xsec_token=ZZ%2B1 复制本条信息 http://xhslink.com/a/x`;
    expect(parseRef(text)).toEqual({ kind: "note", id: NOTE, xsecToken: "ZZ+1" });
  });

  it("keeps share text that mentions Xiaohongshu but holds no readable URL", () => {
    const text = "【猫咪日常 - 小红书】 复制本条信息，打开【小红书】App查看精彩内容！";
    expect(parseRef(text)).toEqual({ kind: "share_text", text });
  });
});

describe("parseRef: properties", () => {
  const hex = fc.string({ unit: fc.constantFrom(..."0123456789abcdef"), minLength: 24, maxLength: 24 });
  /** Tokens are opaque: any visible ASCII (no spaces). */
  const token = fc.string({
    unit: fc.integer({ min: 0x21, max: 0x7e }).map((c) => String.fromCharCode(c)),
    minLength: 1,
    maxLength: 40,
  });

  it("round-trips every canonical note URL with any token", () => {
    fc.assert(
      fc.property(hex, token, (id, t) => {
        expect(parseRef(noteUrl(id, t))).toEqual({ kind: "note", id, xsecToken: t });
      }),
    );
  });

  it("finds the note in share text wrapped by arbitrary CJK text", () => {
    const cjk = fc.string({ unit: fc.constantFrom(..."小红书笔记猫咪日常复制本条信息，。！【】 "), maxLength: 30 });
    fc.assert(
      fc.property(hex, cjk, cjk, (id, before, after) => {
        const parsed = parseRef(`${before} https://www.rednote.com/explore/${id} ${after}`);
        expect(parsed).toEqual({ kind: "note", id, xsecToken: null });
      }),
    );
  });

  it("refuses a note id of any other form (only 24 lowercase hex characters pass)", () => {
    const alnum = fc.string({
      unit: fc.constantFrom(..."0123456789abcdefABCDEFghxyzGHXYZ"),
      minLength: 1,
      maxLength: 40,
    });
    fc.assert(
      fc.property(alnum, (s) => {
        const good = /^[0-9a-f]{24}$/.test(s);
        if (good) expect(parseRef(s)).toEqual({ kind: "note", id: s, xsecToken: null });
        else expect(() => parseRef(s)).toThrow(InvalidInputError);
      }),
    );
  });

  it("never throws anything but InvalidInputError on arbitrary strings", () => {
    fc.assert(
      fc.property(fc.string(), (s) => {
        try {
          parseRef(s);
        } catch (error) {
          expect(error).toBeInstanceOf(InvalidInputError);
        }
      }),
    );
  });
});

describe("parseTopicRef", () => {
  const PAGE = "5c1cc866febed9000184b7c1";
  it("takes a page id, the topic page URL its help shows, and the app deep link", () => {
    expect(parseTopicRef(PAGE)).toBe(PAGE);
    expect(parseTopicRef(` https://www.xiaohongshu.com/page/topics/${PAGE}?naviHidden=yes `)).toBe(PAGE);
    expect(parseTopicRef(`xiaohongshu.com/page/topics/${PAGE}`)).toBe(PAGE);
    expect(parseTopicRef(`https://www.rednote.com/page/topics/${PAGE}`)).toBe(PAGE);
    expect(parseTopicRef(`xhsdiscover://topic/v2/${PAGE}`)).toBe(PAGE);
  });
  it("refuses anything else, naming it", () => {
    expect(() => parseTopicRef("")).toThrow(/empty topic reference/);
    expect(() => parseTopicRef("nonsense")).toThrow(/not a topic page id: "nonsense"/);
    expect(() => parseTopicRef(PAGE.toUpperCase())).toThrow(/uppercase/);
    expect(() => parseTopicRef(`https://www.xiaohongshu.com/page/topics/${PAGE.slice(1)}`)).toThrow(/23 characters/);
    expect(() => parseTopicRef(`https://www.xiaohongshu.com/explore/${PAGE}`)).toThrow(
      /not a topic page id or topic page URL/,
    );
    expect(() => parseTopicRef(`https://example.com/page/topics/${PAGE}`)).toThrow(InvalidInputError);
  });
});

describe("parseRef: bounded, linear work", () => {
  it("refuses input longer than MAX_REF_LENGTH before reading it", () => {
    const long = `https://www.xiaohongshu.com/explore/${NOTE}?x=${".".repeat(100_000)}`;
    expect(() => parseRef(long)).toThrow(/too long: 100\d+ characters, at most 4096/);
    expect(() => parseTopicRef("a".repeat(MAX_REF_LENGTH + 1))).toThrow(/too long/);
    // At the bound, a valid ref still parses.
    const atBound = `https://www.xiaohongshu.com/explore/${NOTE}?p=${"a".repeat(MAX_REF_LENGTH - 64)}`;
    expect(atBound.length).toBeLessThanOrEqual(MAX_REF_LENGTH);
    expect(parseRef(atBound)).toMatchObject({ kind: "note", id: NOTE });
  });

  /**
   * Work, not time: countParseSteps counts every character the parser's loops visit (and the URL
   * parser's linear passes). Each input is its unit repeated r and 8r times; the work must stay within a
   * fixed number of steps per character, and 8× the input may cost at most about 8× the work. The
   * trailing-punctuation regex this replaced did ~n²/2 steps on a run of punctuation: 64× for 8× input.
   */
  const families: [string, (r: number) => string][] = [
    ["punctuation run inside a lone URL", (r) => `https://www.xiaohongshu.com/explore/${".,;:!?)]'*".repeat(r)}x`],
    ["punctuation run inside share text", (r) => `小红书 xiaohongshu.com/${"!.".repeat(r)}a 复制本条信息`],
    ["hosts glued together", (r) => "xiaohongshu.com".repeat(r)],
    ["scheme prefixes piled up", (r) => `${"https://www.".repeat(r)}xiaohongshu.com/explore/${NOTE}`],
    ["near-miss hosts", (r) => "xiaohongshu.co xhslink.c rednote.co ".repeat(r)],
    ["many short links", (r) => "xhslink.com/a/AbC12 ".repeat(r)],
    ["many long URLs with bad ids", (r) => `https://www.xiaohongshu.com/explore/${NOTE.slice(1)} `.repeat(r)],
    ["long bare token", (r) => "deadbeef".repeat(r)],
    ["mention near-misses", (r) => "xiaohongsh 小红 rednot ".repeat(r)],
    ["long path of ids", (r) => `rednote.com/explore/${`${NOTE}/`.repeat(r)}`],
    ["long query", (r) => `https://www.xiaohongshu.com/explore/${NOTE}?${"xsec_token=A&".repeat(r)}`],
  ];
  const PER_CHAR = 48;

  for (const [name, make] of families) {
    it(`linear on ${name}`, () => {
      for (const r of [64, 1_000]) {
        const small = make(r);
        const large = make(8 * r);
        const s = countParseSteps(small);
        const l = countParseSteps(large);
        // The count is real: every character is looked at at least once…
        expect(s).toBeGreaterThanOrEqual(small.trim().length);
        // …at most a fixed number of times…
        expect(l).toBeLessThanOrEqual(PER_CHAR * large.length);
        // …and 8× the input costs at most about 8× the work.
        expect(l).toBeLessThanOrEqual(8.5 * s + 64);
      }
    });
  }

  it("linear on arbitrary mixes of URL pieces, punctuation and CJK text (property)", () => {
    const piece = fc.constantFrom(
      "https://",
      "http://",
      "www.",
      "m.",
      "xiaohongshu.com",
      "rednote.com",
      "xhslink.com",
      "xhslink.cn",
      "/",
      "/explore/",
      "/discovery/item/",
      "/user/profile/",
      "/page/topics/",
      NOTE,
      "?xsec_token=AB12=",
      "&type=video",
      ".",
      ")",
      "'",
      "*",
      ",",
      " ",
      "小红书",
      "复制本条信息",
      "【",
      "%",
      "a",
    );
    fc.assert(
      fc.property(fc.array(piece, { minLength: 1, maxLength: 12 }), (pieces) => {
        const unit = pieces.join("");
        const r = Math.ceil(500 / unit.length);
        const small = unit.repeat(r);
        const large = unit.repeat(8 * r);
        const s = countParseSteps(small);
        const l = countParseSteps(large);
        expect(l).toBeLessThanOrEqual(PER_CHAR * large.length);
        expect(l).toBeLessThanOrEqual(8.5 * s + 64);
      }),
      { numRuns: 60 },
    );
  });
});

describe("parseRef: what counts as one token", () => {
  it("splits on every character /\\s/ matches, as before (share text needs two words)", () => {
    let seen = 0;
    for (let c = 0; c < 0x10000; c++) {
      const ch = String.fromCharCode(c);
      if (!/\s/.test(ch)) continue;
      seen++;
      expect(parseRef(`小红书${ch}看看`), `U+${c.toString(16)}`).toEqual({
        kind: "share_text",
        text: `小红书${ch}看看`,
      });
    }
    expect(seen).toBeGreaterThanOrEqual(25);
    expect(() => parseRef("小红书看看")).toThrow(/not a note id, note URL or share link/);
  });
});

describe("parseRef: where an id or a URL ends (issue #17, survivors 8 and 9 of the December list)", () => {
  it("never takes an id with something glued after it as the id (a paid call would go out with it)", () => {
    for (const ref of [`${NOTE} 看看`, `${NOTE}?xsec_token=x`, `${NOTE}.`, `${NOTE}x`, `${NOTE})`]) {
      expect(() => parseRef(ref), ref).toThrow(InvalidInputError);
    }
    // A note URL in a sentence: the ")" and "." belong to the sentence, the id is whole.
    for (const ref of [
      `https://www.xiaohongshu.com/explore/${NOTE})`,
      `(see https://www.xiaohongshu.com/explore/${NOTE}).`,
      `看这个 https://www.xiaohongshu.com/explore/${NOTE}. 好看`,
      `看这个 https://www.xiaohongshu.com/explore/${NOTE}!`,
    ]) {
      expect(parseRef(ref), ref).toEqual({ kind: "note", id: NOTE, xsecToken: null });
    }
  });

  it("reads a note link without www, with m., in any letter case, or with http:// in share text for free", () => {
    for (const host of ["xiaohongshu.com", "m.xiaohongshu.com", "WWW.XiaoHongShu.com", "http://rednote.com"]) {
      const text = `小红书 看看 ${host}/explore/${NOTE}?xsec_token=T1 好看`;
      expect(parseRef(text), text).toEqual({ kind: "note", id: NOTE, xsecToken: "T1" });
    }
    const glued = `看看这个xiaohongshu.com/user/profile/${USER}。`;
    expect(parseRef(glued, "user")).toEqual({ kind: "user", id: USER, xsecToken: null });
  });

  it("keeps a short link's own scheme and www. from share text (what is resolved is what was shared)", () => {
    expect(parseRef("小红书 www.xhslink.com/a/AbC 看看")).toMatchObject({
      kind: "short_link",
      url: "https://www.xhslink.com/a/AbC",
    });
    expect(parseRef("小红书 HTTP://XHSLINK.CN/AbC 看看")).toMatchObject({
      kind: "short_link",
      url: "http://xhslink.cn/AbC",
    });
    // "m." is no short-link host: the link is read from xhslink.com on.
    expect(parseRef("小红书 m.xhslink.com/a/AbC 看看")).toMatchObject({ url: "https://xhslink.com/a/AbC" });
    // A host with no path is no link.
    expect(parseRef("小红书 xhslink.com 看看")).toEqual({ kind: "share_text", text: "小红书 xhslink.com 看看" });
  });

  it("keeps a token's last '.', ')', '?' or '!' when the URL is given alone, drops them in prose", () => {
    for (const end of [".", ")", "?", "!", "*", "'"]) {
      const url = `https://www.xiaohongshu.com/explore/${NOTE}?xsec_token=AB${end}`;
      expect(parseRef(url), url).toEqual({ kind: "note", id: NOTE, xsecToken: `AB${end}` });
      expect(parseRef(`看 ${url} 小红书`), url).toEqual({ kind: "note", id: NOTE, xsecToken: "AB" });
    }
    const several = `看 https://www.xiaohongshu.com/explore/${NOTE}?xsec_token=AB=).!? 小红书`;
    expect(parseRef(several)).toEqual({ kind: "note", id: NOTE, xsecToken: "AB=" });
  });

  it("stops a URL at the first character that cannot be in one (CJK, space, quote marks)", () => {
    for (const after of ["好看", " 好看", '"', "<", "，"]) {
      const text = `小红书 https://www.xiaohongshu.com/explore/${NOTE}?xsec_token=T2${after}x`;
      expect(parseRef(text), text).toEqual({ kind: "note", id: NOTE, xsecToken: "T2" });
    }
  });
});
