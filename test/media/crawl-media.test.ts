import { mkdtempSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { createClient } from "../../src/client/create-client.js";
import { runCrawl } from "../../src/crawl/engine.js";
import { planHash } from "../../src/crawl/plan/hash.js";
import { normalizePlan } from "../../src/crawl/plan/normalize.js";
import { createCdnFetch, SimulatedCdn } from "../../src/simulator/cdn/index.js";
import { createSimulator } from "../../src/simulator/index.js";
import { openPostgresStore } from "../../src/store/postgres/open.js";
import { listMediaFiles } from "../../src/store/sql/media.js";
import { openSqliteStore } from "../../src/store/sqlite/sqlite-store.js";
import { freshPostgresDatabase, hasPostgres } from "../support/services.js";

afterEach(() => {
  vi.unstubAllGlobals();
});

describe("crawl plan expand.media", () => {
  it("normalizes defaults and leaves the hash of a plan without media unchanged", () => {
    const base = { seeds: { notes: ["697c0eee000000000a03c308"] } };
    const off = normalizePlan(base, "t");
    expect(off.expand.media).toBeUndefined();
    expect(planHash(normalizePlan({ ...base, expand: { media: false } }, "t"))).toBe(planHash(off));
    expect(normalizePlan({ ...base, expand: { media: true } }, "t").expand.media).toEqual({
      images: true,
      videos: "best",
      covers: false,
      videoCodec: "any",
      dir: "media",
    });
    expect(() => normalizePlan({ ...base, expand: { media: { videos: "worst" } } }, "t")).toThrow(/media/);
  });

  it("downloads each detailed note's media into the plan's folder, the CDN reached without the key", async () => {
    const sim = createSimulator({ seed: 1, rateLimit: 0 });
    const cdn = new SimulatedCdn(sim.world);
    // The crawl's downloads use the global fetch (the CDN is not TikHub): pointed at the simulated CDN here.
    vi.stubGlobal("fetch", createCdnFetch(cdn));
    const client = createClient({ apiKey: "crawl-key", fetch: sim.fetch, baseUrl: sim.url });
    const ids = sim.world
      .notes()
      .filter((n) => !n.deleted)
      .slice(0, 6)
      .map((n) => n.id);
    const dir = mkdtempSync(join(tmpdir(), "xhs-crawl-media-"));
    const plan = normalizePlan({ seeds: { notes: ids }, expand: { media: { dir, covers: true } } }, "t");
    const store = openSqliteStore(":memory:");
    const result = await runCrawl({ client, store, queue: store }, { plan });
    expect(result.status).toBe("completed");
    // Recorded in the store's media table (the one record of what is on disk), not in a folder index.
    const rows = await listMediaFiles(store);
    expect(readdirSync(dir)).not.toContain("index.jsonl");
    expect(new Set(rows.map((r) => r.noteId))).toEqual(new Set(ids));
    expect(rows.every((r) => !r.watermarked)).toBe(true);
    for (const id of ids) expect(readdirSync(join(dir, id)).length).toBeGreaterThan(0);
    expect(cdn.stats.requestsWithCredentials).toBe(0);
    await store.close();
  });

  it.skipIf(!hasPostgres())(
    "on a Postgres store: the files go to its media table, through CrawlDeps.media (no global fetch)",
    async () => {
      const database = await freshPostgresDatabase("crawl_media");
      const store = await openPostgresStore(database.url);
      try {
        const sim = createSimulator({ seed: 2, rateLimit: 0 });
        const cdn = new SimulatedCdn(sim.world);
        const client = createClient({ apiKey: "crawl-key", fetch: sim.fetch, baseUrl: sim.url });
        const ids = sim.world
          .notes()
          .filter((n) => !n.deleted)
          .slice(0, 4)
          .map((n) => n.id);
        const base = mkdtempSync(join(tmpdir(), "xhs-crawl-media-pg-"));
        const plan = normalizePlan({ seeds: { notes: ids }, expand: { media: { dir: "pics" } } }, "t");
        const result = await runCrawl(
          { client, store, queue: store, media: { fetch: createCdnFetch(cdn), baseDir: base } },
          { plan },
        );
        expect(result.status).toBe("completed");
        const rows = await listMediaFiles(store);
        expect(new Set(rows.map((r) => r.noteId))).toEqual(new Set(ids));
        for (const row of rows) expect(readdirSync(join(base, "pics", row.noteId))).toContain(row.path.split("/")[1]);
      } finally {
        await store.close();
        await database.drop();
      }
    },
  );
});
