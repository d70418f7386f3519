/**
 * Where a client's TikHub keys come from: `apiKeys`, else `apiKey`, else TIKHUB_API_KEYS (comma-separated),
 * else TIKHUB_API_KEY; and the keys file (`--keys-file`), one key a line, refused when others may read it.
 * Messages name a key by its place or fingerprint, never by any character of it.
 */
import { readFileSync, statSync } from "node:fs";
import { InvalidInputError } from "../core/errors.js";

/**
 * What makes a key unusable in an `Authorization` header, or null when it looks like a key: TikHub's
 * keys are printable ASCII without spaces. The message never quotes the key (nor any character of it).
 */
export function apiKeyProblem(key: string): string | null {
  if (/[\r\n]/.test(key)) return "contains a line break";
  if (/\s/.test(key)) return "contains a space or tab";
  if (/[^\x21-\x7e]/.test(key)) return "contains a character that is not printable ASCII (a pasted quote or accent?)";
  return null;
}

/** `k1,k2,…` (TIKHUB_API_KEYS): trimmed, empty entries dropped, each key once in its first place. */
export function splitKeyList(list: string): string[] {
  return dedupe(list.split(",").map((key) => key.trim()));
}

function dedupe(keys: readonly string[]): string[] {
  return [...new Set(keys.filter((key) => key.length > 0))];
}

export interface KeySource {
  apiKey?: string | undefined;
  apiKeys?: readonly string[] | undefined;
  env: Record<string, string | undefined>;
}

/** The pool's keys in order (empty: no key at all). */
export function apiKeysFrom(source: KeySource): string[] {
  if (source.apiKeys && source.apiKeys.length > 0) return dedupe(source.apiKeys.map((key) => key.trim()));
  if (source.apiKey) return [source.apiKey];
  const list = source.env["TIKHUB_API_KEYS"];
  if (list && list.trim() !== "") return splitKeyList(list);
  const one = source.env["TIKHUB_API_KEY"];
  return one ? [one] : [];
}

/**
 * The keys of a keys file: one a line; blank lines and lines starting with `#` are skipped. Refused
 * (InvalidInputError) when the file is missing, readable or writable by group or others (chmod 600 it),
 * holds no key, or a line cannot be a key.
 */
export function readKeysFile(path: string): string[] {
  let mode: number;
  try {
    const stat = statSync(path);
    if (!stat.isFile()) throw new InvalidInputError(`the keys file ${path} is not a regular file`);
    mode = stat.mode & 0o777;
  } catch (error) {
    if (error instanceof InvalidInputError) throw error;
    throw new InvalidInputError(`cannot read the keys file ${path}: ${(error as NodeJS.ErrnoException).code ?? error}`);
  }
  if ((mode & 0o077) !== 0) {
    throw new InvalidInputError(
      `the keys file ${path} has mode ${mode.toString(8).padStart(3, "0")}: others can read or change it; ` +
        `allow only its owner (chmod 600 ${path}) and run again`,
    );
  }
  const lines = readFileSync(path, "utf8").split(/\r?\n/);
  const keys: string[] = [];
  lines.forEach((line, index) => {
    const key = line.trim();
    if (key === "" || key.startsWith("#")) return;
    const problem = apiKeyProblem(key);
    if (problem !== null) throw new InvalidInputError(`the key on line ${index + 1} of ${path} ${problem}`);
    keys.push(key);
  });
  if (keys.length === 0) throw new InvalidInputError(`the keys file ${path} holds no key (one key a line)`);
  return dedupe(keys);
}
