import { spawn } from "node:child_process";
import { mkdtempSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { planNoteMedia } from "../../src/media/index.js";
import { SimulatedCdn, startCdnServer } from "../../src/simulator/cdn/index.js";
import { worldNotes } from "./world-helpers.js";

const CHILD = new URL("./fixtures/child-download.ts", import.meta.url).pathname;

function runChild(args: string[], killWhen?: () => boolean) {
  return new Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>(
    (resolve) => {
      // node itself (not the tsx wrapper), so SIGKILL hits the process that downloads.
      const child = spawn(process.execPath, ["--import", "tsx", CHILD, ...args], { stdio: ["ignore", "pipe", "pipe"] });
      let stdout = "";
      let stderr = "";
      child.stdout.on("data", (d) => {
        stdout += d;
      });
      child.stderr.on("data", (d) => {
        stderr += d;
      });
      const poll = killWhen
        ? setInterval(() => {
            if (killWhen()) child.kill("SIGKILL");
          }, 2)
        : undefined;
      child.on("exit", (code, signal) => {
        if (poll) clearInterval(poll);
        resolve({ code, signal, stdout, stderr });
      });
    },
  );
}

describe("a download killed with SIGKILL mid-file", () => {
  it("resumes: completed files are not fetched again, the partial one continues from its offset", async () => {
    const { sim, notes: all } = await worldNotes(1, 40);
    const notes = all.filter((n) => n.type === "video").slice(0, 3);
    expect(notes).toHaveLength(3);
    const chunk = 16 * 1024;
    // Larger videos, served slowly, so the kill lands mid-file.
    const cdn = new SimulatedCdn(sim.world, { videoScale: 40, chunkBytes: chunk, faults: { slow: 1, slowMs: 15 } });
    const server = await startCdnServer(cdn);
    try {
      const dir = mkdtempSync(join(tmpdir(), "xhs-media-kill-"));
      const notesFile = join(dir, "..", `${dir.split("/").pop()}-notes.json`);
      writeFileSync(notesFile, JSON.stringify(notes));
      const sizes = notes.map((n) => {
        const url = planNoteMedia(n)[0]!.candidates.find((c) => cdn.describe(c.url))!.url;
        return cdn.describe(url)!.size;
      });
      const total = sizes.reduce((a, b) => a + b, 0);
      const killAt = sizes[0]! + Math.floor(sizes[1]! / 2);

      const killed = await runChild([notesFile, dir, server.url], () => cdn.stats.bytesServed > killAt);
      expect(killed.signal).toBe("SIGKILL");
      expect(readdirSync(join(dir, ".partial"))).toHaveLength(1);
      const servedByKill = cdn.stats.bytesServed;
      const persistedAtKill = [".objects", ".partial"]
        .flatMap((sub) => readdirSync(join(dir, sub), { recursive: true }).map((f) => join(dir, sub, String(f))))
        .filter((f) => statSync(f).isFile())
        .reduce((n, f) => n + statSync(f).size, 0);
      expect(servedByKill).toBeLessThan(total);

      const resumed = await runChild([notesFile, dir, server.url]);
      expect(resumed.code).toBe(0);
      const result = JSON.parse(resumed.stdout) as { downloaded: number; skipped: number; failed: unknown[] };
      expect(result.failed).toEqual([]);
      expect(result.skipped).toBe(1);
      expect(result.downloaded).toBe(2);
      // The resumed run fetched exactly the bytes missing on disk: nothing completed was fetched again.
      expect(cdn.stats.bytesServed - servedByKill).toBe(total - persistedAtKill);
      // What was served beyond the total is only what was in flight (sockets, buffers) when the process died:
      // a chunk or two, more when the machine is loaded; never a whole file.
      const inFlight = servedByKill - persistedAtKill;
      expect(cdn.stats.bytesServed).toBe(total + inFlight);
      expect(inFlight).toBeLessThanOrEqual(16 * chunk);
      expect(inFlight).toBeLessThan(Math.min(...sizes));
      expect(readdirSync(join(dir, ".partial"))).toEqual([]);
    } finally {
      await server.close();
    }
  }, 60_000);
});
