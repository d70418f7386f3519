/**
 * The upsert merge rules, record by record: what a store keeps when a second fetch of the same id
 * arrives, and whether it counts as a change (a store writes only changed records).
 */
import { describe, expect, it } from "vitest";
import type { Comment, Note } from "../../src/model/types.js";
import { mergeComment, mergeNote, mergeTopic, mergeUser } from "../../src/store/merge.js";
import { comment, note, searchHit, T0, T1, T2, topic, user, userRef } from "./fixtures.js";

const TOKEN_URL = "https://www.xiaohongshu.com/explore/n1?xsec_token=ABtokenFull";
const BARE_URL = "https://www.xiaohongshu.com/explore/n1";

describe("which fetch is newer", () => {
  it("takes the later fetchedAt as newer whatever the write order", () => {
    const early = note("n1", { title: "早", fetchedAt: T0 });
    const late = note("n1", { title: "晚", fetchedAt: T1 });
    expect(mergeNote(early, late).merged.title).toBe("晚");
    expect(mergeNote(late, early).merged.title).toBe("晚");
    expect(mergeNote(late, early).merged.fetchedAt).toBe(T1);
  });

  it("on equal fetchedAt stores the same record whichever of the two was written first", () => {
    // Two workers store two snapshots of the same instant in opposite orders: both must end with one record.
    const a = note("n1", { title: "同时 A", stats: { likes: 5, collects: 1, comments: 2, shares: 0 }, fetchedAt: T1 });
    const b = note("n1", { title: "同时 B", stats: { likes: 7, collects: 1, comments: 2, shares: 0 }, fetchedAt: T1 });
    expect(mergeNote(a, b).merged).toEqual(mergeNote(b, a).merged);
    const ua = user("u1", { nickname: "甲", followers: 10, fetchedAt: T1 });
    const ub = user("u1", { nickname: "乙", followers: 12, fetchedAt: T1 });
    expect(mergeUser(ua, ub).merged).toEqual(mergeUser(ub, ua).merged);
    const ca = comment("c1", "n1", { text: "一", likes: 1, fetchedAt: T1 });
    const cb = comment("c1", "n1", { text: "二", likes: 3, fetchedAt: T1 });
    expect(mergeComment(ca, cb).merged).toEqual(mergeComment(cb, ca).merged);
    const ta = topic("t1", { name: "甲", fetchedAt: T1 });
    const tb = topic("t1", { name: "乙", fetchedAt: T1 });
    expect(mergeTopic(ta, tb).merged).toEqual(mergeTopic(tb, ta).merged);
  });

  it("treats an unreadable fetchedAt as older than any real one", () => {
    const broken = note("n1", { title: "坏时间", fetchedAt: "not a time", source: "web_v3" });
    const real = note("n1", { title: "好时间", fetchedAt: T0, source: "app_v1" });
    expect(mergeNote(real, broken).merged).toMatchObject({ title: "好时间", source: "app_v1", fetchedAt: T0 });
    expect(mergeNote(broken, real).merged).toMatchObject({ title: "好时间", source: "app_v1", fetchedAt: T0 });
  });
});

describe("notes", () => {
  it("keeps the detail's author when a later search hit shows it with a smaller avatar, in either order", () => {
    // The distributed crash test's cause: a list renders the author's avatar at w/80, the detail at w/120; the
    // stored note depended on whether the detail or another keyword's hit was fetched last.
    const detail = note("n1", {
      author: userRef("u1", { avatarUrl: "https://avatar.example/a?w=120" }),
      fetchedAt: T0,
    });
    const hit = searchHit("n1", {
      author: userRef("u1", { avatarUrl: "https://avatar.example/a?w=80", redId: null }),
      fetchedAt: T1,
    });
    const hitFirst = mergeNote(hit, detail).merged;
    expect(hitFirst.author).toEqual(detail.author);
    expect(mergeNote(detail, hit).merged).toEqual(hitFirst);
    // A detail without a redId still gets it from the hit (nulls are filled from the other record).
    const bare = note("n1", { author: userRef("u1", { redId: null }), fetchedAt: T0 });
    expect(mergeNote(bare, searchHit("n1", { author: userRef("u1", { avatarUrl: "x" }) })).merged.author).toEqual(
      userRef("u1"),
    );
  });

  it("keeps the URL that goes with the kept xsec_token (a token-less re-fetch keeps the link that opens)", () => {
    const withToken = note("n1", { xsecToken: "ABtokenFull", url: TOKEN_URL, fetchedAt: T0 });
    const without = note("n1", { xsecToken: null, url: BARE_URL, fetchedAt: T1 });
    for (const merged of [mergeNote(withToken, without).merged, mergeNote(without, withToken).merged]) {
      expect(merged.xsecToken).toBe("ABtokenFull");
      expect(merged.url).toBe(TOKEN_URL);
    }
  });

  it("takes the newer URL when the newer fetch has its own token, or when neither has one", () => {
    const old = note("n1", { xsecToken: "OLD", url: `${BARE_URL}?xsec_token=OLD`, fetchedAt: T0 });
    const fresh = note("n1", { xsecToken: "NEW", url: `${BARE_URL}?xsec_token=NEW`, fetchedAt: T1 });
    expect(mergeNote(old, fresh).merged).toMatchObject({ xsecToken: "NEW", url: `${BARE_URL}?xsec_token=NEW` });
    const bareOld = note("n1", {
      xsecToken: null,
      url: "https://www.xiaohongshu.com/discovery/item/n1",
      fetchedAt: T0,
    });
    const bareNew = note("n1", { xsecToken: null, url: BARE_URL, fetchedAt: T1 });
    expect(mergeNote(bareOld, bareNew).merged).toMatchObject({ xsecToken: null, url: BARE_URL });
  });

  it("never marks a cut-off body complete: a full record without text takes the cut text with its flag", () => {
    const fullButNoText = note("n1", { text: null, textTruncated: false, fetchedAt: T1 });
    const cut = note("n1", { text: "第一次去露营…", textTruncated: true, fetchedAt: T0 });
    for (const merged of [mergeNote(fullButNoText, cut).merged, mergeNote(cut, fullButNoText).merged]) {
      expect(merged.text).toBe("第一次去露营…");
      expect(merged.textTruncated).toBe(true);
    }
  });

  it("keeps a full body over a newer truncated one, and its title, tags, images and type with it", () => {
    const full = note("n1", { type: "video", fetchedAt: T0 });
    const hit = note("n1", {
      type: "image",
      title: "搜索标题",
      text: "第一次去…",
      textTruncated: true,
      tags: ["别的"],
      images: [{ url: "https://sns-img.example/cover.jpg", width: null, height: null, livePhotoUrl: null }],
      fetchedAt: T1,
    });
    const { merged } = mergeNote(full, hit);
    expect(merged).toMatchObject({ type: "video", title: full.title, text: full.text, textTruncated: false });
    expect(merged.tags).toEqual(full.tags);
    expect(merged.images).toEqual(full.images);
  });

  it("fills what the body's record lacks from the other record, not from nothing", () => {
    const full = note("n1", { title: null, tags: [], images: [], fetchedAt: T0 });
    const hit = note("n1", { text: "第一次去…", textTruncated: true, title: "搜索标题", fetchedAt: T1 });
    const { merged } = mergeNote(full, hit);
    expect(merged).toMatchObject({ title: "搜索标题", text: full.text, textTruncated: false });
    expect(merged.tags).toEqual(hit.tags);
    expect(merged.images).toEqual(hit.images);
  });

  it("takes a null text with the body's flag when neither record has text", () => {
    const a = note("n1", { text: null, textTruncated: true, fetchedAt: T0 });
    const b = note("n1", { text: null, textTruncated: true, fetchedAt: T1 });
    expect(mergeNote(a, b).merged).toMatchObject({ text: null, textTruncated: true });
  });

  it("keeps the full record's flag when neither record has text (no cut body was kept)", () => {
    const full = note("n1", { text: null, textTruncated: false, fetchedAt: T0 });
    const hit = note("n1", { text: null, textTruncated: true, fetchedAt: T1 });
    for (const merged of [mergeNote(full, hit).merged, mergeNote(hit, full).merged]) {
      expect(merged).toMatchObject({ text: null, textTruncated: false });
    }
  });

  it("keeps the stored author's nickname, avatar and red id when a newer fetch of the same author lacks them", () => {
    const stored = note("n1", { author: userRef("u1"), fetchedAt: T0 });
    const bare = note("n1", { author: { id: "u1", nickname: null, avatarUrl: null, redId: null }, fetchedAt: T1 });
    expect(mergeNote(stored, bare).merged.author).toEqual(userRef("u1"));
    expect(mergeNote(stored, note("n1", { author: null, fetchedAt: T1 })).merged.author).toEqual(userRef("u1"));
    const renamed = note("n1", { author: userRef("u1", { nickname: "新昵称", redId: null }), fetchedAt: T1 });
    expect(mergeNote(stored, renamed).merged.author).toEqual(userRef("u1", { nickname: "新昵称" }));
  });

  it("never mixes two different authors' fields: a new author id comes whole", () => {
    const stored = note("n1", { author: userRef("u1"), fetchedAt: T0 });
    const other = note("n1", { author: { id: "u2", nickname: null, avatarUrl: null, redId: null }, fetchedAt: T1 });
    expect(mergeNote(stored, other).merged.author).toEqual({ id: "u2", nickname: null, avatarUrl: null, redId: null });
  });

  it("takes each count from the newer record unless null there, with the approx flag of the record it came from", () => {
    const older = note("n1", {
      stats: { likes: 12000, collects: 30000, comments: 12, shares: null },
      approx: ["likes", "collects"],
      fetchedAt: T0,
    });
    const newer = note("n1", {
      stats: { likes: 12345, collects: null, comments: null, shares: 4 },
      approx: [],
      fetchedAt: T1,
    });
    const { merged } = mergeNote(older, newer);
    expect(merged.stats).toEqual({ likes: 12345, collects: 30000, comments: 12, shares: 4 });
    expect(merged.approx).toEqual(["collects"]);
  });

  it("drops an approx flag whose count is null in both records, and lists a flag once", () => {
    const older = note("n1", { stats: { likes: null, collects: 5, comments: 1, shares: 1 }, approx: ["likes"] });
    const newer = note("n1", {
      stats: { likes: null, collects: 50000, comments: 1, shares: 1 },
      approx: ["likes", "collects", "collects"],
      fetchedAt: T1,
    });
    expect(mergeNote(older, newer).merged.approx).toEqual(["collects"]);
  });

  it("keeps an older approx flag once even when the older record lists it twice", () => {
    const older = note("n1", {
      stats: { likes: 20000, collects: 1, comments: 1, shares: 1 },
      approx: ["likes", "likes"],
    });
    const newer = note("n1", {
      stats: { likes: null, collects: 1, comments: 1, shares: 1 },
      approx: [],
      fetchedAt: T1,
    });
    expect(mergeNote(older, newer).merged.approx).toEqual(["likes"]);
  });

  it("keeps an approx name that is not a count as the newer record has it, and never takes one from the older", () => {
    const older = note("n1", { approx: ["legacy"], fetchedAt: T0 });
    const newer = note("n1", { approx: ["other"], fetchedAt: T1 });
    expect(mergeNote(older, newer).merged.approx).toEqual(["other"]);
  });

  it("counts only content as a change: not fetchedAt, source, or the order of approx", () => {
    const stored = note("n1", {
      approx: ["likes", "collects"],
      stats: { likes: 1e4, collects: 2e4, comments: 1, shares: 1 },
    });
    const again = { ...stored, approx: ["collects", "likes"], source: "web_v3" as const, fetchedAt: T2 };
    expect(mergeNote(stored, again).changed).toBe(false);
    expect(mergeNote(stored, { ...again, approx: ["likes"] }).changed).toBe(true);
  });

  it("counts a re-fetch that only adds tags, images, a nested field or a video as a change", () => {
    const stored = note("n1", { tags: [], images: [], video: null });
    const later = { fetchedAt: T1 };
    expect(mergeNote(stored, note("n1", { ...later, tags: [], images: [] })).changed).toBe(false);
    expect(mergeNote(stored, note("n1", { ...later, tags: ["露营"], images: [] })).changed).toBe(true);
    const image = { url: "https://sns-img.example/1.jpg", width: 1, height: 1, livePhotoUrl: null };
    expect(mergeNote(stored, note("n1", { ...later, tags: [], images: [image] })).changed).toBe(true);
    const video = { url: "https://v.example/1.mp4", backupUrls: [], durationSec: 10, width: 720, height: 1280 };
    expect(mergeNote(stored, note("n1", { ...later, tags: [], images: [], video })).changed).toBe(true);
    const withImage = note("n1", { tags: [], images: [image] });
    const resized = note("n1", { ...later, tags: [], images: [{ ...image, width: 1080 }] });
    expect(mergeNote(withImage, resized).changed).toBe(true);
  });

  it("does not count as a change an equal array whose items are separate objects", () => {
    const image = { url: "https://sns-img.example/1.jpg", width: 1, height: 1, livePhotoUrl: null };
    const stored = note("n1", { images: [image] });
    expect(mergeNote(stored, note("n1", { images: [{ ...image }], fetchedAt: T1 })).changed).toBe(false);
  });

  it("counts a newly known scalar as a change", () => {
    const stored = note("n1", { ipLocation: null });
    expect(mergeNote(stored, note("n1", { ipLocation: "上海", fetchedAt: T1 })).changed).toBe(true);
    expect(mergeNote(stored, note("n1", { ipLocation: null, fetchedAt: T1 })).changed).toBe(false);
  });
});

describe("unchanged records as JSON sees them (a key holding undefined is absent)", () => {
  it("a stored record with extra keys holding undefined, merged with the same fetch, is unchanged", () => {
    const stored = { ...note("n1"), legacy: undefined, author: { ...userRef("u1"), extra: undefined } } as Note;
    expect(mergeNote(stored, note("n1", { fetchedAt: T1 })).changed).toBe(false);
    expect(mergeNote(stored, note("n1", { fetchedAt: T1, ipLocation: "上海" })).changed).toBe(true);
  });

  it("a comment stored before pinned and byNoteAuthor existed is unchanged by the same comment without them", () => {
    const { pinned: _p, byNoteAuthor: _b, ...before } = comment("c1", "n1");
    const old = before as Comment;
    const { merged, changed } = mergeComment(old, { ...old, fetchedAt: T1 });
    expect(changed).toBe(false);
    expect(merged.pinned ?? null).toBeNull();
    expect(mergeComment(old, comment("c1", "n1", { pinned: true, fetchedAt: T1 })).changed).toBe(true);
  });
});

describe("users", () => {
  it("takes the newer non-null values, fills nulls from the older, and keeps the token's URL", () => {
    const stored = user("u1", {
      xsecToken: "TOK",
      url: "https://www.xiaohongshu.com/user/profile/u1?xsec_token=TOK",
      followers: 12000,
      approx: ["followers"],
      fetchedAt: T0,
    });
    const incoming = user("u1", {
      nickname: "新名字",
      redId: null,
      avatarUrl: null,
      bio: null,
      gender: null,
      ipLocation: null,
      followers: null,
      following: 51,
      likesAndCollects: null,
      noteCount: 43,
      xsecToken: null,
      url: "https://www.xiaohongshu.com/user/profile/u1",
      source: "web_v3",
      fetchedAt: T1,
    });
    const { merged, changed } = mergeUser(stored, incoming);
    expect(merged).toEqual({
      ...stored,
      nickname: "新名字",
      following: 51,
      noteCount: 43,
      source: "web_v3",
      fetchedAt: T1,
    });
    expect(changed).toBe(true);
    expect(mergeUser(stored, { ...stored, fetchedAt: T1 }).changed).toBe(false);
  });

  it("takes the newer URL and token when the newer fetch carries a token", () => {
    const stored = user("u1", { xsecToken: "OLD", url: "https://www.xiaohongshu.com/user/profile/u1?xsec_token=OLD" });
    const incoming = user("u1", {
      xsecToken: "NEW",
      url: "https://www.xiaohongshu.com/user/profile/u1?xsec_token=NEW",
      fetchedAt: T1,
    });
    expect(mergeUser(stored, incoming).merged).toMatchObject({ xsecToken: "NEW", url: incoming.url });
    const plain = user("u1", { xsecToken: null, url: "https://www.xiaohongshu.com/user/profile/u1?from=old" });
    const plainNew = user("u1", { xsecToken: null, fetchedAt: T1 });
    expect(mergeUser(plain, plainNew).merged.url).toBe(plainNew.url);
  });

  it("keeps the approx flag of the record each count came from", () => {
    const stored = user("u1", { followers: 12000, likesAndCollects: 30000, approx: ["followers", "likesAndCollects"] });
    const incoming = user("u1", { followers: 12345, likesAndCollects: null, approx: [], fetchedAt: T1 });
    const { merged } = mergeUser(stored, incoming);
    expect(merged).toMatchObject({ followers: 12345, likesAndCollects: 30000 });
    expect(merged.approx).toEqual(["likesAndCollects"]);
  });
});

describe("comments", () => {
  it("takes the newer non-null values, fills nulls from the older, merges authors by id", () => {
    const stored = comment("c1", "n1", {
      rootId: "c0",
      replyToUser: userRef("u9"),
      likes: 12000,
      approx: ["likes"],
      pictures: ["https://sns-img.example/p1.jpg"],
      fetchedAt: T0,
    });
    const incoming = comment("c1", "n1", {
      rootId: null,
      replyToUser: { id: "u9", nickname: null, avatarUrl: null, redId: null },
      author: { id: "a-c1", nickname: null, avatarUrl: null, redId: null },
      text: null,
      likes: null,
      replyCount: 2,
      createdAt: null,
      ipLocation: null,
      pictures: [],
      approx: [],
      source: "web_v3",
      fetchedAt: T1,
    });
    const { merged, changed } = mergeComment(stored, incoming);
    expect(merged).toEqual({ ...stored, replyCount: 2, source: "web_v3", fetchedAt: T1 });
    expect(changed).toBe(true);
    expect(mergeComment(stored, { ...stored, source: "web_v3", fetchedAt: T1 }).changed).toBe(false);
  });

  it("takes the newer text, pictures and counts when the newer fetch has them", () => {
    const stored = comment("c1", "n1", { likes: 1, pictures: [], fetchedAt: T0 });
    const incoming = comment("c1", "n1", {
      text: "改过的评论",
      likes: 12000,
      approx: ["likes"],
      pictures: ["https://sns-img.example/p2.jpg"],
      ipLocation: "广东",
      createdAt: "2026-01-23T10:00:00.000Z",
      rootId: "c0",
      fetchedAt: T1,
    });
    const { merged, changed } = mergeComment(stored, incoming);
    expect(merged).toEqual(incoming);
    expect(changed).toBe(true);
  });
  it("keeps pinned and by-author flags when the newer answer cannot say (null), and takes a newer false", () => {
    const stored = comment("c1", "n1", { pinned: true, byNoteAuthor: true, fetchedAt: T0 });
    const unknown = comment("c1", "n1", { pinned: null, byNoteAuthor: null, fetchedAt: T1 });
    expect(mergeComment(stored, unknown).merged).toMatchObject({ pinned: true, byNoteAuthor: true });
    expect(mergeComment(stored, unknown).changed).toBe(false);
    const unpinned = comment("c1", "n1", { pinned: false, byNoteAuthor: false, fetchedAt: T1 });
    expect(mergeComment(stored, unpinned).merged).toMatchObject({ pinned: false, byNoteAuthor: false });
    expect(mergeComment(stored, unpinned).changed).toBe(true);
  });
});

describe("topics", () => {
  it("takes the newer name and counts, fills nulls from the older, flags follow their counts", () => {
    const stored = topic("t1", { name: "露营", views: 5_000_000, discussions: 80_000, approx: ["views"] });
    const incoming = topic("t1", { name: null, views: null, discussions: 81_234, approx: [], fetchedAt: T1 });
    const { merged, changed } = mergeTopic(stored, incoming);
    expect(merged).toEqual({ ...stored, discussions: 81_234, approx: ["views"], fetchedAt: T1 });
    expect(changed).toBe(true);
    const renamed = mergeTopic(stored, topic("t1", { name: "露营地", fetchedAt: T1 })).merged;
    expect(renamed.name).toBe("露营地");
    expect(mergeTopic(stored, { ...stored, fetchedAt: T2 }).changed).toBe(false);
  });
});
