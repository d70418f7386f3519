/**
 * Export files written in full or not at all: the bytes go to `.NAME.PID.RANDOM.tmp` beside the target (same
 * file system, so the final rename is atomic) and are renamed over it on commit; a failure removes the temp
 * file, so no half-written file ever carries the final name. The temp file is opened eagerly: an
 * unwritable place is an `InvalidInputError` before any record is read.
 */
import { randomBytes } from "node:crypto";
import { once } from "node:events";
import { createWriteStream, type WriteStream } from "node:fs";
import { mkdir, realpath, rename, rmdir, stat, unlink } from "node:fs/promises";
import path from "node:path";
import { InvalidInputError } from "../core/errors.js";

export interface AtomicFile {
  /** The temp file's stream: write the export here (the exporters end it). */
  out: WriteStream;
  /** Waits for the ended stream to be closed (flushed to disk), then renames the temp file over the target. */
  commit(): Promise<void>;
  /** Stops writing and removes the temp file (never fails). */
  discard(): Promise<void>;
}

function fsMeaning(error: unknown): string {
  switch ((error as NodeJS.ErrnoException).code) {
    case "ENOENT":
      return "the folder does not exist";
    case "EACCES":
    case "EPERM":
      return "permission denied";
    case "EROFS":
      return "the file system is read-only";
    case "ENOTDIR":
      return "a part of the path is not a folder";
    case "ENOSPC":
      return "no space left on the device";
    default:
      return (error as Error).message;
  }
}

/** Opens a temp file beside `target` (a symlink is followed: its target is replaced, the link stays). */
export async function openAtomicFile(target: string): Promise<AtomicFile> {
  const info = await stat(target).catch(() => null);
  if (info?.isDirectory()) throw new InvalidInputError(`cannot write to ${target}: it is a folder.`);
  if (info && !info.isFile()) throw new InvalidInputError(`cannot write to ${target}: it is not a regular file.`);
  const final = info ? await realpath(target) : target;
  const temp = path.join(
    path.dirname(final),
    `.${path.basename(final)}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`,
  );
  // A replaced file keeps its permissions (a private 0600 export stays private); `flush` syncs before close.
  const out = createWriteStream(temp, { flags: "wx", mode: info ? info.mode & 0o777 : 0o644, flush: true });
  try {
    await once(out, "open");
  } catch (error) {
    throw new InvalidInputError(`cannot write to ${target}: ${fsMeaning(error)}.`);
  }
  const closed = once(out, "close").catch(() => {});
  return {
    out,
    commit: async () => {
      if (!out.writableFinished) throw new Error(`${target}: commit before the export ended its stream`);
      await closed;
      await rename(temp, final);
    },
    discard: async () => {
      out.destroy();
      await closed;
      await unlink(temp).catch(() => {});
    },
  };
}

/** Files written together into one folder: all or none of them get their final names. */
export interface AtomicFolder {
  /** One file per name, in the order given. */
  files: AtomicFile[];
  commit(): Promise<void>;
  discard(): Promise<void>;
}

/**
 * Opens `names` inside `dir` (created when missing, its parent must exist): every temp file is opened
 * before any is written, so an unwritable place fails first; `discard` removes them and a folder it made.
 */
export async function openAtomicFolder(dir: string, names: readonly string[]): Promise<AtomicFolder> {
  const info = await stat(dir).catch(() => null);
  if (info && !info.isDirectory()) throw new InvalidInputError(`cannot write into ${dir}: it is not a folder.`);
  let created = false;
  if (!info) {
    try {
      await mkdir(dir);
      created = true;
    } catch (error) {
      throw new InvalidInputError(`cannot create the folder ${dir}: ${fsMeaning(error)}.`);
    }
  }
  const files: AtomicFile[] = [];
  const discard = async () => {
    for (const file of files) await file.discard();
    if (created) await rmdir(dir).catch(() => {});
  };
  try {
    for (const name of names) files.push(await openAtomicFile(path.join(dir, name)));
  } catch (error) {
    await discard();
    throw error;
  }
  return {
    files,
    commit: async () => {
      for (const file of files) await file.commit();
    },
    discard,
  };
}
