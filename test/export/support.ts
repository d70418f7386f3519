/** Helpers of the export tests: a store in a temp folder, and an export's bytes collected in memory. */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { openSqliteStore, type SqliteStore } from "../../src/store/index.js";

export interface TempStore {
  dir: string;
  store: SqliteStore;
  close(): Promise<void>;
}

export function tempStore(label: string): TempStore {
  const dir = mkdtempSync(join(tmpdir(), `xhs-${label}-`));
  const store = openSqliteStore(join(dir, "x.db"));
  return {
    dir,
    store,
    close: async () => {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A stream that keeps what is written; `bytes()` once the exporter has ended it. */
export function memoryOut(): { out: PassThrough; bytes(): Buffer; writes(): number } {
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on("data", (chunk: Buffer) => chunks.push(chunk));
  return { out, bytes: () => Buffer.concat(chunks), writes: () => chunks.length };
}

/** The ArrayBuffer hyparquet reads. */
export function arrayBufferOf(bytes: Buffer): ArrayBuffer {
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
}
