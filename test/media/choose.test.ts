import { describe, expect, it } from "vitest";
import { imageCandidates, imageToken, planNoteMedia, rankStreams, videoCandidates } from "../../src/media/choose.js";
import type { Note, NoteVideo, VideoStream } from "../../src/model/types.js";

const TOKEN = "1040g2sg31abcdefghijklmnopqrstuv0123456";

describe("imageToken", () => {
  it("reads the token after a web URL's date and signature, before the style", () => {
    const url = `http://sns-webpic-qc.xhscdn.com/202609010000/0123456789abcdef0123456789abcdef/${TOKEN}!nd_dft_wgth_webp_3`;
    expect(imageToken(url)).toBe(TOKEN);
  });

  it("keeps the notes_pre_post/ and spectrum/ prefixes (dropping them breaks the URL)", () => {
    expect(
      imageToken(
        `http://sns-webpic-qc.xhscdn.com/202601010000/0123456789abcdef0123456789abcdef/notes_pre_post/${TOKEN}!nd_dft_wlteh_jpg_3`,
      ),
    ).toBe(`notes_pre_post/${TOKEN}`);
    expect(imageToken(`https://ci.xiaohongshu.com/spectrum/${TOKEN}?imageView2/format/png`)).toBe(`spectrum/${TOKEN}`);
  });

  it("reads an app URL's path and ignores its processing query and signature", () => {
    const url = `https://sns-na-i8.xhscdn.com/${TOKEN}?imageView2/2/w/1440/format/heif/q/58|imageMogr2/strip&sc=SRH_DTL&sign=ab&t=6a9f5000`;
    expect(imageToken(url)).toBe(TOKEN);
  });

  it("gives null for what is not a media URL", () => {
    expect(imageToken("not a url")).toBeNull();
    expect(imageToken("https://www.xiaohongshu.com/explore/abc")).toBeNull();
    expect(imageToken("https://sns-avatar-qc.xhscdn.com/avatar/x?imageView2/2/w/80")).toBeNull();
  });
});

describe("imageCandidates", () => {
  it("tries the clean token forms first and the URL as given (maybe watermarked) last", () => {
    const given = `http://sns-webpic-qc.xhscdn.com/202609010000/0123456789abcdef0123456789abcdef/${TOKEN}!nd_dft_wgth_webp_3`;
    const candidates = imageCandidates(given);
    expect(candidates.map((c) => [c.rule, c.url])).toEqual([
      ["token-original", `https://ci.xiaohongshu.com/${TOKEN}`],
      ["token-mirror", `https://sns-img-bd.xhscdn.com/${TOKEN}`],
      ["token-imageview", `https://ci.xiaohongshu.com/${TOKEN}?imageView2/format/jpeg`],
      ["as-given", given],
    ]);
    expect(candidates.filter((c) => c.mayBeWatermarked).map((c) => c.rule)).toEqual(["as-given"]);
  });

  it("never asks imageView2 of a notes_pre_post id (500 since 2026-01)", () => {
    const urls = imageCandidates(`https://ci.xiaohongshu.com/notes_pre_post/${TOKEN}`).map((c) => c.url);
    expect(urls.some((u) => u.includes("imageView2"))).toBe(false);
    expect(urls[0]).toBe(`https://ci.xiaohongshu.com/notes_pre_post/${TOKEN}`);
  });

  it("keeps App V2's plain original before the URL as given", () => {
    const original = `http://sns-img-qc.xhscdn.com/${TOKEN}`;
    const rules = imageCandidates(original).map((c) => c.rule);
    expect(rules).toContain("app-original");
    expect(rules.indexOf("app-original")).toBeLessThan(rules.length);
  });

  it("falls back to the URL alone when it holds no token", () => {
    expect(imageCandidates("https://example.com/x.jpg").map((c) => c.rule)).toEqual(["as-given"]);
  });
});

function stream(codec: string, width: number, height: number, bitrate: number, n = 0): VideoStream {
  return {
    codec,
    url: `https://sns-video-bd.xhscdn.com/${codec}-${height}-${bitrate}-${n}.mp4`,
    backupUrls: [`https://sns-bak-v8.xhscdn.com/${codec}-${height}-${bitrate}-${n}.mp4`],
    width,
    height,
    bitrate,
    size: null,
  };
}

function video(streams: VideoStream[], originVideoKey: string | null = null): NoteVideo {
  return {
    url: streams[0]?.url ?? "https://x/none.mp4",
    backupUrls: [],
    durationSec: 10,
    width: null,
    height: null,
    originVideoKey,
    streams,
  };
}

describe("video choice", () => {
  const h264 = stream("h264", 720, 1280, 1_400_000);
  const h265Hd = stream("h265", 1080, 1920, 900_000);
  const h265Low = stream("h265", 1080, 1920, 700_000);

  it("ranks by picture size, then bitrate, across codecs (1080p is often h265 only)", () => {
    expect(rankStreams([h264, h265Low, h265Hd], "any")).toEqual([h265Hd, h265Low, h264]);
  });

  it("puts the preferred codec first, best first within it", () => {
    expect(rankStreams([h265Hd, h264, h265Low], "h264")).toEqual([h264, h265Hd, h265Low]);
  });

  it("takes the origin key first, then each stream followed by its backups", () => {
    const candidates = videoCandidates(video([h264, h265Hd], "pre_post/1040g0cg31abc"), "any");
    expect(candidates.map((c) => c.rule)).toEqual(["origin-key", "stream", "stream-backup", "stream", "stream-backup"]);
    expect(candidates[0]?.url).toBe("https://sns-video-bd.xhscdn.com/pre_post/1040g0cg31abc");
    expect(candidates[1]?.url).toBe(h265Hd.url);
    expect(candidates[2]?.url).toBe(h265Hd.backupUrls[0]);
  });

  it("falls back to url and backupUrls for records stored before streams were kept", () => {
    const old: NoteVideo = {
      url: "https://a/1.mp4",
      backupUrls: ["https://b/1.mp4"],
      durationSec: 1,
      width: 1,
      height: 1,
    };
    expect(videoCandidates(old, "any").map((c) => c.url)).toEqual(["https://a/1.mp4", "https://b/1.mp4"]);
  });
});

function note(partial: Partial<Note>): Note {
  return {
    id: "697c0eee000000000a03c308",
    type: "image",
    title: null,
    text: null,
    textTruncated: false,
    tags: [],
    author: null,
    stats: { likes: null, collects: null, comments: null, shares: null },
    approx: [],
    images: [],
    video: null,
    publishedAt: null,
    updatedAt: null,
    ipLocation: null,
    xsecToken: null,
    url: "https://www.xiaohongshu.com/explore/697c0eee000000000a03c308",
    source: "app_v2",
    fetchedAt: "2026-12-01T00:00:00.000Z",
    ...partial,
  };
}

describe("planNoteMedia", () => {
  const image = (n: number, live = false) => ({
    url: `https://ci.xiaohongshu.com/${TOKEN}${n}`,
    width: 100,
    height: 200,
    livePhotoUrl: live ? `http://sns-video-bd.xhscdn.com/stream/1/10/16/${TOKEN}${n}_16.mp4` : null,
  });

  it("lists an image note's pictures, each followed by its live clip under the same index", () => {
    const items = planNoteMedia(note({ images: [image(1), image(2, true)] }));
    expect(items.map((i) => [i.kind, i.index])).toEqual([
      ["image", 0],
      ["image", 1],
      ["live", 1],
    ]);
  });

  it("treats a video note's images as covers, off by default", () => {
    const v = note({ type: "video", images: [image(1)], video: video([stream("h264", 1, 1, 1)]) });
    expect(planNoteMedia(v).map((i) => i.kind)).toEqual(["video"]);
    expect(
      planNoteMedia(v, { images: true, videos: "none", covers: true, videoCodec: "any" }).map((i) => i.kind),
    ).toEqual(["cover"]);
  });

  it("gives nothing for a note without media", () => {
    expect(planNoteMedia(note({}))).toEqual([]);
  });
});
