/**
 * The download folder: partial files (resumable, under `.partial/`), the content-addressed objects
 * (`.objects/<aa>/<sha256>.<ext>`: a file shared by two notes is stored once) and the browsable layout
 * `<noteId>/<name>.<ext>`, made of hard links to the objects (a copy when the file system refuses links).
 * Nothing appears under a final name before it is complete and verified: writes go to `.partial/`, then a
 * rename. File writes go through `FileOps` so tests can inject a full disk.
 */
import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { copyFile, link, open, rename, rm, stat } from "node:fs/promises";
import { join } from "node:path";
import { makeFolder } from "./writable.js";

/** What a partial file is written through (the seam for a simulated full disk). */
export interface WritableFile {
  write(chunk: Uint8Array): Promise<void>;
  close(): Promise<void>;
}

export interface FileOps {
  /** Opens for appending ("a") or from scratch ("w"). */
  openForWrite(path: string, mode: "a" | "w"): Promise<WritableFile>;
}

export const nodeFileOps: FileOps = {
  async openForWrite(path, mode) {
    const handle = await open(path, mode);
    return {
      async write(chunk) {
        let done = 0;
        while (done < chunk.length) {
          const { bytesWritten } = await handle.write(chunk, done, chunk.length - done);
          done += bytesWritten;
        }
      },
      close: () => handle.close(),
    };
  },
};

export async function sizeOf(path: string): Promise<number | null> {
  try {
    return (await stat(path)).size;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw error;
  }
}

export async function sha256Of(path: string): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest("hex");
}

/** The first `n` bytes of a file (for magic bytes and the watermark mark). */
export async function headOf(path: string, n = 64 * 1024): Promise<Uint8Array> {
  const handle = await open(path, "r");
  try {
    const buffer = Buffer.alloc(n);
    const { bytesRead } = await handle.read(buffer, 0, n, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

export class MediaFolder {
  readonly root: string;
  constructor(root: string) {
    this.root = root;
  }

  partialPath(key: string): string {
    return join(this.root, ".partial", `${key}.part`);
  }

  objectPath(sha256: string, ext: string): string {
    return join(this.root, ".objects", sha256.slice(0, 2), `${sha256}.${ext}`);
  }

  browsePath(relative: string): string {
    return join(this.root, relative);
  }

  async prepare(): Promise<void> {
    await makeFolder(join(this.root, ".partial"));
    await makeFolder(join(this.root, ".objects"));
  }

  /** Moves a verified partial into the object store (or drops it when the object is already there). */
  async commitObject(partial: string, sha256: string, ext: string): Promise<{ path: string; deduped: boolean }> {
    const path = this.objectPath(sha256, ext);
    await makeFolder(join(this.root, ".objects", sha256.slice(0, 2)));
    if ((await sizeOf(path)) !== null) {
      await rm(partial, { force: true });
      return { path, deduped: true };
    }
    await rename(partial, path);
    return { path, deduped: false };
  }

  /** Makes `relative` name the object: a hard link, else a copy, each via a temporary name then a rename. */
  async place(object: string, relative: string): Promise<void> {
    const target = this.browsePath(relative);
    await makeFolder(join(target, ".."));
    const temp = `${target}.tmp-${process.pid}`;
    await rm(temp, { force: true });
    try {
      await link(object, temp);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== "EXDEV" && code !== "EPERM" && code !== "ENOTSUP" && code !== "EMLINK") throw error;
      await copyFile(object, temp);
    }
    await rename(temp, target);
  }
}
