import { createHash } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { InvalidInputError, NotFoundError, UpstreamError } from "../../src/core/errors.js";
import type { FileOps } from "../../src/media/files.js";
import { nodeFileOps } from "../../src/media/files.js";
import { downloadMedia, MediaWriteError, MemoryMediaIndex, sniffFormat } from "../../src/media/index.js";
import type { Note } from "../../src/model/types.js";
import { createCdnFetch, SimulatedCdn } from "../../src/simulator/cdn/index.js";
import { worldNotes } from "./world-helpers.js";

const noSleep = async () => {};
const fast = { requestsPerSecond: 0, sleep: noSleep } as const;

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), "xhs-media-"));
}

/** Every file under `dir` outside the hidden working folders (what a person browsing sees). */
function browsable(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name.startsWith(".") || entry.name === "index.jsonl") continue;
    if (entry.isDirectory()) for (const f of readdirSync(join(dir, entry.name))) out.push(`${entry.name}/${f}`);
  }
  return out.sort();
}

let world: Awaited<ReturnType<typeof worldNotes>>;
beforeAll(async () => {
  world = await worldNotes(1, 60);
}, 60_000);

describe("downloadMedia on a demo-crawl-sized set of notes", () => {
  const dir = tempDir();
  let first: Awaited<ReturnType<typeof downloadMedia>>;

  beforeAll(async () => {
    world.cdn.resetStats();
    first = await downloadMedia(world.notes, { dir, fetch: world.cdnFetch, ...fast, selection: { covers: true } });
  }, 60_000);

  it("downloads and verifies every image, live clip, cover and video", () => {
    const expected = world.notes.reduce(
      (n, note) =>
        n +
        note.images.length +
        note.images.filter((i) => i.livePhotoUrl && note.type === "image").length +
        (note.video ? 1 : 0),
      0,
    );
    expect(first.failed).toEqual([]);
    expect(first.items).toBe(expected);
    expect(first.downloaded).toBe(expected);
    expect(world.notes.some((n) => n.type === "video")).toBe(true);
    expect(first.rows.some((r) => r.kind === "live")).toBe(true);
    for (const row of first.rows) {
      const bytes = readFileSync(join(dir, row.path));
      expect(bytes.length).toBe(row.bytes);
      expect(createHash("sha256").update(bytes).digest("hex")).toBe(row.sha256);
      expect(sniffFormat(bytes)).toBe(row.format);
      expect(world.cdn.describe(row.sourceUrl)?.size).toBe(row.bytes);
    }
  });

  it("keeps no watermarked file (the world has a clean original for every image)", () => {
    expect(first.watermarked).toBe(0);
    for (const row of first.rows) {
      expect(row.watermarked).toBe(false);
      expect(readFileSync(join(dir, row.path)).includes("WATERMARK")).toBe(false);
    }
  });

  it("takes the best available video in every case, as the world knows it", () => {
    const videos = first.rows.filter((r) => r.kind === "video");
    expect(videos.length).toBeGreaterThan(0);
    const variants = new Set<string>();
    for (const row of videos) {
      const truth = world.sim.world.note(row.noteId)?.video;
      expect(truth).toBeTruthy();
      const served = world.cdn.describe(row.sourceUrl);
      const best = world.cdn.bestVideoVariant(truth!);
      variants.add(best);
      expect(served?.variant === "origin" ? "origin" : served?.variant.split("/")[0]).toBe(best);
    }
    // The seed gives both cases: origin keys that answer and ones that 404.
    expect(variants).toEqual(new Set(["origin", "h264"]));
  });

  it("lays files out as <noteId>/<n>.<ext>, hard links to content-addressed objects", () => {
    const paths = browsable(dir);
    expect(paths).toEqual(first.rows.map((r) => r.path).sort());
    const row = first.rows[0]!;
    const object = join(dir, ".objects", row.sha256.slice(0, 2), `${row.sha256}.${row.path.split(".").pop()}`);
    expect(statSync(object).ino).toBe(statSync(join(dir, row.path)).ino);
    expect(readdirSync(join(dir, ".partial"))).toEqual([]);
  });

  it("sends no key or cookie to the CDN", () => {
    expect(world.cdn.stats.requestsWithCredentials).toBe(0);
  });

  it("a second run fetches nothing again", async () => {
    world.cdn.resetStats();
    const again = await downloadMedia(world.notes, {
      dir,
      fetch: world.cdnFetch,
      ...fast,
      selection: { covers: true },
    });
    expect(again.downloaded).toBe(0);
    expect(again.skipped).toBe(first.items);
    expect(world.cdn.stats.requests).toBe(0);
  });
});

describe("interrupted downloads", () => {
  it("resume with Range after connections cut mid-file: bytes served ≤ total + one chunk per cut", async () => {
    const chunk = 4096;
    const cdn = new SimulatedCdn(world.sim.world, { faults: { cut: 1, cutTimes: 2 }, chunkBytes: chunk });
    const notes = world.notes.slice(0, 15);
    const report = await downloadMedia(notes, { dir: tempDir(), fetch: createCdnFetch(cdn), ...fast });
    expect(report.failed).toEqual([]);
    const cuts = report.items * 2;
    expect(cdn.stats.bytesServed).toBeGreaterThanOrEqual(report.bytes);
    expect(cdn.stats.bytesServed).toBeLessThanOrEqual(report.bytes + cuts * chunk);
  });

  it("resume after the run is aborted mid-file: completed files are not fetched again", async () => {
    const chunk = 2048;
    const cdn = new SimulatedCdn(world.sim.world, { chunkBytes: chunk });
    const base = createCdnFetch(cdn);
    const notes = world.notes.filter((n) => n.type === "video").slice(0, 4);
    const dir = tempDir();
    const controller = new AbortController();
    const stopAt = 40_000;
    // Aborts once the CDN has served stopAt bytes, from inside a body: that item is left as a partial file.
    const killing: typeof fetch = async (input, init) => {
      const response = await base(input, init);
      const watch = new TransformStream<Uint8Array, Uint8Array>({
        transform(chunk, out) {
          out.enqueue(chunk);
          if (cdn.stats.bytesServed > stopAt) controller.abort(new Error("killed"));
        },
      });
      return new Response(response.body?.pipeThrough(watch) ?? null, {
        status: response.status,
        headers: response.headers,
      });
    };
    await expect(
      downloadMedia(notes, { dir, fetch: killing, ...fast, concurrency: 1, signal: controller.signal }),
    ).rejects.toThrow("killed");
    const servedBefore = cdn.stats.bytesServed;
    const partials = readdirSync(join(dir, ".partial"));
    const done = browsable(dir);
    const report = await downloadMedia(notes, { dir, fetch: base, ...fast, concurrency: 1 });
    expect(report.failed).toEqual([]);
    expect(report.skipped).toBe(done.length);
    // report.rows lists the skipped (done before the kill) and the new ones: the whole set once.
    const total = report.rows.reduce((n, r) => n + r.bytes, 0);
    expect(report.rows).toHaveLength(notes.length);
    expect(partials).toHaveLength(1);
    expect(cdn.stats.bytesServed).toBeLessThanOrEqual(total + chunk);
    expect(servedBefore).toBeGreaterThan(stopAt);
  });
});

function makeNote(id: string, imageUrls: string[]): Note {
  return {
    id,
    type: "image",
    title: null,
    text: null,
    textTruncated: false,
    tags: [],
    author: null,
    stats: { likes: null, collects: null, comments: null, shares: null },
    approx: [],
    images: imageUrls.map((url) => ({ url, width: 10, height: 10, livePhotoUrl: null })),
    video: null,
    publishedAt: null,
    updatedAt: null,
    ipLocation: null,
    xsecToken: null,
    url: `https://www.xiaohongshu.com/explore/${id}`,
    source: "app_v2",
    fetchedAt: "2026-12-01T00:00:00.000Z",
  };
}

const JPEG = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(500, 7), Buffer.from([0xff, 0xd9])]);
const JPEG_MARKED = Buffer.concat([
  Buffer.from([0xff, 0xd8, 0xff, 0xfe]),
  Buffer.from("WATERMARK"),
  Buffer.alloc(300, 1),
]);

function stubFetch(answer: (url: string) => { status: number; body?: Buffer; type?: string }) {
  const asked: string[] = [];
  const fetchImpl = (async (input: string | URL | Request) => {
    const url = String(input);
    asked.push(url);
    const a = answer(url);
    return new Response(a.body ?? null, {
      status: a.status,
      headers: {
        "content-type": a.type ?? "image/jpeg",
        ...(a.body ? { "content-length": String(a.body.length) } : {}),
      },
    });
  }) as typeof fetch;
  return { fetchImpl, asked };
}

describe("choices under failure", () => {
  it("chooses a note's files again only when asked (rechoose: its record changed); the others stay skipped", async () => {
    const dir = tempDir();
    const index = new MemoryMediaIndex();
    const notes = world.notes.slice(0, 3);
    const first = await downloadMedia(notes, { dir, fetch: world.cdnFetch, ...fast, index });
    const again = await downloadMedia(notes, {
      dir,
      fetch: world.cdnFetch,
      ...fast,
      index,
      rechoose: new Set([notes[0]!.id]),
    });
    const ofFirst = first.rows.filter((r) => r.noteId === notes[0]!.id).length;
    expect(ofFirst).toBeGreaterThan(0);
    expect(again.downloaded).toBe(ofFirst);
    expect(again.skipped).toBe(first.downloaded - ofFirst);
    expect(again.deduped).toBe(ofFirst); // the same bytes: stored once
  });

  it("stores a file shared by two notes once and lists it twice", async () => {
    const url = `https://ci.xiaohongshu.com/${world.sim.world.notes().find((n) => n.images.length)!.images[0]!.fileId}`;
    const dir = tempDir();
    const report = await downloadMedia(
      [makeNote("aaaa0000000000000000aaaa", [url]), makeNote("bbbb0000000000000000bbbb", [url])],
      {
        dir,
        fetch: world.cdnFetch,
        ...fast,
        concurrency: 1,
      },
    );
    expect(report.downloaded).toBe(2);
    expect(report.deduped).toBe(1);
    expect(report.rows[0]!.sha256).toBe(report.rows[1]!.sha256);
    const objects = readdirSync(join(dir, ".objects"), { recursive: true }).filter((p) => String(p).includes("."));
    expect(objects).toHaveLength(1);
    expect(browsable(dir)).toHaveLength(2);
    expect(statSync(join(dir, report.rows[0]!.path)).nlink).toBe(3);
  });

  it("downloads a URL shared by notes in flight at once a single time", async () => {
    const url = `https://ci.xiaohongshu.com/${world.sim.world.notes().find((n) => n.images.length)!.images[0]!.fileId}`;
    const cdn = new SimulatedCdn(world.sim.world, { chunkBytes: 1024 });
    const notes = ["a", "b", "c", "d"].map((c) => makeNote(`${c.repeat(4)}0000000000000000${c.repeat(4)}`, [url]));
    const report = await downloadMedia(notes, { dir: tempDir(), fetch: createCdnFetch(cdn), ...fast, concurrency: 4 });
    expect(report.failed).toEqual([]);
    expect(report.downloaded).toBe(4);
    expect(report.deduped).toBe(3);
    expect(new Set(report.rows.map((r) => r.sha256)).size).toBe(1);
    expect(cdn.stats.requests).toBe(1);
    expect(cdn.stats.bytesServed).toBe(report.rows[0]!.bytes);
  });

  it("keeps the watermarked URL as given only when no clean candidate answered", async () => {
    const given =
      "https://sns-webpic-qc.xhscdn.com/202609010000/0123456789abcdef0123456789abcdef/1040g2sg31abcdefghijklmnopqrst!nd_dft_wgth_webp_3";
    const { fetchImpl, asked } = stubFetch((url) =>
      url === given ? { status: 200, body: JPEG_MARKED } : { status: 404 },
    );
    const report = await downloadMedia([makeNote("cccc0000000000000000cccc", [given])], {
      dir: tempDir(),
      fetch: fetchImpl,
      ...fast,
    });
    expect(asked.at(-1)).toBe(given);
    expect(asked.length).toBe(4);
    expect(report.watermarked).toBe(1);
    expect(report.rows[0]?.rule).toBe("as-given");

    const clean = stubFetch((url) => ({ status: 200, body: url === given ? JPEG_MARKED : JPEG }));
    const second = await downloadMedia([makeNote("cccc0000000000000000cccc", [given])], {
      dir: tempDir(),
      fetch: clean.fetchImpl,
      ...fast,
    });
    expect(second.watermarked).toBe(0);
    expect(second.rows[0]?.rule).toBe("token-original");
  });

  it("rejects an answer whose bytes are not media (an HTML page) and tries the next candidate", async () => {
    const { fetchImpl } = stubFetch((url) =>
      url.startsWith("https://ci.")
        ? { status: 200, body: Buffer.from("<html>blocked</html>"), type: "text/html" }
        : { status: 200, body: JPEG },
    );
    const report = await downloadMedia(
      [makeNote("dddd0000000000000000dddd", ["https://ci.xiaohongshu.com/1040g2sg31abcdefghijklmnopqrst"])],
      {
        dir: tempDir(),
        fetch: fetchImpl,
        ...fast,
      },
    );
    expect(report.rows[0]?.rule).toBe("token-mirror");
  });

  it("a 403 refetches the note's detail once per note, then uses the fresh URLs", async () => {
    const old = (n: number) => `https://example.com/old-${n}.jpg`;
    const fresh = (n: number) => `https://example.com/new-${n}.jpg`;
    const { fetchImpl } = stubFetch((url) => (url.includes("/old-") ? { status: 403 } : { status: 200, body: JPEG }));
    let refetches = 0;
    const report = await downloadMedia([makeNote("eeee0000000000000000eeee", [old(1), old(2)])], {
      dir: tempDir(),
      fetch: fetchImpl,
      ...fast,
      refetch: async (id) => {
        refetches++;
        return makeNote(id, [fresh(1), fresh(2)]);
      },
    });
    expect(refetches).toBe(1);
    expect(report.refetches).toBe(1);
    expect(report.failed).toEqual([]);
    expect(report.rows.map((r) => r.sourceUrl).sort()).toEqual([fresh(1), fresh(2)]);
  });

  it("a refetch that found the note gone is not paid again on a rerun over the same record, only for a new one", async () => {
    const dir = tempDir();
    const { fetchImpl } = stubFetch(() => ({ status: 403 }));
    const gone = makeNote("abab0000000000000000abab", ["https://example.com/a.jpg", "https://example.com/b.jpg"]);
    let calls = 0;
    const run = (notes: Note[]) =>
      downloadMedia(notes, {
        dir,
        fetch: fetchImpl,
        ...fast,
        refetch: async (id) => {
          calls++;
          throw new NotFoundError(`note ${id}: not found`);
        },
      });
    const first = await run([gone]);
    expect([calls, first.refetches, first.refetchesRemembered]).toEqual([1, 1, 0]);
    expect(first.failed).toHaveLength(2);
    const second = await run([gone]);
    expect([calls, second.refetches, second.refetchesRemembered]).toEqual([1, 0, 1]);
    expect(second.failed).toHaveLength(2);
    // The note crawled anew (another version of its record): one refetch is worth paying again.
    const third = await run([{ ...gone, fetchedAt: "2026-12-02T00:00:00.000Z" }]);
    expect([calls, third.refetches]).toEqual([2, 1]);
  });

  it("a refetch whose fresh URLs are refused too is remembered; one that failed to answer is not", async () => {
    const dir = tempDir();
    const { fetchImpl } = stubFetch(() => ({ status: 403 }));
    const note = makeNote("acac0000000000000000acac", ["https://example.com/old.jpg"]);
    let calls = 0;
    const run = (refetch: (id: string) => Promise<Note | null>) =>
      downloadMedia([note], { dir, fetch: fetchImpl, ...fast, refetch });
    // TikHub down (not a verdict on the note): asked again next time.
    const down = async () => {
      calls++;
      throw new UpstreamError("503");
    };
    await run(down);
    await run(down);
    expect(calls).toBe(2);
    const changed = async (id: string) => {
      calls++;
      return makeNote(id, ["https://example.com/new.jpg"]);
    };
    const first = await run(changed);
    expect(first.refetches).toBe(1);
    const second = await run(changed);
    expect([calls, second.refetches, second.refetchesRemembered]).toEqual([3, 0, 1]);
  });

  it("a 404 never triggers a paid refetch", async () => {
    const { fetchImpl } = stubFetch(() => ({ status: 404 }));
    let refetches = 0;
    const report = await downloadMedia([makeNote("ffff0000000000000000ffff", ["https://example.com/x.jpg"])], {
      dir: tempDir(),
      fetch: fetchImpl,
      ...fast,
      refetch: async () => {
        refetches++;
        return null;
      },
    });
    expect(refetches).toBe(0);
    expect(report.failed).toEqual([expect.objectContaining({ kind: "image", index: 0, statuses: [404] })]);
  });
});

describe("bad input", () => {
  it("lists a note without media, fetching nothing for it", async () => {
    const { fetchImpl, asked } = stubFetch(() => ({ status: 500 }));
    const report = await downloadMedia([makeNote("0000aaaa0000000000000000", [])], {
      dir: tempDir(),
      fetch: fetchImpl,
      ...fast,
    });
    expect(report.emptyNotes).toEqual(["0000aaaa0000000000000000"]);
    expect(asked).toEqual([]);
  });

  it("refuses a folder it cannot write before any request", async () => {
    const file = join(tempDir(), "a-file");
    writeFileSync(file, "x");
    const { fetchImpl, asked } = stubFetch(() => ({ status: 200, body: JPEG }));
    await expect(
      downloadMedia(world.notes.slice(0, 2), { dir: join(file, "media"), fetch: fetchImpl, ...fast }),
    ).rejects.toThrow(InvalidInputError);
    expect(asked).toEqual([]);
  });

  it("stops on a full disk with a clear error and leaves no partial file under a final name", async () => {
    let written = 0;
    const fullAfter = 60_000;
    const fullDisk: FileOps = {
      async openForWrite(path, mode) {
        const real = await nodeFileOps.openForWrite(path, mode);
        return {
          async write(chunk) {
            if (written + chunk.length > fullAfter) {
              throw Object.assign(new Error("ENOSPC: no space left on device, write"), { code: "ENOSPC" });
            }
            written += chunk.length;
            await real.write(chunk);
          },
          close: () => real.close(),
        };
      },
    };
    const dir = tempDir();
    const index = new MemoryMediaIndex();
    const error = await downloadMedia(world.notes.slice(0, 20), {
      dir,
      fetch: world.cdnFetch,
      ...fast,
      files: fullDisk,
      index,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MediaWriteError);
    expect(String((error as Error).message)).toContain("no space left");
    // Every browsable file is a complete, indexed one.
    const rows = await index.all();
    expect(browsable(dir)).toEqual(rows.map((r) => r.path).sort());
    for (const row of rows) expect(statSync(join(dir, row.path)).size).toBe(row.bytes);
  });
});

afterAll(() => {
  // temp folders are left to the OS's tmp cleaner
});
