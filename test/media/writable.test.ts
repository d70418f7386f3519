// The download folder check ends on every path: Node's recursive mkdir spins forever on /proc/x (issue #15).
import { chmodSync, mkdtempSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { InvalidInputError } from "../../src/core/errors.js";
import { ensureWritableFolder, type FolderOps, makeFolder } from "../../src/media/writable.js";

function errno(code: string): NodeJS.ErrnoException {
  return Object.assign(new Error(code), { code });
}

describe("ensureWritableFolder", () => {
  it("creates missing parents and accepts an existing folder", async () => {
    const root = mkdtempSync(join(tmpdir(), "xhs-writable-"));
    await ensureWritableFolder(join(root, "a", "b", "c"));
    expect(statSync(join(root, "a", "b", "c")).isDirectory()).toBe(true);
    await ensureWritableFolder(join(root, "a", "b", "c"));
  });

  it("refuses a path under a file (ENOTDIR / EEXIST on a file)", async () => {
    const root = mkdtempSync(join(tmpdir(), "xhs-writable-"));
    writeFileSync(join(root, "file"), "x");
    await expect(ensureWritableFolder(join(root, "file", "x"))).rejects.toBeInstanceOf(InvalidInputError);
    await expect(ensureWritableFolder(join(root, "file"))).rejects.toThrow(/ENOTDIR/);
  });

  it("ends on a file system where a parent exists yet mkdir of its child answers ENOENT (as /proc does)", async () => {
    const calls: string[] = [];
    const procLike: FolderOps = {
      async mkdir(path) {
        calls.push(path);
        if (path === "/" || path === "/proc") throw errno("EEXIST");
        throw errno("ENOENT");
      },
      isDirectory: async () => true,
    };
    await expect(makeFolder("/proc/x/y", procLike)).rejects.toMatchObject({ code: "ENOENT" });
    // Walk up to /proc (3 tries), then /proc/x once more: bounded by the path's depth, not a retry loop.
    expect(calls).toEqual(["/proc/x/y", "/proc/x", "/proc", "/proc/x"]);
    await expect(ensureWritableFolder("/proc/x/y", procLike)).rejects.toThrow(
      /cannot write to the media folder \/proc\/x\/y \(ENOENT\)/,
    );
  });

  it("passes other errors (EACCES, EROFS) on at once", async () => {
    for (const code of ["EACCES", "EROFS", "ENOTDIR"]) {
      let calls = 0;
      const ops: FolderOps = {
        async mkdir() {
          calls++;
          throw errno(code);
        },
        isDirectory: async () => true,
      };
      await expect(ensureWritableFolder("/srv/x/y", ops)).rejects.toThrow(new RegExp(`\\(${code}\\)`));
      expect(calls).toBe(1);
    }
  });

  it.skipIf(process.platform !== "linux")("fails on the real /proc/x instead of spinning", async () => {
    await expect(ensureWritableFolder("/proc/x")).rejects.toBeInstanceOf(InvalidInputError);
  });

  it.skipIf(process.getuid?.() === 0)("refuses a read-only folder (non-root only)", async () => {
    const root = mkdtempSync(join(tmpdir(), "xhs-writable-"));
    chmodSync(root, 0o500);
    try {
      await expect(ensureWritableFolder(join(root, "x"))).rejects.toThrow(/EACCES/);
    } finally {
      chmodSync(root, 0o700);
    }
  });
});

describe("xhs media --dir on /proc", () => {
  it.skipIf(process.platform !== "linux")("exits 2 at once with a clear error and no paid call", async () => {
    const { runCli, TEST_KEY } = await import("../cli/helpers.js");
    let calls = 0;
    const fetch = (async () => {
      calls++;
      return new Response("{}");
    }) as typeof globalThis.fetch;
    const out = await runCli(["media", "678e7ef600000000e8d8b4f7", "--dir", "/proc/x"], {
      env: { TIKHUB_API_KEY: TEST_KEY },
      fetch,
      cwd: tmpdir(),
    });
    expect(out.code).toBe(2);
    expect(out.stderr).toContain("cannot write to the media folder /proc/x");
    expect(calls).toBe(0);
  });
});
