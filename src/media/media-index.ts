/**
 * Where downloaded media are recorded: one row per note item (note, kind, index, source URL used, sha256,
 * bytes, width, height, duration, fetched at). A small port, so the store's media table can implement it
 * later; `MemoryMediaIndex` for tests, `JsonlMediaIndex` (media/index.jsonl in the download folder) for the CLI.
 */
import type { MediaFile, MediaKind } from "../model/media-file.js";
import { JsonlFile } from "./jsonl-file.js";

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

/** Append-only JSON lines (`<dir>/index.jsonl`); the last line for an item wins. Loaded once, on first use. */
export class JsonlMediaIndex implements MediaIndex {
  readonly #file: JsonlFile<MediaRow>;

  constructor(path: string) {
    this.#file = new JsonlFile(path, (row) => rowKey(row.noteId, row.kind, row.index));
  }

  get(noteId: string, kind: MediaKind, index: number) {
    return this.#file.get(rowKey(noteId, kind, index));
  }

  put(row: MediaRow) {
    return this.#file.put(row);
  }

  all() {
    return this.#file.values();
  }

  /** Closes the file kept open for appending (a later put opens it again). */
  close() {
    return this.#file.close();
  }
}
