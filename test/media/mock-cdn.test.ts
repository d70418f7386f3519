// `xhs media` against `xhs mock` over real HTTP: media come from the simulator's CDN on the same port, found by
// itself from TIKHUB_BASE_URL; no request leaves loopback (issue #15).
import { mkdtempSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DISCOVERY_HEADER } from "../../src/media/cdn-base.js";
import { DEFAULT_SELECTION, planNoteMedia } from "../../src/media/index.js";
import { CDN_DISCOVERY_HEADER } from "../../src/simulator/cdn/index.js";
import { type RunningSimulator, startSimulator } from "../../src/simulator/index.js";
import { listMediaFiles } from "../../src/store/sql/media.js";
import { openSqliteStore } from "../../src/store/sqlite/sqlite-store.js";
import { runCli, TEST_KEY } from "../cli/helpers.js";

let sim: RunningSimulator;
const hosts = new Set<string>();
/** The real fetch, refusing anything but loopback. */
const loopbackOnly: typeof globalThis.fetch = (input, init) => {
  const url = new URL(input instanceof Request ? input.url : String(input));
  hosts.add(url.hostname);
  if (url.hostname !== "127.0.0.1") return Promise.reject(new Error(`left loopback: ${url.href}`));
  return globalThis.fetch(input, init);
};

beforeAll(async () => {
  sim = await startSimulator({ seed: 3, size: "tiny", rateLimit: 0 });
});
afterAll(async () => {
  await sim?.close();
});

describe("xhs media against the simulator over HTTP", () => {
  it("serves the CDN under <url>/__cdn and names it in cdnUrl", async () => {
    expect(sim.cdnUrl).toBe(`${sim.url}/__cdn`);
    const answer = await fetch(`${sim.cdnUrl}/`);
    expect(answer.status).toBe(200);
    expect(answer.headers.get(CDN_DISCOVERY_HEADER)).toBe("1");
    expect(DISCOVERY_HEADER).toBe(CDN_DISCOVERY_HEADER);
  });

  it("downloads into <dir>/<noteId>/<n>.<ext> from the simulated CDN; a second run downloads nothing", async () => {
    const note = sim.world.notes().find((n) => n.type === "normal" && !n.deleted && n.images.length > 1)!;
    const cwd = mkdtempSync(join(tmpdir(), "xhs-media-mock-"));
    const env = { TIKHUB_API_KEY: TEST_KEY, TIKHUB_BASE_URL: sim.url };
    const first = await runCli(["media", note.id, "--dir", "m"], { env, fetch: loopbackOnly, cwd });
    expect(first.stderr).not.toContain("failed");
    expect(first.code).toBe(0);
    expect([...hosts]).toEqual(["127.0.0.1"]);
    const files = readdirSync(join(cwd, "m", note.id));
    expect(files.length).toBeGreaterThan(1);
    for (const f of files) expect(f).toMatch(/^\d+\.[a-z0-9]+$/);
    expect(sim.cdn.stats.requests).toBeGreaterThan(0);
    expect(first.stderr).toContain(`Downloaded ${files.length} files`);

    const requestsBefore = sim.cdn.stats.requests;
    const again = await runCli(["media", note.id, "--dir", "m"], { env, fetch: loopbackOnly, cwd });
    expect(again.code).toBe(0);
    expect(again.stderr).toContain("Downloaded 0 files");
    expect(again.stderr).toContain(`${files.length} already there`);
    expect(sim.cdn.stats.requests).toBe(requestsBefore);
  });

  it("takes XHS_CDN_BASE_URL, and refuses a bad one before any call (exit 2)", async () => {
    const note = sim.world.notes().find((n) => n.type === "normal" && !n.deleted && n.images.length > 0)!;
    const cwd = mkdtempSync(join(tmpdir(), "xhs-media-mock-"));
    const env = { TIKHUB_API_KEY: TEST_KEY, TIKHUB_BASE_URL: sim.url, XHS_CDN_BASE_URL: sim.cdnUrl };
    const out = await runCli(["media", note.id, "--dir", "m"], { env, fetch: loopbackOnly, cwd });
    expect(out.code).toBe(0);
    expect(readdirSync(join(cwd, "m", note.id)).length).toBe(
      note.images.length + note.images.filter((i) => i.livePhoto).length,
    );
    const bad = await runCli(["media", note.id, "--dir", "m"], {
      env: { ...env, XHS_CDN_BASE_URL: "ftp://x" },
      fetch: loopbackOnly,
      cwd,
    });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("XHS_CDN_BASE_URL");
  });

  it("stops at once when interrupted mid-run (SIGINT/SIGTERM abort ctx.signal): exit 130, no request after", async () => {
    const note = sim.world.notes().find((n) => n.type === "normal" && !n.deleted && n.images.length > 2)!;
    const cwd = mkdtempSync(join(tmpdir(), "xhs-media-mock-"));
    const controller = new AbortController();
    let afterAbort = 0;
    const interrupting: typeof globalThis.fetch = (input, init) => {
      const url = new URL(input instanceof Request ? input.url : String(input));
      if (controller.signal.aborted) afterAbort++;
      // The first media file asked: the user presses Ctrl-C.
      if (/^\/__cdn\/.+/.test(url.pathname)) controller.abort(new Error("SIGINT"));
      return loopbackOnly(input, init);
    };
    const env = { TIKHUB_API_KEY: TEST_KEY, TIKHUB_BASE_URL: sim.url };
    const out = await runCli(["media", note.id, "--dir", "m", "--downloads", "1"], {
      env,
      fetch: interrupting,
      cwd,
      signal: controller.signal,
    });
    expect(out.code).toBe(130);
    expect(afterAbort).toBe(0);
  });

  it("xhs crawl plan.yaml with expand.media downloads from the simulated CDN and records the files in the store", async () => {
    const picked = sim.world
      .notes()
      .filter((n) => !n.deleted)
      .slice(0, 4);
    const cwd = mkdtempSync(join(tmpdir(), "xhs-crawl-media-mock-"));
    writeFileSync(
      join(cwd, "plan.yaml"),
      `seeds:\n  notes: [${picked.map((n) => n.id).join(", ")}]\nexpand:\n  media: { dir: pics, covers: true }\n`,
    );
    hosts.clear();
    const requestsBefore = sim.cdn.stats.requests;
    const env = { TIKHUB_API_KEY: TEST_KEY, TIKHUB_BASE_URL: sim.url };
    const out = await runCli(["crawl", "plan.yaml", "--db", "crawl.db"], { env, fetch: loopbackOnly, cwd });
    expect(out.stderr).not.toContain("failed:");
    expect(out.code).toBe(0);
    // Every request stayed on the simulator's port: no real CDN host was asked.
    expect([...hosts]).toEqual(["127.0.0.1"]);
    expect(sim.cdn.stats.requests).toBeGreaterThan(requestsBefore);
    const store = openSqliteStore(join(cwd, "crawl.db"));
    const rows = await listMediaFiles(store);
    const notes = await Promise.all(picked.map((n) => store.getNote(n.id)));
    await store.close();
    // One row per item the choice rules plan for the stored notes, each file on disk with its recorded size.
    const expected = notes.flatMap((n) => planNoteMedia(n!, { ...DEFAULT_SELECTION, covers: true }));
    expect(rows.map((r) => `${r.noteId}/${r.kind}/${r.index}`).sort()).toEqual(
      expected.map((i) => `${i.noteId}/${i.kind}/${i.index}`).sort(),
    );
    for (const row of rows) {
      expect(row.watermarked).toBe(false);
      expect(statSync(join(cwd, "pics", row.path)).size).toBe(row.bytes);
    }
    expect(readdirSync(join(cwd, "pics"))).not.toContain("index.jsonl");
  });
});
