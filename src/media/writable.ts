/** Checks, before anything is fetched or paid, that the download folder can be created and written. */
import { constants } from "node:fs";
import { access, mkdir, rm, stat, writeFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { InvalidInputError } from "../core/errors.js";

/** The calls `makeFolder` makes (the seam for a file system that answers as /proc does). */
export interface FolderOps {
  mkdir(path: string): Promise<unknown>;
  isDirectory(path: string): Promise<boolean>;
}

const nodeFolderOps: FolderOps = {
  mkdir: (path) => mkdir(path),
  isDirectory: async (path) => (await stat(path)).isDirectory(),
};

function codeOf(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | undefined)?.code;
}

/**
 * `mkdir -p` that always ends: Node's own `mkdir(..., { recursive: true })` spins forever on a path such as
 * /proc/x (the kernel answers ENOENT for the child of an existing folder, and Node retries the parent).
 * Here each ancestor is tried once, top-down after a walk up of at most the path's depth, and an error that
 * persists is thrown as is.
 */
export async function makeFolder(dir: string, ops: FolderOps = nodeFolderOps): Promise<void> {
  const missing: string[] = [];
  let current = resolve(dir);
  for (;;) {
    try {
      await ops.mkdir(current);
      break;
    } catch (error) {
      const code = codeOf(error);
      if (code === "EEXIST") {
        if (!(await ops.isDirectory(current)))
          throw Object.assign(new Error(`${current} is not a folder`), { code: "ENOTDIR" });
        break;
      }
      const parent = dirname(current);
      if (code !== "ENOENT" || parent === current) throw error;
      missing.push(current);
      current = parent;
    }
  }
  // Each missing folder once, parents first; a second ENOENT (a parent that exists yet refuses children) ends it.
  for (const folder of missing.reverse()) {
    try {
      await ops.mkdir(folder);
    } catch (error) {
      if (codeOf(error) !== "EEXIST" || !(await ops.isDirectory(folder))) throw error;
    }
  }
}

export async function ensureWritableFolder(dir: string, ops?: FolderOps): Promise<void> {
  const probe = join(dir, `.write-probe-${process.pid}`);
  try {
    await makeFolder(dir, ops);
    await access(dir, constants.W_OK);
    await writeFile(probe, "");
    await rm(probe, { force: true });
  } catch (error) {
    const code = codeOf(error) ?? "error";
    throw new InvalidInputError(`cannot write to the media folder ${dir} (${code}); choose another with --dir`, {
      cause: error,
    });
  }
}
