/**
 * Where output goes: stdout, or an `-o FILE` written atomically (a temp file in the same folder, renamed
 * into place on success), so a failed or refused run never leaves a half-written file.
 */
import { randomBytes } from "node:crypto";
import { type FileHandle, lstat, open, readlink, rename, stat, unlink } from "node:fs/promises";
import path from "node:path";
import { AbortedError } from "../core/errors.js";
import { type CliContext, isClosedPipeError, writeText } from "./context.js";
import { UsageError } from "./errors.js";

/** Where a record writer's text goes; `commit` makes it final, `discard` takes back what it can. */
export interface Sink {
  write(text: string): Promise<void>;
  commit(): Promise<void>;
  discard(): Promise<void>;
}

/** stdout: written as it comes, nothing to commit or take back. */
export function stdoutSink(ctx: CliContext): Sink {
  return {
    write: (text) => writeText(ctx.stdout, text),
    commit: async () => {},
    discard: async () => {},
  };
}

function describeFsError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  switch (code) {
    case "ENOENT":
      return "the folder does not exist";
    case "EACCES":
    case "EPERM":
      return "permission denied";
    case "EISDIR":
      return "it is a folder";
    case "EROFS":
      return "the file system is read-only";
    case "ENOTDIR":
      return "a part of the path is not a folder";
    default:
      return (error as Error).message;
  }
}

/** Where an `-o` path really writes: a regular file (or a new one) is replaced atomically; anything else directly. */
type OutputTarget = { kind: "atomic"; path: string; mode: number | null } | { kind: "direct"; path: string };

/** An already-open descriptor (`/dev/stdout`, `/dev/fd/63` from `>(cmd)`, `/proc/self/fd/1`): never renamed over. */
function isDescriptorPath(p: string): boolean {
  return /^\/(dev\/(fd|stdin|stdout|stderr)(\/|$)|proc\/[^/]+\/fd\/)/.test(p);
}

/**
 * Follows the symlinks of the last path component (a link is written through, never replaced),
 * and decides how to write: pipes, FIFOs, devices and open descriptors directly; regular files
 * (existing or not) by a temp file renamed into place.
 */
async function outputTarget(target: string): Promise<OutputTarget> {
  const info = await stat(target).catch(() => null); // follows links
  if (info?.isDirectory()) throw new UsageError(`cannot write to ${target}: it is a folder.`);
  if (info && !info.isFile()) return { kind: "direct", path: target };
  let current = target;
  for (let hops = 0; hops < 40; hops++) {
    if (isDescriptorPath(current)) return { kind: "direct", path: target };
    const link = await lstat(current).catch(() => null);
    // A file replaced keeps its permissions (a private 0600 export stays private).
    if (!link?.isSymbolicLink()) return { kind: "atomic", path: current, mode: info ? info.mode & 0o777 : null };
    current = path.resolve(path.dirname(current), await readlink(current));
  }
  throw new UsageError(`cannot write to ${target}: too many levels of symbolic links.`);
}

/** Opens `file` (what `-o target` writes); a path that cannot be written is a usage error, said in plain words. */
async function openFor(target: string, file: string, flags: string, mode?: number): Promise<FileHandle> {
  try {
    return await open(file, flags, mode);
  } catch (error) {
    throw new UsageError(`cannot write to ${target}: ${describeFsError(error)}.`);
  }
}

/** Closes the handle the first time it is called (commit, then discard after a failure, close it once). */
function closeOnce(handle: FileHandle, options: { quiet?: boolean } = {}): () => Promise<void> {
  let closed = false;
  return async () => {
    if (closed) return;
    closed = true;
    await (options.quiet ? handle.close().catch(() => {}) : handle.close());
  };
}

/** The reader of a pipe (stdout, a FIFO, `>(cmd)`) went away: stop quietly, nothing more to write. */
export class OutputClosedError extends AbortedError {}

/**
 * A file written in full or not at all: the text goes to `.NAME.PID.RANDOM.tmp` next to the target
 * (same file system, so the final rename is atomic) and is renamed over the target on commit. A
 * symlink is followed (its target is replaced, the link stays); a FIFO, a device or an open
 * descriptor (`/dev/stdout`, `>(cmd)`) is written directly, as it cannot be replaced.
 * Opened eagerly, so an unwritable path is a usage error before anything is paid.
 */
export async function openAtomicFile(target: string, redact: (text: string) => string): Promise<Sink> {
  const where = await outputTarget(target);
  if (where.kind === "direct") return openDirect(target, where.path, redact);
  const final = where.path;
  const dir = path.dirname(final);
  const temp = path.join(dir, `.${path.basename(final)}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`);
  const handle = await openFor(target, temp, "wx", where.mode ?? 0o644);
  const close = closeOnce(handle);
  return {
    write: async (text) => {
      await handle.write(redact(text));
    },
    commit: async () => {
      if (where.mode !== null) await handle.chmod(where.mode); // exactly the old mode, whatever the umask
      await handle.sync();
      await close();
      await rename(temp, final);
    },
    discard: async () => {
      await close().catch(() => {});
      await unlink(temp).catch(() => {});
    },
  };
}

/** Writes straight into a pipe, FIFO or device (appending, so `-o /dev/stdout >> log` appends too). */
async function openDirect(target: string, file: string, redact: (text: string) => string): Promise<Sink> {
  const handle = await openFor(target, file, "a");
  // A pipe whose reader left fails its close too: nothing is lost then.
  const close = closeOnce(handle, { quiet: true });
  return {
    write: async (text) => {
      try {
        await handle.write(redact(text));
      } catch (error) {
        if (isClosedPipeError(error)) throw new OutputClosedError(`${target}: the reader closed the pipe`);
        throw error;
      }
    },
    commit: close,
    discard: close,
  };
}
