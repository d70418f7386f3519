/**
 * Where the reference material lives (TikHub's OpenAPI subset, the usage guide, real response samples):
 * `../shared/reference` beside the repository, on the team's machines only. Suites that check xhs-kit
 * against it skip when it is absent; test/support/reference-notice.ts says so once per run.
 */
import { existsSync } from "node:fs";
import path from "node:path";

export const REFERENCE_DIR = path.resolve(import.meta.dirname, "../../../shared/reference");

/** An absolute path inside the reference folder. */
export function referencePath(...parts: string[]): string {
  return path.join(REFERENCE_DIR, ...parts);
}

/** Whether that path exists (false on a clone without ../shared). */
export function hasReference(...parts: string[]): boolean {
  return existsSync(referencePath(...parts));
}
