import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { noteUrl, parseNoteRef, parseRef, parseUserRef } from "../../src/refs/parse-ref.js";
import { InvalidInputError } from "../../src/transport/errors.js";

const NOTE = "6789abcdef0123456789abcd";
const USER = "5a8cf39111be10466d285d6b";

describe("parseRef: bare ids", () => {
  it("takes a bare id for what was expected", () => {
    expect(parseRef(NOTE)).toEqual({ kind: "note", id: NOTE, xsecToken: null });
    expect(parseRef(` ${USER}\n`, "user")).toEqual({ kind: "user", id: USER, xsecToken: null });
  });
  it("accepts other id forms without hard validation (a 29-character user id)", () => {
    const odd = "5c1a2b3c4d5e6f70819a2b3c4d5e6";
    expect(odd).toHaveLength(29);
    expect(parseRef(odd, "user")).toEqual({ kind: "user", id: odd, xsecToken: null });
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
  const token = fc.string({ minLength: 1, maxLength: 40 });

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
