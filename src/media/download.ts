/**
 * `downloadMedia(notes, options)`: every chosen file of every note into a folder, verified, resumable and
 * deduplicated (the library call behind `xhs media` and the crawl's `expand.media`).
 *
 * Per item: the candidates of choose.ts in order; per candidate a few resumed attempts on cuts and 5xx;
 * a watermarked answer is kept only as a last resort, after every clean candidate failed. When an item's
 * candidates failed and one of them answered 403 (a signed URL expired), the note's detail is fetched again
 * through `refetch` (a paid call) at most once per note, and the item is tried with the fresh URLs. A refetch
 * that did not help (the note gone, or the item failing anyway) is remembered in `refetchLog` for that version
 * of the note's record, so a rerun over the same records does not pay for it again.
 * Media come from the CDN, never through TikHub: no key is sent; the CDN has its own limits here
 * (`concurrency` in all, `perHost` per host, `requestsPerSecond` overall).
 */
import { systemClock, systemSleep } from "../core/clock.js";
import { NotFoundError } from "../core/errors.js";
import { TokenBucket } from "../core/token-bucket.js";
import type { Clock, Sleep } from "../core/types.js";
import type { Note } from "../model/types.js";
import { type Candidate, DEFAULT_SELECTION, type MediaItem, type MediaSelection, planNoteMedia } from "./choose.js";
import { type FetchedFile, fetchIntoPartial, MediaFetchError, MediaWriteError, partialKey } from "./fetch-file.js";
import { type FileOps, MediaFolder, nodeFileOps, sizeOf } from "./files.js";
import { JsonlMediaIndex, type MediaIndex, type MediaRow } from "./media-index.js";
import { JsonlRefetchLog, type RefetchLog } from "./refetch-log.js";
import { EXTENSIONS } from "./verify.js";
import { ensureWritableFolder } from "./writable.js";

export interface DownloadOptions {
  /** The folder (default ./media). */
  dir?: string;
  fetch?: typeof globalThis.fetch;
  selection?: Partial<MediaSelection>;
  /** Files in flight at once (default 4). */
  concurrency?: number;
  /** Requests in flight per CDN host (default 2). */
  perHost?: number;
  /** CDN requests per second, all hosts (default 10; 0 = no pacing). */
  requestsPerSecond?: number;
  /** Resumed attempts per candidate after a cut or a 5xx (default 3). */
  retries?: number;
  clock?: Clock;
  sleep?: Sleep;
  /** Where rows go (default: `<dir>/index.jsonl`). Items it already lists, with their file present, are skipped. */
  index?: MediaIndex;
  /**
   * Notes whose items are chosen again even when the index lists them: their record changed (a detail replaced
   * a list's record, which lacked the origin video key). Same bytes are still stored once.
   */
  rechoose?: ReadonlySet<string>;
  /**
   * Fresh URLs for a note after a 403: its detail again (a paid call). Absent: no refetch. Null or a
   * `NotFoundError`: the note is gone; any other error is taken as passing (nothing is remembered).
   */
  refetch?: (noteId: string) => Promise<Note | null>;
  /** Refetches that did not help, per version of a note's record (default: `<dir>/.refetches.jsonl`). */
  refetchLog?: RefetchLog;
  /** Maps a media URL to the URL actually asked (e.g. the simulator's CDN server). */
  rewriteUrl?: (url: string) => string;
  files?: FileOps;
  signal?: AbortSignal;
  onItem?: (event: ItemEvent) => void;
}

export type ItemEvent =
  | { type: "done"; row: MediaRow; deduped: boolean }
  | { type: "skipped"; row: MediaRow }
  | { type: "failed"; failure: ItemFailure };

export interface ItemFailure {
  noteId: string;
  kind: MediaItem["kind"];
  index: number;
  reason: string;
  /** Statuses the candidates answered, in order (0: no answer). */
  statuses: number[];
}

export interface MediaReport {
  notes: number;
  items: number;
  downloaded: number;
  /** Already in the index with their file present: not fetched again. */
  skipped: number;
  /** Downloaded, but the same bytes were already stored (another note, another run). */
  deduped: number;
  bytes: number;
  /** Paid detail calls made after a 403. */
  refetches: number;
  /** Notes not refetched because an earlier refetch of the same record found them gone or changed. */
  refetchesRemembered: number;
  /** Files kept with a watermark mark because no clean variant answered. */
  watermarked: number;
  /** Notes with nothing to download (no images, no video, or all of it deselected). */
  emptyNotes: string[];
  failed: ItemFailure[];
  rows: MediaRow[];
}

/** The browsable name of an item, without its extension. */
export function itemName(item: Pick<MediaItem, "kind" | "index">): string {
  switch (item.kind) {
    case "image":
      return String(item.index + 1);
    case "live":
      return `${item.index + 1}-live`;
    case "cover":
      return `cover-${item.index + 1}`;
    case "video":
      return item.index === 0 ? "video" : `video-${item.index + 1}`;
  }
}

/** At most `limit` requests in flight per host. */
class HostGate {
  readonly #limit: number;
  readonly #active = new Map<string, number>();
  readonly #waiting = new Map<string, Array<() => void>>();
  constructor(limit: number) {
    this.#limit = Math.max(1, limit);
  }
  async run<T>(url: string, task: () => Promise<T>): Promise<T> {
    let host = url;
    try {
      host = new URL(url).host;
    } catch {
      // an unparsable URL fails in fetch; it still needs a slot
    }
    while ((this.#active.get(host) ?? 0) >= this.#limit) {
      await new Promise<void>((resolve) => {
        const queue = this.#waiting.get(host) ?? [];
        queue.push(resolve);
        this.#waiting.set(host, queue);
      });
    }
    this.#active.set(host, (this.#active.get(host) ?? 0) + 1);
    try {
      return await task();
    } finally {
      this.#active.set(host, (this.#active.get(host) ?? 1) - 1);
      this.#waiting.get(host)?.shift()?.();
    }
  }
}

/** A verified file in the object store. */
interface Stored extends FetchedFile {
  objectPath: string;
  /** The bytes were already stored (another note, another run, or the same URL earlier in this run). */
  deduped: boolean;
}

interface Outcome {
  row?: MediaRow;
  deduped?: boolean;
  failure?: ItemFailure;
  sawForbidden: boolean;
}

export async function downloadMedia(notes: readonly Note[], options: DownloadOptions = {}): Promise<MediaReport> {
  const dir = options.dir ?? "media";
  await ensureWritableFolder(dir);
  const folder = new MediaFolder(dir);
  await folder.prepare();
  const selection: MediaSelection = { ...DEFAULT_SELECTION, ...options.selection };
  const fetchImpl = options.fetch ?? globalThis.fetch;
  const sleep = options.sleep ?? systemSleep;
  const clock = options.clock ?? systemClock;
  const files = options.files ?? nodeFileOps;
  const ownIndex = options.index ? undefined : new JsonlMediaIndex(`${dir}/index.jsonl`);
  const index = options.index ?? (ownIndex as JsonlMediaIndex);
  const retries = options.retries ?? 3;
  const gate = new HostGate(options.perHost ?? 2);
  const rate = options.requestsPerSecond ?? 10;
  const bucket = rate > 0 ? new TokenBucket({ perSecond: rate, burst: Math.max(1, Math.ceil(rate)) }, clock) : null;
  const rewrite = options.rewriteUrl ?? ((u: string) => u);
  const signal = options.signal;

  const report: MediaReport = {
    notes: notes.length,
    items: 0,
    downloaded: 0,
    skipped: 0,
    deduped: 0,
    bytes: 0,
    refetches: 0,
    refetchesRemembered: 0,
    watermarked: 0,
    emptyNotes: [],
    failed: [],
    rows: [],
  };
  const refetched = new Map<string, Promise<Note | null>>();
  const ownRefetchLog = options.refetchLog ? undefined : new JsonlRefetchLog(`${dir}/.refetches.jsonl`);
  const refetchLog = options.refetchLog ?? (ownRefetchLog as JsonlRefetchLog);
  /** The version of each note's record (its fetch time): what a remembered refetch is about. */
  const versions = new Map(notes.map((note) => [note.id, note.fetchedAt]));
  const remembered = new Set<string>();
  const remember = async (noteId: string, outcome: "gone" | "changed") => {
    if (remembered.has(noteId)) return;
    remembered.add(noteId);
    const recordFetchedAt = versions.get(noteId) ?? "";
    await refetchLog.put({ noteId, recordFetchedAt, outcome, at: new Date(clock.now()).toISOString() });
  };
  const storedByUrl = new Map<string, Promise<Stored>>();
  /** Partials this run has begun: a later try of one (a 403 refetch, the same file re-signed) reads its size. */
  const started = new Set<string>();

  const pace = async () => {
    if (!bucket) return;
    const wait = bucket.secondsUntil();
    bucket.take();
    if (wait > 0) await sleep(wait * 1000, signal);
  };

  /** One candidate, with resumed retries on cuts and 5xx. */
  const tryCandidate = async (candidate: Candidate) => {
    const url = rewrite(candidate.url);
    const key = partialKey(candidate.url);
    const partial = folder.partialPath(key);
    let lastError: unknown;
    for (let attempt = 0; attempt <= retries; attempt++) {
      if (attempt > 0) await sleep(Math.min(4000, 250 * 2 ** (attempt - 1)), signal);
      await pace();
      try {
        // Politeness is per CDN host as XHS names it, even when a rewrite sends every URL to one server.
        const fresh = attempt === 0 && !folder.mayHavePartial(key) && !started.has(key);
        started.add(key);
        const file = await gate.run(candidate.url, () =>
          fetchIntoPartial(fetchImpl, url, partial, files, signal, fresh),
        );
        return { file, partial };
      } catch (error) {
        lastError = error;
        if (!(error instanceof MediaFetchError) || !error.retryable) throw error;
      }
    }
    throw lastError;
  };

  /**
   * A candidate fetched, verified and moved into the object store, once per URL per run: two items naming
   * the same URL (one image in two notes) share one download instead of writing one partial file twice.
   */
  const storeCandidate = async (candidate: Candidate): Promise<Stored> => {
    const known = storedByUrl.get(candidate.url);
    if (known) return { ...(await known), deduped: true };
    const pending = (async (): Promise<Stored> => {
      const { file, partial } = await tryCandidate(candidate);
      const object = await folder.commitObject(partial, file.sha256, EXTENSIONS[file.format]);
      return { ...file, objectPath: object.path, deduped: object.deduped };
    })();
    storedByUrl.set(candidate.url, pending);
    pending.catch(() => storedByUrl.delete(candidate.url));
    return pending;
  };

  const fetchItem = async (item: MediaItem): Promise<Outcome> => {
    const statuses: number[] = [];
    let sawForbidden = false;
    type Got = { candidate: Candidate; file: Stored };
    let fallback: Got | null = null;
    let chosen: Got | null = null;
    let lastReason = "no candidate URL";
    for (const candidate of item.candidates) {
      try {
        const file = await storeCandidate(candidate);
        statuses.push(200);
        if (file.watermarked) {
          // Kept aside: a clean candidate further down wins over it.
          fallback ??= { candidate, file };
          continue;
        }
        chosen = { candidate, file };
        break;
      } catch (error) {
        if (error instanceof MediaWriteError) throw error;
        if (!(error instanceof MediaFetchError)) throw error;
        statuses.push(error.status ?? 0);
        if (error.status === 403) sawForbidden = true;
        lastReason = error.message;
      }
    }
    const winner = chosen ?? fallback;
    if (!winner) {
      return {
        sawForbidden,
        failure: { noteId: item.noteId, kind: item.kind, index: item.index, reason: lastReason, statuses },
      };
    }
    const file = winner.file;
    const relative = `${item.noteId}/${itemName(item)}.${EXTENSIONS[file.format]}`;
    await folder.place(file.objectPath, relative);
    const row: MediaRow = {
      noteId: item.noteId,
      kind: item.kind,
      index: item.index,
      sourceUrl: winner.candidate.url,
      rule: winner.candidate.rule,
      sha256: file.sha256,
      bytes: file.bytes,
      format: file.format,
      path: relative,
      width: winner.candidate.stream?.width ?? item.width,
      height: winner.candidate.stream?.height ?? item.height,
      durationSec: item.durationSec,
      watermarked: file.watermarked,
      fetchedAt: new Date(clock.now()).toISOString(),
    };
    await index.put(row);
    return { row, deduped: file.deduped, sawForbidden };
  };

  /** The note's detail again, once per note per run; null when it is gone, failed, or was found gone before. */
  const refetchOnce = (noteId: string, refetch: (noteId: string) => Promise<Note | null>) => {
    let pending = refetched.get(noteId);
    if (!pending) {
      pending = (async () => {
        const before = await refetchLog.get(noteId);
        if (before && before.recordFetchedAt === versions.get(noteId)) {
          report.refetchesRemembered++;
          return null;
        }
        report.refetches++;
        try {
          const note = await refetch(noteId);
          if (!note) await remember(noteId, "gone");
          return note;
        } catch (error) {
          if (error instanceof NotFoundError) await remember(noteId, "gone");
          return null;
        }
      })();
      refetched.set(noteId, pending);
    }
    return pending;
  };

  /** The item again with fresh URLs after a 403 (a paid refetch); a refetch that cannot help is remembered. */
  const retryRefreshed = async (item: MediaItem, failed: Outcome): Promise<Outcome> => {
    if (!options.refetch) return failed;
    const note = await refetchOnce(item.noteId, options.refetch);
    if (!note) return failed;
    const fresh = planNoteMedia(note, selection).find((i) => i.kind === item.kind && i.index === item.index);
    if (!fresh) {
      await remember(item.noteId, "changed");
      return failed;
    }
    const outcome = await fetchItem(fresh);
    // Refused again (4xx only): paying once more for the same record would not help. A cut or a 5xx might pass.
    const refused = outcome.failure?.statuses.every((status) => status >= 400 && status < 500);
    if (refused && outcome.failure?.statuses.length) await remember(item.noteId, "changed");
    return outcome;
  };

  const runItem = async (item: MediaItem) => {
    const known = await index.get(item.noteId, item.kind, item.index);
    if (known && !options.rechoose?.has(item.noteId) && (await sizeOf(folder.browsePath(known.path))) === known.bytes) {
      report.skipped++;
      report.rows.push(known);
      options.onItem?.({ type: "skipped", row: known });
      return;
    }
    let outcome: Outcome;
    try {
      outcome = await fetchItem(item);
      if (outcome.failure && outcome.sawForbidden) outcome = await retryRefreshed(item, outcome);
    } catch (error) {
      if (signal?.aborted) throw error;
      if (error instanceof MediaWriteError) {
        // A full disk or a folder gone read-only fails every item alike: stop taking new ones.
        stopped ??= error;
        return;
      }
      const reason = error instanceof Error ? error.message : String(error);
      outcome = {
        sawForbidden: false,
        failure: { noteId: item.noteId, kind: item.kind, index: item.index, reason, statuses: [] },
      };
    }
    if (outcome.row) {
      report.downloaded++;
      report.bytes += outcome.row.bytes;
      if (outcome.deduped) report.deduped++;
      if (outcome.row.watermarked) report.watermarked++;
      report.rows.push(outcome.row);
      options.onItem?.({ type: "done", row: outcome.row, deduped: outcome.deduped === true });
    } else if (outcome.failure) {
      report.failed.push(outcome.failure);
      options.onItem?.({ type: "failed", failure: outcome.failure });
    }
  };

  const queue: MediaItem[] = [];
  for (const note of notes) {
    const items = planNoteMedia(note, selection);
    if (items.length === 0) report.emptyNotes.push(note.id);
    queue.push(...items);
  }
  report.items = queue.length;
  let next = 0;
  let stopped: MediaWriteError | undefined;
  const workers = Array.from({ length: Math.max(1, Math.min(options.concurrency ?? 4, queue.length)) }, async () => {
    while (next < queue.length && !stopped) {
      if (signal?.aborted) throw signal.reason;
      const item = queue[next++];
      if (item) await runItem(item);
    }
  });
  try {
    await Promise.all(workers);
  } finally {
    await ownIndex?.close();
    await ownRefetchLog?.close();
  }
  if (stopped) throw stopped;
  return report;
}
