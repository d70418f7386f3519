import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createCdnFetch, SimulatedCdn } from "../../src/simulator/cdn/index.js";
import { createSimulator } from "../../src/simulator/index.js";
import { runCli, TEST_KEY } from "../cli/helpers.js";

const CDN_HOST = /(?:^|\.)(?:xhscdn\.com|xiaohongshu\.com)$/;

/** TikHub calls go to the simulator, media URLs to its CDN; both counted. */
function rig() {
  const sim = createSimulator({ seed: 1, rateLimit: 0 });
  const cdn = new SimulatedCdn(sim.world);
  const cdnFetch = createCdnFetch(cdn);
  let apiCalls = 0;
  const fetch: typeof globalThis.fetch = (input, init) => {
    const url = new URL(String(input instanceof Request ? input.url : input));
    if (CDN_HOST.test(url.hostname)) return cdnFetch(input, init);
    if (!url.pathname.startsWith("/__cdn")) apiCalls++; // the free simulated-CDN discovery is no API call
    return sim.fetch(input, init);
  };
  const env = { TIKHUB_API_KEY: TEST_KEY, TIKHUB_BASE_URL: sim.url };
  return { sim, cdn, fetch, env, apiCalls: () => apiCalls };
}

describe("xhs media", () => {
  it("downloads a note by id into <dir>/<noteId>/, one paid detail call, no key to the CDN", async () => {
    const r = rig();
    const note = r.sim.world.notes().find((n) => n.type === "normal" && !n.deleted && n.images.length > 1)!;
    const cwd = mkdtempSync(join(tmpdir(), "xhs-media-cli-"));
    const out = await runCli(["media", note.id, "--dir", "pics"], { env: r.env, fetch: r.fetch, cwd });
    expect(out.stderr).toContain(
      `Downloaded ${note.images.length + note.images.filter((i) => i.livePhoto).length} files`,
    );
    expect(out.code).toBe(0);
    expect(r.apiCalls()).toBe(1);
    expect(r.cdn.stats.requestsWithCredentials).toBe(0);
    const files = readdirSync(join(cwd, "pics", note.id));
    expect(files).toContain(files.find((f) => f.startsWith("1.")));
    const index = readFileSync(join(cwd, "pics", "index.jsonl"), "utf8")
      .trim()
      .split("\n");
    expect(index).toHaveLength(files.length);
    expect(out.stderr).not.toContain(TEST_KEY);

    const again = await runCli(["media", note.id, "--dir", "pics"], { env: r.env, fetch: r.fetch, cwd });
    expect(again.stderr).toContain("Downloaded 0 files");
    expect(again.stderr).toContain(`${files.length} already there`);
  });

  it("says so for a note without media and for an unknown id (exit 5)", async () => {
    const r = rig();
    const cwd = mkdtempSync(join(tmpdir(), "xhs-media-cli-"));
    const unknown = await runCli(["media", "0000000000000000000000ff"], { env: r.env, fetch: r.fetch, cwd });
    expect(unknown.code).toBe(5);
    expect(readdirSync(join(cwd, "media")).filter((f) => !f.startsWith("."))).toEqual([]);
  });

  it("refuses bad input before any paid call (exit 2)", async () => {
    const r = rig();
    const cwd = mkdtempSync(join(tmpdir(), "xhs-media-cli-"));
    writeFileSync(join(cwd, "a-file"), "x");
    const note = r.sim.world.notes().find((n) => !n.deleted)!;
    const unwritable = await runCli(["media", note.id, "--dir", "a-file/media"], { env: r.env, fetch: r.fetch, cwd });
    expect(unwritable.code).toBe(2);
    expect(unwritable.stderr).toContain("cannot write to the media folder");
    const nothing = await runCli(["media"], { env: r.env, fetch: r.fetch, cwd });
    expect(nothing.code).toBe(2);
    const badRef = await runCli(["media", "not a note"], { env: r.env, fetch: r.fetch, cwd });
    expect(badRef.code).toBe(2);
    expect(r.apiCalls()).toBe(0);
  });
});
