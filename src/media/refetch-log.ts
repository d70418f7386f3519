/**
 * What a paid refetch (a note's detail again after its media answered 403) found when it did not help:
 * the note is gone, or its fresh detail no longer lists the item or its fresh URLs are refused too. Kept per
 * version of the note's record (its `fetchedAt`), so a rerun over the same records does not pay for the same
 * answer again, while a note crawled anew (a new version) may be refetched once more.
 * `JsonlRefetchLog` keeps it in the download folder (`.refetches.jsonl`), beside the files it is about.
 */
import { JsonlFile } from "./jsonl-file.js";

export interface RefetchEntry {
  noteId: string;
  /** The `fetchedAt` of the note's record the refetch was paid for. */
  recordFetchedAt: string;
  /** gone: the detail said the note does not exist; changed: it answered, and the item still failed. */
  outcome: "gone" | "changed";
  /** When the refetch was paid (ISO 8601 UTC). */
  at: string;
}

export interface RefetchLog {
  get(noteId: string): Promise<RefetchEntry | undefined>;
  put(entry: RefetchEntry): Promise<void>;
}

export class MemoryRefetchLog implements RefetchLog {
  readonly entries = new Map<string, RefetchEntry>();
  async get(noteId: string) {
    return this.entries.get(noteId);
  }
  async put(entry: RefetchEntry) {
    this.entries.set(entry.noteId, entry);
  }
}

/** Append-only JSON lines (`<dir>/.refetches.jsonl`); the last line for a note wins. Loaded once, on first use. */
export class JsonlRefetchLog implements RefetchLog {
  readonly #file: JsonlFile<RefetchEntry>;

  constructor(path: string) {
    this.#file = new JsonlFile(path, (entry) => entry.noteId);
  }

  get(noteId: string) {
    return this.#file.get(noteId);
  }

  put(entry: RefetchEntry) {
    return this.#file.put(entry);
  }

  close() {
    return this.#file.close();
  }
}
