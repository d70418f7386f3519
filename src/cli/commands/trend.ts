// `xhs trend NOTE|USER --db PATH`: the engagement curve of a stored note or user, from its observations.
import { existsSync, statSync } from "node:fs";
import { type Command, Option } from "@commander-js/extra-typings";
import { parseNoteRef, parseUserRef } from "../../refs/parse-ref.js";
import { noteTrend, renderTrend, type Trend, trendRows, userTrend } from "../../watch/trend.js";
import { contextOf, writeText } from "../context.js";
import { UsageError } from "../errors.js";
import { csvChunk } from "../record-csv.js";
import { dbTarget, openCliStore, sqliteFileOf } from "../store-option.js";
import { terminalLines } from "../terminal-text.js";
import { DEFAULT_DB } from "./crawl.js";

/** The id a reference names, read locally (a short link would need a paid call: not here). */
function localId(ref: string, kind: "note" | "user"): string | null {
  try {
    const parsed = kind === "note" ? parseNoteRef(ref) : parseUserRef(ref);
    return parsed.kind === kind ? parsed.id : null;
  } catch {
    return null;
  }
}

export function register(program: Command): void {
  program
    .command("trend")
    .description("The engagement curve of a stored note or user: its counts at every fetch, from the database.")
    .argument("<ref>", "a note or user id, or its URL (no short links: nothing is fetched)")
    .addOption(
      new Option("--db <path|url>", `SQLite file or postgres:// URL (default XHS_DATABASE_URL, else ./${DEFAULT_DB})`),
    )
    .addOption(new Option("--user", "the reference is a user (a bare id is tried as a note first, then as a user)"))
    .addOption(new Option("--csv", "the points as CSV").conflicts("json"))
    .addOption(new Option("--json", "the points as JSON"))
    .addHelpText(
      "after",
      "\nExamples:\n  xhs trend 697c0eee000000000a03c308 --db watch.db\n  xhs trend 61b46d790000000010008153 --user --db watch.db --csv > followers.csv",
    )
    .action(async (ref, opts, command) => {
      const ctx = contextOf(command);
      const noteId = opts.user ? null : localId(ref, "note");
      const userId = localId(ref, "user");
      if (noteId === null && userId === null)
        throw new UsageError(
          `"${ref}" is not a note or user id or URL (short links and share text need a paid call: resolve them with \`xhs resolve\` first)`,
        );
      const db = dbTarget(ctx, opts.db, DEFAULT_DB);
      const path = sqliteFileOf(ctx, db);
      if (path !== null && (!existsSync(path) || statSync(path).isDirectory()))
        throw new UsageError(`no database at ${db} (give --db PATH; crawls write ./${DEFAULT_DB} by default)`);
      const store = await openCliStore(ctx, db, { readOnly: true });
      let trend: Trend | null;
      try {
        trend = (noteId ? await noteTrend(store, noteId) : null) ?? (userId ? await userTrend(store, userId) : null);
      } finally {
        await store.close();
      }
      if (!trend) throw new UsageError(`${opts.user ? "no user" : "no note or user"} "${ref}" in ${db}`);
      if (opts.json) {
        await writeText(ctx.stdout, `${JSON.stringify(trend, null, 2)}\n`);
      } else if (opts.csv) {
        const { headers, rows } = trendRows(trend);
        await writeText(ctx.stdout, csvChunk(headers, rows));
      } else {
        await writeText(
          ctx.stdout,
          terminalLines(renderTrend(trend, { width: Math.min(60, (ctx.stdout.columns ?? 80) - 12) })),
        );
      }
    });
}
