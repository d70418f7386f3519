/** Checks, before anything is fetched or paid, that the download folder can be created and written. */
import { constants } from "node:fs";
import { access, mkdir, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { InvalidInputError } from "../core/errors.js";

export async function ensureWritableFolder(dir: string): Promise<void> {
  const probe = join(dir, `.write-probe-${process.pid}`);
  try {
    await mkdir(dir, { recursive: true });
    await access(dir, constants.W_OK);
    await writeFile(probe, "");
    await rm(probe, { force: true });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? "error";
    throw new InvalidInputError(`cannot write to the media folder ${dir} (${code}); choose another with --dir`, {
      cause: error,
    });
  }
}
