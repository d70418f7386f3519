/**
 * Every reference sample (kept outside the repo, see test/support/reference.ts) normalizes to records with the right
 * ids, counts and times. TikHub App V2 answers go through their own normalizer; the legacy `web/*` captures through the
 * App V2 normalizer of the same resource; XHS app payloads wrapped in an App V1 envelope (App V2 for the two resources
 * App V1 lacks: user search and favourites); XHS web payloads wrapped in a Web V3 envelope. The values asserted were
 * read from the samples by hand.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { endpoint } from "../../src/catalog/endpoints.js";
import { contextFor, NORMALIZERS, normalize } from "../../src/series/normalize.js";
import { SCHEMA_OF } from "../fixtures/series/schemas.js";
import { hasReference, referencePath } from "../support/reference.js";

const SAMPLES = referencePath("samples");
const present = hasReference("samples");

type Wrap = { series: "app_v1" | "app_v2" | "web_v3"; params: Record<string, string> } | null;
interface Case {
  file: string;
  endpoint: string;
  wrap: Wrap;
  count: number;
  /** Expected fields of the first (or the requested) record. */
  first: Record<string, unknown>;
  hasMore?: boolean | null;
  next?: Record<string, string> | null;
  extra?: (items: Record<string, unknown>[]) => void;
}

const v1 = (params: Record<string, string>): Wrap => ({ series: "app_v1", params });
const v2 = (params: Record<string, string>): Wrap => ({ series: "app_v2", params });
const v3 = (params: Record<string, string>): Wrap => ({ series: "web_v3", params });

const MANIFEST: Case[] = [
  // ---------------------------------------------------------------- TikHub App V2 (real, sanitized)
  {
    file: "tikhub/app_v2/get_image_note_detail-2.json",
    endpoint: "app_v2/get_image_note_detail",
    wrap: null,
    count: 1,
    first: {
      id: "id-0004",
      type: "image",
      stats: { likes: 14845, collects: 14007, comments: 21429, shares: 1152 },
      publishedAt: "2026-07-31T04:01:48.000Z",
    },
    extra: ([note]) => expect((note!.images as unknown[]).length).toBe(1),
  },
  {
    file: "tikhub/app_v2/get_video_note_detail-2.json",
    endpoint: "app_v2/get_video_note_detail",
    wrap: null,
    count: 3,
    first: {
      id: "id-0044",
      type: "video",
      stats: { likes: 35, collects: 5, comments: 1, shares: 21 },
      publishedAt: "2026-04-07T02:36:59.000Z",
    },
    extra: (items) => {
      expect(items.map((n) => n.id)).toEqual(["id-0044", "id-0084", "id-0096"]);
      expect(items[0]!.video).toMatchObject({ durationSec: 13, width: 720, height: 1280 });
    },
  },
  {
    file: "tikhub/app_v2/get_note_comments-1.json",
    endpoint: "app_v2/get_note_comments",
    wrap: null,
    count: 3,
    first: {
      id: "id-0027",
      noteId: "id-0004",
      rootId: null,
      likes: 150,
      replyCount: 125,
      createdAt: "2026-07-31T04:46:36.000Z",
    },
    hasMore: true,
    extra: (items) => expect(items.map((c) => c.id)).toEqual(["id-0027", "id-0033", "id-0034"]),
  },
  {
    file: "tikhub/app_v2/get_note_sub_comments-1.json",
    endpoint: "app_v2/get_note_sub_comments",
    wrap: null,
    count: 3,
    first: { id: "id-0029", rootId: "id-0027", likes: 11, replyToUser: null, createdAt: "2026-07-31T05:20:52.000Z" },
    hasMore: true,
    // The second reply answers the first (target id-0029 is not the root): it names the user it replies to.
    extra: (items) => expect(items[1]!.replyToUser).not.toBeNull(),
  },
  {
    file: "tikhub/app_v2/get_user_posted_notes-1.json",
    endpoint: "app_v2/get_user_posted_notes",
    wrap: null,
    count: 2,
    first: {
      id: "6a5a501d000000000f03235e",
      title: "AI编程，先别急着付费",
      textTruncated: true,
      publishedAt: "2026-07-17T15:54:05.000Z",
    },
    hasMore: false,
    next: null,
    extra: (items) =>
      expect(items[1]).toMatchObject({
        id: "6a5a23680000000011006ef3",
        type: "video",
        title: "零基础AI编程的三个核心步骤",
      }),
  },
  {
    file: "tikhub/app_v2/search_notes-2.json",
    endpoint: "app_v2/search_notes",
    wrap: null,
    count: 3,
    first: { id: "id-0004", stats: { likes: 14845 }, textTruncated: true },
    next: { page: "2", search_id: "id-0015", search_session_id: "id-0016" },
    extra: (items) => expect(items.map((n) => n.id)).toEqual(["id-0004", "id-0010", "id-0014"]),
  },
  {
    file: "tikhub/app_v2/search_notes-3.json",
    endpoint: "app_v2/search_notes",
    wrap: null,
    count: 3,
    first: { id: "id-0044", type: "video", stats: { likes: 35 } },
    extra: (items) => expect(items.map((n) => n.id)).toEqual(["id-0044", "id-0056", "id-0066"]),
  },
  // ---------------------------------------------------------------- legacy TikHub web captures → App V2
  {
    file: "tikhub/web/get_note_comments-1.json",
    endpoint: "app_v2/get_note_comments",
    wrap: null,
    count: 7,
    first: {
      id: "66c4b7a300000000270106f7",
      noteId: "6683b283000000001f0052bf",
      createdAt: "2024-08-20T15:35:00.000Z",
      likes: 0,
    },
    hasMore: false,
    next: null,
    extra: (items) => expect(items[4]).toMatchObject({ id: "6683ec5b000000000303b91a", likes: 36, replyCount: 43 }),
  },
  {
    file: "tikhub/web/search_notes-1.json",
    endpoint: "app_v2/search_notes",
    wrap: null,
    count: 20,
    first: { id: "67ff2df8000000001b03ebc7", stats: { likes: 45 }, publishedAt: "2025-04-16T04:11:36.000Z" },
    extra: (items) => {
      const live = items.find((n) => n.id === "673d58b4000000000703931d") as {
        images: { livePhotoUrl: string | null }[];
      };
      // The live photo has only an h265 stream.
      expect(live.images[0]!.livePhotoUrl).toBe(
        "http://sns-video-zl-a.xhscdn.com/stream/10/16/01e73d58b4542a04010050039347a29efe_16.mp4",
      );
    },
  },
  // ---------------------------------------------------------------- XHS app payloads → App V1 (or App V2)
  {
    file: "xhs/app/note-detail.json",
    endpoint: "app/get_note_info",
    wrap: v1({ note_id: "638aa91a000000001b027e24" }),
    count: 1,
    first: {
      id: "638aa91a000000001b027e24",
      stats: { likes: 1819, collects: 47, comments: 44, shares: 19 },
      publishedAt: "2022-12-03T01:40:42.000Z",
      tags: ["萨摩耶", "我家宠物好可爱"],
    },
  },
  {
    file: "xhs/app/comment-page.json",
    endpoint: "app/get_note_comments",
    wrap: v1({ note_id: "6447b072000000002700297d" }),
    count: 15,
    first: {
      id: "6447b3cf000000001803a63c",
      likes: 50,
      replyCount: 13,
      createdAt: "2023-04-25T11:04:47.000Z",
      ipLocation: "湖北",
    },
    hasMore: true,
  },
  {
    file: "xhs/app/sub-comment-page.json",
    endpoint: "app/get_sub_comments",
    wrap: v1({ note_id: "6447b072000000002700297d", comment_id: "6447b3cf000000001803a63c" }),
    count: 5,
    first: {
      id: "6447b61c0000000007021b6c",
      rootId: "6447b3cf000000001803a63c",
      likes: 2,
      createdAt: "2023-04-25T11:14:36.000Z",
    },
    hasMore: true,
    // The fifth reply answers another reply (6447cb82…), so it names that reply's author.
    extra: (items) => expect(items[4]!.replyToUser).toMatchObject({ id: "5e36c924000000000100b708" }),
  },
  {
    file: "xhs/app/search-notes.json",
    endpoint: "app/search_notes",
    wrap: v1({ keyword: "宝宝衣服", page: "1" }),
    count: 10,
    first: { id: "64533a53000000001203ef7d", publishedAt: "2023-05-04T04:53:39.000Z", stats: { likes: 0 } },
  },
  {
    file: "xhs/app/search-users.json",
    endpoint: "app_v2/search_users",
    wrap: v2({ keyword: "衣服" }),
    count: 20,
    first: { id: "5b516d90e8ac2b21451287b8", redId: "639746307", followers: 242000, approx: ["followers"] },
  },
  {
    file: "xhs/app/user-collected.json",
    endpoint: "app_v2/get_user_faved_notes",
    wrap: v2({ user_id: "5e0234b4000000000100017d" }),
    count: 10,
    first: { id: "644a34440000000013011d0c", type: "video", stats: { likes: 16551 } },
    hasMore: true,
    next: { cursor: "643e5e6b000000001300c91d" },
    extra: ([note]) =>
      expect((note!.video as { url: string }).url).toBe(
        "http://sns-video-bd.xhscdn.com/stream/110/258/01e44a34446b46750103710387c1dd91df_258.mp4",
      ),
  },
  {
    file: "xhs/app/user-posted.json",
    endpoint: "app/get_user_notes",
    wrap: v1({ user_id: "60503d3a0000000001008385" }),
    count: 10,
    first: { id: "6450e04200000000270294e2", type: "video", stats: { likes: 11 }, textTruncated: true },
  },
  {
    file: "xhs/app/user-profile.json",
    endpoint: "app/get_user_info",
    wrap: v1({ user_id: "60503d3a0000000001008385" }),
    count: 1,
    first: {
      id: "60503d3a0000000001008385",
      redId: "4216012177",
      gender: "female",
      followers: 5968,
      following: 34,
      likesAndCollects: 153323,
      noteCount: 52,
    },
  },
  // ---------------------------------------------------------------- XHS web payloads → Web V3
  {
    file: "xhs/web/note-detail-video.json",
    endpoint: "web_v3/fetch_note_detail",
    wrap: v3({ note_id: "68f4e9bf00000000070327cb", xsec_token: "ABfromShare=" }),
    count: 1,
    first: {
      id: "68f4e9bf00000000070327cb",
      type: "video",
      stats: { likes: 1, collects: 1, comments: 2, shares: 0 },
      publishedAt: "2025-10-19T13:38:07.000Z",
      ipLocation: "上海",
      xsecToken: "ABfromShare=",
    },
    extra: ([note]) =>
      expect(note!.video).toMatchObject({
        url: "http://sns-video-ak.xhscdn.com/stream/1/110/259/01e8f4e9be2543f50103700399fcb1a6a8_259.mp4",
        durationSec: 24,
      }),
  },
  {
    file: "xhs/web/comment-page.json",
    endpoint: "web_v3/fetch_note_comments",
    wrap: v3({ note_id: "68f4e9bf00000000070327cb" }),
    count: 1,
    first: { id: "68f599c10000000031002403", text: "和顺打铁花", replyCount: 1, createdAt: "2025-10-20T02:09:06.000Z" },
    hasMore: false,
  },
  {
    file: "xhs/web/sub-comment-page.json",
    endpoint: "web_v3/fetch_sub_comments",
    wrap: v3({ note_id: "68f4e9bf00000000070327cb", root_comment_id: "68f599c10000000031002403" }),
    count: 1,
    first: {
      id: "68f599d50000000031002503",
      rootId: "68f599c10000000031002403",
      createdAt: "2025-10-20T02:09:26.000Z",
    },
  },
  {
    file: "xhs/web/search-notes.json",
    endpoint: "web_v3/fetch_search_notes",
    wrap: v3({ keyword: "榴莲" }),
    count: 1,
    first: {
      id: "6825bbe1000000002301e347",
      stats: { likes: 3496, collects: 2777, comments: 180, shares: 1694 },
      publishedAt: null,
    },
    hasMore: true,
  },
  {
    file: "xhs/web/search-users.json",
    endpoint: "web_v3/fetch_search_users",
    wrap: v3({ keyword: "榴莲" }),
    count: 1,
    first: { id: "671bddde000000001d0203f4", followers: 39000, noteCount: 96, approx: ["followers"] },
  },
  {
    file: "xhs/web/user-posted.json",
    endpoint: "web_v3/fetch_user_notes",
    wrap: v3({ user_id: "5b24961811be105dfe1079d4" }),
    count: 1,
    first: {
      id: "68f4e9bf00000000070327cb",
      stats: { likes: 1 },
      xsecToken: "ABCpkc82MComsYdo8F3jH6QOvcWHx3746fvDysZi8wJTQ=",
    },
    hasMore: false,
  },
  // Liked and collected lists share the posted-notes shape (no user_id: their authors are other users).
  {
    file: "xhs/web/user-liked.json",
    endpoint: "web_v3/fetch_user_notes",
    wrap: v3({}),
    count: 1,
    first: { id: "6662b63f0000000006005104", title: "每天1小时学好英语 改变命运💗" },
  },
  {
    file: "xhs/web/user-collected.json",
    endpoint: "web_v3/fetch_user_notes",
    wrap: v3({}),
    count: 1,
    first: { id: "68f4e017000000000301ff41" },
  },
  {
    file: "xhs/web/user-profile.json",
    endpoint: "web_v3/fetch_user_info",
    wrap: v3({ user_id: "5b24961811be105dfe1079d4" }),
    count: 1,
    first: {
      id: "5b24961811be105dfe1079d4",
      redId: "633500655",
      gender: "male",
      followers: 1,
      following: 2,
      likesAndCollects: 2,
    },
  },
];

/** A TikHub envelope around an XHS payload, as the series passes it through. */
function envelopeFor(wrap: NonNullable<Wrap>, body: unknown): unknown {
  return { code: 200, router: `/api/v1/xiaohongshu/${wrap.series}`, params: wrap.params, data: body };
}

describe.skipIf(!present)("reference samples (../shared/reference/samples)", () => {
  it("the manifest names every sample file present", async () => {
    const { readdirSync } = await import("node:fs");
    const files = ["tikhub/app_v2", "tikhub/web", "xhs/app", "xhs/web"].flatMap((dir) =>
      readdirSync(path.join(SAMPLES, dir))
        .filter((f) => f.endsWith(".json"))
        .map((f) => `${dir}/${f}`),
    );
    expect(files.filter((f) => !MANIFEST.some((c) => c.file === f))).toEqual([]);
  });

  for (const entry of MANIFEST) {
    it(`${entry.file} → ${entry.endpoint}`, () => {
      const body: unknown = JSON.parse(readFileSync(path.join(SAMPLES, entry.file), "utf8"));
      const raw = entry.wrap ? envelopeFor(entry.wrap, body) : body;
      const spec = endpoint(entry.endpoint);
      const context = contextFor(spec, raw, { fetchedAt: "2026-01-01T00:00:00.000Z" });
      const page = NORMALIZERS[spec.name]!(raw, context);
      expect(page.status).toEqual({ ok: true });
      expect(page.items).toHaveLength(entry.count);
      const items = page.items as unknown as Record<string, unknown>[];
      for (const item of page.items) {
        SCHEMA_OF[spec.capability]!.parse(item);
        expect((item as { source: string }).source).toBe(spec.series);
      }
      expect(items[0]).toMatchObject(entry.first);
      if (entry.hasMore !== undefined) expect(page.hasMore).toBe(entry.hasMore);
      if (entry.next !== undefined) expect(page.next).toEqual(entry.next);
      entry.extra?.(items);
      // The public normalize() agrees: for detail endpoints it picks the requested record.
      const result = normalize(entry.endpoint, raw);
      expect(result.endpoint).toBe(spec.name);
      expect((result.items[0] as { id: string }).id).toBe(entry.first.id);
      expect(result.items).toHaveLength(spec.pagination === "none" ? 1 : entry.count);
    });
  }
});
