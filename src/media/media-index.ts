/**
 * Where downloaded media are recorded: one row per note item (note, kind, index, source URL used, sha256,
 * bytes, width, height, duration, fetched at). A small port, so the store's media table can implement it
 * later; `MemoryMediaIndex` for tests, `JsonlMediaIndex` (media/index.jsonl in the download folder) for the CLI.
 */
import { type FileHandle, open, readFile } from "node:fs/promises";
import { dirname } from "node:path";
import type { MediaFile, MediaKind } from "../model/media-file.js";
import { makeFolder } from "./writable.js";

/** One recorded file: the model's `MediaFile`, the same row the store's media table keeps. */
export type MediaRow = MediaFile;

export interface MediaIndex {
  get(noteId: string, kind: MediaKind, index: number): Promise<MediaRow | undefined>;
  put(row: MediaRow): Promise<void>;
  all(): Promise<MediaRow[]>;
}

export function rowKey(noteId: string, kind: MediaKind, index: number): string {
  return `${noteId}/${kind}/${index}`;
}

export class MemoryMediaIndex implements MediaIndex {
  readonly rows = new Map<string, MediaRow>();
  async get(noteId: string, kind: MediaKind, index: number) {
    return this.rows.get(rowKey(noteId, kind, index));
  }
  async put(row: MediaRow) {
    this.rows.set(rowKey(row.noteId, row.kind, row.index), row);
  }
  async all() {
    return [...this.rows.values()];
  }
}

/** Append-only JSON lines; the last line for an item wins. Loaded once, on first use. */
export class JsonlMediaIndex implements MediaIndex {
  readonly #path: string;
  #memory: MemoryMediaIndex | undefined;
  /** Kept open between puts, and lines that arrive while one write is in flight go out in the next one: an
   * open + write + close per row cost more than a small image's bytes (issue #15 bench). */
  #handle: Promise<FileHandle> | undefined;
  #lines: string[] = [];
  #queued = 0;
  #written = 0;
  #flushing: Promise<void> | undefined;

  constructor(path: string) {
    this.#path = path;
  }

  async #load(): Promise<MemoryMediaIndex> {
    if (this.#memory) return this.#memory;
    const memory = new MemoryMediaIndex();
    let text = "";
    try {
      text = await readFile(this.#path, "utf8");
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
    }
    for (const line of text.split("\n")) {
      if (line.trim() === "") continue;
      try {
        await memory.put(JSON.parse(line) as MediaRow);
      } catch {
        // A line cut by a kill mid-write: the item is simply fetched again.
      }
    }
    this.#memory = memory;
    return memory;
  }

  async get(noteId: string, kind: MediaKind, index: number) {
    return (await this.#load()).get(noteId, kind, index);
  }

  async put(row: MediaRow) {
    const memory = await this.#load();
    this.#lines.push(`${JSON.stringify(row)}\n`);
    const mine = ++this.#queued;
    // Resolves once a write that holds this line is done (the one in flight may have begun before it).
    while (this.#written < mine) {
      this.#flushing ??= this.#flush().finally(() => {
        this.#flushing = undefined;
      });
      await this.#flushing;
    }
    await memory.put(row);
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

  /** Closes the file kept open for appending (a later put opens it again). */
  async close() {
    await this.#flushing?.catch(() => undefined);
    const handle = this.#handle;
    this.#handle = undefined;
    // An open that failed already failed its put.
    const opened = await handle?.catch(() => undefined);
    await opened?.close();
  }

  async all() {
    return (await this.#load()).all();
  }
}
