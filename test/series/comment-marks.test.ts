/**
 * Pinned and note-author comments: App V2 marks them only in `show_tags_v2` (type "user_top" / "is_author",
 * docs/reference-notes.md#comment-sort-and-paging), web payloads mark the author in `show_tags` (["is_author"]), older
 * app payloads put both markers in `show_tags`. A comment whose answer carries no tag list that could say has null,
 * never false.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { type Comment, CommentSchema } from "../../src/model/types.js";
import { normalize } from "../../src/series/normalize.js";
import { hasReference, referencePath } from "../support/reference.js";

const NOTE = "68f4e9bf000000000700b8f7";
const ROOT = "68f599c1000000001b0249a5";
const AUTHOR = "5b24961811be105dfe1079d4";

function appV2Page(comments: unknown[]): unknown {
  return {
    code: 200,
    router: "/api/v1/xiaohongshu/app_v2/get_note_comments",
    params: { note_id: NOTE },
    data: { code: 0, success: true, data: { comments, cursor: "", has_more: false, user_id: AUTHOR } },
  };
}

function wrapped(series: "app" | "web_v3", name: string, params: Record<string, string>, data: unknown): unknown {
  return { code: 200, router: `/api/v1/xiaohongshu/${series}/${name}`, params, data: { data } };
}

function raw(id: string, extra: Record<string, unknown>): Record<string, unknown> {
  return {
    id,
    note_id: NOTE,
    content: "好看",
    like_count: 3,
    time: 1_760_000_000,
    user: { userid: AUTHOR, nickname: "作者" },
    ...extra,
  };
}

const ids = (n: number) => Array.from({ length: n }, (_, i) => `68f599c1000000001b0249${(0xb0 + i).toString(16)}`);

function comments(endpoint: string, answer: unknown): Comment[] {
  return normalize(endpoint, answer).items.map((item) => CommentSchema.parse(item));
}

const marks = (list: Comment[]) => list.map((c) => [c.pinned, c.byNoteAuthor]);

describe("comment marks from the tag lists", () => {
  it("App V2: show_tags_v2 user_top → pinned, is_author → byNoteAuthor; a v2 list without them → false", () => {
    const [a, b, c, d, e] = ids(5);
    const list = comments(
      "app_v2/get_note_comments",
      appV2Page([
        raw(a!, {
          show_tags: [],
          show_tags_v2: [
            { type: "user_top", text: "置顶" },
            { type: "is_author", text: "作者" },
          ],
        }),
        raw(b!, { show_tags: [], show_tags_v2: [{ type: "user_top", text: "Pinned" }] }),
        raw(c!, { show_tags: [], show_tags_v2: [{ type: "is_author", text: "作者" }] }),
        raw(d!, { show_tags: [], show_tags_v2: [{ type: "author_liked", text: "作者赞过" }] }),
        raw(e!, { show_tags: [], show_tags_v2: [] }),
      ]),
    );
    expect(marks(list)).toEqual([
      [true, true],
      [true, false],
      [false, true],
      [false, false],
      [false, false],
    ]);
  });

  it("an answer with no tag list says nothing: null, never false", () => {
    const [a] = ids(1);
    expect(marks(comments("app_v2/get_note_comments", appV2Page([raw(a!, {})])))).toEqual([[null, null]]);
  });

  it("web show_tags marks the note's author; the web's pinned marker is unknown, so pinned stays null", () => {
    const [a, b] = ids(2);
    const web = (id: string, tags: string[]) => ({
      id,
      note_id: NOTE,
      content: "好看",
      create_time: 1_760_000_000_000,
      like_count: "3",
      show_tags: tags,
      user_info: { user_id: AUTHOR, nickname: "作者" },
    });
    const list = comments(
      "web_v3/fetch_note_comments",
      wrapped(
        "web_v3",
        "fetch_note_comments",
        { note_id: NOTE, xsec_token: "AB" },
        {
          comments: [web(a!, ["is_author"]), web(b!, [])],
          cursor: "",
          has_more: false,
        },
      ),
    );
    expect(marks(list)).toEqual([
      [null, true],
      [null, false],
    ]);
  });

  it("an older app payload with user_top in show_tags is pinned (App V1 carries app payloads)", () => {
    const [a] = ids(1);
    const list = comments(
      "app/get_note_comments",
      wrapped(
        "app",
        "get_note_comments",
        { note_id: NOTE },
        {
          comments: [raw(a!, { show_tags: ["user_top"] })],
          has_more: false,
        },
      ),
    );
    expect(marks(list)).toEqual([[true, false]]);
  });

  it("replies carry the author mark too (App V2 sub-comments)", () => {
    const [a, b] = ids(2);
    const answer = {
      code: 200,
      router: "/api/v1/xiaohongshu/app_v2/get_note_sub_comments",
      params: { note_id: NOTE, comment_id: ROOT },
      data: {
        code: 0,
        success: true,
        data: {
          comments: [
            raw(a!, { show_tags_v2: [{ type: "is_author" }], target_comment: { id: ROOT } }),
            raw(b!, { show_tags_v2: [], target_comment: { id: ROOT } }),
          ],
          cursor: "",
          has_more: false,
        },
      },
    };
    expect(marks(comments("app_v2/get_note_sub_comments", answer))).toEqual([
      [false, true],
      [false, false],
    ]);
  });
});

const SAMPLES = referencePath("samples/tikhub/app_v2");

describe.skipIf(!hasReference("samples/tikhub/app_v2"))("comment marks in the real App V2 samples", () => {
  const sample = (file: string) => JSON.parse(readFileSync(path.join(SAMPLES, file), "utf8")) as unknown;

  it("get_note_comments-1: the first comment is pinned and by the note's author; the others are neither", () => {
    const list = comments("app_v2/get_note_comments", sample("get_note_comments-1.json"));
    expect(list.map((c) => [c.id, c.pinned, c.byNoteAuthor])).toEqual([
      ["id-0027", true, true],
      ["id-0033", false, false],
      ["id-0034", false, false],
    ]);
  });

  it("get_note_sub_comments-1: the author's reply is marked, no reply is pinned", () => {
    const list = comments("app_v2/get_note_sub_comments", sample("get_note_sub_comments-1.json"));
    expect(list.map((c) => [c.id, c.pinned, c.byNoteAuthor])).toEqual([
      ["id-0029", false, false],
      ["id-0038", false, true],
      ["id-0040", false, false],
    ]);
  });
});
