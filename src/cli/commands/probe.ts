/**
 * `xhs probe`: one paid call per endpoint with ids the user names, then the shape-drift report: per
 * endpoint, whether it answered and which fields the normalizer expected but did not find (a sign that
 * TikHub changed a shape before the data quietly thins out).
 *
 * Exit codes: 0 every probed endpoint answered (drift is reported, not an error); 3/4 auth or balance
 * (stops at once); 7 some endpoint failed.
 */
import type { Command } from "@commander-js/extra-typings";
import { Option } from "@commander-js/extra-typings";
import { ENDPOINTS } from "../../catalog/endpoints.js";
import type { EndpointSpec } from "../../catalog/types.js";
import type { XhsClient } from "../../client/types.js";
import { isXhsError } from "../../core/errors.js";
import { parseRef } from "../../refs/parse-ref.js";
import { contextFor, normalizerFor } from "../../series/normalize.js";
import type { NormalizedItem } from "../../series/types.js";
import { contextOf, writeText } from "../context.js";
import { UsageError } from "../errors.js";
import { EXIT } from "../exit-codes.js";
import { addClientOptions, clientFromOptions } from "../options.js";

export interface ProbeIds {
  note?: { id: string; xsecToken: string | null; url: string | null } | undefined;
  videoNote?: { id: string; xsecToken: string | null; url: string | null } | undefined;
  user?: { id: string; url: string | null } | undefined;
  keyword?: string | undefined;
  topic?: string | undefined;
  comment?: string | undefined;
}

export interface ProbeRow {
  endpoint: string;
  status: "ok" | "empty" | "inner_failure" | "error" | "skipped";
  /** Items the answer held. */
  items: number;
  /** Expected fields not found: JSON path → how many times. */
  missing: Record<string, number>;
  detail?: string;
}

type Needs = (ids: ProbeIds) => Record<string, string> | string;

/** The parameters of one probe call per endpoint, or why it is skipped. */
const PLAN: Record<string, Needs> = {
  "app_v2/get_image_note_detail": (i) => (i.note ? { note_id: i.note.id } : "needs --note"),
  "app/get_note_info": (i) => (i.note ? { note_id: i.note.id } : "needs --note"),
  "web_v3/fetch_note_detail": (i) =>
    i.note?.xsecToken ? { note_id: i.note.id, xsec_token: i.note.xsecToken } : "needs --note as a URL with xsec_token",
  "app_v2/get_video_note_detail": (i) => (i.videoNote ? { note_id: i.videoNote.id } : "needs --video-note"),
  "app_v2/get_user_info": (i) => (i.user ? { user_id: i.user.id } : "needs --user"),
  "app/get_user_info": (i) => (i.user ? { user_id: i.user.id } : "needs --user"),
  "web_v3/fetch_user_info": (i) => (i.user ? { user_id: i.user.id } : "needs --user"),
  "app_v2/get_user_posted_notes": (i) => (i.user ? { user_id: i.user.id } : "needs --user"),
  "app/get_user_notes": (i) => (i.user ? { user_id: i.user.id } : "needs --user"),
  "web_v3/fetch_user_notes": (i) => (i.user ? { user_id: i.user.id } : "needs --user"),
  "app_v2/get_user_faved_notes": (i) => (i.user ? { user_id: i.user.id } : "needs --user"),
  "app_v2/get_note_comments": (i) => (i.note ? { note_id: i.note.id } : "needs --note"),
  "app/get_note_comments": (i) => (i.note ? { note_id: i.note.id } : "needs --note"),
  "web_v3/fetch_note_comments": (i) =>
    i.note?.xsecToken ? { note_id: i.note.id, xsec_token: i.note.xsecToken } : "needs --note as a URL with xsec_token",
  "app_v2/get_note_sub_comments": (i) =>
    i.note && i.comment ? { note_id: i.note.id, comment_id: i.comment } : "needs --note and --comment",
  "app/get_sub_comments": (i) =>
    i.note && i.comment ? { note_id: i.note.id, comment_id: i.comment } : "needs --note and --comment",
  "web_v3/fetch_sub_comments": (i) =>
    i.note?.xsecToken && i.comment
      ? { note_id: i.note.id, root_comment_id: i.comment, xsec_token: i.note.xsecToken }
      : "needs --note as a URL with xsec_token, and --comment",
  "app_v2/search_notes": (i) => (i.keyword ? { keyword: i.keyword, page: "1" } : "needs --keyword"),
  "app/search_notes": (i) => (i.keyword ? { keyword: i.keyword, page: "1" } : "needs --keyword"),
  "web_v3/fetch_search_notes": (i) => (i.keyword ? { keyword: i.keyword, page: "1" } : "needs --keyword"),
  "app_v2/search_users": (i) => (i.keyword ? { keyword: i.keyword, page: "1" } : "needs --keyword"),
  "web_v3/fetch_search_users": (i) => (i.keyword ? { keyword: i.keyword, page: "1" } : "needs --keyword"),
  "app_v2/get_topic_info": (i) => (i.topic ? { page_id: i.topic } : "needs --topic"),
  "app_v2/get_topic_feed": (i) => (i.topic ? { page_id: i.topic } : "needs --topic"),
  "app/get_topic_notes": (i) => (i.topic ? { page_id: i.topic, first_load_time: String(Date.now()) } : "needs --topic"),
  "app/extract_share_info": (i) => (i.note?.url ? { share_link: i.note.url } : "needs --note as a URL"),
  "app/get_user_id_and_xsec_token": (i) => (i.user?.url ? { share_link: i.user.url } : "needs --user as a profile URL"),
};

/** Probes every endpoint it has ids for (one call each); a fatal error (auth, balance, budget) stops at once. */
export async function runProbe(client: XhsClient, ids: ProbeIds, signal?: AbortSignal): Promise<ProbeRow[]> {
  const rows: ProbeRow[] = [];
  for (const spec of ENDPOINTS) {
    const plan = PLAN[spec.name];
    const params = plan ? plan(ids) : "not probed";
    if (typeof params === "string") {
      rows.push({ endpoint: spec.name, status: "skipped", items: 0, missing: {}, detail: params });
      continue;
    }
    try {
      const answer = await client.raw(spec.name, params, signal ? { signal } : {});
      rows.push(inspect(spec, answer.body, params));
    } catch (error) {
      if (isXhsError(error) && error.fatal) throw error;
      rows.push({
        endpoint: spec.name,
        status: "error",
        items: 0,
        missing: {},
        detail: error instanceof Error ? error.message : String(error),
      });
    }
  }
  return rows;
}

/** Normalizes one raw answer, counting every expected field it lacks. */
export function inspect(spec: EndpointSpec, body: unknown, params: Record<string, string>): ProbeRow {
  const missing: Record<string, number> = {};
  const onDrift = (path: string) => {
    missing[path] = (missing[path] ?? 0) + 1;
  };
  try {
    const page = normalizerFor(spec)(body, { ...contextFor(spec, body, { params }), onDrift });
    const items: NormalizedItem[] = page.items;
    if (!page.status.ok) {
      const status = page.status.reason === "empty" ? "empty" : "inner_failure";
      const detail = page.status.reason === "inner_failure" ? (page.status.message ?? undefined) : undefined;
      return { endpoint: spec.name, status, items: items.length, missing, ...(detail ? { detail } : {}) };
    }
    return { endpoint: spec.name, status: "ok", items: items.length, missing };
  } catch (error) {
    return {
      endpoint: spec.name,
      status: "error",
      items: 0,
      missing,
      detail: `unknown shape: ${error instanceof Error ? error.message : String(error)}`,
    };
  }
}

export function formatReport(rows: ProbeRow[]): string {
  const lines: string[] = [];
  for (const row of rows) {
    const drift = Object.entries(row.missing);
    const head = `${row.endpoint.padEnd(34)} ${row.status.padEnd(13)} ${row.status === "skipped" ? "" : `${row.items} item(s)`}`;
    lines.push(`${head}${row.detail ? `  ${row.detail}` : ""}`.trimEnd());
    for (const [path, count] of drift) lines.push(`    missing ${path}${count > 1 ? ` (×${count})` : ""}`);
  }
  const probed = rows.filter((r) => r.status !== "skipped");
  const drifting = probed.filter((r) => Object.keys(r.missing).length > 0).length;
  lines.push("");
  lines.push(
    `${probed.length} endpoint(s) probed, ${probed.filter((r) => r.status === "ok").length} ok, ` +
      `${drifting} with missing fields, ${rows.length - probed.length} skipped.`,
  );
  return `${lines.join("\n")}\n`;
}

function noteIds(value: string | undefined): ProbeIds["note"] {
  if (value === undefined) return undefined;
  const ref = parseRef(value, "note");
  if (ref.kind !== "note")
    throw new UsageError(`--note/--video-note needs a note id or note URL, got ${JSON.stringify(value)}`);
  return { id: ref.id, xsecToken: ref.xsecToken, url: /^https?:\/\//i.test(value.trim()) ? value.trim() : null };
}

export function register(program: Command): void {
  const cmd = program
    .command("probe")
    .description(
      "One paid call per endpoint with the ids you name, then the shape-drift report (fields expected but missing, per endpoint).",
    )
    .addOption(new Option("--note <ref>", "an image note id or URL (a URL with xsec_token also probes Web V3)"))
    .addOption(new Option("--video-note <ref>", "a video note id or URL"))
    .addOption(new Option("--user <ref>", "a user id or profile URL"))
    .addOption(new Option("--keyword <text>", "a search keyword"))
    .addOption(new Option("--topic <pageId>", "a topic page id"))
    .addOption(new Option("--comment <id>", "a top-level comment id of --note (probes the reply endpoints)"))
    .addOption(new Option("--json", "print the report as JSON"));
  addClientOptions(cmd)
    .addHelpText(
      "after",
      "\nExamples:\n  xhs probe --note 697c0eee000000000a03c308 --user 61b46d790000000010008153 --keyword 露营 --topic 5c1cc866febed9000184b7c1\n" +
        "  xhs probe --note 'https://www.xiaohongshu.com/explore/<id>?xsec_token=…' --comment <commentId>   # also the Web V3 comment endpoints",
    )
    .action(async (opts, command) => {
      const ctx = contextOf(command);
      const user = opts.user === undefined ? undefined : parseRef(opts.user, "user");
      if (user !== undefined && user.kind !== "user") throw new UsageError(`--user needs a user id or profile URL`);
      const ids: ProbeIds = {
        note: noteIds(opts.note),
        videoNote: noteIds(opts.videoNote),
        user: user
          ? { id: user.id, url: /^https?:\/\//i.test(opts.user!.trim()) ? opts.user!.trim() : null }
          : undefined,
        keyword: opts.keyword?.trim() || undefined,
        topic: opts.topic?.trim() || undefined,
        comment: opts.comment?.trim() || undefined,
      };
      if (!ids.note && !ids.videoNote && !ids.user && !ids.keyword && !ids.topic) {
        throw new UsageError("name at least one of --note, --video-note, --user, --keyword, --topic");
      }
      const client = await clientFromOptions(opts, ctx);
      const rows = await runProbe(client, ids, ctx.signal);
      await writeText(ctx.stdout, opts.json ? `${JSON.stringify(rows, null, 2)}\n` : formatReport(rows));
      if (rows.some((r) => r.status === "error" || r.status === "inner_failure")) ctx.exitCode = EXIT.upstream;
    });
}
