/**
 * Per endpoint: the key paths and JSON value types of the simulator's answer against the matching real
 * sample (App V2: samples/tikhub/app_v2; App V1: samples/xhs/app; Web V3: samples/xhs/web, inside the
 * envelope each series uses), minus the allow-list in shape-allowlist.ts. Endpoints without a sample are
 * compared with the closest one ("closest" mode: shared paths must agree in type and most of the sample's
 * paths must be present) and say so in their case name.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { createSimulatorCore } from "../../src/simulator/core.js";
import { GUIDE } from "../../src/simulator/world/index.js";
import { hasReference, referencePath } from "../support/reference.js";
import { SHAPE_ALLOWLIST } from "./shape-allowlist.js";

type PathTypes = Map<string, Set<string>>;

function jsonType(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "array";
  return typeof v;
}

function keyPaths(value: unknown, root = ""): PathTypes {
  const out: PathTypes = new Map();
  const walk = (v: unknown, p: string) => {
    const t = jsonType(v);
    const set = out.get(p) ?? new Set<string>();
    set.add(t);
    out.set(p, set);
    if (Array.isArray(v)) for (const x of v) walk(x, `${p}[]`);
    else if (t === "object") for (const [k, x] of Object.entries(v as object)) walk(x, p ? `${p}.${k}` : k);
  };
  walk(value, root);
  return out;
}

/** The value at a dotted path with "[]" meaning "every element" (flattened). */
function at(value: unknown, path: string): unknown[] {
  let current: unknown[] = [value];
  for (const part of path.split(".").filter(Boolean)) {
    const next: unknown[] = [];
    const key = part.replace(/\[\]$/, "");
    const spread = part.endsWith("[]");
    for (const c of current) {
      const v = key === "" ? c : (c as Record<string, unknown> | null)?.[key];
      if (v === undefined) continue;
      if (spread && Array.isArray(v)) next.push(...v);
      else next.push(v);
    }
    current = next;
  }
  return current;
}

/** Whether `path` is `entry` or lies under it. */
function covered(path: string, entries: readonly string[]): boolean {
  return entries.some((e) => path === e || path.startsWith(`${e}.`) || path.startsWith(`${e}[]`));
}

const samples = referencePath("samples");
const haveSamples = hasReference("samples");

const core = createSimulatorCore({ seed: 1, size: "tiny" });
const w = core.world;
const imageNote = w.note(GUIDE.imageNoteId);
const videoNote = w.note(GUIDE.replyNoteId);
if (!imageNote || !videoNote) throw new Error("guide notes missing from the world");
// A comment with replies (so previews and sub-comment pages are not empty).
const rootComment = w.comments(GUIDE.replyNoteId)[0];
if (!rootComment) throw new Error("no comments");

function ask(endpoint: string, query: Record<string, string>): unknown {
  const r = core.handle({ path: `/api/v1/xiaohongshu/${endpoint}`, query });
  if (r.status !== 200) throw new Error(`${endpoint} answered ${r.status}: ${JSON.stringify(r.body).slice(0, 300)}`);
  return typeof r.body === "string" ? JSON.parse(r.body) : r.body;
}

function merged(values: unknown[]): PathTypes {
  const out: PathTypes = new Map();
  for (const [p, t] of keyPaths(values)) {
    const key = p === "" ? "" : p === "[]" ? "" : p.startsWith("[].") ? p.slice(3) : p.slice(2);
    if (p === "") continue;
    const set = out.get(key) ?? new Set<string>();
    for (const x of t) set.add(x);
    out.set(key, set);
  }
  return out;
}

interface ShapeCase {
  id: string;
  endpoint: string;
  query: Record<string, string>;
  sample: string;
  /** Sub-tree compared, in the sample and in our answer ("" = whole). */
  sampleRoot?: string;
  ourRoot?: string;
  mode: "exact" | "subset" | "closest";
}

const v2 = (tail: string) => `app_v2/${tail}`;
const CASES: ShapeCase[] = [
  // ---- App V2 against samples/tikhub/app_v2 (whole envelope)
  {
    id: "app_v2/get_image_note_detail",
    endpoint: v2("get_image_note_detail"),
    query: { note_id: imageNote.id },
    sample: "tikhub/app_v2/get_image_note_detail-2.json",
    mode: "exact",
  },
  {
    id: "app_v2/get_video_note_detail",
    endpoint: v2("get_video_note_detail"),
    query: { note_id: videoNote.id },
    sample: "tikhub/app_v2/get_video_note_detail-2.json",
    mode: "exact",
  },
  {
    id: "app_v2/get_note_comments",
    endpoint: v2("get_note_comments"),
    query: { note_id: videoNote.id, cursor: "", index: "0", pageArea: "UNFOLDED", sort_strategy: "latest_v2" },
    sample: "tikhub/app_v2/get_note_comments-1.json",
    mode: "exact",
  },
  {
    id: "app_v2/get_note_sub_comments",
    endpoint: v2("get_note_sub_comments"),
    query: { note_id: videoNote.id, comment_id: rootComment.id, cursor: "", index: "1" },
    sample: "tikhub/app_v2/get_note_sub_comments-1.json",
    mode: "exact",
  },
  {
    id: "app_v2/search_notes (image)",
    endpoint: v2("search_notes"),
    query: {
      keyword: "美食推荐",
      page: "1",
      note_type: "普通笔记",
      sort_type: "comment_descending",
      source: "explore_feed",
      time_filter: "不限",
    },
    sample: "tikhub/app_v2/search_notes-2.json",
    mode: "exact",
  },
  {
    id: "app_v2/search_notes (video)",
    endpoint: v2("search_notes"),
    query: {
      keyword: "美食推荐",
      page: "1",
      note_type: "视频笔记",
      sort_type: "general",
      source: "explore_feed",
      time_filter: "不限",
    },
    sample: "tikhub/app_v2/search_notes-3.json",
    mode: "exact",
  },
  // Heavily trimmed sample: every path it has must be ours.
  {
    id: "app_v2/get_user_posted_notes",
    endpoint: v2("get_user_posted_notes"),
    query: { user_id: GUIDE.userId, cursor: "" },
    sample: "tikhub/app_v2/get_user_posted_notes-1.json",
    mode: "subset",
  },
  // No App V2 sample: the closest ones.
  {
    id: "app_v2/get_user_faved_notes (closest: app_v2 posted notes)",
    endpoint: v2("get_user_faved_notes"),
    query: { user_id: GUIDE.favUserId },
    sample: "tikhub/app_v2/get_user_posted_notes-1.json",
    mode: "subset",
  },
  {
    id: "app_v2/get_user_info (closest: xhs app profile)",
    endpoint: v2("get_user_info"),
    query: { user_id: GUIDE.userId },
    sample: "xhs/app/user-profile.json",
    sampleRoot: "data",
    ourRoot: "data.data",
    mode: "closest",
  },
  {
    id: "app_v2/search_users (closest: xhs app user search)",
    endpoint: v2("search_users"),
    query: { keyword: "美食博主" },
    sample: "xhs/app/search-users.json",
    sampleRoot: "data.users[]",
    ourRoot: "data.data.users[]",
    mode: "closest",
  },
  {
    id: "app_v2/get_topic_feed (closest: xhs app collected notes)",
    endpoint: v2("get_topic_feed"),
    query: { page_id: GUIDE.topicPageId },
    sample: "xhs/app/user-collected.json",
    sampleRoot: "data.notes[]",
    ourRoot: "data.data.items[]",
    mode: "closest",
  },
  // ---- App V1 against samples/xhs/app (XHS app payload = the envelope's `data`)
  {
    id: "app/get_note_info",
    endpoint: "app/get_note_info",
    query: { note_id: imageNote.id },
    sample: "xhs/app/note-detail.json",
    ourRoot: "data",
    mode: "exact",
  },
  {
    id: "app/get_user_info",
    endpoint: "app/get_user_info",
    query: { user_id: GUIDE.userId },
    sample: "xhs/app/user-profile.json",
    ourRoot: "data",
    mode: "exact",
  },
  {
    id: "app/get_user_notes",
    endpoint: "app/get_user_notes",
    query: { user_id: GUIDE.userId },
    sample: "xhs/app/user-posted.json",
    ourRoot: "data",
    mode: "exact",
  },
  {
    id: "app/get_note_comments",
    endpoint: "app/get_note_comments",
    query: { note_id: videoNote.id },
    sample: "xhs/app/comment-page.json",
    ourRoot: "data",
    mode: "exact",
  },
  {
    id: "app/get_sub_comments",
    endpoint: "app/get_sub_comments",
    query: { note_id: videoNote.id, comment_id: rootComment.id },
    sample: "xhs/app/sub-comment-page.json",
    ourRoot: "data",
    mode: "exact",
  },
  {
    id: "app/search_notes",
    endpoint: "app/search_notes",
    query: { keyword: "美食推荐", page: "1", filter_note_type: "普通笔记" },
    sample: "xhs/app/search-notes.json",
    ourRoot: "data",
    mode: "exact",
  },
  {
    id: "app/get_topic_notes (closest: xhs app collected notes)",
    endpoint: "app/get_topic_notes",
    query: { page_id: GUIDE.topicPageId, first_load_time: "1788220800000" },
    sample: "xhs/app/user-collected.json",
    sampleRoot: "data.notes[]",
    ourRoot: "data.data.notes[].note",
    mode: "closest",
  },
  // ---- Web V3 against samples/xhs/web (XHS web payload = the envelope's `data`)
  {
    id: "web_v3/fetch_note_detail",
    endpoint: "web_v3/fetch_note_detail",
    query: { note_id: videoNote.id, xsec_token: videoNote.xsecToken },
    sample: "xhs/web/note-detail-video.json",
    ourRoot: "data",
    mode: "exact",
  },
  {
    id: "web_v3/fetch_user_info",
    endpoint: "web_v3/fetch_user_info",
    query: { user_id: GUIDE.userId },
    sample: "xhs/web/user-profile.json",
    ourRoot: "data",
    mode: "exact",
  },
  {
    id: "web_v3/fetch_user_notes",
    endpoint: "web_v3/fetch_user_notes",
    query: { user_id: GUIDE.userId, num: "30" },
    sample: "xhs/web/user-posted.json",
    ourRoot: "data",
    mode: "exact",
  },
  {
    id: "web_v3/fetch_note_comments",
    endpoint: "web_v3/fetch_note_comments",
    query: { note_id: videoNote.id, xsec_token: videoNote.xsecToken },
    sample: "xhs/web/comment-page.json",
    ourRoot: "data",
    mode: "exact",
  },
  {
    id: "web_v3/fetch_sub_comments",
    endpoint: "web_v3/fetch_sub_comments",
    query: { note_id: videoNote.id, root_comment_id: rootComment.id, xsec_token: videoNote.xsecToken },
    sample: "xhs/web/sub-comment-page.json",
    ourRoot: "data",
    mode: "exact",
  },
  {
    id: "web_v3/fetch_search_notes",
    endpoint: "web_v3/fetch_search_notes",
    query: { keyword: "口红" },
    sample: "xhs/web/search-notes.json",
    ourRoot: "data",
    mode: "exact",
  },
  {
    id: "web_v3/fetch_search_users",
    endpoint: "web_v3/fetch_search_users",
    query: { keyword: "口红" },
    sample: "xhs/web/search-users.json",
    ourRoot: "data",
    mode: "exact",
  },
];

interface ShapeDiff {
  missing: string[];
  extra: string[];
  typeMismatch: string[];
  shared: number;
  samplePaths: number;
}

function compare(c: ShapeCase): ShapeDiff {
  const sample = JSON.parse(readFileSync(path.join(samples, c.sample), "utf8"));
  const ours = ask(c.endpoint, c.query);
  const theirs = merged(at(sample, c.sampleRoot ?? ""));
  const mine = merged(at(ours, c.ourRoot ?? ""));
  const allow = SHAPE_ALLOWLIST[c.id] ?? {};
  const allowMissing = (allow.missing ?? []).map((e) => e.path);
  const allowExtra = (allow.extra ?? []).map((e) => e.path);
  const allowType = (allow.type ?? []).map((e) => e.path);
  const diff: ShapeDiff = { missing: [], extra: [], typeMismatch: [], shared: 0, samplePaths: theirs.size };
  for (const [p, types] of theirs) {
    const m = mine.get(p);
    if (!m) {
      if (!covered(p, allowMissing)) diff.missing.push(p);
      continue;
    }
    diff.shared++;
    // Our types must be among the sample's (a null in the sample admits any type: XHS leaves fields null).
    const bad = [...m].filter((t) => !types.has(t) && !types.has("null"));
    if (bad.length > 0 && !covered(p, allowType))
      diff.typeMismatch.push(`${p}: ours ${bad.join("|")} vs ${[...types].join("|")}`);
  }
  for (const p of mine.keys()) {
    if (!theirs.has(p) && !covered(p, allowExtra)) diff.extra.push(p);
  }
  return diff;
}

describe.skipIf(!haveSamples)("answer shapes match the reference samples", () => {
  for (const c of CASES) {
    it(`${c.id} [${c.mode}] vs ${c.sample}`, () => {
      const d = compare(c);
      if (process.env.SHAPES_REPORT) console.log(c.id, JSON.stringify(d, null, 1));
      expect(d.typeMismatch).toEqual([]);
      if (c.mode === "closest") {
        // No sample for this endpoint: shared paths agree, and at least 40% of the closest sample's paths exist.
        expect(d.shared / Math.max(1, d.samplePaths)).toBeGreaterThanOrEqual(0.4);
        return;
      }
      expect(d.missing).toEqual([]);
      if (c.mode === "exact") expect(d.extra).toEqual([]);
    });
  }
});

describe("shapes without any sample follow the documented fields", () => {
  it("app_v2/get_topic_info carries page_info, tabs and share_info (the documented field names)", () => {
    const body = ask(v2("get_topic_info"), { page_id: GUIDE.topicPageId }) as {
      data: { data: Record<string, unknown> };
    };
    expect(Object.keys(body.data.data).sort()).toEqual(["page_info", "share_info", "tabs"]);
  });
  it("app/get_user_id_and_xsec_token answers {user_id, xsec_token} as the guide's example", () => {
    const user = w.user(GUIDE.userId);
    if (!user) throw new Error("guide user missing");
    const body = ask("app/get_user_id_and_xsec_token", { share_link: w.shortLink("user", user.shortCode) }) as {
      data: unknown;
    };
    expect(body.data).toEqual({ user_id: GUIDE.userId, xsec_token: user.xsecToken });
  });
  it("app/extract_share_info answers {note_id, xsec_token}", () => {
    const body = ask("app/extract_share_info", { share_link: `快来看 ${w.noteUrl(imageNote)} 复制本条信息` }) as {
      data: unknown;
    };
    expect(body.data).toEqual({ note_id: imageNote.id, xsec_token: imageNote.xsecToken });
  });
});
