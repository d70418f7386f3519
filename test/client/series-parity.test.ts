/**
 * Against the simulator: every capability through every eligible series returns the same normalized
 * records, apart from fields a series does not have (null there; listed in the README, "What each series does not give").
 */
import { describe, expect, it } from "vitest";
import type { Series } from "../../src/core/vocabulary.js";
import type { Comment, Note, User } from "../../src/model/types.js";
import { simClient } from "./sim-helpers.js";

type Rec = Record<string, unknown>;

/** Fields that must agree wherever both series give them (null = the series does not have it). */
const NOTE_KEYS = ["id", "type", "title", "publishedAt", "ipLocation"] as const;
const NOTE_STAT_KEYS = ["likes", "collects", "comments", "shares"] as const;
const USER_KEYS = ["id", "nickname", "redId", "gender", "ipLocation", "followers", "following", "noteCount"] as const;
const COMMENT_KEYS = ["id", "noteId", "rootId", "text", "likes", "replyCount", "createdAt", "ipLocation"] as const;

/** Counts a series gave abbreviated ("1.9万", listed in `approx`) agree to the display's precision. */
function agree(a: Rec, b: Rec, keys: readonly string[], what: string, approx: readonly string[] = []): void {
  for (const key of keys) {
    if (a[key] === null || b[key] === null || a[key] === undefined || b[key] === undefined) continue;
    if (approx.includes(key) && typeof a[key] === "number" && typeof b[key] === "number") {
      const [x, y] = [a[key] as number, b[key] as number];
      expect(Math.abs(x - y), `${what}.${key} ≈`).toBeLessThanOrEqual(Math.max(x, y) * 0.05 + 1);
      continue;
    }
    expect(b[key], `${what}.${key}`).toEqual(a[key]);
  }
}

const approxOf = (...records: { approx: string[] }[]) => records.flatMap((r) => r.approx);

function sameNote(a: Note, b: Note, detail: boolean): void {
  agree(a as unknown as Rec, b as unknown as Rec, NOTE_KEYS, `note ${a.id} ${a.source}/${b.source}`);
  agree(a.stats, b.stats, NOTE_STAT_KEYS, `note ${a.id} stats ${a.source}/${b.source}`, approxOf(a, b));
  expect(b.author?.id).toEqual(a.author?.id);
  if (detail) {
    agree(a as unknown as Rec, b as unknown as Rec, ["text"], `note ${a.id}`);
    expect(b.tags).toEqual(a.tags);
    expect(b.images.length).toBe(a.images.length);
    expect(b.video === null).toBe(a.video === null);
  }
}

function byId<T extends { id: string }>(items: T[]): Map<string, T> {
  return new Map(items.map((i) => [i.id, i]));
}

describe("series parity against the simulator", () => {
  const setup = simClient();
  const { sim, xhs, run } = setup;
  const live = sim.world.notes().filter((n) => !n.deleted && !n.webRestricted);
  const image = live.find((n) => n.type === "normal" && n.commentsL1 > 3 && n.commentsL1 < 40)!;
  const video = live.find((n) => n.type === "video")!;
  const author = sim.world.user(image.userId)!;
  const only = (s: Series) => ({ series: [s] });

  it("note detail (image): app_v2, app_v1 and web_v3 agree with each other and with the world", async () => {
    const ref = `https://www.xiaohongshu.com/explore/${image.id}?xsec_token=${encodeURIComponent(image.xsecToken)}`;
    const got: Note[] = [];
    for (const s of ["app_v2", "app_v1", "web_v3"] as const) got.push(await run(xhs.notes.get(ref, only(s))));
    expect(got.map((n) => n.source)).toEqual(["app_v2", "app_v1", "web_v3"]);
    for (const n of got) {
      expect(n).toMatchObject({ id: image.id, type: "image", title: image.title, textTruncated: false });
      sameNote(got[0]!, n, true);
    }
    expect(got[0]!.stats.likes).toBe(image.likes);
  });

  it("note detail (video): app_v2 and web_v3 agree; App V1 is never asked", async () => {
    const ref = `https://www.xiaohongshu.com/explore/${video.id}?xsec_token=${encodeURIComponent(video.xsecToken)}`;
    const a = await run(xhs.notes.get(ref, { ...only("app_v2"), type: "video" }));
    const b = await run(xhs.notes.get(ref, only("web_v3")));
    expect(a.video?.url).toBeTruthy();
    expect(b.video?.url).toBeTruthy();
    sameNote(a, b, true);
    await expect(xhs.notes.get(ref, { ...only("app_v1"), type: "video" })).rejects.toThrow(/cannot serve video notes/);
  });

  it("user profile: app_v2, app_v1, web_v3", async () => {
    const got: User[] = [];
    for (const s of ["app_v2", "app_v1", "web_v3"] as const) got.push(await run(xhs.users.get(author.id, only(s))));
    for (const u of got) {
      expect(u.id).toBe(author.id);
      agree(got[0] as unknown as Rec, u as unknown as Rec, USER_KEYS, `user ${u.source}`, approxOf(got[0]!, u));
    }
    expect(got[0]!.nickname).toBe(author.nickname);
  });

  it("a user's notes: the same notes in the same order on every series", async () => {
    const lists: Note[][] = [];
    for (const s of ["app_v2", "app_v1", "web_v3"] as const)
      lists.push(await run(xhs.users.notes(author.id, only(s)).collect(25)));
    const expected = sim.world
      .userNotes(author.id)
      .slice(0, 25)
      .map((n) => n.id);
    for (const list of lists) {
      expect(list.map((n) => n.id)).toEqual(expected);
      for (const [i, n] of list.entries()) sameNote(lists[0]![i]!, n, false);
      expect(list.every((n) => n.textTruncated)).toBe(true);
    }
  });

  it("comments newest first: app_v2 and app_v1 agree; web_v3 (its own order) has the same records", async () => {
    const token = image.xsecToken;
    const ref = `https://www.xiaohongshu.com/explore/${image.id}?xsec_token=${encodeURIComponent(token)}`;
    const a = await run(xhs.comments.list(ref, { ...only("app_v2"), sort: "latest" }).collect(200));
    const b = await run(xhs.comments.list(ref, { ...only("app_v1"), sort: "latest" }).collect(200));
    const w = await run(xhs.comments.list(ref, only("web_v3")).collect(200));
    expect(a.length).toBe(image.commentsL1);
    expect(b.map((c) => c.id)).toEqual(a.map((c) => c.id));
    const index = byId(a);
    expect(new Set(w.map((c) => c.id))).toEqual(new Set(index.keys()));
    for (const list of [b, w]) {
      for (const c of list) {
        const base = index.get(c.id)!;
        agree(base as unknown as Rec, c as unknown as Rec, COMMENT_KEYS, `comment ${c.source}`, approxOf(base, c));
      }
    }
  });

  it("replies: app_v2, app_v1 and web_v3 agree", async () => {
    const thread =
      sim.world.comments(image.id).find((c) => c.replyCount > 1) ??
      sim.world
        .comments(live.find((n) => sim.world.comments(n.id).some((c) => c.replyCount > 1))!.id)
        .find((c) => c.replyCount > 1)!;
    const note = sim.world.note(thread.noteId)!;
    const ref = `https://www.xiaohongshu.com/explore/${note.id}?xsec_token=${encodeURIComponent(note.xsecToken)}`;
    const lists: Comment[][] = [];
    for (const s of ["app_v2", "app_v1", "web_v3"] as const)
      lists.push(await run(xhs.comments.replies(ref, thread.id, only(s)).collect(100)));
    const expected = sim.world.replies(note.id, thread.id).map((c) => c.id);
    for (const list of lists) {
      expect(list.map((c) => c.id)).toEqual(expected);
      list.forEach((c, i) => {
        const base = lists[0]![i]!;
        agree(base as unknown as Rec, c as unknown as Rec, COMMENT_KEYS, `reply ${c.source}`, approxOf(base, c));
      });
      expect(list.every((c) => c.rootId === thread.id)).toBe(true);
    }
  });

  it("search notes: every series' records agree where they overlap", async () => {
    const keyword = image.keywords[0]!;
    const lists: Note[][] = [];
    for (const s of ["app_v2", "app_v1", "web_v3"] as const)
      lists.push(await run(xhs.search.notes(keyword, only(s)).collect(40)));
    const index = byId(lists[0]!);
    for (const list of lists.slice(1)) {
      const shared = list.filter((n) => index.has(n.id));
      expect(shared.length).toBeGreaterThan(0);
      for (const n of shared) sameNote(index.get(n.id)!, n, false);
    }
  });

  it("search users: app_v2 and web_v3 agree where they overlap", async () => {
    const keyword = author.nickname.slice(0, 2);
    const a = await run(xhs.search.users(keyword, only("app_v2")).collect(20));
    const w = await run(xhs.search.users(keyword, only("web_v3")).collect(20));
    const index = byId(a);
    const shared = w.filter((u) => index.has(u.id));
    expect(shared.length).toBeGreaterThan(0);
    for (const u of shared)
      agree(index.get(u.id)! as unknown as Rec, u as unknown as Rec, ["id", "nickname", "redId"], "search user");
  });

  it("topic info (App V2 only) and topic notes newest first: app_v2 and app_v1 agree", async () => {
    const topic = sim.world.topics()[0]!;
    const info = await run(xhs.topics.get(topic.pageId));
    expect(info).toMatchObject({ id: topic.pageId, name: topic.name, source: "app_v2" });
    const a = await run(xhs.topics.notes(topic.pageId, { ...only("app_v2"), sort: "latest" }).collect(30));
    const b = await run(xhs.topics.notes(topic.pageId, { ...only("app_v1"), sort: "latest" }).collect(30));
    expect(a.length).toBeGreaterThan(0);
    const index = byId(a);
    for (const n of b.filter((x) => index.has(x.id))) sameNote(index.get(n.id)!, n, false);
    expect(b.filter((x) => index.has(x.id)).length).toBeGreaterThan(0);
  });
});
