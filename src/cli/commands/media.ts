// `xhs media NOTE… | --db PATH (--run ID | --since TIME)`: downloads notes' images, live clips and videos,
// watermark-free and at the best quality, into ./media/<noteId>/<n>.<ext> (src/media/).
import { existsSync, statSync } from "node:fs";
import path from "node:path";
import { type Command, Option } from "@commander-js/extra-typings";
import { isXhsError } from "../../core/errors.js";
import { downloadMedia, type MediaReport, type VideoCodecPreference } from "../../media/index.js";
import { ensureWritableFolder } from "../../media/writable.js";
import type { Note } from "../../model/types.js";
import { noteUrl } from "../../model/urls.js";
import { SqlMediaIndex } from "../../store/sql/media.js";
import type { SqlStore } from "../../store/sql/sql-store.js";
import { mediaRewriter } from "../cdn-option.js";
import { type CliContext, contextOf, writeText } from "../context.js";
import { UsageError } from "../errors.js";
import { EXIT } from "../exit-codes.js";
import { addClientOptions, checkRef, clientFromOptions, parseDate, parsePositiveInt } from "../options.js";
import { dbTarget, openCliStore, sqliteFileOf } from "../store-option.js";
import { DEFAULT_DB } from "./export.js";

function summary(report: MediaReport, dir: string): string {
  const mb = (report.bytes / 1_048_576).toFixed(2);
  const lines = [
    `Downloaded ${report.downloaded} file${report.downloaded === 1 ? "" : "s"} (${mb} MB) to ${dir}` +
      (report.skipped ? `; ${report.skipped} already there` : "") +
      (report.deduped ? `; ${report.deduped} stored once for several notes` : ""),
  ];
  if (report.refetches) lines.push(`Fetched ${report.refetches} note detail(s) again after expired URLs (paid calls)`);
  if (report.refetchesRemembered)
    lines.push(
      `${report.refetchesRemembered} note(s) not fetched again: an earlier refetch found them gone or changed ` +
        `(${dir}/.refetches.jsonl; crawl them anew, or delete that file, to ask again)`,
    );
  if (report.watermarked) lines.push(`${report.watermarked} file(s) only available with a watermark`);
  for (const id of report.emptyNotes) lines.push(`note ${id} has no images or video to download`);
  for (const f of report.failed) lines.push(`failed: ${f.noteId} ${f.kind} ${f.index + 1}: ${f.reason}`);
  return `${lines.join("\n")}\n`;
}

/** The notes a crawl stored (all, or of one run, or fetched since a time), from a store opened read-write. */
async function notesFromStore(store: SqlStore, db: string, run?: string, since?: string): Promise<Note[]> {
  if (run !== undefined && !(await store.getRun(run))) {
    throw new UsageError(`no run "${run}" in ${db} (see \`xhs runs list\`)`);
  }
  const notes: Note[] = [];
  const filter = { ...(run !== undefined ? { runId: run } : {}), ...(since !== undefined ? { since } : {}) };
  for await (const note of store.iterateRecords("notes", filter)) notes.push(note);
  return notes;
}

/**
 * The crawl database `--db` names (or XHS_DATABASE_URL), opened read-write: its media table records what is
 * downloaded. A SQLite path that does not exist is refused, so a typo never creates an empty database.
 */
async function openMediaStore(ctx: CliContext, option: string | undefined): Promise<{ store: SqlStore; db: string }> {
  const db = dbTarget(ctx, option, DEFAULT_DB);
  const file = sqliteFileOf(ctx, db);
  if (file !== null && (!existsSync(file) || statSync(file).isDirectory())) {
    throw new UsageError(`no database at ${db}: run \`xhs crawl\` first, or pass --db PATH.`);
  }
  return { store: await openCliStore(ctx, db, { secrets: [...ctx.secrets] }), db };
}

export function register(program: Command): void {
  const cmd = program
    .command("media")
    .description("Download notes' images, live photos and videos (watermark-free, best quality, resumable).")
    .argument("[notes...]", "note ids or URLs (each costs one detail call); or use --db", (v, prev: string[] = []) => [
      ...prev,
      checkRef("note", v),
    ])
    .option("--dir <dir>", "download folder (default ./media)")
    .option(
      "--db <path>",
      `take the notes from a crawl database, SQLite file or Postgres URL, and record the files in its media table (env XHS_DATABASE_URL; default ./${DEFAULT_DB} with --run/--since)`,
    )
    .option("--run <id>", "with --db: the notes of this crawl run")
    .addOption(new Option("--since <time>", "with --db: notes fetched at or after this time").argParser(parseDate))
    .addOption(
      new Option("--video-codec <codec>", "preferred video codec (default any: the best picture)").choices([
        "any",
        "h264",
        "h265",
      ] as const),
    )
    .addOption(new Option("--videos <which>", "videos to fetch (default best)").choices(["best", "none"] as const))
    .option("--no-images", "skip the images of image notes")
    .option("--covers", "also fetch video covers")
    .option(
      "--details",
      "with --db: first fetch the detail of each note the database has only from a list (a paid call each; stored), for all its images and the original video",
    )
    .addOption(
      new Option("--downloads <n>", "files downloaded at once (default 4; at most 2 per CDN host)").argParser(
        parsePositiveInt,
      ),
    )
    .option(
      "--cdn-base-url <url>",
      "ask media of this server as <url>/<host>/<path> (env XHS_CDN_BASE_URL; found by itself for `xhs mock`)",
    );
  addClientOptions(cmd)
    .addHelpText(
      "after",
      "\nFiles: <dir>/<noteId>/<n>.<ext> are hard links to <dir>/.objects/<sha256>.<ext> (one copy per content);\n" +
        "With --db the database's media table lists each file (source URL, sha256, bytes, size; `xhs export media`),\n" +
        "else <dir>/index.jsonl does. A second run fetches nothing again, and pays no detail refetch (after a 403)\n" +
        "that found a note gone or its fresh URLs refused: <dir>/.refetches.jsonl remembers those.\n" +
        "\nExamples:\n  xhs media 697c0eee000000000a03c308 --dir pics\n  xhs media --db crawl.db --run <id> --covers\n  xhs media --db crawl.db --details   (the full detail of listed notes first: paid calls)" +
        "\n  TIKHUB_BASE_URL=http://127.0.0.1:8787 xhs media 697c0eee000000000a03c308   (against `xhs mock --port 8787`)",
    )
    .action(async (refs, opts, command) => {
      const ctx = contextOf(command);
      if (refs.length === 0 && opts.db === undefined && opts.run === undefined && opts.since === undefined) {
        throw new UsageError("name notes (ids or URLs) or a crawl database: xhs media NOTE… | --db PATH --run ID");
      }
      if (refs.length > 0 && (opts.db !== undefined || opts.run !== undefined || opts.since !== undefined)) {
        throw new UsageError("give notes or --db/--run/--since, not both");
      }
      if (opts.details && refs.length > 0) {
        throw new UsageError("--details completes notes taken from --db; notes named by id are fetched in full anyway");
      }
      const dir = path.resolve(ctx.cwd, opts.dir ?? "media");
      // A folder that cannot be written, or a bad CDN URL, fails before anything is paid.
      await ensureWritableFolder(dir);
      const rewriteUrl = await mediaRewriter(opts.cdnBaseUrl, opts, ctx);

      let client: Awaited<ReturnType<typeof clientFromOptions>> | undefined;
      const clientNow = async () => {
        client ??= await clientFromOptions(opts, ctx);
        return client;
      };
      const notes: Note[] = [];
      let fetchFailures = 0;
      /** Notes whose record --details replaced: their files are chosen again (the origin video may now be known). */
      let rechoose: Set<string> | undefined;
      const opened = refs.length > 0 ? undefined : await openMediaStore(ctx, opts.db);
      try {
        let lastError: unknown;
        if (refs.length > 0) {
          const c = await clientNow();
          for (const ref of refs) {
            try {
              notes.push(await c.notes.get(ref, { signal: ctx.signal }));
            } catch (error) {
              if (ctx.signal.aborted || (isXhsError(error) && error.fatal)) throw error;
              fetchFailures++;
              lastError = error;
              await writeText(ctx.stderr, `note ${ref}: ${(error as Error).message}\n`);
            }
          }
        } else if (opened) {
          notes.push(...(await notesFromStore(opened.store, opened.db, opts.run, opts.since)));
          if (notes.length === 0) await writeText(ctx.stderr, "No notes in that database for this filter.\n");
          if (opts.details) {
            const listed = notes.filter((n) => n.textTruncated);
            rechoose = new Set<string>();
            const c = listed.length > 0 ? await clientNow() : undefined;
            for (const [i, stored] of notes.entries()) {
              if (!c || !stored.textTruncated) continue;
              // A list's record lacks what only the detail has (every image, the origin video key): one paid call.
              try {
                const full = await c.notes.get(noteUrl(stored.id, stored.xsecToken), {
                  signal: ctx.signal,
                  type: stored.type === "video" ? "video" : "image",
                });
                await opened.store.upsertNotes([full]);
                notes[i] = full;
                rechoose.add(full.id);
              } catch (error) {
                if (ctx.signal.aborted || (isXhsError(error) && error.fatal)) throw error;
                fetchFailures++;
                await writeText(
                  ctx.stderr,
                  `note ${stored.id}: ${(error as Error).message} (its listed files are used)\n`,
                );
              }
            }
          }
        }
        if (notes.length === 0 && lastError) throw lastError;

        const report = await downloadMedia(notes, {
          dir,
          ...(ctx.fetch ? { fetch: ctx.fetch } : {}),
          selection: {
            images: opts.images,
            videos: opts.videos ?? "best",
            covers: opts.covers === true,
            videoCodec: (opts.videoCodec ?? "any") as VideoCodecPreference,
          },
          ...(opts.downloads ? { concurrency: opts.downloads } : {}),
          ...(rewriteUrl ? { rewriteUrl } : {}),
          // One record of what is on disk: the store's media table with --db, else the folder's index.jsonl.
          ...(opened ? { index: new SqlMediaIndex(opened.store) } : {}),
          ...(rechoose ? { rechoose } : {}),
          signal: ctx.signal,
          // An expired URL (403): the note's detail once more, a paid call (needs the key then).
          refetch: async (id) => (await clientNow()).notes.get(id, { signal: ctx.signal }),
        });
        await writeText(ctx.stderr, summary(report, opts.dir ?? "media"));
        if (opened && report.rows.length > 0) {
          await writeText(ctx.stderr, `Listed in the media table of ${opened.store.target} (xhs export media)\n`);
        }
        if (report.failed.length > 0 || fetchFailures > 0) ctx.exitCode = EXIT.partial;
      } finally {
        await opened?.store.close();
      }
    });
}
