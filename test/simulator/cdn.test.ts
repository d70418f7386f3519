import { describe, expect, it } from "vitest";
import { sniffFormat } from "../../src/media/verify.js";
import { createCdnFetch, SimulatedCdn } from "../../src/simulator/cdn/index.js";
import { appImageUrl, webImageUrl } from "../../src/simulator/render/media.js";
import { createWorld } from "../../src/simulator/world/world.js";

const world = createWorld(3, "tiny");
const imageNote = world.notes().find((n) => n.type === "normal" && n.images.length > 0)!;
const image = imageNote.images[0]!;
const videoNote = world.notes().find((n) => n.video)!;
const video = videoNote.video!;

async function get(cdn: SimulatedCdn, url: string, headers: Record<string, string> = {}) {
  const res = await createCdnFetch(cdn)(url, { headers });
  return { res, body: Buffer.from(await res.arrayBuffer()) };
}

describe("simulated CDN", () => {
  it("serves the clean original for the token forms, with a real content type and magic bytes", async () => {
    const cdn = new SimulatedCdn(world);
    const a = await get(cdn, `https://ci.xiaohongshu.com/${image.fileId}`);
    const b = await get(cdn, `https://sns-img-bd.xhscdn.com/${image.fileId}`);
    expect(a.res.status).toBe(200);
    expect(a.body.equals(b.body)).toBe(true);
    const format = sniffFormat(a.body);
    expect(format).not.toBeNull();
    expect(a.res.headers.get("content-type")).toBe(
      { jpeg: "image/jpeg", webp: "image/webp", heic: "image/heic" }[format as string],
    );
    expect(Number(a.res.headers.get("content-length"))).toBe(a.body.length);
    expect(a.body.includes("WATERMARK")).toBe(false);
  });

  it("converts on imageView2 (JPEG) and answers 500 for imageView2 on a notes_pre_post id", async () => {
    const cdn = new SimulatedCdn(world);
    const jpeg = await get(cdn, `https://ci.xiaohongshu.com/${image.fileId}?imageView2/format/jpeg`);
    expect(sniffFormat(jpeg.body)).toBe("jpeg");
    const pre = await get(cdn, `https://ci.xiaohongshu.com/notes_pre_post/${image.fileId}?imageView2/2/w/format/png`);
    expect(pre.res.status).toBe(500);
    const plain = await get(cdn, `https://ci.xiaohongshu.com/notes_pre_post/${image.fileId}`);
    expect(plain.res.status).toBe(200);
  });

  it("serves the watermarked variant on the URLs the answers carry, marked in its metadata", async () => {
    const cdn = new SimulatedCdn(world);
    const web = await get(cdn, webImageUrl(world, image.fileId, "dft"));
    expect(web.res.status).toBe(200);
    expect(sniffFormat(web.body)).toBe("webp");
    expect(web.body.includes("WATERMARK")).toBe(true);
    const app = await get(cdn, appImageUrl(world, image.fileId, 1080, "SRH_DTL"));
    expect(sniffFormat(app.body)).toBe("heic");
    expect(app.body.includes("WATERMARK")).toBe(true);
  });

  it("answers 403 to an expired or badly signed URL", async () => {
    const url = appImageUrl(world, image.fileId, 1080, "SRH_DTL");
    const later = new SimulatedCdn(world, { nowSec: () => world.now + 8 * 86_400 });
    expect((await get(later, url)).res.status).toBe(403);
    const cdn = new SimulatedCdn(world);
    expect((await get(cdn, url.replace(/sign=[0-9a-f]/, "sign=z"))).res.status).toBe(403);
  });

  it("404s the origin key of a seeded share of videos and serves every stream as MP4", async () => {
    const cdn = new SimulatedCdn(world);
    const videos = world.notes().flatMap((n) => (n.video ? [n.video] : []));
    const missing = videos.filter(
      (v) => !new SimulatedCdn(world, { faults: { originMissing: 0.5 } }).originAvailable(v),
    );
    expect(missing.length).toBeGreaterThan(0);
    expect(missing.length).toBeLessThan(videos.length);
    const half = new SimulatedCdn(world, { faults: { originMissing: 0.5 } });
    const gone = missing[0]!;
    expect((await get(half, `https://sns-video-bd.xhscdn.com/${gone.originVideoKey}`)).res.status).toBe(404);
    const stream = await get(cdn, `http://sns-bak-v8.xhscdn.com/stream/110/114/${video.streamKey}_114.mp4`);
    expect(stream.res.status).toBe(200);
    expect(sniffFormat(stream.body)).toBe("mp4");
    expect(stream.res.headers.get("content-type")).toBe("video/mp4");
  });

  it("honours Range (206 with Content-Range, 416 past the end) and counts only bytes sent", async () => {
    const cdn = new SimulatedCdn(world);
    const url = `https://ci.xiaohongshu.com/${image.fileId}`;
    const whole = await get(cdn, url);
    const size = whole.body.length;
    const tail = await get(cdn, url, { range: "bytes=100-" });
    expect(tail.res.status).toBe(206);
    expect(tail.res.headers.get("content-range")).toBe(`bytes 100-${size - 1}/${size}`);
    expect(tail.body.equals(whole.body.subarray(100))).toBe(true);
    const past = await get(cdn, url, { range: `bytes=${size}-` });
    expect(past.res.status).toBe(416);
    expect(cdn.stats.bytesServed).toBe(size + (size - 100));
  });

  it("cuts a seeded connection mid-body once; the retry with Range completes it", async () => {
    const cdn = new SimulatedCdn(world, { faults: { cut: 1, cutTimes: 1 }, chunkBytes: 1024 });
    const url = `http://sns-video-bd.xhscdn.com/stream/110/258/${video.streamKey}_258.mp4`;
    const first = await createCdnFetch(cdn)(url);
    await expect(first.arrayBuffer()).rejects.toThrow();
    const served = cdn.stats.bytesServed;
    expect(served).toBeGreaterThan(0);
    const rest = await get(cdn, url, { range: `bytes=${served}-` });
    expect(rest.res.status).toBe(206);
    const total = Number(rest.res.headers.get("content-range")?.split("/")[1]);
    expect(served + rest.body.length).toBe(total);
  });

  it("is deterministic for a seed and counts requests that carried credentials", async () => {
    const a = new SimulatedCdn(world);
    const b = new SimulatedCdn(createWorld(3, "tiny"));
    const url = `https://ci.xiaohongshu.com/${image.fileId}`;
    expect((await get(a, url)).body.equals((await get(b, url, { authorization: "Bearer k" })).body)).toBe(true);
    expect(a.stats.requestsWithCredentials).toBe(0);
    expect(b.stats.requestsWithCredentials).toBe(1);
  });

  it("404s unknown files and hosts", async () => {
    const cdn = new SimulatedCdn(world);
    expect((await get(cdn, "https://ci.xiaohongshu.com/1040g000000000000000000000000000000000")).res.status).toBe(404);
    expect((await get(cdn, "https://example.com/a.jpg")).res.status).toBe(404);
  });
});

describe("createSimulator's fetch", () => {
  it("sends media URLs to the world's CDN and API paths to TikHub's simulator", async () => {
    const { createSimulator } = await import("../../src/simulator/index.js");
    const sim = createSimulator({ seed: 3, size: "tiny", rateLimit: 0 });
    const fileId = sim.world.notes().find((n) => n.images.length > 0)!.images[0]!.fileId;
    const media = await sim.fetch(`https://ci.xiaohongshu.com/${fileId}`);
    expect(media.status).toBe(200);
    expect(sniffFormat(new Uint8Array(await media.arrayBuffer()))).not.toBeNull();
    expect(sim.cdn.stats.requests).toBe(1);
    const api = await sim.fetch(
      `${sim.url}/api/v1/xiaohongshu/app_v2/get_image_note_detail?note_id=${"0".repeat(24)}`,
      {
        headers: { authorization: "Bearer k" },
      },
    );
    expect(api.headers.get("content-type")).toContain("application/json");
    expect(sim.cdn.stats.requests).toBe(1);
  });
});
