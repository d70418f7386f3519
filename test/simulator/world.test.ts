/** The world: deterministic, holds the guide's examples, consistent ids, lazy comments, share links. */
import { describe, expect, it } from "vitest";
import { CATEGORIES, GUIDE, WORLD_NOW, World } from "../../src/simulator/world/index.js";

const w = new World(1, "tiny");

describe("the world", () => {
  it("is a pure function of its seed", () => {
    const again = new World(1, "tiny");
    expect(again.notes().map((n) => [n.id, n.title, n.likes])).toEqual(w.notes().map((n) => [n.id, n.title, n.likes]));
    expect(again.comments(GUIDE.replyNoteId).slice(0, 50)).toEqual(w.comments(GUIDE.replyNoteId).slice(0, 50));
    const other = new World(2, "tiny");
    expect(other.notes()[5]?.id).not.toBe(w.notes()[5]?.id);
  });

  it("holds the usage guide's ids and keywords", () => {
    expect(w.note(GUIDE.imageNoteId)?.type).toBe("normal");
    expect(w.note(GUIDE.replyNoteId)).toBeDefined();
    expect(w.user(GUIDE.userId)?.id).toBe(GUIDE.userId);
    expect(w.favorites(GUIDE.favUserId)?.length).toBeGreaterThan(20);
    expect(w.topic(GUIDE.topicPageId)?.name).toBe("美食推荐");
    for (const k of ["美食推荐", "口红"]) expect(w.search(k).length).toBeGreaterThan(20);
    expect(w.searchUsers("美食博主").length).toBeGreaterThan(0);
    expect(w.note(GUIDE.imageNoteId)?.userId).toBe(GUIDE.userId);
  });

  it("note and comment ids start with their creation time in seconds; times precede the world's now", () => {
    for (const n of w.notes()) {
      expect(n.id).toMatch(/^[0-9a-f]{24}$/);
      expect(Number.parseInt(n.id.slice(0, 8), 16)).toBe(n.time);
      expect(n.time).toBeLessThan(WORLD_NOW);
    }
    const note = w.note(GUIDE.replyNoteId);
    for (const c of w.comments(GUIDE.replyNoteId).slice(0, 200)) {
      expect(Number.parseInt(c.id.slice(0, 8), 16)).toBe(c.time);
      expect(c.time).toBeGreaterThanOrEqual(note?.time ?? 0);
      expect(w.comment(GUIDE.replyNoteId, c.id)).toEqual(c);
    }
  });

  it("texts carry hashtags, and counts add up: comments_count = top-level + replies", () => {
    const withTags = w.notes().filter((n) => /#[^#]+\[话题\]#/.test(n.desc));
    expect(withTags.length).toBe(w.notes().length);
    expect(w.notes().some((n) => /\[[^\]]+R\]/.test(n.desc))).toBe(true);
    expect(w.notes().some((n) => n.desc.includes("@"))).toBe(true);
    const note = w.note(GUIDE.replyNoteId);
    if (!note) throw new Error("missing");
    const replies = w.comments(note.id).reduce((s, c) => s + c.replyCount, 0);
    expect(note.commentsTotal).toBe(note.commentsL1 + replies);
    for (const n of w.notes()) for (const k of n.keywords) expect(`${n.title}${n.desc}`).toContain(k);
    expect(CATEGORIES.length).toBeGreaterThan(3);
  });

  it("has image, video and live-photo notes, deleted notes and a long reply thread", () => {
    expect(w.notes().some((n) => n.type === "video" && n.video && /^\d{18}$/.test(n.video.videoId))).toBe(true);
    expect(w.notes().some((n) => n.images.some((i) => i.livePhoto !== null))).toBe(true);
    expect(w.notes().some((n) => n.deleted)).toBe(true);
    expect(w.comments(GUIDE.replyNoteId)[0]?.replyCount).toBe(w.size.longestThread);
    expect(w.replies(GUIDE.replyNoteId, w.comments(GUIDE.replyNoteId)[0]?.id ?? "").length).toBe(w.size.longestThread);
  });

  it("resolves share links: long URLs and short links in every form; unknown codes give null", () => {
    const note = w.note(GUIDE.imageNoteId);
    const user = w.user(GUIDE.userId);
    if (!note || !user) throw new Error("missing");
    for (const link of [
      `http://xhslink.com/a/${note.shortCode}`,
      `https://xhslink.com/o/${note.shortCode}`,
      `https://xhslink.cn/m/${note.shortCode}`,
      `看看 ${w.noteUrl(note)} 复制`,
    ]) {
      expect(w.resolveShareText(link)).toMatchObject({ kind: "note", id: note.id, xsecToken: note.xsecToken });
    }
    expect(w.resolveShortLink(w.shortLink("user", user.shortCode))).toMatchObject({ kind: "user", id: user.id });
    expect(w.resolveShareText(w.userUrl(user))).toMatchObject({ kind: "user", id: user.id });
    expect(w.resolveShortLink("https://xhslink.com/m/xxxxx")).toBeNull();
  });

  it("each note has its own xsec_token", () => {
    const tokens = new Set(w.notes().map((n) => n.xsecToken));
    expect(tokens.size).toBe(w.notes().length);
  });

  it("the large world holds a note with at least 100,000 comments, generated on demand", () => {
    const large = new World(1, "large");
    const huge = large.note(GUIDE.replyNoteId);
    expect(huge?.commentsL1).toBeGreaterThanOrEqual(100_000);
    const threads = large.threadsOf(GUIDE.replyNoteId);
    const last = threads?.top((huge?.commentsL1 ?? 1) - 1);
    expect(last?.index).toBe((huge?.commentsL1 ?? 1) - 1);
    expect(large.comment(GUIDE.replyNoteId, last?.id ?? "")).toEqual(last);
  });
});
