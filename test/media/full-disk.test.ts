// A really full disk (issue #15's bad input): `xhs media` into a 256 KiB tmpfs stops with a clear error (exit 2)
// and leaves no partial file under a final name. Needs root on Linux to mount the tmpfs (CI and this machine);
// elsewhere it skips, and download.test.ts covers the same with an injected ENOSPC.
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCdnFetch, SimulatedCdn } from "../../src/simulator/cdn/index.js";
import { createSimulator } from "../../src/simulator/index.js";
import { runCli, TEST_KEY } from "../cli/helpers.js";

const mountPoint = mkdtempSync(join(tmpdir(), "xhs-media-tmpfs-"));
let mounted = false;
beforeAll(() => {
  if (process.platform !== "linux" || process.getuid?.() !== 0) return;
  try {
    execFileSync("mount", ["-t", "tmpfs", "-o", "size=256k", "tmpfs", mountPoint], { stdio: "ignore" });
    mounted = true;
  } catch {
    // no permission to mount (a container without CAP_SYS_ADMIN): skipped below
  }
});
afterAll(() => {
  if (mounted) execFileSync("umount", [mountPoint], { stdio: "ignore" });
  rmSync(mountPoint, { recursive: true, force: true });
});

/** Every file a person browsing sees (outside the hidden working folders). */
function browsable(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name.startsWith(".") || !entry.isDirectory()) continue;
    for (const f of readdirSync(join(dir, entry.name))) out.push(join(entry.name, f));
  }
  return out;
}

describe("xhs media on a full disk (a 256 KiB tmpfs)", () => {
  it("stops with a clear error and exit 2; every file under a final name is complete", async (ctx) => {
    if (!mounted) ctx.skip();
    const sim = createSimulator({ seed: 1, rateLimit: 0 });
    const cdnFetch = createCdnFetch(new SimulatedCdn(sim.world));
    const fetch: typeof globalThis.fetch = (input, init) => {
      const url = new URL(String(input instanceof Request ? input.url : input));
      return /xhscdn\.com|xiaohongshu\.com/.test(url.hostname) ? cdnFetch(input, init) : sim.fetch(input, init);
    };
    const ids = sim.world
      .notes()
      .filter((n) => !n.deleted)
      .slice(0, 12)
      .map((n) => n.id);
    const dir = join(mountPoint, "media");
    const out = await runCli(["media", ...ids, "--dir", dir], {
      env: { TIKHUB_API_KEY: TEST_KEY, TIKHUB_BASE_URL: sim.url },
      fetch,
    });
    expect(out.code).toBe(2);
    expect(out.stderr).toMatch(/no space left/i);
    // Each browsable file is a hard link to its object, named by its sha256: a complete file, or nothing.
    const files = browsable(dir);
    expect(files.length).toBeGreaterThan(0); // some files fitted before the disk was full
    for (const file of files) {
      const bytes = readFileSync(join(dir, file));
      const sha = createHash("sha256").update(bytes).digest("hex");
      const objects = readdirSync(join(dir, ".objects", sha.slice(0, 2)));
      expect(objects.some((o) => o.startsWith(sha))).toBe(true);
    }
  });
});
