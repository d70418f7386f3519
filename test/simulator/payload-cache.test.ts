/**
 * The payload cache (src/simulator/render/payload-cache.ts) must not change a single byte of any answer:
 * a cached answer equals a freshly rendered one at the same clock, apart from the per-request random
 * request_id (and the cache_url signed with it). Its bounds hold.
 */
import { describe, expect, it } from "vitest";
import { ENDPOINTS } from "../../src/catalog/endpoints.js";
import { createSimulatorCore, type SimResult } from "../../src/simulator/core.js";
import { PayloadCache } from "../../src/simulator/render/payload-cache.js";
import { compileTemplate } from "../../src/simulator/render/per-request.js";
import { GUIDE } from "../../src/simulator/world/index.js";
import { hex8, hexN } from "../../src/simulator/world/random.js";

let clock = 0;
const now = () => clock;
const cached = createSimulatorCore({ seed: 3, size: "tiny", now });
const uncached = createSimulatorCore({ seed: 3, size: "tiny", now, cache: false });
const w = cached.world;

/** Requests over every endpoint: good ids, unknown ids, wrong/empty/missing tokens, pages, cursors, bad input. */
function requests(): { endpoint: string; query: Record<string, string> }[] {
  const notes = w.notes();
  const picked = [
    ...notes.filter((n) => n.type === "normal").slice(0, 3),
    ...notes.filter((n) => n.type === "video").slice(0, 3),
    ...notes.filter((n) => n.deleted).slice(0, 1),
  ];
  const users = [...w.users().slice(0, 3)];
  const out: { endpoint: string; query: Record<string, string> }[] = [];
  for (const spec of ENDPOINTS) {
    const names = new Set(spec.params.map((p) => p.name));
    const add = (query: Record<string, string>) => out.push({ endpoint: spec.name, query });
    const token = (id: string): Record<string, string> =>
      names.has("xsec_token") ? { xsec_token: w.note(id)?.xsecToken ?? "" } : {};
    if (names.has("note_id")) {
      for (const n of picked) {
        const first = w.comments(n.id)[0];
        const reply = first ? w.replies(n.id, first.id)[0] : undefined;
        if (names.has("comment_id") || names.has("root_comment_id")) {
          const key = names.has("comment_id") ? "comment_id" : "root_comment_id";
          if (first) add({ note_id: n.id, [key]: first.id, ...token(n.id) });
          if (first && reply)
            add({ note_id: n.id, [key]: first.id, cursor: reply.id, start: reply.id, ...token(n.id) });
          continue;
        }
        add({ note_id: n.id, ...token(n.id) });
        if (first) add({ note_id: n.id, cursor: first.id, start: first.id, ...token(n.id) });
        if (names.has("xsec_token")) {
          add({ note_id: n.id, xsec_token: "wrong" });
          add({ note_id: n.id, xsec_token: "" });
        }
      }
      add({ note_id: "000000000000000000000000", ...token("") });
    }
    if (names.has("user_id")) for (const u of users) add({ user_id: u.id, user_id_extra: "echoed" });
    if (names.has("keyword")) {
      for (const keyword of GUIDE.keywords) for (const page of ["1", "2"]) add({ keyword, page });
      add({ keyword: "口红", note_type: "视频笔记", page: "1" });
      add({ keyword: "口红", page: "two" });
    }
    if (names.has("page_id")) {
      add({ page_id: GUIDE.topicPageId, first_load_time: "1770000000000" });
      add({ page_id: GUIDE.topicPageId });
    }
    if (names.has("share_link")) add({ share_link: w.noteUrl(picked[0]!) });
    add({});
  }
  return out;
}

/** The only bytes that may differ between two answers to the same request at the same clock. */
function withoutRandomIds(body: unknown): string {
  const text = typeof body === "string" ? body : JSON.stringify(body);
  return text
    .replace(/"request_id":"[0-9a-f-]{36}"/, '"request_id":"-"')
    .replace(/public\/[0-9a-f-]{36}\?sign=[0-9a-f]+"/, 'public/-?sign=-"');
}

function call(core: typeof cached, endpoint: string, query: Record<string, string>, at: number): SimResult {
  clock = at;
  return core.handle({ path: `/api/v1/xiaohongshu/${endpoint}`, query });
}

describe("answer cache", () => {
  const all = requests();

  it("cached answers are byte-for-byte the uncached ones, at a later clock than when they were cached", () => {
    let hits = 0;
    for (const { endpoint, query } of all) {
      const first = call(cached, endpoint, query, 1_770_000_000_123);
      const again = call(cached, endpoint, query, 1_770_000_654_321); // a cache hit for 200s
      const fresh = call(uncached, endpoint, query, 1_770_000_654_321);
      const label = `${endpoint} ${JSON.stringify(query)}`;
      expect(again.status, label).toBe(fresh.status);
      expect(withoutRandomIds(again.body), label).toBe(withoutRandomIds(fresh.body));
      if (fresh.status === 200) {
        hits++;
        // The time-dependent fields moved with the clock (the first answer was cached at another time).
        expect(withoutRandomIds(first.body), label).not.toBe(withoutRandomIds(again.body));
        for (const r of [first, again, fresh]) {
          expect(r.bytes?.equals(Buffer.from(r.body as string, "utf8")), label).toBe(true);
          expect(JSON.parse(r.body as string).request_id, label).toBe(r.requestId);
          expect(r.body as string, label).not.toContain("__xhs_sim_");
        }
      }
    }
    expect(hits).toBeGreaterThan(100);
    expect(all.length - hits).toBeGreaterThan(20); // 400/422 answers were compared too
    expect(cached.cache.size).toBeGreaterThan(50);
    expect(uncached.cache.size).toBe(0);
  });

  it("keeps 18-digit video ids as raw numbers on a repeated search (cache hit)", () => {
    const query = { keyword: "美食推荐", note_type: "视频笔记" };
    for (const at of [1_770_000_000_000, 1_770_000_001_000]) {
      const text = call(cached, "app_v2/search_notes", query, at).body as string;
      expect(text).toMatch(/"video_id":\d{18}[,}]/);
      expect(text).not.toContain("__xhs_sim_");
    }
  });

  it("is bounded in entries and in bytes, evicting the least recently used", () => {
    const template = (text: string) => compileTemplate(JSON.stringify({ text }));
    const byCount = new PayloadCache({ maxEntries: 3 });
    for (const key of ["a", "b", "c"]) byCount.set(key, template(key));
    byCount.get("a"); // a is now the most recently used
    byCount.set("d", template("d"));
    expect(byCount.size).toBe(3);
    expect(byCount.get("b")).toBeUndefined();
    expect(byCount.get("a")).toBeDefined();

    const one = template("x".repeat(1000));
    const bySize = new PayloadCache({ maxBytes: one.size * 2 });
    for (const key of ["p", "q", "r", "s"]) bySize.set(key, template("x".repeat(1000)));
    expect(bySize.size).toBe(2);
    expect(bySize.bytes).toBeLessThanOrEqual(one.size * 2);
    bySize.set("huge", template("y".repeat(5000))); // larger than the whole bound: not kept
    expect(bySize.get("huge")).toBeUndefined();
    expect(new PayloadCache({ maxEntries: 0 }).enabled).toBe(false);
  });

  it("hexN (the cache_url signature) gives the digits of hex8 per block, cut to length", () => {
    for (const parts of [[], ["0b6e0c3a-5f4e-4d7b-9d6c-2f1a3b4c5d6e"], ["note", 42], ["美食", "x", 3]] as const) {
      for (const n of [1, 8, 9, 64]) {
        const blocks = Array.from({ length: Math.ceil(n / 8) }, (_, i) => hex8(...parts, i)).join("");
        expect(hexN(n, ...parts)).toBe(blocks.slice(0, n));
      }
    }
  });
});
