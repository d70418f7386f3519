/**
 * An append-only JSON lines file in the download folder, keyed: read whole once on first use, each value
 * appended as a line, the last line for a key wins. The folder's records (index.jsonl, .refetches.jsonl)
 * differ only in what a line holds and what keys it.
 */
import { type FileHandle, open, readFile } from "node:fs/promises";
import { dirname } from "node:path";
import { makeFolder } from "./writable.js";

export class JsonlFile<T> {
  readonly #path: string;
  readonly #keyOf: (value: T) => string;
  #memory: Promise<Map<string, T>> | undefined;
  /** Kept open between appends, and lines that arrive while one write is in flight go out in the next one: an
   * open + write + close per line cost more than a small image's bytes (issue #15 bench). */
  #handle: Promise<FileHandle> | undefined;
  #lines: string[] = [];
  #queued = 0;
  #written = 0;
  #flushing: Promise<void> | undefined;

  constructor(path: string, keyOf: (value: T) => string) {
    this.#path = path;
    this.#keyOf = keyOf;
  }

  async get(key: string): Promise<T | undefined> {
    return (await this.#load()).get(key);
  }

  /** The last value of every key, in the order the keys first appeared. */
  async values(): Promise<T[]> {
    return [...(await this.#load()).values()];
  }

  /** Appended to the file, then known to `get`. */
  async put(value: T): Promise<void> {
    const memory = await this.#load();
    await this.#append(value);
    memory.set(this.#keyOf(value), value);
  }

  #load(): Promise<Map<string, T>> {
    this.#memory ??= this.#read().then(
      (values) => new Map(values.map((value) => [this.#keyOf(value), value])),
      (error) => {
        this.#memory = undefined; // unreadable now (a permission): the next call tries again
        throw error;
      },
    );
    return this.#memory;
  }

  /** Every value the file holds, in order; none when it does not exist. A line cut by a kill mid-write is skipped. */
  async #read(): Promise<T[]> {
    let text = "";
    try {
      text = await readFile(this.#path, "utf8");
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
    }
    const values: T[] = [];
    for (const line of text.split("\n")) {
      if (line.trim() === "") continue;
      try {
        values.push(JSON.parse(line) as T);
      } catch {
        // cut mid-write: what it said is simply done again
      }
    }
    return values;
  }

  /** Resolves once a write that holds this value's line is done (the one in flight may have begun before it). */
  async #append(value: T): Promise<void> {
    this.#lines.push(`${JSON.stringify(value)}\n`);
    const mine = ++this.#queued;
    while (this.#written < mine) {
      this.#flushing ??= this.#flush().finally(() => {
        this.#flushing = undefined;
      });
      await this.#flushing;
    }
  }

  async #flush(): Promise<void> {
    this.#handle ??= makeFolder(dirname(this.#path)).then(() => open(this.#path, "a"));
    const lines = this.#lines;
    this.#lines = [];
    try {
      await (await this.#handle).write(lines.join(""));
    } catch (error) {
      this.#handle = undefined;
      throw error;
    } finally {
      // Written or failed: the waiters of these lines stop waiting (a failure reaches them as the error).
      this.#written += lines.length;
    }
  }

  /** Closes the file kept open for appending (a later append opens it again). */
  async close(): Promise<void> {
    await this.#flushing?.catch(() => undefined);
    const handle = this.#handle;
    this.#handle = undefined;
    // An open that failed already failed its append.
    const opened = await handle?.catch(() => undefined);
    await opened?.close();
  }
}
