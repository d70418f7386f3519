/**
 * The download folder: partial files (resumable, under `.partial/`), the content-addressed objects
 * (`.objects/<aa>/<sha256>.<ext>`: a file shared by two notes is stored once) and the browsable layout
 * `<noteId>/<name>.<ext>`, made of hard links to the objects (a copy when the file system refuses links).
 * Nothing appears under a final name before it is complete and verified: writes go to `.partial/`, then a
 * rename. File writes go through `FileOps` so tests can inject a full disk.
 */
import { createHash } from "node:crypto";
import {
  closeSync,
  createReadStream,
  linkSync,
  mkdirSync,
  openSync,
  renameSync,
  rmSync,
  statSync,
  writeSync,
} from "node:fs";
import { copyFile, open, readdir, rm } from "node:fs/promises";
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

/*
 * The per-file calls here are synchronous on purpose. An fs/promises call is a thread-pool round trip, and on a
 * busy machine each one held the event loop about 1 ms (the pool's lock, its threads waiting for a CPU: profiled
 * in the issue #15 bench), while the syscall itself (open, a write into the page cache, stat, rename, link) takes
 * microseconds. A small image needed ~19 such trips; the bare fetch loop needs 3. Writes come in batches (see
 * fetch-file.ts), so a synchronous write blocks for one batch at most.
 */
export const nodeFileOps: FileOps = {
  async openForWrite(path, mode) {
    const fd = openSync(path, mode);
    return {
      async write(chunk) {
        let done = 0;
        while (done < chunk.length) done += writeSync(fd, chunk, done, chunk.length - done);
      },
      async close() {
        closeSync(fd);
      },
    };
  },
};

export async function sizeOf(path: string): Promise<number | null> {
  return statSync(path, { throwIfNoEntry: false })?.size ?? null;
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
  /**
   * Folders this run made or found: each fs call costs a thread-pool round trip (about 1 ms each on the loaded
   * bench machine, more than the bytes of a small image), so a folder is ensured once, not once per file.
   */
  readonly #folders = new Set<string>();
  /** Partial files present when the run began; any other partial starts empty (no stat needed). */
  #partialsAtStart = new Set<string>();
  constructor(root: string) {
    this.root = root;
  }

  partialPath(key: string): string {
    return join(this.root, ".partial", `${key}.part`);
  }

  /** Whether a partial for `key` may hold bytes from an earlier run (then its size must be read). */
  mayHavePartial(key: string): boolean {
    return this.#partialsAtStart.has(`${key}.part`);
  }

  objectPath(sha256: string, ext: string): string {
    return join(this.root, ".objects", sha256.slice(0, 2), `${sha256}.${ext}`);
  }

  browsePath(relative: string): string {
    return join(this.root, relative);
  }

  async prepare(): Promise<void> {
    await this.#folder(join(this.root, ".partial"));
    await this.#folder(join(this.root, ".objects"));
    this.#partialsAtStart = new Set(await readdir(join(this.root, ".partial")));
  }

  async #folder(path: string): Promise<void> {
    if (this.#folders.has(path)) return;
    await makeFolder(path);
    this.#folders.add(path);
  }

  /** A folder right under one made by `#folder` (its parent exists, so a plain mkdir cannot loop as on /proc). */
  #child(path: string): void {
    if (this.#folders.has(path)) return;
    try {
      mkdirSync(path);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST" || !statSync(path).isDirectory()) throw error;
    }
    this.#folders.add(path);
  }

  /** Moves a verified partial into the object store (or drops it when the object is already there). */
  async commitObject(partial: string, sha256: string, ext: string): Promise<{ path: string; deduped: boolean }> {
    const path = this.objectPath(sha256, ext);
    this.#child(join(this.root, ".objects", sha256.slice(0, 2)));
    if ((await sizeOf(path)) !== null) {
      rmSync(partial, { force: true });
      return { path, deduped: true };
    }
    renameSync(partial, path);
    return { path, deduped: false };
  }

  /**
   * Makes `relative` name the object. A hard link straight to the final name when that name is free (the
   * object is complete and verified, and a link appears at once); when the name exists (a file chosen again)
   * or links are refused, a link or a copy under a temporary name, then a rename over it.
   */
  async place(object: string, relative: string): Promise<void> {
    const target = this.browsePath(relative);
    await this.#folder(join(target, ".."));
    try {
      linkSync(object, target);
      return;
    } catch (error) {
      if (
        !LINK_REFUSED.has((error as NodeJS.ErrnoException).code ?? "") &&
        (error as NodeJS.ErrnoException).code !== "EEXIST"
      )
        throw error;
    }
    const temp = `${target}.tmp-${process.pid}`;
    await rm(temp, { force: true });
    try {
      linkSync(object, temp);
    } catch (error) {
      if (!LINK_REFUSED.has((error as NodeJS.ErrnoException).code ?? "")) throw error;
      await copyFile(object, temp);
    }
    renameSync(temp, target);
  }
}

/** Errors of a file system that cannot hard-link here: copy instead. */
const LINK_REFUSED = new Set(["EXDEV", "EPERM", "ENOTSUP", "EMLINK"]);
